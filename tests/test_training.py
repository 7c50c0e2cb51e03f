import statistics

import numpy as np
import pytest
import torch

from maxent_tutorial import (GridWorld, TabularSoftmaxPolicy, soft_policy_values, soft_value_iteration,
                             start_value_gap, train)
from maxent_tutorial.cli import main


def test_tabular_policy_reaches_within_one_percent_of_the_soft_optimum_at_the_default_budget():
    grid = GridWorld()
    solution = soft_value_iteration(grid, 1.0, 0.99)
    gaps = []
    for seed in (0, 1, 2):
        policy = TabularSoftmaxPolicy(grid)
        train(grid, policy, seed=seed, progress=False)  # defaults: 500 x 10 episodes x 300 steps
        gaps.append(start_value_gap(grid, policy, 1.0, 0.99, solution))
    assert statistics.median(gaps) < 0.01
    assert min(gaps) > -1e-9  # nothing beats the optimum


def test_same_seed_gives_an_identical_history(small_grid):
    runs = []
    for _ in range(2):
        policy = TabularSoftmaxPolicy(small_grid)
        history = train(small_grid, policy, epochs=20, horizon=30, n_episodes=4, seed=5, progress=False,
                        track_value=True)
        runs.append((history, policy.table.detach().clone()))
    (first, table_1), (second, table_2) = runs
    for name in ("loss", "episode_reward", "soft_return", "entropy", "start_value"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert torch.equal(table_1, table_2)


def test_history_records_the_episode_reward_and_the_exact_value(small_grid):
    policy = TabularSoftmaxPolicy(small_grid)
    history = train(small_grid, policy, epochs=3, horizon=10, n_episodes=2, alpha=0.5, discount=0.9,
                    progress=False, track_value=True)
    assert history.loss.shape == history.episode_reward.shape == history.start_value.shape == (3,)
    # The first value is that of the initial uniform policy.
    expected = soft_policy_values(small_grid, torch.full((6, 5), 0.2, dtype=torch.float64), 0.5, 0.9)
    assert history.start_value[0] == pytest.approx(expected[small_grid.start_state].item())
    assert history.entropy[0] == pytest.approx(np.log(5), rel=1e-5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(epochs=0), "epochs"), (dict(horizon=-1), "horizon"), (dict(n_episodes=0), "n_episodes"),
    (dict(alpha=-1.0), "alpha"), (dict(alpha=float("nan")), "alpha"), (dict(discount=1.5), "discount"),
    (dict(lr=0.0), "lr"), (dict(baseline="magic"), "baseline"),
    (dict(discount=1.0, track_value=True), "track_value"),
])
def test_train_rejects_bad_settings(small_grid, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        train(small_grid, TabularSoftmaxPolicy(small_grid), progress=False, **kwargs)


def test_train_rejects_a_policy_for_another_grid(small_grid):
    with pytest.raises(ValueError, match="policy was built for a grid"):
        train(GridWorld(), TabularSoftmaxPolicy(small_grid), progress=False)


def test_command_line_trains_reports_the_gap_and_saves_outputs(tmp_path, capsys):
    figure, weights = tmp_path / "curves.png", tmp_path / "policy.pt"
    code = main(["train", "--policy", "linear", "--epochs", "30", "--no-progress",
                 "--save-figure", str(figure), "--save-weights", str(weights)])
    out = capsys.readouterr().out
    assert code == 0
    assert "gap to the soft optimum" in out
    assert figure.stat().st_size > 1000
    state = torch.load(weights, weights_only=True)
    assert set(state) == {"linear.weight", "linear.bias"}


def test_command_line_reports_bad_values(capsys):
    assert main(["train", "--alpha", "-1", "--no-progress"]) == 2
    assert "alpha" in capsys.readouterr().err


def test_best_configuration_reaches_within_0_2_percent_of_the_soft_optimum():
    # The book's best configuration (chapter 10): linear policy, per-step baseline, natural gradient.
    from maxent_tutorial import LinearSoftmaxPolicy
    grid = GridWorld()
    solution = soft_value_iteration(grid, 1.0, 0.99)
    gaps = []
    for seed in range(5):
        policy = LinearSoftmaxPolicy(grid)
        train(grid, policy, optimizer="natural", seed=seed, progress=False)
        gaps.append(start_value_gap(grid, policy, 1.0, 0.99, solution))
    assert statistics.median(gaps) <= 0.002
