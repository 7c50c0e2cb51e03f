"""The temperature explorer (chapter 8): the soft optimum as alpha, gamma, goal move.

``explorer_view`` draws one setting: validate, solve exactly (soft value iteration),
and draw the policy map and the state-visitation heatmap. ``temperature_explorer``
wraps the same view in ipywidgets for a live kernel: its sliders report a value on
release only, and a release is one update (:class:`LiveExplorer`: solve, redraw the
policy panel and the heatmap's colours on a figure built once, render one PNG at the
screen's resolution); releases faster than that are folded (the values it has no time
to draw are skipped, and it ends on the last).
``temperature_animation`` draws the same view at a list of temperatures ahead of time,
so a static page (no kernel) still has a slider over alpha.
"""

from __future__ import annotations

import asyncio
import io
import math
from dataclasses import dataclass
from numbers import Real

import matplotlib.pyplot as plt
import torch
from matplotlib import animation
from matplotlib.figure import Figure

from .._validation import check_alpha, check_discount
from ..distributions import entropy
from ..exact import SoftSolution, soft_value_iteration, state_occupancy
from ..grid import DEFAULT_REWARDS, DEFAULT_START, GridWorld
from .plotting import (
    GLYPH_ZORDER,
    draw_map_marks,
    draw_policy_glyphs,
    plot_probs,
    plot_state_visits,
    visit_scale,
)
from .style import FIGURE_WIDTH, SCREEN_DPI, reward_norm

# The "two goals" grid's second goal: small, near the start, on one of the post's pits.
NEAR_GOAL_CELL = (5, 2)  # (row, column)
NEAR_GOAL_REWARD = 20
# Reward maps the explorer offers: the post's grid, the same grid without pits, and a
# grid with a near, small goal beside the far, large one.
GRIDS = {
    "original": (DEFAULT_REWARDS, DEFAULT_START),
    "no pits": (
        tuple(tuple(r if r > -50 else -1 for r in row) for row in DEFAULT_REWARDS),
        DEFAULT_START,
    ),
    "two goals": (
        tuple(
            tuple(
                NEAR_GOAL_REWARD if (i, j) == NEAR_GOAL_CELL else r
                for j, r in enumerate(row)
            )
            for i, row in enumerate(DEFAULT_REWARDS)
        ),
        DEFAULT_START,
    ),
}
MAX_EXPLORER_DISCOUNT = 0.99
# inches: policy map and visitation side by side, the width of the page column
EXPLORER_FIGSIZE = (FIGURE_WIDTH, 3.6)
# Fixed margins instead of a layout engine: every update has the same panels, and a
# constrained layout would be solved again at every draw (most of its time).
EXPLORER_MARGINS = dict(left=0.07, right=0.85, bottom=0.12, top=0.8, wspace=0.3)
# The live widget's PNG: one pixel per screen pixel at the page column's width (a
# retina PNG has four times the pixels and takes several times longer to render).
LIVE_DPI = SCREEN_DPI
# The live widget solves to a relative tolerance of 1e-10 (the book's numbers use
# soft_value_iteration's 1e-14): its title shows four significant digits.
LIVE_TOL = 1e-10
# Seconds the live widget waits after a release before it draws: releases that arrive
# meanwhile, or while it draws (a held arrow key sends about 30 a second), are folded
# into the next drawing, which shows the values the controls hold when it starts.
FOLD_SECONDS = 0.05


@dataclass(frozen=True)
class ExplorerResult:
    """What the explorer shows for one setting."""

    grid: GridWorld
    solution: SoftSolution
    # [n_states] discounted state visitation of the soft-optimal policy
    occupancy: torch.Tensor
    start_value: float  # V*(start)
    mean_entropy: float  # entropy of pi* averaged over the occupancy, nats


def explorer_grid(grid_name: str, goal_reward: float) -> GridWorld:
    """The named grid with its best cell's reward replaced by ``goal_reward``.

    Its maps are marked as every map of the book: G on the cell with the largest
    reward (on "two goals", the near goal once ``goal_reward`` is below
    :data:`NEAR_GOAL_REWARD`), hatching on the cells with the lowest (on "no pits",
    the post's -10 cells, the pits being gone)."""
    if grid_name not in GRIDS:
        raise ValueError(f"grid_name must be one of {sorted(GRIDS)}, got {grid_name!r}")
    if (
        isinstance(goal_reward, bool)
        or not isinstance(goal_reward, Real)
        or not math.isfinite(goal_reward)
    ):
        raise ValueError(f"goal_reward must be a finite number, got {goal_reward!r}")
    rewards, start = GRIDS[grid_name]
    table = torch.tensor(rewards, dtype=torch.float64)
    goal = int(table.argmax())
    table.view(-1)[goal] = float(goal_reward)
    return GridWorld(table, start)


def _check_explorer_discount(discount) -> float:
    discount = check_discount(discount, infinite_horizon=True)
    if discount > MAX_EXPLORER_DISCOUNT:
        raise ValueError(
            f"discount must be at most {MAX_EXPLORER_DISCOUNT} in the explorer, "
            f"got {discount}"
        )
    return discount


def solve_setting(
    alpha: float,
    discount: float,
    goal_reward: float,
    grid_name: str = "original",
    tol: float = 1e-14,
) -> ExplorerResult:
    """Validate one slider setting and solve it exactly (``tol``: soft value
    iteration's stopping tolerance)."""
    alpha = check_alpha(alpha)
    discount = _check_explorer_discount(discount)
    grid = explorer_grid(grid_name, goal_reward)
    solution = soft_value_iteration(grid, alpha, discount, tol=tol)
    occupancy = state_occupancy(grid, solution.probs, discount)
    mean_entropy = (occupancy * entropy(solution.probs)).sum().item()
    start_value = solution.values[grid.start_state].item()
    return ExplorerResult(grid, solution, occupancy, start_value, mean_entropy)


def explorer_view(
    alpha: float,
    discount: float,
    goal_reward: float,
    grid_name: str = "original",
    fig=None,
    tol: float = 1e-14,
):
    """One explorer view: solve the setting, draw policy map and visitation.

    Draws on ``fig`` (cleared first) or on a new figure; returns the Figure.
    ``tol``: soft value iteration's stopping tolerance.
    """
    result = solve_setting(alpha, discount, goal_reward, grid_name, tol=tol)
    if fig is None:
        fig = plt.figure(figsize=EXPLORER_FIGSIZE)
    _draw_view(fig, result, _title(alpha, discount, goal_reward, grid_name, result))
    return fig


def _draw_view(fig, result: ExplorerResult, title: str) -> None:
    """Clear ``fig`` and draw one solved setting: policy map and visitation."""
    fig.clear()
    fig.subplots_adjust(**EXPLORER_MARGINS)
    left, right = fig.subplots(1, 2)
    plot_probs(result.grid, result.solution.probs, ax=left, title="Soft-optimal policy")
    plot_state_visits(
        result.grid, result.occupancy, ax=right, title="Discounted visitation"
    )
    fig.suptitle(title)


def _layout(grid: GridWorld) -> tuple:
    """What places the map's marks: the goal's cell (its badge) and the hatched pits
    (the cells of the lowest reward, if negative)."""
    rewards = grid.state_rewards
    pits = torch.nonzero(rewards == rewards.min()).flatten().tolist()
    return grid.goal_state, tuple(pits) if rewards.min() < 0 else ()


def _title(alpha, discount, goal_reward, grid_name, result) -> str:
    return (
        rf"{grid_name}: $\alpha$ = {alpha:g}, $\gamma$ = {discount:g}, "
        f"goal = {goal_reward:g}\n"
        rf"$V^*$(start) = {result.start_value:.4g}, "
        f"mean entropy {result.mean_entropy:.2f} nats"
    )


class LiveExplorer:
    """The live explorer's figure, built once and updated in place.

    :meth:`update` is one drawing (a slider release, several folded releases, or a new
    grid): solve the setting, recolour the reward map under the policy (its scale runs
    to the largest absolute reward, the goal's or the pits'), replace the policy panel's
    arrows and rings, recolour the visitation heatmap (its image and colour bar are
    kept), move the start and goal marks and the pits' hatching if the grid's layout
    changed, and return the PNG the front end shows, rendered at ``dpi`` (not retina).
    The panels themselves, their frames, ticks and colour bar, are built by the first
    update only. ``updates`` counts the updates; ``setting`` is the one last drawn, the
    one the figure's title names.
    """

    def __init__(self, dpi: float = LIVE_DPI):
        self.figure = Figure(figsize=EXPLORER_FIGSIZE, dpi=dpi)
        self.updates = 0
        self.setting = None
        self._layout = None  # the _layout the marks were drawn for
        self._rewards = None  # the policy panel's reward map (an image)
        self._visits = None  # the heatmap's image
        self._glyphs = []  # the policy panel's arrows and rings
        self._marks = []  # both panels' start and goal marks, the pits' hatching

    def update(
        self, alpha: float, discount: float, goal_reward: float, grid_name: str
    ) -> bytes:
        result = solve_setting(alpha, discount, goal_reward, grid_name, tol=LIVE_TOL)
        grid = result.grid
        title = _title(alpha, discount, goal_reward, grid_name, result)
        layout = _layout(grid)
        if self._rewards is None:
            _draw_view(self.figure, result, title)
            policy_panel, visits_panel = self.figure.axes[:2]
            self._rewards = policy_panel.images[0]
            self._visits = visits_panel.images[0]
            self._glyphs = _patches(policy_panel, GLYPH_ZORDER, GLYPH_ZORDER)
            # the marks lie between the map (0) and the arrows (GLYPH_ZORDER)
            self._marks = _patches(policy_panel, 1, 2) + _patches(visits_panel, 1, 2)
        else:
            policy_panel, visits_panel = self.figure.axes[:2]
            self._rewards.set_data(grid.rewards.numpy())
            self._rewards.set_norm(reward_norm(grid))
            if layout != self._layout:
                for mark in self._marks:
                    mark.remove()
                self._marks = draw_map_marks(grid, policy_panel) + draw_map_marks(
                    grid, visits_panel, pits=False
                )
            for glyph in self._glyphs:
                glyph.remove()
            self._glyphs = draw_policy_glyphs(grid, result.solution.probs, policy_panel)
            shown, norm = visit_scale(result.occupancy)  # plot_state_visits' scale
            self._visits.set_data(shown.reshape(grid.n_rows, -1).numpy())
            self._visits.set_clim(norm.vmin, norm.vmax)
            self.figure.suptitle(title)
        self._layout = layout
        self.updates += 1
        self.setting = (alpha, discount, goal_reward, grid_name)
        png = io.BytesIO()
        self.figure.savefig(png, format="png", pil_kwargs={"compress_level": 1})
        return png.getvalue()


def _patches(ax, low: float, high: float) -> list:
    """The patches of ``ax`` whose zorder lies in [low, high]."""
    return [patch for patch in ax.patches if low <= patch.get_zorder() <= high]


def temperature_animation(
    alphas,
    discount: float = 0.99,
    goal_reward: float = 1000.0,
    grid_name: str = "original",
    interval: int = 600,
    dpi: int = LIVE_DPI,
) -> animation.FuncAnimation:
    """The explorer's view at each temperature in ``alphas``, as one animation.

    ``temperature_animation(...).to_jshtml()`` is HTML with a slider and play buttons
    that works on a static page, with no kernel: each frame is :func:`explorer_view` at
    one alpha (the figure the live :func:`temperature_explorer` redraws), rendered ahead
    of time.

    Args:
        alphas: the temperatures, one frame each, in slider order. Each frame is
            embedded as a PNG (some 70 kB at the default ``dpi``): keep it to a few
            dozen.
        discount, goal_reward, grid_name: the other settings, the same for every frame.
        interval: milliseconds between frames when playing.
        dpi: resolution of the frames, dots per inch; the default draws them at the
            live explorer's size, one pixel per screen pixel across the page column.

    Returns:
        The ``FuncAnimation``. Its figure is closed, so a notebook does not also show it
        as a still image. Every setting is checked before anything is drawn.
    """
    alphas = [check_alpha(alpha) for alpha in alphas]
    if not alphas:
        raise ValueError("alphas must hold at least one temperature")
    _check_explorer_discount(discount)
    explorer_grid(grid_name, goal_reward)  # checks grid_name and goal_reward
    fig = plt.figure(figsize=EXPLORER_FIGSIZE, dpi=dpi)

    def draw(frame: int):
        explorer_view(alphas[frame], discount, goal_reward, grid_name, fig=fig)

    movie = animation.FuncAnimation(
        fig, draw, frames=len(alphas), init_func=lambda: None, interval=interval
    )
    plt.close(fig)
    return movie


def _kernel_loop():
    """The event loop of the IPython kernel running this code, or None outside a
    kernel. (A running loop alone is no sign of a kernel: Playwright's synchronous API,
    for one, leaves a loop marked running that a scheduled drawing would never reach.)
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def temperature_explorer(
    alpha: float = 1.0,
    discount: float = 0.99,
    goal_reward: float = 1000.0,
    grid_name: str = "original",
):
    """An ipywidgets panel: sliders for alpha (log scale), gamma and the goal reward,
    and a menu of grids. Needs a running kernel.

    The sliders send their value on release only (``continuous_update=False``), so a
    drag is one update, for the value the slider rests on. In a kernel, releases that
    come faster than the figure is drawn (a held arrow key) are folded: the figure is
    drawn ``FOLD_SECONDS`` after a release, for the values the controls hold then, so
    it catches up with the last one instead of drawing every value passed. A value
    set from code in a kernel (``slider.value = 100``) is drawn the same way, after the
    running cell ends. Returns the panel (a ``VBox``); its ``explorer`` attribute is the
    :class:`LiveExplorer` that draws it.
    """
    import ipywidgets as widgets

    def slider(description: str, value, low, high, step, log: bool = False):
        """A slider from ``low`` to ``high`` that sends its value on release only (one
        update per drag); ``log``: a log-scale slider, its ends and step in powers of
        10."""
        kind = widgets.FloatLogSlider if log else widgets.FloatSlider
        scale = {"base": 10} if log else {}
        return kind(
            value=value,
            min=low,
            max=high,
            step=step,
            description=description,
            continuous_update=False,
            **scale,
        )

    controls = dict(
        alpha=slider("alpha", max(alpha, 1e-2), -2, 4, 0.1, log=True),
        discount=slider("gamma", discount, 0.5, MAX_EXPLORER_DISCOUNT, 0.01),
        goal_reward=slider("goal", goal_reward, 0, 4, 0.1, log=True),
        grid_name=widgets.Dropdown(
            options=sorted(GRIDS), value=grid_name, description="grid"
        ),
    )
    # four significant digits in decimal notation: the stop just below the near
    # goal's 20 reads 19.95 (not "20.0"), and 1000 reads 1000 (not "1.00e+3")
    for name in ("alpha", "goal_reward"):
        controls[name].readout_format = ".4r"
    explorer = LiveExplorer()
    picture = widgets.Image(format="png")

    def redraw():
        """Draw the setting the controls hold now."""
        waiting.clear()
        setting = {name: control.value for name, control in controls.items()}
        picture.value = explorer.update(**setting)

    waiting = []  # the drawing scheduled and not yet started, if any

    def on_release(_change):
        loop = _kernel_loop()
        if loop is None:  # not in a kernel (a script, a test): draw now
            redraw()
        elif not waiting:  # else the drawing that waits will show this value
            waiting.append(loop.call_later(FOLD_SECONDS, redraw))

    for control in controls.values():
        control.observe(on_release, names="value")
    redraw()
    rows = list(controls.values())
    panel = widgets.VBox([widgets.HBox(rows[:2]), widgets.HBox(rows[2:]), picture])
    panel.explorer = explorer
    return panel
