"""Figures shared by every chapter: one colour map for rewards, one arrow style for
policies.

Every helper takes an optional ``ax``, draws on it, returns it (or the ``Figure`` for
multi-panel plots) and never calls ``plt.show()``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import animation, colors, patheffects

from .grid import ACTION_OFFSETS, STAY
from .style import ARROW_COLOR, PATH_COLOR, REWARD_CMAP, VISIT_CMAP, reward_norm

# Longest arrow (probability 1), in cells; the stay ring's radius uses the same scale.
ARROW_SCALE = 0.42


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    return ax


def _grid_frame(grid, ax, title: str) -> None:
    """Cell borders, row/column ticks, row 0 at the top."""
    ax.set_xticks(range(grid.n_cols))
    ax.set_yticks(range(grid.n_rows))
    ax.set_xticks(np.arange(-0.5, grid.n_cols), minor=True)
    ax.set_yticks(np.arange(-0.5, grid.n_rows), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlim(-0.5, grid.n_cols - 0.5)
    ax.set_ylim(grid.n_rows - 0.5, -0.5)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_title(title)


def _mark_start_goal(grid, ax) -> None:
    goal = grid.to_cell(int(grid.state_rewards.argmax()))
    for (row, col), label in ((grid.start, "S"), (goal, "G")):
        text = ax.text(
            col - 0.42, row - 0.22, label, fontsize=11, fontweight="bold", color="navy"
        )
        # A white outline keeps the letter readable on dark cells of any colour map.
        text.set_path_effects(
            [patheffects.withStroke(linewidth=2.5, foreground="white")]
        )


def plot_rewards(grid, ax=None, annotate: bool = True, title: str = "Reward per cell"):
    """Heatmap of R(s) with the start (S) and the best cell (G) marked. Returns the
    Axes."""
    ax = _axes(ax)
    ax.imshow(grid.rewards.numpy(), cmap=REWARD_CMAP, norm=reward_norm(grid))
    if annotate:
        for row in range(grid.n_rows):
            for col in range(grid.n_cols):
                ax.text(
                    col,
                    row + 0.25,
                    f"{grid.rewards[row, col].item():g}",
                    ha="center",
                    va="center",
                    fontsize=8,
                )
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_probs(
    grid,
    probs,
    ax=None,
    title: str = "Policy: arrow length = probability",
    background: bool = True,
):
    """Draw a probability table: per cell, one arrow per move with length proportional
    to pi(a|s), and a ring for STAY whose radius is proportional to pi(stay|s) on the
    same scale.

    Equal probabilities look equally large: a uniform policy is a small ring with four
    short spokes starting on it; "always stay" is a ring filling the cell.
    probs: [n_states, 5]. Returns the Axes.
    """
    ax = _axes(ax)
    probs = (
        torch.as_tensor(probs)
        .detach()
        .double()
        .numpy()
        .reshape(grid.n_states, grid.n_actions)
    )
    if background:
        ax.imshow(
            grid.rewards.numpy(), cmap=REWARD_CMAP, norm=reward_norm(grid), alpha=0.45
        )
    for state in range(grid.n_states):
        row, col = grid.to_cell(state)
        radius = ARROW_SCALE * probs[state, STAY]  # ring: pi(stay|s), the arrows' scale
        if probs[state, STAY] > 0.02:
            ring = plt.Circle(
                (col, row), radius, fill=False, linewidth=1, color=ARROW_COLOR, zorder=3
            )
            ax.add_patch(ring)
        for action, (d_row, d_col) in enumerate(ACTION_OFFSETS):
            p = probs[state, action]
            if action == STAY or p <= 0.02:
                continue
            # Each arrow starts on the ring, so short arrows stay visible outside it.
            ax.arrow(
                col + radius * d_col,
                row + radius * d_row,
                ARROW_SCALE * p * d_col,
                ARROW_SCALE * p * d_row,
                width=0.012 + 0.02 * p,
                head_width=0.06 + 0.08 * p,
                head_length=0.05 + 0.05 * p,
                length_includes_head=True,
                color=ARROW_COLOR,
                zorder=3,
            )
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_trajectory(
    grid,
    states,
    ax=None,
    title: str = "Trajectory",
    background: bool = True,
    color: str = PATH_COLOR,
    opacity: float = 0.9,
):
    """Draw one episode's [T] states (or several, [T, B]) as paths over the grid."""
    ax = _axes(ax)
    states = torch.as_tensor(states)
    if states.ndim == 1:
        states = states[:, None]
    if background:
        ax.imshow(
            grid.rewards.numpy(), cmap=REWARD_CMAP, norm=reward_norm(grid), alpha=0.45
        )
    # a fixed small offset per path so overlapping paths stay visible
    rng = np.random.default_rng(0)
    for episode in range(states.shape[1]):
        rows, cols = grid.coordinates(states[:, episode]).numpy().T
        shift = rng.uniform(-0.12, 0.12, size=2) if states.shape[1] > 1 else np.zeros(2)
        ax.plot(
            cols + shift[1],
            rows + shift[0],
            "-",
            color=color,
            alpha=opacity,
            linewidth=1.5,
        )
        ax.plot(
            cols[-1] + shift[1], rows[-1] + shift[0], "o", color=color, markersize=5
        )
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_state_visits(
    grid, states_or_occupancy, ax=None, title: str = "State visitation"
):
    """Heatmap of how often each cell is visited.

    Pass sampled states (a long tensor of any shape; counts are normalised to
    frequencies) or an occupancy vector [n_states] of floats (e.g.
    :func:`maxent_tutorial.exact.state_occupancy`).
    """
    ax = _axes(ax)
    values = torch.as_tensor(states_or_occupancy)
    if values.dtype.is_floating_point:
        frequency = values.detach().double().reshape(grid.n_states)
    else:
        frequency = torch.bincount(values.reshape(-1), minlength=grid.n_states).double()
        frequency = frequency / frequency.sum()
    # Log scale: a policy that sits at the goal 97 % of the time still shows its path.
    # Cells never visited are drawn at the floor of the scale.
    floor = max(float(frequency[frequency > 0].min()), 1e-5)
    shown = frequency.clamp(min=floor).reshape(grid.n_rows, grid.n_cols).numpy()
    image = ax.imshow(
        shown,
        cmap=VISIT_CMAP,
        norm=colors.LogNorm(vmin=floor, vmax=max(float(frequency.max()), floor * 10)),
    )
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="fraction of time")
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_values(
    grid,
    values,
    ax=None,
    title: str = "Value per cell",
    label: str = "value",
    cmap: str = "viridis",
    fmt: str = "{:.3g}",
    fontsize: float = 8.5,
):
    """Heatmap of any per-state quantity [n_states] (values, KL divergences...), each
    cell labelled with ``fmt`` in black or white, whichever reads on its colour."""
    ax = _axes(ax)
    values = torch.as_tensor(values).detach().double().reshape(grid.n_rows, grid.n_cols)
    image = ax.imshow(values.numpy(), cmap=cmap)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=label)
    for row in range(grid.n_rows):
        for col in range(grid.n_cols):
            value = values[row, col].item()
            red, green, blue, _ = image.cmap(image.norm(value))
            # Perceived brightness of the cell's colour picks the label's colour.
            light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
            ax.text(
                col,
                row + 0.28,
                fmt.format(value),
                ha="center",
                va="center",
                fontsize=fontsize,
                color="black" if light else "white",
            )
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_learning_curves(history, optimal_value: float | None = None, fig=None):
    """The post's loss and cumulative-reward curves, plus entropy and (if recorded) the
    exact soft value of the start state against the soft optimum. Returns the Figure."""
    panels = [
        ("loss", "surrogate loss"),
        ("episode_reward", "reward per episode"),
        ("entropy", "entropy (nats)"),
    ]
    if history.start_value is not None:
        panels.append(("start_value", "exact soft value V(start)"))
    if fig is None:
        fig = plt.figure(figsize=(3.2 * len(panels), 3.0), layout="constrained")
    axes = fig.subplots(1, len(panels))
    iterations = np.arange(1, len(history.loss) + 1)
    for ax, (name, label) in zip(axes, panels, strict=True):
        ax.plot(iterations, getattr(history, name), color=PATH_COLOR, linewidth=1)
        ax.set_xlabel("iteration")
        ax.set_ylabel(label)
        ax.set_title(label)
    if optimal_value is not None and history.start_value is not None:
        axes[-1].axhline(
            optimal_value,
            color="black",
            linestyle="--",
            linewidth=1,
            label="soft optimum",
        )
        axes[-1].legend(loc="lower right")
    return fig


def plot_gap_curves(
    curves: dict,
    ax=None,
    title: str = "Gap to the soft optimum",
    target: float | None = 0.01,
    styles: dict | None = None,
):
    """Relative gaps (V* - V_pi(start)) / |V*| per iteration, on a log scale.

    curves: maps a label to an array [n_iterations] (one run) or [n_seeds, n_iterations]
        (median line, min-max band), e.g. ``relative_gap(history.start_value,
        optimum)``.
    target: a dotted reference line (``None`` for none). styles: optional per-label
        keyword arguments for the line (``{"natural": {"linestyle": "--"}}``). Returns
        the Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    for label, runs in curves.items():
        runs = np.atleast_2d(np.asarray(runs, dtype=float))
        iterations = np.arange(1, runs.shape[1] + 1)
        low, mid, high = np.quantile(runs, [0, 0.5, 1], axis=0)
        (line,) = ax.semilogy(
            iterations, mid, label=label, **(styles or {}).get(label, {})
        )
        if runs.shape[0] > 1:
            ax.fill_between(iterations, low, high, color=line.get_color(), alpha=0.2)
    if target is not None:
        ax.axhline(target, color="black", linestyle=":", linewidth=1)
    ax.set_xlabel("iteration")
    ax.set_ylabel(r"relative gap $(V^* - V_\pi)/|V^*|$")
    ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax


def animate_episode(grid, states, interval: int = 300, title: str = "One episode"):
    """A matplotlib animation of the agent moving along [T] flat states.

    ``animate_episode(...).to_jshtml()`` gives HTML with player controls that works in a
    static page. The figure is closed, so it is not also shown as a still image.
    """
    states = torch.as_tensor(states).reshape(-1)
    fig, ax = plt.subplots(figsize=(3.6, 3.6), dpi=72)
    plot_rewards(grid, ax=ax, annotate=False, title=title)
    rows, cols = grid.coordinates(states).numpy().T
    (path,) = ax.plot([], [], "-", color=PATH_COLOR, linewidth=1.5)
    (agent,) = ax.plot([], [], "o", color=PATH_COLOR, markersize=14)

    def draw(frame):
        path.set_data(cols[: frame + 1], rows[: frame + 1])
        agent.set_data([cols[frame]], [rows[frame]])
        ax.set_title(f"{title}: step {frame}")
        return path, agent

    movie = animation.FuncAnimation(
        fig, draw, frames=len(states), interval=interval, blit=False
    )
    plt.close(fig)
    return movie
