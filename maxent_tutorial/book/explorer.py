"""The temperature explorer (chapter 8): the soft optimum as alpha, gamma, goal move.

``explorer_view`` is the update behind every slider change: validate, solve exactly
(soft value iteration), and draw the policy map and the state-visitation heatmap.
``temperature_explorer`` wraps it in ipywidgets for a live kernel.
``temperature_animation`` draws the same view at a list of temperatures ahead of time,
so a static page (no kernel) still has a slider over alpha.
"""

from __future__ import annotations

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
from .plotting import plot_probs, plot_state_visits

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
            tuple(20 if (i, j) == (5, 2) else r for j, r in enumerate(row))
            for i, row in enumerate(DEFAULT_REWARDS)
        ),
        DEFAULT_START,
    ),
}
MAX_EXPLORER_DISCOUNT = 0.99
EXPLORER_FIGSIZE = (9, 4.2)  # inches: policy map and visitation side by side


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
    """The named grid with its best cell's reward replaced by ``goal_reward``."""
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
    alpha: float, discount: float, goal_reward: float, grid_name: str = "original"
) -> ExplorerResult:
    """Validate one slider setting and solve it exactly."""
    alpha = check_alpha(alpha)
    discount = _check_explorer_discount(discount)
    grid = explorer_grid(grid_name, goal_reward)
    solution = soft_value_iteration(grid, alpha, discount)
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
):
    """One explorer update: solve the setting, draw policy map and visitation.

    Draws on ``fig`` (cleared first) or on a new figure; returns the Figure.
    """
    result = solve_setting(alpha, discount, goal_reward, grid_name)
    if fig is None:
        fig = plt.figure(figsize=EXPLORER_FIGSIZE, layout="constrained")
    fig.clear()
    left, right = fig.subplots(1, 2)
    plot_probs(result.grid, result.solution.probs, ax=left, title="Soft-optimal policy")
    plot_state_visits(
        result.grid, result.occupancy, ax=right, title="Discounted visitation"
    )
    fig.suptitle(
        f"{grid_name}: alpha={alpha:g}, gamma={discount:g}, goal={goal_reward:g}  |  "
        f"V*(start)={result.start_value:.4g}, "
        f"mean entropy {result.mean_entropy:.2f} nats"
    )
    return fig


def temperature_animation(
    alphas,
    discount: float = 0.99,
    goal_reward: float = 1000.0,
    grid_name: str = "original",
    interval: int = 600,
    dpi: int = 60,
) -> animation.FuncAnimation:
    """The explorer's view at each temperature in ``alphas``, as one animation.

    ``temperature_animation(...).to_jshtml()`` is HTML with a slider and play buttons
    that works on a static page, with no kernel: each frame is :func:`explorer_view` at
    one alpha (the figure the live :func:`temperature_explorer` redraws), rendered ahead
    of time.

    Args:
        alphas: the temperatures, one frame each, in slider order. Each frame is
            embedded as a PNG (some 30 kB at ``dpi=60``): keep it to a few dozen.
        discount, goal_reward, grid_name: the other settings, the same for every frame.
        interval: milliseconds between frames when playing.
        dpi: resolution of the frames, dots per inch.

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
        # Fixed margins, not a layout engine: every frame has the same panels, and a
        # constrained layout would be solved again for each frame (most of its time).
        fig.subplots_adjust(left=0.06, right=0.9, bottom=0.11, top=0.85, wspace=0.3)

    movie = animation.FuncAnimation(
        fig, draw, frames=len(alphas), init_func=lambda: None, interval=interval
    )
    plt.close(fig)
    return movie


def temperature_explorer(
    alpha: float = 1.0,
    discount: float = 0.99,
    goal_reward: float = 1000.0,
    grid_name: str = "original",
):
    """An ipywidgets panel: sliders for alpha (log scale), gamma and the goal reward,
    and a menu of grids. Needs a running kernel."""
    import ipywidgets as widgets
    from IPython.display import display

    controls = dict(
        alpha=widgets.FloatLogSlider(
            value=max(alpha, 1e-2),
            base=10,
            min=-2,
            max=4,
            step=0.1,
            description="alpha",
        ),
        discount=widgets.FloatSlider(
            value=discount,
            min=0.5,
            max=MAX_EXPLORER_DISCOUNT,
            step=0.01,
            description="gamma",
        ),
        goal_reward=widgets.FloatLogSlider(
            value=goal_reward, base=10, min=0, max=4, step=0.1, description="goal"
        ),
        grid_name=widgets.Dropdown(
            options=sorted(GRIDS), value=grid_name, description="grid"
        ),
    )
    output = widgets.Output()
    # Not registered with pyplot: shown only in the widget's output area.
    fig = Figure(figsize=EXPLORER_FIGSIZE, layout="constrained")

    def redraw(_change=None):
        explorer_view(
            fig=fig, **{name: control.value for name, control in controls.items()}
        )
        with output:
            output.clear_output(wait=True)
            display(fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    rows = list(controls.values())
    return widgets.VBox([widgets.HBox(rows[:2]), widgets.HBox(rows[2:]), output])
