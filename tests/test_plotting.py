"""The book's shared figures (maxent_tutorial.book.plotting), measured on the patches
they draw: S and G badges clear of every arrow, arrow lengths proportional to
probability, the policy difference scaled from its data, line colours that read on
white."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from helpers import assert_drawn_inside  # noqa: E402
from matplotlib.patches import Circle, FancyArrow  # noqa: E402

from maxent_tutorial import (  # noqa: E402
    DOWN,
    LEFT,
    RIGHT,
    STAY,
    UP,
    soft_value_iteration,
    train_pg,
)
from maxent_tutorial.book import plotting, style  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def polygon_distance(point, vertices) -> float:
    """Distance from ``point`` [2] to a closed polygon's outline ([n, 2] vertices)."""
    starts, ends = vertices, np.roll(vertices, -1, axis=0)
    along = ends - starts
    length2 = np.maximum((along**2).sum(axis=1), 1e-300)
    t = np.clip(((point - starts) * along).sum(axis=1) / length2, 0, 1)
    nearest = starts + t[:, None] * along
    return float(np.linalg.norm(point - nearest, axis=1).min())


def inside(point, vertices) -> bool:
    return matplotlib.path.Path(vertices).contains_point(point)


def tables(grid):
    """Policies that put arrows and rings of every size next to S and G."""
    n = grid.n_states
    yield soft_value_iteration(grid, 1.0, 0.99).probs
    yield torch.full((n, 5), 0.2, dtype=torch.float64)
    for action in (STAY, UP, DOWN, RIGHT, LEFT):  # every move with probability 1
        yield torch.nn.functional.one_hot(torch.full((n,), action), 5).double()
    half = torch.zeros(n, 5, dtype=torch.float64)
    half[:, STAY] = half[:, RIGHT] = 0.5  # a ring with an arrow leaving it
    yield half


def policy_map(grid, probs):
    return plotting.plot_probs(grid, probs)


def difference_map(grid, probs):
    uniform = torch.full_like(probs, 0.2)
    return plotting.plot_policy_difference(grid, probs, uniform, min_change=0.0)


@pytest.mark.parametrize("draw", [policy_map, difference_map])
@pytest.mark.parametrize("which", ["default_grid", "small_grid"])
def test_start_and_goal_badges_overlap_no_arrow_head_or_ring(which, draw, request):
    grid = request.getfixturevalue(which)
    for probs in tables(grid):
        ax = draw(grid, probs)
        badges = [p for p in ax.patches if (p.get_gid() or "").endswith("-badge")]
        assert len(badges) == 2
        arrows = [p for p in ax.patches if isinstance(p, FancyArrow)]
        rings = [p for p in ax.patches if isinstance(p, Circle) and p not in badges]
        assert arrows or rings
        for badge in badges:
            centre, radius = np.array(badge.center), badge.radius
            # on the map, and readable: the disc is close to half a cell across
            assert -0.5 <= centre[0] <= grid.n_cols - 0.5
            assert -0.5 <= centre[1] <= grid.n_rows - 0.5
            assert radius >= 0.2
            for arrow in arrows:
                outline = arrow.get_xy()
                assert not inside(centre, outline)
                assert polygon_distance(centre, outline) > radius + 0.05
            for ring in rings:
                gap = np.linalg.norm(centre - np.array(ring.center)) - ring.radius
                assert gap > radius + 0.03
        for badge, name in zip(badges, ("start", "goal"), strict=True):
            (letter,) = [p for p in ax.patches if p.get_gid() == f"{name}-letter"]
            glyph = letter.get_path().vertices
            assert np.linalg.norm(glyph - badge.center, axis=1).max() < badge.radius
        plt.close(ax.figure)


def test_start_and_goal_frames_sit_on_their_cells(default_grid):
    ax = plotting.plot_rewards(default_grid)
    goal = default_grid.to_cell(default_grid.goal_state)
    for name, (row, col) in (("start", default_grid.start), ("goal", goal)):
        (frame,) = [p for p in ax.patches if p.get_gid() == f"{name}-frame"]
        x, y = frame.get_xy()
        assert (x + frame.get_width() / 2, y + frame.get_height() / 2) == (
            pytest.approx(col),
            pytest.approx(row),
        )
    assert ax.get_aspect() == 1.0


def arrow_geometry(arrow: FancyArrow, start, direction) -> tuple[float, float]:
    """(length, head length) of an arrow drawn from ``start`` along the unit vector
    ``direction`` (both [2])."""
    outline = arrow.get_xy() - start
    along = outline @ direction
    across = np.abs(outline @ np.array([-direction[1], direction[0]]))
    head_base = along[across.argmax()]  # a corner of the head, at its widest
    return float(along.max()), float(along.max() - head_base)


def right_arrow(ax, grid, state) -> FancyArrow:
    """The one arrow drawn rightwards from the centre of ``state``'s cell."""
    row, col = grid.to_cell(state)
    (arrow,) = [
        a
        for a in ax.patches
        if isinstance(a, FancyArrow)
        and a.get_xy()[:, 1].mean() == pytest.approx(row, abs=0.05)
        and a.get_xy()[:, 0].min() == pytest.approx(col, abs=1e-9)
    ]
    return arrow


@pytest.mark.parametrize("p", [0.03, 0.05, 0.1, 0.135, 0.2, 0.5, 1.0])
def test_plot_probs_arrow_length_is_the_probability_with_a_shaft(p, small_grid):
    probs = torch.zeros(small_grid.n_states, 5, dtype=torch.float64)
    probs[:, RIGHT], probs[:, UP] = p, 1 - p  # no stay: arrows start at the centre
    ax = plotting.plot_probs(small_grid, probs)
    row, col = small_grid.to_cell(0)
    arrow = right_arrow(ax, small_grid, 0)
    length, head = arrow_geometry(arrow, np.array([col, row]), np.array([1, 0]))
    assert length == pytest.approx(plotting.ARROW_SCALE * p)  # proportional to p
    assert head <= 0.4 * length + 1e-9  # a shaft, not a bare arrow head


def difference_tables(grid, change=0.35, state=7):
    reference = torch.full((grid.n_states, 5), 0.2, dtype=torch.float64)
    probs = reference.clone()
    probs[state, STAY] -= 0.15
    probs[state, RIGHT] += 0.15  # largest change: 0.15 ...
    probs[state + 1, UP] += change  # ... unless this one is larger
    probs[state + 1, STAY] -= change
    return probs, reference


def right_arrow_length(ax, grid, state) -> float:
    row, col = grid.to_cell(state)
    start, right = np.array([col, row]), np.array([1, 0])
    return arrow_geometry(right_arrow(ax, grid, state), start, right)[0]


def test_policy_difference_scales_arrows_and_colour_bar_from_the_data(default_grid):
    grid = default_grid
    probs, reference = difference_tables(grid, change=0.35)
    ax = plotting.plot_policy_difference(grid, probs, reference)
    # the largest change (0.35) is a full-length arrow, 0.15 in proportion
    assert right_arrow_length(ax, grid, 7) == pytest.approx(
        plotting.ARROW_SCALE * 0.15 / 0.35
    )
    stay_rings = [
        p for p in ax.patches if isinstance(p, Circle) and p.get_gid() is None
    ]
    assert max(r.radius for r in stay_rings) == pytest.approx(plotting.ARROW_SCALE)
    # the colour bar tops at the largest total variation distance, 0.35
    assert ax.images[0].get_clim() == pytest.approx((0.0, 0.35))


def test_policy_difference_takes_a_fixed_scale(default_grid):
    grid = default_grid
    probs, reference = difference_tables(grid, change=0.35)
    ax = plotting.plot_policy_difference(grid, probs, reference, scale=0.6, vmax=1)
    assert right_arrow_length(ax, grid, 7) == pytest.approx(
        plotting.ARROW_SCALE * 0.15 / 0.6
    )
    assert ax.images[0].get_clim() == pytest.approx((0.0, 1.0))
    with pytest.raises(ValueError, match="scale"):
        plotting.plot_policy_difference(grid, probs, reference, scale=0)
    with pytest.raises(ValueError, match="vmax"):
        plotting.plot_policy_difference(grid, probs, reference, vmax=-1)


def test_policy_difference_of_a_table_with_itself_draws_no_arrow(default_grid):
    same = soft_value_iteration(default_grid, 1.0, 0.99).probs
    ax = plotting.plot_policy_difference(default_grid, same, same)
    assert not [p for p in ax.patches if isinstance(p, FancyArrow)]
    assert ax.images[0].get_clim()[1] > 0


def test_gap_curves_take_readable_colours_unless_given_one():
    curves = {f"run {i}": np.logspace(-1, -3 - i, 50) for i in range(9)}
    ax = plotting.plot_gap_curves(curves, styles={"run 0": {"color": "#123456"}})
    colours = [matplotlib.colors.to_hex(line.get_color()) for line in ax.lines]
    assert colours[0] == "#123456"
    for colour in colours[1:9]:
        assert style.contrast_ratio(colour) >= style.MIN_LINE_CONTRAST


def test_gap_curves_show_values_below_the_floor_in_the_band():
    gaps = np.concatenate([np.logspace(-1, -13, 20), [-1e-15, 0.0]])
    ax = plotting.plot_gap_curves({"exact": gaps}, floor=1e-12)
    (line,) = [line for line in ax.lines if line.get_label() == "exact"]
    assert line.get_ydata().min() == pytest.approx(1e-12)
    assert ax.get_ylim()[0] < 1e-12
    assert "exact to rounding" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_gap_curves_draw_at_the_given_steps_one_array_or_one_per_label():
    runs = np.array([[0.5, 0.1, 0.02], [0.3, 0.2, 0.01], [0.4, 0.05, 0.03]])
    by_label = {"a": np.array([10, 20, 30]), "b": np.array([1, 2])}
    ax = plotting.plot_gap_curves(
        {"a": runs, "b": [0.2, 0.1]}, steps=by_label, target_label="1 %"
    )
    lines = {line.get_label(): line for line in ax.lines}
    np.testing.assert_array_equal(lines["a"].get_xdata(), [10, 20, 30])
    np.testing.assert_array_equal(lines["a"].get_ydata(), np.median(runs, 0))
    np.testing.assert_array_equal(lines["b"].get_xdata(), [1, 2])
    # the min-max band of the three runs spans the steps given
    (band,) = ax.collections
    assert band.get_paths()[0].vertices[:, 0].min() == 10
    assert "1 %" in [t.get_text() for t in ax.get_legend().get_texts()]
    one = plotting.plot_gap_curves({"a": runs}, steps=np.array([5, 6, 7]))
    np.testing.assert_array_equal(one.lines[0].get_xdata(), [5, 6, 7])
    default = plotting.plot_gap_curves({"a": runs})
    np.testing.assert_array_equal(default.lines[0].get_xdata(), [1, 2, 3])
    plt.close("all")


@pytest.mark.parametrize(
    "shape, options, axes_shape",
    [
        ((), {}, ()),
        ((1, 2), {}, (2,)),
        ((3, 2), {"sharex": True, "sharey": True}, (3, 2)),
    ],
)
def test_page_figure_is_page_wide_constrained_and_passes_its_options(
    shape, options, axes_shape
):
    fig, axes = plotting.page_figure(*shape, height=3.4, **options)
    assert tuple(fig.get_size_inches()) == (style.FIGURE_WIDTH, 3.4)
    assert fig.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
    assert np.shape(axes) == axes_shape
    panels = np.ravel(axes)
    shared = [panels[0].get_shared_x_axes().joined(panels[0], ax) for ax in panels[1:]]
    assert all(shared) == bool(options) or len(panels) == 1


@pytest.mark.parametrize("height", [0, -1.0, float("nan"), "3"])
def test_page_figure_names_a_bad_height(height):
    with pytest.raises((TypeError, ValueError), match="height"):
        plotting.page_figure(height=height)


def test_page_figure_widens_the_gaps_it_is_asked_to():
    default = plotting.page_figure(1, 2, height=3)[0].get_layout_engine().get()
    fig, _ = plotting.page_figure(2, 2, height=3, wspace=0.1, hspace=0.08)
    gaps = fig.get_layout_engine().get()
    assert (gaps["wspace"], gaps["hspace"]) == (0.1, 0.08)
    assert gaps["wspace"] > default["wspace"] and gaps["hspace"] > default["hspace"]
    for name in ("wspace", "hspace"):
        with pytest.raises(ValueError, match=name):
            plotting.page_figure(height=3, **{name: 0.9})


def test_gap_curves_name_their_axes_as_asked_and_by_default():
    curves = {"a": [0.5, 0.1, 0.02]}
    ax = plotting.plot_gap_curves(curves, xlabel="environment steps", ylabel="gap")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("environment steps", "gap")
    default = plotting.plot_gap_curves(curves)
    assert default.get_xlabel() == "iteration"
    assert default.get_ylabel().startswith("relative gap")
    plt.close("all")


def test_learning_curves_are_page_wide_or_drawn_into_the_figure_given(small_grid):
    history = train_pg(
        small_grid, total_timesteps=2 * 40, horizon=10, n_envs=4, progress=False
    )
    fig = plotting.plot_learning_curves(history)
    assert tuple(fig.get_size_inches()) == (style.FIGURE_WIDTH, 2 * 2.6)
    assert fig.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["surrogate loss", "reward per episode", "entropy (nats)"]
    given = plt.figure(figsize=(3, 3))
    assert plotting.plot_learning_curves(history, fig=given) is given
    assert tuple(given.get_size_inches()) == (3, 3)
    assert len([ax for ax in given.axes if ax.get_visible()]) == 3
    plt.close("all")


def test_the_episode_animation_has_a_frame_per_state_drawn_inside_its_figure(
    default_grid,
):
    states = torch.tensor([30, 31, 25, 19])
    movie = plotting.animate_episode(default_grid, states, title="Trained agent")
    html = movie.to_jshtml()  # draws every frame, in order
    assert html.count("data:image/png;base64") == len(states)
    figure = movie._fig  # FuncAnimation keeps it; there is no public accessor
    assert tuple(figure.get_size_inches() * figure.dpi) == (360, 360)
    assert figure.axes[0].get_title() == f"Trained agent: step {len(states) - 1}"
    assert_drawn_inside(figure)  # the axis labels are not cut off


def test_gap_curves_open_a_page_wide_figure_of_the_height_and_place_the_legend():
    curves = {"a": [0.5, 0.1, 0.02], "b": [0.4, 0.2, 0.05]}
    ax = plotting.plot_gap_curves(
        curves, height=3.8, legend={"loc": "lower left", "fontsize": 8}
    )
    assert tuple(ax.figure.get_size_inches()) == (style.FIGURE_WIDTH, 3.8)
    legend = ax.get_legend()
    assert legend._loc == matplotlib.legend.Legend.codes["lower left"]
    assert legend.get_texts()[0].get_fontsize() == 8
    default = plotting.plot_gap_curves(curves)
    assert tuple(default.figure.get_size_inches()) == (style.FIGURE_WIDTH, 3.6)
    assert default.get_legend()._loc == matplotlib.legend.Legend.codes["best"]
    plt.close("all")
