"""Numbers the prose quotes: bounds rounded outwards (maxent_tutorial.book.notebook),
so that "at most" and "at least" stay true, and e-notation written as prose writes it
(the book's build, book/_ext/html_fixes.py)."""

import sys
from pathlib import Path

import pytest

from maxent_tutorial.book import notebook
from maxent_tutorial.book.notebook import (
    glue_min_max,
    glue_range,
    round_down,
    round_up,
    round_up_significant,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from html_fixes import page_number  # noqa: E402  (book/_ext is not a package)


@pytest.mark.parametrize(
    "value, decimals, up, down",
    [
        (0.4213, 2, 0.43, 0.42),
        (0.42, 2, 0.42, 0.42),  # on the grid: unchanged either way
        (12.01, 0, 13, 12),  # 0 decimals: an int
        (-0.4213, 1, -0.4, -0.5),
    ],
)
def test_a_bound_is_rounded_outwards(value, decimals, up, down):
    assert round_up(value, decimals) == up and round_down(value, decimals) == down
    assert round_down(value, decimals) <= value <= round_up(value, decimals)
    assert isinstance(round_up(value, 0), int) and isinstance(round_down(value, 0), int)


@pytest.mark.parametrize(
    "value, figures, up",
    [
        (0.003412, 2, 0.0035),
        (2.4496e-3, 2, 2.5e-3),
        (2.4e-3, 2, 2.4e-3),  # already two figures: unchanged
        (1234.5, 1, 2000.0),
        (-0.0123, 2, -0.012),  # the smallest above a negative number
    ],
)
def test_a_bound_in_significant_figures_is_rounded_up(value, figures, up):
    assert round_up_significant(value, figures) == up
    assert round_up_significant(value, figures) >= value


def test_a_glued_range_holds_every_value():
    values = [0.002949, 0.00512, 0.0041]
    assert glue_range("low", "high", values, 2, scale=100) == (0.29, 0.52)
    assert glue_range("low", "high", values, 2, scale=100, outward=False) == (
        0.29,
        0.51,
    )
    assert glue_range("low", "high", [12.4, 17.6], 0) == (12, 18)
    with pytest.raises(ValueError, match="values must"):
        glue_range("low", "high", [], 1)


def test_a_range_glued_under_one_name_fills_in_min_and_max(monkeypatch):
    glued = []
    monkeypatch.setattr(
        notebook, "glue", lambda name, value: glued.append((name, value))
    )
    low_high = glue_min_max("gap_{}_pct", [0.002949, 0.0041], 1, scale=100)
    assert low_high == (0.2, 0.5)
    assert glued == [("gap_min_pct", 0.2), ("gap_max_pct", 0.5)]
    with pytest.raises(ValueError, match="name must"):
        glue_min_max("gap_pct", [1.0], 1)


def test_a_numpy_or_torch_scalar_is_glued_as_a_plain_number(monkeypatch):
    # the page would otherwise read "np.float64(13.0)"
    import numpy as np
    import torch

    shown = []

    class Shell:
        class display_formatter:
            @staticmethod
            def format(value):
                shown.append(repr(value))
                return {"text/plain": repr(value)}, {}

    monkeypatch.setattr(notebook, "get_ipython", lambda: Shell)
    monkeypatch.setattr(notebook, "display", lambda *args, **kwargs: None)
    notebook.glue("seconds", round(np.float64(13.04), 1))  # still np.float64
    notebook.glue("seconds", torch.tensor(13.0, dtype=torch.float64))
    assert shown == ["13.0", "13.0"]


@pytest.mark.parametrize(
    "value, quoted",
    [
        (repr(5.3e-07), "5.3\u00a0×\u00a010⁻⁷"),  # a float's repr, with an exponent
        ("3.7e-04", "3.7\u00a0×\u00a010⁻⁴"),  # as f"{x:.1e}" writes it
        ("6.31e+06", "6.31\u00a0×\u00a010⁶"),
        (repr(1e-73), "10⁻⁷³"),  # a mantissa of 1 is left out
        ("1e-12", "10⁻¹²"),
        (repr(-1e-05), "-10⁻⁵"),
        (repr(-2.5e-10), "-2.5\u00a0×\u00a010⁻¹⁰"),
        ("3.7e+00", "3.7"),  # an exponent of 0 is left out
        (repr(0.0035), "0.0035"),  # no exponent: unchanged
        ("1234.5", "1234.5"),
        ("7", "7"),
        ("seed 4", "seed 4"),
        ("2e-3 nats", "2e-3 nats"),  # not a number alone: unchanged
    ],
)
def test_a_number_in_e_notation_is_quoted_as_the_prose_writes_it(value, quoted):
    assert page_number(value) == quoted
