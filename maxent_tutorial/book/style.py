"""The book's one visual language: colours, line styles, the reward map, figure sizes.

Every figure of the book takes its colours and reference lines from here, so a colour
means the same thing on every page. The palette is Okabe and Ito's, which readers with
the common colour-vision deficiencies tell apart; the reward map is a diverging
brown-to-teal map (no red against green), and pits are also marked by hatching, so a pit
never reads as the goal. Only ``matplotlib.colors`` is imported here (no ``pyplot``), so
the Gymnasium environment can colour its rendering the book's way without starting a
plotting backend.
"""

from __future__ import annotations

from matplotlib import colors

# Okabe & Ito (2008), "Color Universal Design".
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#7F7F7F"

# One colour per method, wherever it appears (the registry's names, and two peers).
METHOD_COLORS = {
    "pg": BLUE,
    "soft-q": GREEN,
    "sac": VERMILLION,
    "deep-pg": BLUE,
    "deep-sac": VERMILLION,
    "continuous-sac": VERMILLION,
    "ppo": PURPLE,
    "a2c": ORANGE,
}
# The readable name of each method in legends.
METHOD_NAMES = {
    "pg": "policy gradient",
    "soft-q": "soft Q-learning",
    "sac": "soft actor-critic",
    "deep-pg": "policy gradient",
    "deep-sac": "soft actor-critic",
    "continuous-sac": "soft actor-critic",
    "ppo": "PPO (SB3)",
    "a2c": "A2C (SB3)",
}
# One colour per policy kind; the optimiser is a line style, not a colour.
POLICY_COLORS = {"tabular": BLUE, "linear": ORANGE}
OPTIMIZER_STYLES = {"adam": "-", "natural": "--"}
OPTIMIZER_NAMES = {"adam": "Adam", "natural": "natural gradient"}
# One colour per baseline (chapter 9), with readable names.
BASELINE_COLORS = {
    "none": GREY,
    "running_mean": YELLOW,
    "leave_one_out": BLUE,
    "critic_tabular": GREEN,
    "critic_linear": PURPLE,
}
BASELINE_NAMES = {
    "none": "no baseline",
    "running_mean": "running mean",
    "leave_one_out": "leave-one-out",
    "critic_tabular": "tabular critic",
    "critic_linear": "linear critic",
}
# Quantities that get a colour of their own when drawn beside a method's curve.
QUANTITY_COLORS = {"entropy": PURPLE, "alpha": SKY_BLUE, "reward": ORANGE}
# One style per kind of reference line.
REFERENCE_STYLES = {
    "optimum": {"color": BLACK, "linestyle": "--", "linewidth": 1.0},
    "target": {"color": BLACK, "linestyle": ":", "linewidth": 1.2},
    "threshold": {"color": GREY, "linestyle": "-.", "linewidth": 1.0},
}
# Where a quantity is exact to rounding (a gap below 1e-12, say), a log axis shows a
# grey band at its floor instead of a line drawn at an arbitrary small number.
EXACT_BAND = {"color": GREY, "alpha": 0.15, "linewidth": 0}

REWARD_CMAP = "BrBG"  # brown (pits) to teal (the goal), through white (-1 and 0)
VISIT_CMAP = "Blues"
ARROW_COLOR = BLACK
PATH_COLOR = BLUE
PIT_HATCH = "xxx"

# Figures fit the page column (about 700 px) at matplotlib's 100 dpi, so nothing is
# shrunk: FIGURE_WIDTH inches wide, and a panel of a grid map is about 3.4 inches.
FIGURE_WIDTH = 7.0
MAP_SIZE = 3.4


def seed_colors(n_seeds: int) -> list[str]:
    """``n_seeds`` colours for the runs of one configuration: shades of one hue, so a
    figure's seeds never look like different methods."""
    shades = [0.25 + 0.55 * i / max(n_seeds - 1, 1) for i in range(n_seeds)]
    return [colors.to_hex((s, s, s)) for s in shades]


def reward_norm(grid) -> colors.Normalize:
    """Diverging, symmetric-log colour scale centred on 0, so -1, -100 and 1000 all read
    apart."""
    bound = max(float(grid.rewards.abs().max()), 1.0)
    return colors.SymLogNorm(linthresh=1.0, vmin=-bound, vmax=bound, base=10)
