"""The static-page explorer: frames over alpha drawn by the live explorer's update."""

import re

import matplotlib
import pytest
from helpers import assert_drawn_inside

from maxent_tutorial.book.explorer import solve_setting, temperature_animation

matplotlib.use("Agg")


def test_temperature_animation_has_one_frame_per_temperature():
    movie = temperature_animation([0.5, 50.0, 5000.0], grid_name="two goals", dpi=20)
    html = movie.to_jshtml()
    frames = re.findall(r'frames\[(\d+)\] = "data:image/png;base64,', html)
    assert frames == ["0", "1", "2"]


def test_the_frames_are_the_explorer_view_of_each_temperature():
    alphas = [0.5, 50.0]
    movie = temperature_animation(alphas, goal_reward=100.0, dpi=20)
    movie.to_jshtml()  # draws every frame in order; the figure keeps the last one
    # FuncAnimation keeps its figure here; there is no public accessor
    figure = movie._fig
    title = figure._suptitle.get_text()
    expected = solve_setting(alphas[-1], 0.99, 100.0, "original")
    assert rf"$\alpha$ = {alphas[-1]:g}," in title and "goal = 100" in title
    assert f"mean entropy {expected.mean_entropy:.2f} nats" in title
    assert len(figure.axes) == 3  # policy map, visitation and its colour bar


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(alphas=[]), "alphas"),
        (dict(alphas=[1.0, -1.0]), "alpha"),
        (dict(alphas=[1.0], discount=0.999), "discount"),
        (dict(alphas=[1.0], grid_name="maze"), "grid_name"),
        (dict(alphas=[1.0], goal_reward=float("inf")), "goal_reward"),
    ],
)
def test_temperature_animation_rejects_bad_settings_before_drawing(kwargs, match):
    with pytest.raises(ValueError, match=match):
        temperature_animation(**kwargs)


@pytest.mark.parametrize("alpha", [0.1, 40_000.0])
def test_the_explorer_view_draws_every_label_inside_its_figure(alpha):
    # at a high alpha the visitation's colour bar spans less than a decade, and its
    # minor tick labels are the widest
    from maxent_tutorial.book.explorer import explorer_view

    assert_drawn_inside(explorer_view(alpha, 0.99, 1000.0, "original"))
