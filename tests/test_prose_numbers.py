"""Numbers the prose quotes as bounds (maxent_tutorial.book.notebook): rounded
outwards, so that "at most" and "at least" stay true."""

import pytest

from maxent_tutorial.book.notebook import round_down, round_up


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
