"""The checks that keep a chapter's prose true: strict on the run the text describes,
a note for a learner who changed a setting."""

import pytest
from helpers import assert_tool_check_passes

from maxent_tutorial.book.checks import TextChecks


def test_a_false_claim_fails_on_the_described_run():
    text = TextChecks(described={"SEED": 0}, chosen={"SEED": 0})
    assert text.default_run and text.claim(True, "anything")
    with pytest.raises(AssertionError, match="the text says the gap is small"):
        text.claim(False, "the gap is small")
    assert text.changed == {}


def test_a_false_claim_fails_on_the_described_run_whatever_came_before():
    text = TextChecks(described={"SEED": 0}, chosen={"SEED": 0})
    for says in ("the gap is small", "the curve rises"):
        with pytest.raises(AssertionError, match=f"the text says {says}"):
            text.claim(False, says)


def test_another_run_names_its_changes_once_then_one_line_per_claim(capsys):
    text = TextChecks(
        described={"SEED": 0, "ALPHA": 1.0, "LR": 0.1},
        chosen={"SEED": 3, "ALPHA": 1.0, "LR": 0.5},
    )
    assert not text.default_run and text.changed == {"SEED": 3, "LR": 0.5}
    assert text.claim(True, "the curve rises") is True
    assert capsys.readouterr().out == ""  # a claim that holds prints nothing
    assert text.claim(False, "the gap is small") is False
    first = capsys.readouterr().out
    assert text.claim(False, "the curve rises " + "and rises " * 12) is False
    second = capsys.readouterr().out
    header = " ".join(first.split("  - ")[0].split())
    # the changed settings only, each with its default
    assert header == (
        "Note: the text describes the default run; yours changes "
        "SEED = 3 (default 0), LR = 0.5 (default 0.1)."
    )
    assert first.count("Note:") == 1 and "Note:" not in second
    assert first.endswith("  - does not hold for your run: the gap is small\n")
    assert second.startswith("  - does not hold for your run: the curve rises")
    assert len(second.splitlines()) > 1  # a long claim wraps, indented
    assert all(line.startswith("    ") for line in second.splitlines()[1:])
    assert max(len(line) for line in (first + second).splitlines()) <= 79


def test_the_settings_must_be_named_alike():
    with pytest.raises(ValueError, match="same settings"):
        TextChecks(described={"SEED": 0}, chosen={"ALPHA": 1.0})


def test_the_run_is_read_from_the_chapters_names():
    namespace = {"SEED": 0, "SEEDS": [0, 1], "ALPHA": 2.0, "other": 1}
    text = TextChecks.for_run({"SEED": 0, "SEEDS": (0, 1), "ALPHA": 1.0}, namespace)
    assert text.chosen == {"SEED": 0, "SEEDS": (0, 1), "ALPHA": 2.0}
    assert text.changed == {"ALPHA": 2.0}
    with pytest.raises(ValueError, match=r"every described setting: \['LR'\]"):
        TextChecks.for_run({"SEED": 0, "LR": 0.1}, namespace)


def test_a_chapters_defaults_are_read_from_its_parameters_cell():
    # described.json holds chapter 4's parameters cell as committed: the defaults
    defaults = {"SEED": 0, "SEEDS": [0, 1, 2], "ALPHA": 1.0, "DISCOUNT": 0.99}
    namespace = {**defaults, "HORIZON": 300, "N_ENVS": 10, "ITERATIONS": 500}
    namespace.update(LR=0.1, GOAL_REWARD=1000.0, SLOW_LR=0.01)
    namespace.update(NO_BASELINE_SEEDS=(0, 1, 2, 3, 4))
    text = TextChecks.for_chapter("04_training", namespace)
    assert text.default_run and text.described["SEEDS"] == (0, 1, 2)
    changed = TextChecks.for_chapter("04_training", {**namespace, "ALPHA": 10.0})
    assert changed.changed == {"ALPHA": 10.0}
    with pytest.raises(ValueError, match="chapter must be one of"):
        TextChecks.for_chapter("04", namespace)


def test_the_recorded_defaults_are_the_notebooks_parameters_cells():
    # tools/sync_described.py has been run since a parameters cell last changed
    assert_tool_check_passes("sync_described")
