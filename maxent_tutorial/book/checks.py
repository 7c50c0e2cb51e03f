"""Checks that keep a chapter's prose true, and speak to a reader who changed a knob.

Every chapter gathers its settings in one cell tagged ``parameters`` and its prose
describes the run with the default values. A claim of the prose ("the gap is below
1 %") is checked in a hidden cell right after the evidence:

    text = TextChecks(described={"SEED": 0, "ALPHA": 1.0}, chosen={"SEED": SEED, ...})
    text.claim(gap < 0.01, "the tabular policy ends within 1 % of the soft optimum")

(``TextChecks.for_run(described, globals())`` reads ``chosen`` from the chapter, and
``TextChecks.for_chapter("04_training", globals())`` reads ``described`` too, from the
defaults of the chapter's ``parameters`` cell that ``tools/sync_described.py`` records
in ``described.json``: the cell is the one place a setting is written.)

With the described settings (the test run), a claim that does not hold raises
``AssertionError``: the book may not say something its own run contradicts. With other
settings (a reader experimenting), the first claim that fails prints once which
settings this run changes (with their defaults), and each failing claim prints one
short line saying what does not hold; the chapter goes on. For example::

    Note: the text describes the default run; yours changes DISCOUNT = 0.95
    (default 0.99).
      - does not hold for your run: the tabular policy ends within 1 % of the soft
        optimum
"""

from __future__ import annotations

import json
import textwrap
from importlib import resources

WIDTH = 79  # the page column: a note must not scroll sideways


class TextChecks:
    """The claims of one chapter's text, checked against the run the reader made.

    Args:
        described: the settings the prose describes, by name (the defaults of the
            chapter's ``parameters`` cell).
        chosen: the settings of this run, by the same names.
    """

    def __init__(self, described: dict, chosen: dict):
        if set(described) != set(chosen):
            raise ValueError(
                "described and chosen must name the same settings, got "
                f"{sorted(described)} and {sorted(chosen)}"
            )
        self.described, self.chosen = dict(described), dict(chosen)
        self.changed = {
            name: value
            for name, value in self.chosen.items()
            if value != self.described[name]
        }
        self._introduced = False  # whether a failing claim has named the changes

    @classmethod
    def for_run(cls, described: dict, namespace: dict) -> TextChecks:
        """The checks of a chapter whose ``parameters`` cell set the names of
        ``described`` in ``namespace`` (the chapter's ``globals()``): their values
        there are this run's settings, a list read as a tuple (as a learner may type
        one). ``TextChecks.for_run(DESCRIBED, globals())`` names each setting once."""
        missing = sorted(set(described) - set(namespace))
        if missing:
            raise ValueError(f"namespace must set every described setting: {missing}")
        values = {name: namespace[name] for name in described}
        chosen = {
            name: tuple(value) if isinstance(value, list) else value
            for name, value in values.items()
        }
        return cls(described, chosen)

    @classmethod
    def for_chapter(cls, chapter: str, namespace: dict) -> TextChecks:
        """The checks of ``chapter`` (a notebook's stem, such as ``"04_training"``):
        the described settings are the defaults its ``parameters`` cell holds as
        committed (recorded in ``described.json``), this run's are their values in
        ``namespace`` (the chapter's ``globals()``)."""
        defaults = json.loads(
            resources.files(__package__).joinpath("described.json").read_text()
        )
        if chapter not in defaults:
            raise ValueError(
                f"chapter must be one of {sorted(defaults)}, got {chapter!r}"
            )
        described = {
            name: tuple(value) if isinstance(value, list) else value
            for name, value in defaults[chapter].items()
        }
        return cls.for_run(described, namespace)

    @property
    def default_run(self) -> bool:
        """True when this run uses the settings the prose describes."""
        return not self.changed

    def _settings(self, values: dict) -> str:
        return ", ".join(f"{name} = {value!r}" for name, value in values.items())

    def _changes(self) -> str:
        """This run's changed settings, each with its default in parentheses."""
        return ", ".join(
            f"{name} = {value!r} (default {self.described[name]!r})"
            for name, value in self.changed.items()
        )

    def claim(self, holds, says: str) -> bool:
        """Check one sentence of the prose: ``holds`` is whether this run bears out
        ``says``, a phrase that reads on its own (it is printed alone). Returns
        ``holds``; raises ``AssertionError`` naming the sentence if it fails on the
        described run; on another run, prints the changed settings (the first time a
        claim fails) and one line naming the sentence."""
        holds = bool(holds)
        if holds:
            return True
        if self.default_run:
            raise AssertionError(
                f"the text says {says}, but the run it describes "
                f"({self._settings(self.described)}) does not show it"
            )
        if not self._introduced:
            self._introduced = True
            header = (
                "Note: the text describes the default run; yours changes "
                f"{self._changes()}."
            )
            print(textwrap.fill(header, WIDTH, break_on_hyphens=False))
        line = textwrap.fill(
            f"does not hold for your run: {says}",
            WIDTH,
            initial_indent="  - ",
            subsequent_indent="    ",
            break_on_hyphens=False,  # "on-policy" stays whole
        )
        print(line)
        return False
