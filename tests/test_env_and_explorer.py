import warnings

import gymnasium
import matplotlib
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env

from maxent_tutorial.book.explorer import (
    GRIDS,
    explorer_grid,
    explorer_view,
    solve_setting,
)
from maxent_tutorial.env import ENV_ID, GridWorldEnv

matplotlib.use("Agg")


def test_the_registered_environment_passes_the_checker_with_warnings_as_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        env = gymnasium.make(ENV_ID, render_mode="rgb_array")
        # the checker's advice: check the environment below the wrappers
        check_env(env.unwrapped)
    assert env.spec.id == ENV_ID and env.spec.max_episode_steps == 300


def test_the_registered_environment_is_truncated_at_the_book_horizon():
    env = gymnasium.make(ENV_ID)
    env.reset(seed=0)
    steps, truncated = 0, False
    while not truncated:
        _, _, terminated, truncated, _ = env.step(0)
        assert not terminated
        steps += 1
    assert steps == 300


def test_creating_the_environment_does_not_import_pyplot():
    import subprocess
    import sys

    code = (
        "import sys, gymnasium, maxent_tutorial; gymnasium.make(maxent_tutorial.ENV_ID)"
        ".reset(); print('matplotlib.pyplot' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_env_follows_the_grid_dynamics_and_reward_convention(small_grid):
    env = gymnasium.wrappers.TimeLimit(GridWorldEnv(small_grid), max_episode_steps=4)
    state, _ = env.reset(seed=0)
    assert state == small_grid.start_state
    total, truncated = 0.0, False
    for action in (1, 3, 3, 0):  # up, right, right, stay
        expected_next = small_grid.next_states[state, action].item()
        reward_before_move = small_grid.state_rewards[state].item()
        state, reward, terminated, truncated, _ = env.step(action)
        assert (
            state == expected_next and reward == reward_before_move and not terminated
        )
        total += reward
    assert truncated
    assert total == pytest.approx(-0.5 + 0.0 + 1.0 + -1.0)


def test_env_renders_the_grid_as_an_rgb_picture():
    env = GridWorldEnv(render_mode="rgb_array")
    env.reset()
    picture = env.render()
    assert picture.shape == (6 * 32, 6 * 32, 3) and picture.dtype == np.uint8


def test_env_rejects_bad_arguments():
    with pytest.raises(ValueError, match="render_mode"):
        GridWorldEnv(render_mode="human")
    with pytest.raises(TypeError, match="grid must be a GridWorld"):
        GridWorldEnv(grid="6x6")
    env = GridWorldEnv()
    env.reset()
    with pytest.raises(ValueError, match="action must be an integer in 0..4"):
        env.step(7)


def test_explorer_replaces_the_goal_reward():
    grid = explorer_grid("original", 50.0)
    assert grid.rewards[0, 5].item() == 50.0 and grid.rewards[1, 0].item() == -100.0
    assert set(GRIDS) == {"original", "no pits", "two goals"}


def test_explorer_solution_is_the_soft_optimum_and_uniform_at_huge_alpha():
    result = solve_setting(1e5, 0.9, 1000.0, "no pits")
    assert torch.allclose(
        result.solution.probs, torch.full((36, 5), 0.2, dtype=torch.float64), atol=0.01
    )
    assert result.occupancy.sum().item() == pytest.approx(1.0)
    assert result.mean_entropy == pytest.approx(np.log(5), rel=1e-3)


@pytest.mark.parametrize(
    "grid_name, goal_reward, goal_cell, hatched_reward",
    [
        ("original", 1000.0, (0, 5), -100.0),
        ("no pits", 1000.0, (0, 5), -10.0),  # its lowest cells are the -10 ones
        ("two goals", 1000.0, (0, 5), -100.0),
        ("two goals", 10.0, (5, 2), -100.0),  # the near goal (20) is now the best
    ],
)
def test_explorer_marks_the_largest_and_the_lowest_rewards_as_chapter_8_says(
    grid_name, goal_reward, goal_cell, hatched_reward
):
    grid = explorer_grid(grid_name, goal_reward)
    assert grid.to_cell(grid.goal_state) == goal_cell
    fig = explorer_view(1.0, 0.95, goal_reward, grid_name)
    hatched = {
        (round(p.get_y() + 0.5), round(p.get_x() + 0.5))
        for p in fig.axes[0].patches
        if p.get_hatch()
    }
    lowest = {
        grid.to_cell(s)
        for s in range(grid.n_states)
        if grid.state_rewards[s].item() == hatched_reward
    }
    assert hatched == lowest and len(lowest) > 0


def test_explorer_view_draws_two_panels():
    fig = explorer_view(1.0, 0.95, 1000.0, "two goals")
    assert len(fig.axes) == 3  # policy, visitation and its colour bar


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(alpha=-1.0), "alpha"),
        (dict(alpha=float("nan")), "alpha"),
        (dict(discount=1.0), "discount"),
        (dict(discount=0.995), "discount must be at most 0.99"),
        (dict(goal_reward=float("inf")), "goal_reward"),
        (dict(goal_reward="big"), "goal_reward"),
        (dict(grid_name="maze"), "grid_name"),
    ],
)
def test_explorer_rejects_bad_slider_values(kwargs, match):
    setting = (
        dict(alpha=1.0, discount=0.9, goal_reward=1000.0, grid_name="original") | kwargs
    )
    with pytest.raises(ValueError, match=match):
        explorer_view(**setting)


def test_temperature_explorer_builds_its_widgets():
    from maxent_tutorial.book.explorer import temperature_explorer

    panel = temperature_explorer(alpha=10.0, discount=0.9)
    sliders = [child for box in panel.children[:2] for child in box.children]
    assert [s.description for s in sliders] == ["alpha", "gamma", "goal", "grid"]
    sliders[0].value = 100.0  # a change redraws without error


def test_a_released_slider_redraws_once_for_the_value_it_rests_on():
    from maxent_tutorial.book.explorer import temperature_explorer

    panel = temperature_explorer(alpha=10.0, discount=0.9, grid_name="two goals")
    alpha, gamma, goal, grid = (c for box in panel.children[:2] for c in box.children)
    picture, explorer = panel.children[2], panel.explorer
    # the front end sends a slider's value on release only, not during a drag
    assert not any(s.continuous_update for s in (alpha, gamma, goal))
    shown = []
    picture.observe(lambda change: shown.append(change["new"]), names="value")
    before = explorer.updates
    alpha.value = 1000.0  # the release: one message with the final value
    assert explorer.updates == before + 1 and len(shown) == 1
    assert explorer.setting == (1000.0, 0.9, 1000.0, "two goals")
    title = explorer.figure._suptitle.get_text()  # no public accessor
    expected = solve_setting(1000.0, 0.9, 1000.0, "two goals")
    assert r"$\alpha$ = 1000," in title
    assert f"mean entropy {expected.mean_entropy:.2f} nats" in title
    assert bytes(shown[0]).startswith(b"\x89PNG")


def test_the_live_update_matches_a_fresh_view_of_the_same_setting():
    from maxent_tutorial.book.explorer import LiveExplorer

    live = LiveExplorer(dpi=20)
    live.update(1.0, 0.95, 1000.0, "original")  # builds the panels
    live.update(300.0, 0.95, 1000.0, "original")  # redraws them in place
    fresh = explorer_view(300.0, 0.95, 1000.0, "original")
    assert live.figure._suptitle.get_text() == fresh._suptitle.get_text()
    live_image, fresh_image = (f.axes[1].images[0] for f in (live.figure, fresh))
    np.testing.assert_allclose(
        live_image.get_array(), fresh_image.get_array(), rtol=1e-6
    )
    assert live_image.get_clim() == pytest.approx(fresh_image.get_clim(), rel=1e-6)
    assert len(live.figure.axes) == 3  # policy, visitation and its colour bar


@pytest.mark.parametrize(
    "releases",
    [
        # alpha changes: only the arrows, rings and colours change
        [
            (1.0, 0.95, 1000.0, "original"),
            (0.05, 0.95, 1000.0, "original"),
            (300.0, 0.95, 1000.0, "original"),
        ],
        # a goal change recolours the reward map; then gamma and alpha
        [
            (1.0, 0.95, 1000.0, "original"),
            (1.0, 0.95, 10.0, "original"),
            (300.0, 0.8, 10.0, "original"),
        ],
        # the goal moves to the small goal's cell: its badge and frame move
        [
            (1.0, 0.95, 1000.0, "two goals"),
            (1.0, 0.95, 5.0, "two goals"),
            (300.0, 0.95, 5.0, "two goals"),
        ],
        # new grids: the pits' hatching goes and comes back, the goal moves
        [
            (1e4, 0.99, 1000.0, "original"),
            (1e4, 0.99, 5.0, "two goals"),
            (0.05, 0.9, 5.0, "original"),
            (1e4, 0.99, 1000.0, "no pits"),
        ],
    ],
)
def test_the_live_update_draws_the_same_pixels_as_a_fresh_view(releases):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from maxent_tutorial.book.explorer import (
        EXPLORER_FIGSIZE,
        LIVE_TOL,
        LiveExplorer,
    )

    live = LiveExplorer(dpi=40)
    for setting in releases:
        live.update(*setting)
    fresh = explorer_view(
        *releases[-1], fig=Figure(figsize=EXPLORER_FIGSIZE, dpi=40), tol=LIVE_TOL
    )
    pictures = []
    for figure in (live.figure, fresh):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        pictures.append(np.asarray(canvas.buffer_rgba()))
    # the old policy's arrows and the old grid's marks are gone, the new ones drawn
    # where a fresh view has them, on the same reward map: the two renderings agree
    # pixel for pixel, and no panel or colour bar was added
    for live_panel, fresh_panel in zip(live.figure.axes, fresh.axes, strict=True):
        assert len(live_panel.patches) == len(fresh_panel.patches)
    assert len(live.figure.axes) == 3
    np.testing.assert_array_equal(pictures[0], pictures[1])


def test_outside_a_kernel_a_release_draws_at_once_even_with_a_running_loop():
    # a loop marked running is no kernel (Playwright's synchronous API leaves one in
    # the main thread for the rest of a test session): the drawing is not deferred
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from maxent_tutorial.book.explorer import temperature_explorer

    async def release():
        panel = temperature_explorer(alpha=10.0, discount=0.9)
        before = panel.explorer.updates
        panel.children[0].children[0].value = 1000.0
        return panel.explorer.updates - before, panel.explorer.setting[0]

    # in a thread of its own: asyncio.run refuses a thread whose loop is running
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, release()).result() == (1, 1000.0)


@pytest.mark.slow
def test_a_burst_of_releases_in_a_kernel_is_folded_and_ends_on_the_last_value():
    # a held arrow key sends a release every ~30 ms, faster than a drawing: the
    # kernel draws a few times, not once per value, and ends on the last value
    import time

    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")

    def run(code):
        """Run ``code`` in the kernel; returns what it printed."""
        printed = []

        def keep(message):
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        reply = client.execute_interactive(code, timeout=60, output_hook=keep)
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(printed)

    try:
        comm_id = run(
            "from maxent_tutorial.book.explorer import temperature_explorer\n"
            "panel = temperature_explorer(alpha=10.0, discount=0.9)\n"
            "print(panel.children[0].children[0].model_id)"
        ).strip()
        presses = [10 ** (1.1 + 0.1 * i) for i in range(12)]
        for value in presses:  # what the front end sends on each release
            state = {"method": "update", "state": {"value": value}, "buffer_paths": []}
            content = {"comm_id": comm_id, "data": state}
            client.shell_channel.send(client.session.msg("comm_msg", content=content))
            time.sleep(0.03)
        deadline = time.time() + 60
        while time.time() < deadline:
            shown_now = run("print(panel.explorer.updates, panel.explorer.setting[0])")
            updates, shown = shown_now.split()
            if float(shown) == pytest.approx(presses[-1], rel=1e-12):
                break
            time.sleep(0.1)
        assert float(shown) == pytest.approx(presses[-1], rel=1e-12)
        # the first update is the build; without folding there are 1 + len(presses)
        assert 1 < int(updates) <= 1 + 2 * len(presses) // 3
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_the_two_goals_grid_is_the_posts_grid_with_the_near_goal_on_a_pit():
    from maxent_tutorial.book.explorer import GRIDS, NEAR_GOAL_CELL, NEAR_GOAL_REWARD

    original, two_goals = (torch.tensor(GRIDS[n][0]) for n in ("original", "two goals"))
    assert GRIDS["two goals"][1] == GRIDS["original"][1]  # the same start
    changed = (two_goals != original).nonzero().tolist()
    assert changed == [list(NEAR_GOAL_CELL)]
    assert two_goals[NEAR_GOAL_CELL] == NEAR_GOAL_REWARD
    assert original[NEAR_GOAL_CELL] == original.min()  # it was a pit
    assert 0 < NEAR_GOAL_REWARD < original.max()  # small beside the far goal


def test_no_stop_of_the_goal_slider_reads_as_the_near_goal_unless_it_is_it():
    from maxent_tutorial.book.explorer import NEAR_GOAL_REWARD, temperature_explorer

    near_goal = NEAR_GOAL_REWARD
    panel = temperature_explorer(alpha=10.0, discount=0.9)
    goal = panel.children[1].children[0]
    assert goal.description == "goal"
    # the readouts ("r" in d3-format): decimal notation, rounded to these digits
    alpha = panel.children[0].children[0]
    for slider in (alpha, goal):
        assert slider.readout_format[0] == "." and slider.readout_format[-1] == "r"
    digits = int(goal.readout_format[1:-1])
    steps = round((goal.max - goal.min) / goal.step)
    stops = [goal.base ** (goal.min + k * goal.step) for k in range(steps + 1)]
    shown = [float(f"{stop:.{digits}g}") for stop in stops]
    assert len(set(shown)) == len(stops)  # every stop reads differently
    read_as_near = [s for s, v in zip(stops, shown, strict=True) if v == near_goal]
    assert read_as_near in ([], [near_goal])
