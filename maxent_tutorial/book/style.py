"""The book's one visual language: colours, line styles, the reward map, figure sizes.

Every figure of the book takes its colours and reference lines from here, so a colour
means the same thing on every page. The palette is Okabe and Ito's, which readers with
the common colour-vision deficiencies tell apart, with every colour handed out for a
line at least 3:1 on white (:func:`contrast_ratio`); the reward map is a diverging
brown-to-teal map (no red against green), and pits are also marked by hatching, so a pit
never reads as the goal. Only ``matplotlib.colors`` (and the package's argument checks)
is imported here (no ``pyplot``), so the Gymnasium environment can colour its rendering
the book's way without starting a plotting backend.
"""

from __future__ import annotations

from matplotlib import colors

from .._validation import check_non_negative_int

# Okabe & Ito (2008), "Color Universal Design", as published: for fills and backgrounds.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
# The book's named colours, for lines, markers and text: Okabe & Ito's, except the two
# that read at only 2.3:1 on white (orange, sky blue), darkened in their own hue to
# 3.2:1, over WCAG's 3:1 for graphics. Their yellow (1.3:1) is for fills only: no
# mapping below hands it out for a line.
BLACK = "#000000"
ORANGE = "#BF8400"  # Okabe-Ito orange #E69F00 darkened to 3.2:1
SKY_BLUE = "#4897C4"  # Okabe-Ito sky blue #56B4E9 darkened to 3.2:1
GREEN = "#009E73"  # 3.4:1
YELLOW = "#F0E442"  # fills and backgrounds only (1.3:1 on white)
BLUE = "#0072B2"  # 5.2:1
VERMILLION = "#D55E00"  # 3.9:1
PURPLE = "#CC79A7"  # 3.1:1
GREY = "#7F7F7F"  # 4.0:1
# Colours for lines that no mapping below names (in this order: a plot's default).
LINE_COLORS = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY_BLUE, GREY, BLACK)
# The least contrast on white of any colour handed out for a line (WCAG 2, graphics).
MIN_LINE_CONTRAST = 3.0

# One colour per method, wherever it appears (the registry's names, and two peers);
# a method's deep and continuous versions share its colour. Distinct methods, and the
# policy kinds below, never share one: chapter 10 draws A2C beside the linear policy,
# chapter 14 A2C beside PPO and the deep policy gradient.
METHOD_COLORS = {
    "pg": BLUE,
    "soft-q": GREEN,
    "sac": VERMILLION,
    "deep-pg": BLUE,
    "deep-sac": VERMILLION,
    "continuous-sac": VERMILLION,
    "ppo": PURPLE,
    "a2c": BLACK,
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
# One colour per policy kind; the optimiser is a line style, not a colour. The tabular
# policy is the policy gradient's ("pg"), so it shares its colour.
POLICY_COLORS = {"tabular": BLUE, "linear": ORANGE}
# Keys of METHOD_COLORS and POLICY_COLORS that name one method, so share one colour.
SAME_METHOD = (
    {"pg", "deep-pg", "tabular"},
    {"sac", "deep-sac", "continuous-sac"},
)
OPTIMIZER_STYLES = {"adam": "-", "natural": "--"}
OPTIMIZER_NAMES = {"adam": "Adam", "natural": "natural gradient"}
# One colour per baseline (chapter 9), with readable names.
BASELINE_COLORS = {
    "none": GREY,
    "running_mean": VERMILLION,
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
START_GOAL_COLOR = "#000080"  # navy: the S and G badges and the frame of their cells
PIT_HATCH = "xxx"

# Figures fit the page column (about 700 px) at matplotlib's 100 dpi, so nothing is
# shrunk: FIGURE_WIDTH inches wide, and a panel of a grid map is about 3.4 inches.
FIGURE_WIDTH = 7.0
MAP_SIZE = 3.4
# A PNG drawn at this resolution has one pixel per screen pixel (the live explorer and
# the animations, which are shown at their own size).
SCREEN_DPI = 100


def seed_colors(n_seeds: int) -> list[str]:
    """``n_seeds`` colours for the runs of one configuration: shades of one hue (grey,
    from near-black to mid-grey), so a figure's seeds never look like different
    methods. Every shade reads on white at 3.2:1 or more, however many seeds; returns
    a list of ``n_seeds`` hex strings, darkest first."""
    n_seeds = check_non_negative_int(n_seeds, "n_seeds")
    shades = [0.12 + 0.44 * i / max(n_seeds - 1, 1) for i in range(n_seeds)]
    return [colors.to_hex((s, s, s)) for s in shades]


def relative_luminance(color) -> float:
    """WCAG 2's relative luminance of a matplotlib colour: 0 (black) to 1 (white)."""
    if not colors.is_color_like(color):
        raise ValueError(f"color must be a matplotlib colour, got {color!r}")
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in colors.to_rgb(color)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(color, background="white") -> float:
    """WCAG 2's contrast ratio of two matplotlib colours, from 1 (none) to 21 (black
    on white); lines and markers need 3 (:data:`MIN_LINE_CONTRAST`), text 4.5."""
    lighter, darker = sorted(
        (relative_luminance(color), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def reward_norm(grid) -> colors.Normalize:
    """Diverging, symmetric-log colour scale centred on 0, so -1, -100 and 1000 all read
    apart."""
    bound = max(float(grid.rewards.abs().max()), 1.0)
    return colors.SymLogNorm(linthresh=1.0, vmin=-bound, vmax=bound, base=10)
