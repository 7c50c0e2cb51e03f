import json
import os
from pathlib import Path

import pytest
import torch

from maxent_tutorial.results import (
    REQUIRED_KEYS,
    RESULTS_DIR,
    command_line,
    load_result,
    make_record,
    result_path,
    save_result,
)

STORED = sorted(path.stem for path in RESULTS_DIR.glob("*.json"))
# What the chapters read from the stored results today (chapter 10, chapter 11, the
# appendix): the one schema added keys beside these and must keep them.
READ_BY_CHAPTERS = {
    "a2c": ("command", "date", "machine", "versions", "runs"),
    "temperature": ("made_by", "target_entropy", "horizon", "rows", "seconds", "torch"),
    "loop_per_step": (
        "loop_seconds_per_iteration",
        "package_seconds_per_iteration",
        "ratio",
        "loop_minutes_for_post_budget",
        "post_iterations",
        "torch",
        "threads",
    ),
}


def test_the_results_the_chapters_read_are_stored():
    assert set(READ_BY_CHAPTERS) <= set(STORED)


@pytest.mark.parametrize("name", STORED)
def test_every_stored_result_has_the_schema_keys(name):
    record = load_result(name)
    missing = [key for key in REQUIRED_KEYS if key not in record]
    assert not missing, f"{name}.json lacks {missing}"
    assert isinstance(record["seeds"], list), name
    assert isinstance(record["medians"], dict), name


@pytest.mark.parametrize("name", sorted(READ_BY_CHAPTERS))
def test_stored_results_keep_the_keys_the_chapters_read(name):
    record = load_result(name)
    assert set(READ_BY_CHAPTERS[name]) <= set(record)


def test_the_chapters_rows_of_a2c_and_temperature_have_their_fields():
    for run in load_result("a2c")["runs"]:
        assert {"seed", "timesteps", "final_gap", "seconds"} <= set(run)
    for row in load_result("temperature")["rows"]:
        assert {"scale", "alpha_star", "gaps", "alphas"} <= set(row)


def test_make_record_fills_the_schema_and_keeps_extra_keys():
    record = make_record([0, 1], [{"seed": 0}, {"seed": 1}], {"gap": 0.5}, note="x")
    assert set(REQUIRED_KEYS) <= set(record)
    assert record["seeds"] == [0, 1] and record["medians"] == {"gap": 0.5}
    assert record["note"] == "x"
    assert "torch" in record["versions"] and "cpus" in record["machine"]
    kernels = record["machine"]["vector_instructions"]
    assert kernels["torch"] == torch.backends.cpu.get_cpu_capability()  # "AVX2"...
    # NumPy's float64 exp runs on what the test run leaves on (conftest.py)
    assert kernels["numpy"] in ("X86_V3", "baseline(X86_V2)", "X86_V2")
    features_off = os.environ["NPY_DISABLE_CPU_FEATURES"]
    assert record["machine"]["numpy_features_off"] == features_off
    assert record["machine"]["model"]
    json.dumps(record)  # storable as it is


def test_save_then_load_round_trips(tmp_path, monkeypatch):
    monkeypatch.setattr("maxent_tutorial.results.RESULTS_DIR", tmp_path)
    record = make_record([0, 1], [{"seed": 0, "gap": 0.4}, {"seed": 1, "gap": 0.6}], {})
    path = save_result("demo", record)
    assert path == tmp_path / "demo.json"
    assert load_result("demo") == record


@pytest.mark.parametrize("key", REQUIRED_KEYS)
def test_save_result_rejects_a_record_without_a_schema_key(tmp_path, monkeypatch, key):
    monkeypatch.setattr("maxent_tutorial.results.RESULTS_DIR", tmp_path)
    record = make_record([0], [{"seed": 0}], {})
    del record[key]
    with pytest.raises(ValueError, match=key):
        save_result("demo", record)
    assert not (tmp_path / "demo.json").exists()


def test_bad_names_are_rejected_with_the_stored_names():
    with pytest.raises(ValueError, match="plain file name"):
        result_path("../pyproject")
    with pytest.raises(FileNotFoundError, match="stored:"):
        load_result("no_such_result")


def test_the_stored_results_are_package_data():
    # tests/test_run_anywhere.py installs the package (not editable) and loads one.
    pyproject = (RESULTS_DIR.parents[1] / "pyproject.toml").read_text()
    assert '"results/*.json"' in pyproject.split("[tool.setuptools.package-data]")[1]


def test_stored_rows_gathers_the_rows_and_commands_of_stored_results():
    from maxent_tutorial.results import load_result, stored_rows

    rows, commands = stored_rows(["cartpole_s012", "cartpole_s34"])
    assert sorted({row["seed"] for row in rows}) == [0, 1, 2, 3, 4]
    assert rows == load_result("cartpole")["rows"]
    assert len(commands) == 2


def test_the_command_runs_from_the_root_whatever_folder_it_ran_in(monkeypatch):
    benchmarks = RESULTS_DIR.parents[1] / "benchmarks"
    monkeypatch.chdir(benchmarks)
    argv = ["bench_cartpole_sac.py", "--plan", "1/16, H 0.1=0,1", "--seeds"]
    assert command_line(argv) == (
        "python benchmarks/bench_cartpole_sac.py --plan '1/16, H 0.1=0,1' --seeds"
    )
    outside = Path("/elsewhere/run.py")
    assert command_line([str(outside), "-x"]) == f"python {outside} -x"
    monkeypatch.chdir(benchmarks.parent.parent)  # a script outside, given relative
    relative = str(Path(benchmarks.parent.name) / "benchmarks" / "bench_a2c.py")
    assert command_line([relative]) == "python benchmarks/bench_a2c.py"
