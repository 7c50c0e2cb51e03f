"""The book's shared look: one colour map for rewards, one for visits, one arrow colour.

Only ``matplotlib.colors`` is imported here (no ``pyplot``), so the Gymnasium
environment can colour its rendering the book's way without starting a plotting backend.
"""

from __future__ import annotations

from matplotlib import colors

REWARD_CMAP = "RdYlGn"
VISIT_CMAP = "Blues"
ARROW_COLOR = "black"
PATH_COLOR = "tab:blue"


def reward_norm(grid) -> colors.Normalize:
    """Diverging, symmetric-log colour scale centred on 0, so -1, -100 and 1000 all read
    apart."""
    bound = max(float(grid.rewards.abs().max()), 1.0)
    return colors.SymLogNorm(linthresh=1.0, vmin=-bound, vmax=bound, base=10)
