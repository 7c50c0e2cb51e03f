"""Figures shared by every chapter, drawn in the book's one visual language
(:mod:`maxent_tutorial.book.style`): one reward map with hatched pits, one arrow style
for policies, one colour per method and one style per reference line.

Every helper takes an optional ``ax``, draws on it, returns it (or the ``Figure`` for
multi-panel plots) and never calls ``plt.show()``. New figures are at most
``FIGURE_WIDTH`` inches wide, so the page column shows them at their own size; a
chapter's own figures start from :func:`page_figure`, which sets that width and the
layout in one place.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import animation, colors, patches
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from .._validation import check_number
from ..grid import ACTION_OFFSETS, STAY
from .style import (
    ARROW_COLOR,
    BLUE,
    EXACT_BAND,
    FIGURE_WIDTH,
    LINE_COLORS,
    MAP_SIZE,
    PATH_COLOR,
    PIT_HATCH,
    REFERENCE_STYLES,
    REWARD_CMAP,
    SCREEN_DPI,
    START_GOAL_COLOR,
    VERMILLION,
    VISIT_CMAP,
    reward_norm,
)

# Longest arrow (probability 1), in cells; the stay ring's radius uses the same scale.
ARROW_SCALE = 0.42
# The S and G badges: discs of this radius (in cells) centred on a corner of their cell.
# A corner is 0.71 cells from the centres of the four cells around it, and no ring or
# arrow reaches further than ARROW_SCALE from its cell's centre, so a disc of radius
# 0.71 - 0.42 - 0.07 (room for line widths) overlaps no arrow, head or ring.
BADGE_RADIUS = 0.22
# Arrows and rings are drawn above the map, the hatching and the badges (below 2).
GLYPH_ZORDER = 3
# The policy-difference map shades cells from white to this far along "Greys", light
# enough that the blue and vermillion arrows read on the darkest cell.
_DIFFERENCE_CMAP = colors.LinearSegmentedColormap.from_list(
    "difference", plt.get_cmap("Greys")(np.linspace(0, 0.4, 64))
)


def page_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    height: float,
    wspace: float | None = None,
    hspace: float | None = None,
    **subplots,
):
    """A new figure as wide as the page column (``FIGURE_WIDTH`` inches) and ``height``
    inches tall (0.5 to 40), with ``nrows`` x ``ncols`` panels in matplotlib's
    constrained layout (it makes room for titles, labels and colour bars).
    ``wspace`` and ``hspace`` (0 to 0.5) widen the layout's gaps between columns and
    between rows, as fractions of the figure, where a colour bar's label or a row's axis
    labels would otherwise touch the next panel; other keywords (``sharex``,
    ``sharey``...) go to :func:`matplotlib.pyplot.subplots`. Returns ``(fig, axes)``
    as it does."""
    height = check_number(height, "height", 0.5, 40.0, meaning="inches")
    gaps = {
        name: check_number(value, name, 0.0, 0.5)
        for name, value in (("wspace", wspace), ("hspace", hspace))
        if value is not None
    }
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(FIGURE_WIDTH, height),
        layout="constrained",
        **subplots,
    )
    if gaps:
        fig.get_layout_engine().set(**gaps)
    return fig, axes


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(MAP_SIZE, MAP_SIZE), layout="constrained")
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
    ax.set_aspect("equal")  # square cells and round rings, with or without a map
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_title(title)


def _finish(grid, ax, title: str):
    """Mark the start and the goal, draw the frame and the title; returns ``ax``."""
    _mark_start_goal(grid, ax)
    _grid_frame(grid, ax, title)
    return ax


def _reward_background(grid, ax, alpha: float = 0.45) -> None:
    """The reward map (faded under arrows or a path), with the pits hatched so that
    they read as pits in any colour vision and in grey."""
    ax.imshow(
        grid.rewards.numpy(), cmap=REWARD_CMAP, norm=reward_norm(grid), alpha=alpha
    )
    _hatch_pits(grid, ax)


def _hatch_pits(grid, ax) -> list:
    """Hatch every cell with the grid's lowest reward, if it is negative. Returns the
    patches drawn."""
    lowest = grid.state_rewards.min().item()
    if lowest >= 0:
        return []
    hatches = []
    for state in torch.nonzero(grid.state_rewards == lowest).flatten().tolist():
        row, col = grid.to_cell(state)
        hatch = ax.add_patch(
            plt.Rectangle(
                (col - 0.5, row - 0.5),
                1,
                1,
                fill=False,
                hatch=PIT_HATCH,
                edgecolor="#8c510a",
                linewidth=0,
                zorder=1,
            )
        )
        hatches.append(hatch)
    return hatches


def _badge_corner(grid, row: int, col: int) -> tuple[float, float]:
    """The corner of cell (row, col) that carries its badge, as (x, y) in data
    coordinates: the top left, or the side towards the inside of the grid on its first
    row or column, so the badge stays on the map."""
    x = col + (0.5 if col == 0 and grid.n_cols > 1 else -0.5)
    y = row + (0.5 if row == 0 and grid.n_rows > 1 else -0.5)
    return x, y


def _mark_start_goal(grid, ax) -> list:
    """Frame the start and goal cells and tag each with a badge ("S", "G"): a navy disc
    with a white letter and edge, on the corner of the cell, where no arrow, arrow head
    or ring of :func:`plot_probs` reaches (see ``BADGE_RADIUS``). The letter scales with
    the cells, so it reads at any figure size, on a light cell or a dark one. Badges and
    frames lie above the map and its grid lines but under every line, arrow and label
    (zorder below 2), so a path drawn across a corner is never hidden. Returns the
    patches drawn."""
    goal = grid.to_cell(grid.goal_state)
    marks = []
    corners = [_badge_corner(grid, *grid.start), _badge_corner(grid, *goal)]
    # S and G side by side, sharing their badges' corner: G takes its other side
    if corners[1] == corners[0]:
        corners[1] = (2 * goal[1] - corners[1][0], corners[1][1])
    bold = FontProperties(family="DejaVu Sans", weight="bold")
    for (row, col), (x, y), label, name in (
        (grid.start, corners[0], "S", "start"),
        (goal, corners[1], "G", "goal"),
    ):
        inset = 0.03  # inside the white grid lines
        frame = ax.add_patch(
            plt.Rectangle(
                (col - 0.5 + inset, row - 0.5 + inset),
                1 - 2 * inset,
                1 - 2 * inset,
                fill=False,
                edgecolor=START_GOAL_COLOR,
                linewidth=1.2,
                zorder=1.7,
                gid=f"{name}-frame",
            )
        )
        badge = ax.add_patch(
            plt.Circle(
                (x, y),
                BADGE_RADIUS,
                facecolor=START_GOAL_COLOR,
                edgecolor="white",
                linewidth=1.0,
                zorder=1.8,
                gid=f"{name}-badge",
            )
        )
        letter = TextPath((0, 0), label, size=1, prop=bold)
        (left, bottom), (right, top) = letter.get_extents().get_points()
        size = 1.15 * BADGE_RADIUS / (top - bottom)  # the letter's height, in cells
        # y flipped: row 0 is at the top of the map
        place = (
            Affine2D()
            .translate(-(left + right) / 2, -(bottom + top) / 2)
            .scale(size, -size)
            .translate(x, y)
        )
        letter_patch = ax.add_patch(
            patches.PathPatch(
                place.transform_path(letter),
                facecolor="white",
                linewidth=0,
                zorder=1.9,
                gid=f"{name}-letter",
            )
        )
        marks += [frame, badge, letter_patch]
    return marks


def draw_map_marks(grid, ax, pits: bool = True) -> list:
    """The marks a grid's map carries besides its colours, as :func:`plot_probs` and
    :func:`plot_state_visits` draw them: the start and goal frames and badges, and
    (``pits``) the pits' hatching. Returns the patches drawn, so a live figure can
    remove them and mark another grid in their place."""
    return (_hatch_pits(grid, ax) if pits else []) + _mark_start_goal(grid, ax)


def plot_rewards(grid, ax=None, annotate: bool = True, title: str = "Reward per cell"):
    """Heatmap of R(s) with the start (S) and the best cell (G) marked. Returns the
    Axes."""
    ax = _axes(ax)
    _reward_background(grid, ax, alpha=1.0)
    if annotate:
        shade = reward_norm(grid)
        cmap = plt.get_cmap(REWARD_CMAP)
        for row in range(grid.n_rows):
            for col in range(grid.n_cols):
                reward = grid.rewards[row, col].item()
                ax.text(
                    col,
                    row + 0.25,
                    f"{reward:g}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=_label_color(cmap(shade(reward))),
                )
    return _finish(grid, ax, title)


def _label_color(rgba) -> str:
    """Black or white, whichever reads on a cell of colour ``rgba``."""
    red, green, blue, _ = rgba
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def _arrow(ax, x, y, d_col, d_row, p, color=ARROW_COLOR, thickness=1.0):
    """One move's arrow from (x, y): ``ARROW_SCALE * p`` cells long, head included, the
    head at most 40 % of the length so a small probability is a short arrow, not a
    bare arrowhead; ``thickness`` scales the shaft's and the head's widths. Returns
    the arrow's patch."""
    length = ARROW_SCALE * p
    head_length = min(0.05 + 0.05 * p, 0.4 * length)
    arrow = patches.FancyArrow(
        x,
        y,
        length * d_col,
        length * d_row,
        width=thickness * (0.008 + 0.02 * p),
        head_width=thickness * min(0.06 + 0.08 * p, 1.6 * head_length + 0.02),
        head_length=head_length,
        length_includes_head=True,
        color=color,
        zorder=GLYPH_ZORDER,
    )
    # add_artist, not add_patch: the map's limits are its cells (set by _grid_frame),
    # so the arrow need not widen them, and skipping that halves a live redraw's cost
    return ax.add_artist(arrow)


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
    if background:
        _reward_background(grid, ax)
    draw_policy_glyphs(grid, probs, ax)
    return _finish(grid, ax, title)


def draw_policy_glyphs(grid, probs, ax) -> list:
    """The arrows and rings of :func:`plot_probs` alone, drawn on ``ax`` (no
    background, badges, frame or title). probs: [n_states, 5]. Returns the patches
    drawn, so a live figure can remove them and draw the next policy in their place.
    """
    probs = torch.as_tensor(probs).detach().double().numpy()
    probs = probs.reshape(grid.n_states, grid.n_actions)
    glyphs = []
    for state in range(grid.n_states):
        row, col = grid.to_cell(state)
        radius = ARROW_SCALE * probs[state, STAY]  # ring: pi(stay|s), the arrows' scale
        if probs[state, STAY] > 0.02:
            ring = plt.Circle(
                (col, row),
                radius,
                fill=False,
                linewidth=1,
                color=ARROW_COLOR,
                zorder=GLYPH_ZORDER,
            )
            glyphs.append(ax.add_artist(ring))
        for action, (d_row, d_col) in enumerate(ACTION_OFFSETS):
            p = probs[state, action]
            if action == STAY or p <= 0.02:
                continue
            # Each arrow starts on the ring, so short arrows stay visible outside it.
            glyphs.append(
                _arrow(ax, col + radius * d_col, row + radius * d_row, d_col, d_row, p)
            )
    return glyphs


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
        _reward_background(grid, ax)
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
    return _finish(grid, ax, title)


def plot_state_visits(
    grid,
    states_or_occupancy,
    ax=None,
    title: str = "State visitation",
    scale: str = "log",
    annotate: bool = False,
):
    """Heatmap of how often each cell is visited, its colour scale from the data.

    Pass sampled states (a long tensor of any shape; counts are normalised to
    frequencies) or an occupancy vector [n_states] of floats (e.g.
    :func:`maxent_tutorial.exact.state_occupancy`). ``scale="log"`` shows a path beside
    a goal that takes most of the time; ``"linear"`` shows differences between similar
    cells. Either way the colour bar runs from the smallest to the largest frequency
    shown, so the whole ramp is used. ``annotate`` writes each cell's percentage.
    """
    if scale not in ("log", "linear"):
        raise ValueError(f"scale must be 'log' or 'linear', got {scale!r}")
    ax = _axes(ax)
    values = torch.as_tensor(states_or_occupancy)
    if values.dtype.is_floating_point:
        frequency = values.detach().double().reshape(grid.n_states)
    else:
        frequency = torch.bincount(values.reshape(-1), minlength=grid.n_states).double()
        frequency = frequency / frequency.sum()
    shown, norm = visit_scale(frequency, scale)
    texts = [f"{100 * value:.1f}" for value in frequency.tolist()] if annotate else ()
    _cell_heatmap(grid, shown, ax, VISIT_CMAP, norm, "fraction of time", texts, 7.5)
    return _finish(grid, ax, title)


def visit_scale(frequency, scale: str = "log"):
    """The colour scale of :func:`plot_state_visits` for frequencies [n_states]:
    ``(shown, norm)``, the values drawn and their normalisation from the smallest to
    the largest shown. On the log scale cells never visited (or visited less than
    1e-5 of the time) are drawn at the floor of the scale."""
    high = float(frequency.max())
    if scale == "log":
        low = max(float(frequency[frequency > 0].min()), 1e-5)
        return frequency.clamp(min=low), colors.LogNorm(low, max(high, low * 1.01))
    low = float(frequency.min())
    return frequency, colors.Normalize(low, max(high, low + 1e-12))


def _cell_heatmap(grid, shown, ax, cmap, norm, label, texts=(), fontsize=8.5):
    """Draw ``shown`` [n_states] as one colour per cell, with a colour bar named
    ``label``; ``texts`` (one string per state, or none) are written in each cell's
    lower half, in black or white, whichever reads on the cell's colour. ``norm``:
    a matplotlib normalisation, or None to scale from the data. Returns the image."""
    shown = torch.as_tensor(shown).double()
    image = ax.imshow(
        shown.reshape(grid.n_rows, grid.n_cols).numpy(), cmap=cmap, norm=norm
    )
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=label)
    for state, text in enumerate(texts):
        row, col = grid.to_cell(state)
        ax.text(
            col,
            row + 0.28,
            text,
            ha="center",
            va="center",
            fontsize=fontsize,
            color=_label_color(image.cmap(image.norm(shown[state].item()))),
        )
    return image


def plot_policy_difference(
    grid,
    probs,
    reference,
    ax=None,
    title: str = "Where two policies differ",
    min_change: float = 0.02,
    scale: float | None = None,
    vmax: float | None = None,
):
    """Where the table ``probs`` differs from ``reference`` ([n_states, 5] each).

    Each cell is shaded by the total variation distance between the two rows (0: the
    same; 1: no action in common), on a colour bar from 0 to ``vmax``; an arrow shows
    each move that ``probs`` takes more often (vermillion) or less often (blue) than
    ``reference``, a ring the same for staying, with a full-length arrow (as long as
    :func:`plot_probs` draws probability 1) for a change of ``scale``; changes below
    ``min_change`` are not drawn.

    scale, vmax: ``None`` (the default) takes them from the data, so the largest change
    is a full-length arrow and the most different cell tops the colour bar; pass
    numbers to share one scale between panels or to read against ``plot_probs``
    (``scale=1, vmax=1``). Returns the Axes.
    """
    if any(v is not None and not v > 0 for v in (scale, vmax)):
        raise ValueError(f"scale and vmax must be positive, got {scale}, {vmax}")
    ax = _axes(ax)
    probs = torch.as_tensor(probs).detach().double().reshape(grid.n_states, -1)
    reference = torch.as_tensor(reference).detach().double().reshape(grid.n_states, -1)
    change = (probs - reference).numpy()
    distance = 0.5 * np.abs(change).sum(axis=1)
    largest = float(np.abs(change).max())
    scale = scale if scale is not None else (largest if largest > 0 else 1.0)
    vmax = vmax if vmax is not None else (float(distance.max()) or 1.0)
    image = ax.imshow(
        distance.reshape(grid.n_rows, grid.n_cols),
        cmap=_DIFFERENCE_CMAP,
        vmin=0,
        vmax=vmax,
    )
    ax.figure.colorbar(
        image,
        ax=ax,
        fraction=0.046,
        pad=0.04,
        extend="max" if distance.max() > vmax else "neither",
        label=f"total variation distance\n(full arrow: change of {scale:.2g})",
    )
    _hatch_pits(grid, ax)
    for state in range(grid.n_states):
        row, col = grid.to_cell(state)
        for action, (d_row, d_col) in enumerate(ACTION_OFFSETS):
            delta = change[state, action]
            if abs(delta) < min_change:
                continue
            color = VERMILLION if delta > 0 else BLUE
            length = min(abs(delta) / scale, 1.0)  # in full arrows
            if action == STAY:
                ax.add_patch(
                    plt.Circle(
                        (col, row),
                        ARROW_SCALE * length,
                        fill=False,
                        linewidth=1.5,
                        color=color,
                        zorder=GLYPH_ZORDER,
                    )
                )
            else:
                # bolder than plot_probs' arrows: few, and coloured on grey
                _arrow(ax, col, row, d_col, d_row, length, color=color, thickness=1.6)
    return _finish(grid, ax, title)


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
    values = torch.as_tensor(values).detach().double().reshape(grid.n_states)
    texts = [fmt.format(value) for value in values.tolist()]
    _cell_heatmap(grid, values, ax, cmap, None, label, texts, fontsize)
    return _finish(grid, ax, title)


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
    rows = (len(panels) + 1) // 2
    if fig is None:
        fig, axes = page_figure(rows, 2, height=2.6 * rows, squeeze=False)
    else:
        axes = fig.subplots(rows, 2, squeeze=False)
    axes = list(axes.flat)
    for extra in axes[len(panels) :]:
        extra.set_visible(False)
    iterations = np.arange(1, len(history.loss) + 1)
    for ax, (name, label) in zip(axes, panels, strict=False):
        ax.plot(iterations, getattr(history, name), color=PATH_COLOR, linewidth=1)
        ax.set_xlabel("iteration")
        ax.set_ylabel(label)
        ax.set_title(label)
    if optimal_value is not None and history.start_value is not None:
        axes[len(panels) - 1].axhline(
            optimal_value, **REFERENCE_STYLES["optimum"], label="soft optimum"
        )
        axes[len(panels) - 1].legend(loc="lower right")
    return fig


def plot_gap_curves(
    curves: dict,
    ax=None,
    title: str = "Gap to the soft optimum",
    target: float | None = 0.01,
    styles: dict | None = None,
    floor: float = 1e-12,
    steps=None,
    target_label: str | None = None,
    xlabel: str = "iteration",
    ylabel: str = r"relative gap $(V^* - V_\pi)/|V^*|$",
    height: float = 3.6,
    legend: dict | None = None,
):
    """Relative gaps (V* - V_pi(start)) / |V*| per iteration, on a log scale.

    curves: maps a readable label to an array [n_points] (one run) or
        [n_seeds, n_points] (median line, min-max band), e.g.
        ``relative_gap(history.start_value, optimum)``.
    target: a reference line in the ``target`` style (``None`` for none), named
        ``target_label`` in the legend if one is given. styles: optional per-label
        keyword arguments for the line (``{"natural": {"linestyle": "--"}}``; a
        ``color`` from :mod:`.style`; without one, the curves take
        ``style.LINE_COLORS`` in turn). floor: gaps below it (exact to rounding, or
        negative by rounding) are drawn at it, inside a grey band labelled so,
        instead of as a line at an arbitrary small number. steps: where each point
        lies on the x axis, [n_points], one array for every curve or a dict with
        every label (environment steps, say, named by ``xlabel``); ``None``:
        iterations 1, 2, ... xlabel, ylabel: the axis labels. height: the height in
        inches of the page-wide figure drawn when no ``ax`` is given. legend: keyword
        arguments of the legend (``{"loc": "lower right"}``), drawn when there is more
        than one entry to name. Returns the Axes.
    """
    if ax is None:
        _, ax = page_figure(height=height)
    below_floor = False
    for number, (label, runs) in enumerate(curves.items()):
        runs = np.atleast_2d(np.asarray(runs, dtype=float))
        below_floor |= bool((runs < floor).any())
        runs = np.maximum(runs, floor)
        x = steps[label] if isinstance(steps, dict) else steps
        x = np.arange(1, runs.shape[1] + 1) if x is None else np.asarray(x)
        low, mid, high = np.quantile(runs, [0, 0.5, 1], axis=0)
        line_style = {"color": LINE_COLORS[number % len(LINE_COLORS)]}
        line_style.update((styles or {}).get(label, {}))
        (line,) = ax.semilogy(x, mid, label=label, **line_style)
        if runs.shape[0] > 1:
            ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, lw=0)
    if target is not None:
        ax.axhline(target, **REFERENCE_STYLES["target"], label=target_label)
    if below_floor:
        ax.axhspan(floor / 10, floor * 1.5, **EXACT_BAND, label="exact to rounding")
        ax.set_ylim(bottom=floor / 3)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(curves) > 1 or below_floor or target_label:
        ax.legend(**(legend or {}))
    return ax


def animate_episode(
    grid,
    states,
    interval: int = 300,
    title: str = "One episode",
    dpi: int = SCREEN_DPI,
):
    """A matplotlib animation of the agent moving along [T] flat states, its frames
    ``dpi`` dots per inch (the default: one pixel per screen pixel, as the explorer's).

    ``animate_episode(...).to_jshtml()`` gives HTML with player controls that works in a
    static page. The figure is closed, so it is not also shown as a still image.
    """
    states = torch.as_tensor(states).reshape(-1)
    # constrained: the axis labels stay inside the frame (each frame is laid out anew)
    fig, ax = plt.subplots(figsize=(3.6, 3.6), dpi=dpi, layout="constrained")
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
