"""Checks that keep a chapter's prose true, and speak to a reader who changed a knob.

Every chapter gathers its settings in one cell tagged ``parameters`` and its prose
describes the run with the default values. A claim of the prose ("the gap is below
1 %") is checked in a hidden cell right after the evidence:

    text = TextChecks(described={"SEED": 0, "ALPHA": 1.0}, chosen={"SEED": SEED, ...})
    text.claim(gap < 0.01, "the tabular policy ends within 1 % of the soft optimum")

With the described settings (the test run), a claim that does not hold raises
``AssertionError``: the book may not say something its own run contradicts. With other
settings (a reader experimenting), the check prints one note saying which run the text
describes and which claim this run does not bear out, and the chapter goes on.
"""

from __future__ import annotations

import textwrap


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

    @property
    def default_run(self) -> bool:
        """True when this run uses the settings the prose describes."""
        return not self.changed

    def _settings(self, values: dict) -> str:
        return ", ".join(f"{name} = {value!r}" for name, value in values.items())

    def claim(self, holds, says: str) -> bool:
        """Check one sentence of the prose: ``holds`` is whether this run bears out
        ``says``. Returns ``holds``; raises ``AssertionError`` naming the sentence if
        it fails on the described run, prints a note if it fails on another one."""
        holds = bool(holds)
        if holds:
            return True
        if self.default_run:
            raise AssertionError(
                f"the text says {says}, but the run it describes "
                f"({self._settings(self.described)}) does not show it"
            )
        note = (
            f"Note: the text describes the default run "
            f"({self._settings(self.described)}); yours differs "
            f"({self._settings(self.changed)}), and for it this does not hold: {says}."
        )
        print(textwrap.fill(note, 79))  # within the page column
        return False
