"""The checks that keep a chapter's prose true: strict on the run the text describes,
a note for a learner who changed a setting."""

import pytest

from maxent_tutorial.book.checks import TextChecks


def test_a_false_claim_fails_on_the_described_run():
    text = TextChecks(described={"SEED": 0}, chosen={"SEED": 0})
    assert text.default_run and text.claim(True, "anything")
    with pytest.raises(AssertionError, match="the text says the gap is small"):
        text.claim(False, "the gap is small")


def test_a_false_claim_prints_a_note_on_another_run(capsys):
    text = TextChecks(
        described={"SEED": 0, "ALPHA": 1.0}, chosen={"SEED": 3, "ALPHA": 1.0}
    )
    assert not text.default_run and text.changed == {"SEED": 3}
    assert text.claim(False, "the gap is small") is False
    note = capsys.readouterr().out
    assert "describes the default run" in note and "SEED = 3" in note
    assert "the gap is small" in " ".join(note.split())
    assert max(len(line) for line in note.splitlines()) <= 79


def test_the_settings_must_be_named_alike():
    with pytest.raises(ValueError, match="same settings"):
        TextChecks(described={"SEED": 0}, chosen={"ALPHA": 1.0})
