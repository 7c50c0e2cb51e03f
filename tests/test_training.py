import statistics

import numpy as np
import pytest
import torch

from maxent_tutorial import (
    GridWorld,
    PGConfig,
    soft_policy_values,
    soft_value_iteration,
    start_value_gap,
    train_pg,
)


@pytest.mark.slow
def test_tabular_policy_is_within_one_percent_of_the_optimum_at_the_default_budget():
    grid = GridWorld()
    solution = soft_value_iteration(grid, 1.0, 0.99)
    gaps = []
    for seed in (0, 1, 2):
        # defaults: 500 iterations x 10 episodes x 300 steps
        history = train_pg(grid, seed=seed, progress=False)
        gaps.append(start_value_gap(grid, history.policy, 1.0, 0.99, solution))
    assert statistics.median(gaps) < 0.01
    assert min(gaps) > -1e-9  # nothing beats the optimum


def test_the_budget_is_counted_in_environment_steps():
    config = PGConfig(total_timesteps=10 * 4 * 30 + 7, n_envs=4, horizon=30)
    assert config.iterations == 10  # a part-iteration is not run
    with pytest.raises(ValueError, match="at least one iteration"):
        PGConfig(total_timesteps=100, n_envs=4, horizon=30)


def test_same_seed_gives_an_identical_history(small_grid):
    runs = [
        train_pg(
            small_grid,
            total_timesteps=20 * 4 * 30,
            horizon=30,
            n_envs=4,
            seed=5,
            progress=False,
            track_value=True,
        )
        for _ in range(2)
    ]
    first, second = runs
    for name in ("loss", "episode_reward", "soft_return", "entropy", "start_value"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert torch.equal(first.policy.table, second.policy.table)


def test_history_records_the_episode_reward_and_the_exact_value(small_grid):
    history = train_pg(
        small_grid,
        total_timesteps=3 * 2 * 10,
        horizon=10,
        n_envs=2,
        alpha=0.5,
        discount=0.9,
        progress=False,
        track_value=True,
    )
    assert (
        history.loss.shape
        == history.episode_reward.shape
        == history.start_value.shape
        == (3,)
    )
    # The first value is that of the initial uniform policy.
    expected = soft_policy_values(
        small_grid, torch.full((6, 5), 0.2, dtype=torch.float64), 0.5, 0.9
    )
    assert history.start_value[0] == pytest.approx(
        expected[small_grid.start_state].item()
    )
    assert history.entropy[0] == pytest.approx(np.log(5), rel=1e-5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(total_timesteps=0), "total_timesteps"),
        (dict(horizon=-1), "horizon"),
        (dict(n_envs=0), "n_envs"),
        (dict(alpha=-1.0), "alpha"),
        (dict(alpha=float("nan")), "alpha"),
        (dict(discount=1.5), "discount"),
        (dict(lr=0.0), "lr"),
        (dict(baseline="magic"), "baseline"),
        (dict(discount=1.0, track_value=True), "infinite-horizon"),
        (dict(entropy_sign=2.0), "entropy_sign"),
        (dict(optimizer="sgd"), "optimizer must be one of"),
        (dict(policy="deep"), "policy must be one of"),
        (dict(n_envs=1), "leave-one-out"),
        (dict(seed=1.5), "seed"),
        (dict(learning_rate=0.1), "no setting"),
    ],
)
def test_train_rejects_bad_settings(small_grid, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        train_pg(small_grid, progress=False, **kwargs)


def test_the_problem_must_be_a_grid():
    with pytest.raises(TypeError, match="grid must be a GridWorld"):
        train_pg("CartPole-v1", progress=False)


def test_a_config_of_another_method_is_rejected(small_grid):
    from maxent_tutorial import SoftQConfig

    with pytest.raises(TypeError, match="config must be a PGConfig"):
        train_pg(small_grid, SoftQConfig())


def test_history_settings_is_the_config_that_ran(small_grid):
    config = PGConfig(total_timesteps=2 * 2 * 5, horizon=5, n_envs=2, progress=False)
    history = train_pg(small_grid, config, alpha=0.5)
    assert history.settings == PGConfig(
        total_timesteps=20, horizon=5, n_envs=2, progress=False, alpha=0.5
    )
    assert history.settings.iterations == 2


def test_every_config_is_built_on_the_one_settings_base():
    from maxent_tutorial.registry import METHODS
    from maxent_tutorial.settings import Settings

    for method in METHODS.values():
        assert issubclass(method.config, Settings), method.name
        assert method.train.__name__ == "train_" + method.name.replace("-", "_")
        for item in method.config.__dataclass_fields__.values():
            assert item.metadata.get("help"), (method.name, item.name)


@pytest.mark.slow
def test_best_configuration_reaches_within_0_2_percent_of_the_soft_optimum():
    # The book's best configuration (chapter 10): linear policy, per-step baseline,
    # natural gradient.
    grid = GridWorld()
    solution = soft_value_iteration(grid, 1.0, 0.99)
    gaps = []
    for seed in range(5):
        history = train_pg(
            grid, policy="linear", optimizer="natural", seed=seed, progress=False
        )
        gaps.append(start_value_gap(grid, history.policy, 1.0, 0.99, solution))
    assert statistics.median(gaps) <= 0.002
