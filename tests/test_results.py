import pytest

from maxent_tutorial.results import RESULTS_DIR, load_result, result_path, save_result


def test_every_stored_result_loads_and_says_how_it_was_made():
    names = sorted(path.stem for path in RESULTS_DIR.glob("*.json"))
    assert {"a2c", "temperature", "loop_per_step"} <= set(names)
    for name in names:
        record = load_result(name)
        assert isinstance(record, dict) and record, name


def test_save_then_load_round_trips(tmp_path, monkeypatch):
    monkeypatch.setattr("maxent_tutorial.results.RESULTS_DIR", tmp_path)
    path = save_result("demo", {"seeds": [0, 1], "gap": 0.5})
    assert path == tmp_path / "demo.json"
    assert load_result("demo") == {"seeds": [0, 1], "gap": 0.5}


def test_bad_names_are_rejected_with_the_stored_names():
    with pytest.raises(ValueError, match="plain file name"):
        result_path("../pyproject")
    with pytest.raises(FileNotFoundError, match="stored:"):
        load_result("no_such_result")


def test_the_stored_results_are_package_data():
    # tests/test_run_anywhere.py installs the package (not editable) and loads one.
    pyproject = (RESULTS_DIR.parents[1] / "pyproject.toml").read_text()
    assert 'maxent_tutorial = ["results/*.json"]' in pyproject
