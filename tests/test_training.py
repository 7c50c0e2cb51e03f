import statistics

import numpy as np
import pytest
import torch

from maxent_tutorial import (
    GridWorld,
    TabularSoftmaxPolicy,
    soft_policy_values,
    soft_value_iteration,
    start_value_gap,
    train,
)
from maxent_tutorial.cli import main


def test_tabular_policy_is_within_one_percent_of_the_optimum_at_the_default_budget():
    grid = GridWorld()
    solution = soft_value_iteration(grid, 1.0, 0.99)
    gaps = []
    for seed in (0, 1, 2):
        policy = TabularSoftmaxPolicy(grid)
        train(
            grid, policy, seed=seed, progress=False
        )  # defaults: 500 x 10 episodes x 300 steps
        gaps.append(start_value_gap(grid, policy, 1.0, 0.99, solution))
    assert statistics.median(gaps) < 0.01
    assert min(gaps) > -1e-9  # nothing beats the optimum


def test_same_seed_gives_an_identical_history(small_grid):
    runs = []
    for _ in range(2):
        policy = TabularSoftmaxPolicy(small_grid)
        history = train(
            small_grid,
            policy,
            iterations=20,
            horizon=30,
            n_episodes=4,
            seed=5,
            progress=False,
            track_value=True,
        )
        runs.append((history, policy.table.detach().clone()))
    (first, table_1), (second, table_2) = runs
    for name in ("loss", "episode_reward", "soft_return", "entropy", "start_value"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert torch.equal(table_1, table_2)


def test_history_records_the_episode_reward_and_the_exact_value(small_grid):
    policy = TabularSoftmaxPolicy(small_grid)
    history = train(
        small_grid,
        policy,
        iterations=3,
        horizon=10,
        n_episodes=2,
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
        (dict(iterations=0), "iterations"),
        (dict(horizon=-1), "horizon"),
        (dict(n_episodes=0), "n_episodes"),
        (dict(alpha=-1.0), "alpha"),
        (dict(alpha=float("nan")), "alpha"),
        (dict(discount=1.5), "discount"),
        (dict(lr=0.0), "lr"),
        (dict(baseline="magic"), "baseline"),
        (dict(discount=1.0, track_value=True), "infinite-horizon"),
        (dict(entropy_sign=2.0), "entropy_sign"),
        (dict(optimizer="sgd"), "optimizer must be one of"),
        (dict(n_episodes=1), "leave-one-out"),
        (dict(seed=1.5), "seed"),
    ],
)
def test_train_rejects_bad_settings(small_grid, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        train(small_grid, TabularSoftmaxPolicy(small_grid), progress=False, **kwargs)


def test_train_rejects_a_policy_for_another_grid(small_grid):
    with pytest.raises(ValueError, match="policy was built for a grid"):
        train(GridWorld(), TabularSoftmaxPolicy(small_grid), progress=False)


def test_command_line_trains_reports_the_gap_and_saves_outputs(tmp_path, capsys):
    figure, weights = tmp_path / "curves.png", tmp_path / "policy.pt"
    code = main(
        [
            "train",
            "--policy",
            "linear",
            "--iterations",
            "30",
            "--no-progress",
            "--save-figure",
            str(figure),
            "--save-weights",
            str(weights),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "gap to the soft optimum" in out
    assert figure.stat().st_size > 1000
    state = torch.load(weights, weights_only=True)
    assert set(state) == {"linear.weight", "linear.bias"}


@pytest.mark.parametrize(
    "command, settings_name, extra",
    [
        ("train", "TrainingConfig", {"help", "policy", "save_figure", "save_weights"}),
        ("soft-q", "SoftQConfig", {"help"}),
        ("sac", "SACConfig", {"help"}),
    ],
)
def test_command_line_options_and_defaults_are_the_settings_fields(
    command, settings_name, extra
):
    import argparse
    import dataclasses

    import maxent_tutorial.sac
    import maxent_tutorial.soft_q
    from maxent_tutorial.cli import build_parser

    settings = {
        "TrainingConfig": maxent_tutorial.TrainingConfig,
        "SoftQConfig": maxent_tutorial.soft_q.SoftQConfig,
        "SACConfig": maxent_tutorial.sac.SACConfig,
    }[settings_name]
    parser = build_parser()
    subcommands = next(
        action
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    command_parser = subcommands.choices[command]
    options = {action.dest: action for action in command_parser._actions}
    fields = dataclasses.fields(settings)
    for item in fields:
        assert item.name in options, f"--{item.name.replace('_', '-')} is missing"
        assert options[item.name].default == item.default, item.name
        assert f"--{item.name.replace('_', '-')}" in options[item.name].option_strings
    assert set(options) - {item.name for item in fields} == extra
    parsed = vars(command_parser.parse_args([]))
    built = settings(**{k: v for k, v in parsed.items() if k not in extra})
    assert built == settings()


def test_command_line_runs_soft_q_learning_and_sac(capsys):
    assert main(["soft-q", "--env-steps", "2000", "--record-every", "1000"]) == 0
    assert "gap to the soft optimum" in capsys.readouterr().out
    assert (
        main(["sac", "--steps", "30", "--warmup-steps", "10", "--n-walkers", "20"]) == 0
    )
    assert "exact alpha*" in capsys.readouterr().out
    assert main(["sac", "--discount", "1.5"]) == 2
    assert "discount" in capsys.readouterr().err


def test_history_settings_is_the_config_that_ran(small_grid):
    from maxent_tutorial import TrainingConfig

    config = TrainingConfig(iterations=2, horizon=5, n_episodes=2, progress=False)
    history = train(small_grid, TabularSoftmaxPolicy(small_grid), config, alpha=0.5)
    assert history.settings == TrainingConfig(
        iterations=2, horizon=5, n_episodes=2, progress=False, alpha=0.5
    )


def test_command_line_reports_bad_values(capsys):
    assert main(["train", "--alpha", "-1", "--no-progress"]) == 2
    assert "alpha" in capsys.readouterr().err


def test_best_configuration_reaches_within_0_2_percent_of_the_soft_optimum():
    # The book's best configuration (chapter 10): linear policy, per-step baseline,
    # natural gradient.
    from maxent_tutorial import LinearSoftmaxPolicy

    grid = GridWorld()
    solution = soft_value_iteration(grid, 1.0, 0.99)
    gaps = []
    for seed in range(5):
        policy = LinearSoftmaxPolicy(grid)
        train(grid, policy, optimizer="natural", seed=seed, progress=False)
        gaps.append(start_value_gap(grid, policy, 1.0, 0.99, solution))
    assert statistics.median(gaps) <= 0.002
