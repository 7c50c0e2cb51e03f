"""Figures shared by every chapter: one colour map for rewards, one arrow style for policies.

Every helper takes an optional ``ax``, draws on it, returns it (or the ``Figure`` for multi-panel
plots) and never calls ``plt.show()``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import animation, colors

from .grid import ACTION_OFFSETS, STAY

REWARD_CMAP = "RdYlGn"
VISIT_CMAP = "Blues"
ARROW_COLOR = "black"
PATH_COLOR = "tab:blue"


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


def reward_norm(grid) -> colors.Normalize:
    """Diverging, symmetric-log colour scale centred on 0, so -1, -100 and 1000 all read apart."""
    bound = max(float(grid.rewards.abs().max()), 1.0)
    return colors.SymLogNorm(linthresh=1.0, vmin=-bound, vmax=bound, base=10)


def _mark_start_goal(grid, ax) -> None:
    goal = divmod(int(grid.state_rewards.argmax()), grid.n_cols)
    for (row, col), label in ((grid.start, "S"), (goal, "G")):
        ax.text(col - 0.42, row - 0.22, label, fontsize=11, fontweight="bold", color="navy")


def plot_rewards(grid, ax=None, annotate: bool = True, title: str = "Reward per cell"):
    """Heatmap of R(s) with the start (S) and the best cell (G) marked. Returns the Axes."""
    ax = _axes(ax)
    ax.imshow(grid.rewards.numpy(), cmap=REWARD_CMAP, norm=reward_norm(grid))
    if annotate:
        for row in range(grid.n_rows):
            for col in range(grid.n_cols):
                ax.text(col, row + 0.25, f"{grid.rewards[row, col].item():g}", ha="center",
                        va="center", fontsize=8)
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_policy(grid, probs, ax=None, title: str = "Policy: arrow length = probability",
                background: bool = True):
    """Arrows per cell, one per move, length proportional to pi(a|s); a dot for STAY, area by pi.

    probs: [n_states, 5] action probabilities (tensor or array). Returns the Axes.
    """
    ax = _axes(ax)
    probs = torch.as_tensor(probs).detach().double().numpy().reshape(grid.n_states, grid.n_actions)
    if background:
        ax.imshow(grid.rewards.numpy(), cmap=REWARD_CMAP, norm=reward_norm(grid), alpha=0.45)
    for state in range(grid.n_states):
        row, col = divmod(state, grid.n_cols)
        for action, (d_row, d_col) in enumerate(ACTION_OFFSETS):
            p = probs[state, action]
            if action == STAY:
                ax.scatter(col, row, s=220 * p, color=ARROW_COLOR, zorder=3)
            elif p > 0.02:
                ax.arrow(col, row, 0.42 * p * d_col, 0.42 * p * d_row, width=0.03,
                         head_width=0.12 * np.sqrt(p) + 0.02, head_length=0.08 * np.sqrt(p) + 0.01,
                         length_includes_head=True, color=ARROW_COLOR, zorder=3)
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_trajectory(grid, states, ax=None, title: str = "Trajectory", background: bool = True,
                    color: str = PATH_COLOR, alpha: float = 0.9):
    """Draw one episode's [T] flat states (or several, [T, B]) as paths over the grid."""
    ax = _axes(ax)
    states = torch.as_tensor(states)
    if states.ndim == 1:
        states = states[:, None]
    if background:
        ax.imshow(grid.rewards.numpy(), cmap=REWARD_CMAP, norm=reward_norm(grid), alpha=0.45)
    rng = np.random.default_rng(0)  # a fixed small offset per path so overlapping paths stay visible
    for episode in range(states.shape[1]):
        rows, cols = (states[:, episode] // grid.n_cols).numpy(), (states[:, episode] % grid.n_cols).numpy()
        shift = rng.uniform(-0.12, 0.12, size=2) if states.shape[1] > 1 else np.zeros(2)
        ax.plot(cols + shift[1], rows + shift[0], "-", color=color, alpha=alpha, linewidth=1.5)
        ax.plot(cols[-1] + shift[1], rows[-1] + shift[0], "o", color=color, markersize=5)
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_state_visits(grid, states_or_occupancy, ax=None, title: str = "State visitation"):
    """Heatmap of how often each cell is visited.

    Pass sampled states (a long tensor of any shape; counts are normalised to frequencies) or an
    occupancy vector [n_states] of floats (e.g. :func:`maxent_tutorial.exact.state_occupancy`).
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
    image = ax.imshow(shown, cmap=VISIT_CMAP, norm=colors.LogNorm(vmin=floor, vmax=max(float(frequency.max()), floor * 10)))
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="fraction of time")
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_values(grid, values, ax=None, title: str = "Value per cell", label: str = "value",
                cmap: str = "viridis", fmt: str = "{:.3g}"):
    """Heatmap of any per-state quantity [n_states] (values, KL divergences...), annotated."""
    ax = _axes(ax)
    values = torch.as_tensor(values).detach().double().reshape(grid.n_rows, grid.n_cols)
    image = ax.imshow(values.numpy(), cmap=cmap)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=label)
    for row in range(grid.n_rows):
        for col in range(grid.n_cols):
            ax.text(col, row + 0.28, fmt.format(values[row, col].item()), ha="center", va="center",
                    fontsize=7, color="white")
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def plot_learning_curves(history, optimal_value: float | None = None, fig=None):
    """The post's loss and cumulative-reward curves, plus entropy and (if recorded) the exact
    soft value of the start state against the soft optimum. Returns the Figure."""
    panels = [("loss", "surrogate loss"), ("episode_reward", "reward per episode"),
              ("entropy", "entropy (nats)")]
    if history.start_value is not None:
        panels.append(("start_value", "exact soft value V(start)"))
    if fig is None:
        fig = plt.figure(figsize=(3.2 * len(panels), 3.0), layout="constrained")
    axes = fig.subplots(1, len(panels))
    epochs = np.arange(1, len(history.loss) + 1)
    for ax, (name, label) in zip(axes, panels):
        ax.plot(epochs, getattr(history, name), color=PATH_COLOR, linewidth=1)
        ax.set_xlabel("iteration")
        ax.set_ylabel(label)
        ax.set_title(label)
    if optimal_value is not None and history.start_value is not None:
        axes[-1].axhline(optimal_value, color="black", linestyle="--", linewidth=1, label="soft optimum")
        axes[-1].legend(loc="lower right")
    return fig


def animate_episode(grid, states, interval: int = 300, title: str = "One episode"):
    """A matplotlib animation of the agent moving along [T] flat states.

    ``animate_episode(...).to_jshtml()`` gives HTML with player controls that works in a static
    page. The figure is closed, so it is not also shown as a still image.
    """
    states = torch.as_tensor(states).reshape(-1)
    fig, ax = plt.subplots(figsize=(3.6, 3.6), dpi=72)
    plot_rewards(grid, ax=ax, annotate=False, title=title)
    rows, cols = (states // grid.n_cols).numpy(), (states % grid.n_cols).numpy()
    (path,) = ax.plot([], [], "-", color=PATH_COLOR, linewidth=1.5)
    (agent,) = ax.plot([], [], "o", color=PATH_COLOR, markersize=14)

    def draw(frame):
        path.set_data(cols[: frame + 1], rows[: frame + 1])
        agent.set_data([cols[frame]], [rows[frame]])
        ax.set_title(f"{title}: step {frame}")
        return path, agent

    movie = animation.FuncAnimation(fig, draw, frames=len(states), interval=interval, blit=False)
    plt.close(fig)
    return movie
