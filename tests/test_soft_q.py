"""Tabular soft Q-learning (maxent_tutorial.tabular.soft_q) and the replay buffer it
stores its transitions in, against hand-worked examples and soft value iteration."""

import math

import numpy as np
import pytest
import torch

from maxent_tutorial import GridWorld, soft_value_iteration, start_value_gap
from maxent_tutorial.replay import ReplayBuffer, Transitions
from maxent_tutorial.tabular.soft_q import (
    SoftQConfig,
    bellman_targets,
    move_towards_targets,
    soft_bellman_targets,
    soft_q_update,
    train_soft_q,
)


def transitions(states, actions, rewards, next_states):
    """A batch of grid transitions, none terminated."""
    return Transitions(
        observations=torch.tensor(states),
        actions=torch.tensor(actions),
        rewards=torch.tensor(rewards, dtype=torch.float64),
        next_observations=torch.tensor(next_states),
        terminated=torch.zeros(len(states), dtype=torch.bool),
    )


def test_soft_bellman_target_on_a_hand_made_example():
    # two states, two actions; the next state's Q values are (0, log 3)
    q_values = torch.tensor([[0.0, math.log(3.0)], [1.0, 2.0]], dtype=torch.float64)
    batch = transitions([1], [0], [0.5], [0])
    # alpha = 1: V(s') = log(e^0 + e^(log 3)) = log 4; y = 0.5 + 0.9 log 4
    targets = soft_bellman_targets(q_values, batch, alpha=1.0, discount=0.9)
    assert targets.item() == pytest.approx(0.5 + 0.9 * math.log(4.0), abs=1e-12)
    # alpha = 2: V(s') = 2 log(e^0 + e^(log(3) / 2)) = 2 log(1 + sqrt 3)
    targets = soft_bellman_targets(q_values, batch, alpha=2.0, discount=0.9)
    expected = 0.5 + 0.9 * 2 * math.log(1 + math.sqrt(3.0))
    assert targets.item() == pytest.approx(expected, abs=1e-12)
    # alpha = 0: the hard maximum, log 3
    targets = soft_bellman_targets(q_values, batch, alpha=0.0, discount=0.9)
    assert targets.item() == pytest.approx(0.5 + 0.9 * math.log(3.0), abs=1e-12)


def test_bellman_target_of_a_terminated_transition_is_its_reward():
    rewards = torch.tensor([1.0, 1.0], dtype=torch.float64)
    next_values = torch.tensor([10.0, 10.0], dtype=torch.float64)
    terminated = torch.tensor([True, False])
    y = bellman_targets(rewards, next_values, 0.9, terminated)
    assert y.tolist() == [1.0, 1.0 + 0.9 * 10.0]
    # the same on NumPy arrays
    y = bellman_targets(rewards.numpy(), next_values.numpy(), 0.9, terminated.numpy())
    assert y.tolist() == [1.0, 1.0 + 0.9 * 10.0]


def test_update_averages_the_errors_of_repeated_pairs_and_leaves_the_rest():
    q_values = torch.zeros(2, 2, dtype=torch.float64)
    batch = transitions([0, 0, 1], [1, 1, 0], [1.0, 3.0, -2.0], [0, 0, 0])
    # Q = 0 and alpha = 0: every target is its reward
    new = soft_q_update(q_values, batch, alpha=0.0, discount=0.5, lr=0.5)
    expected = torch.tensor([[0.0, 0.5 * 2.0], [0.5 * -2.0, 0.0]], dtype=torch.float64)
    assert torch.equal(new, expected)


def test_table_step_gives_the_same_numbers_on_numpy_arrays_as_on_tensors():
    generator = torch.Generator().manual_seed(0)
    q_values = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    states = torch.randint(6, (200,), generator=generator)
    actions = torch.randint(5, (200,), generator=generator)
    targets = torch.randn(200, generator=generator, dtype=torch.float64)
    on_tensors = move_towards_targets(q_values, states, actions, targets, 0.7)
    on_arrays = move_towards_targets(
        q_values.numpy(), states.numpy(), actions.numpy(), targets.numpy(), 0.7
    )
    assert isinstance(on_arrays, np.ndarray)
    assert np.array_equal(on_tensors.numpy(), on_arrays)


def test_q_star_is_a_fixed_point_of_the_update(small_grid):
    solution = soft_value_iteration(small_grid, 0.7, 0.9)
    states = torch.arange(small_grid.n_states).repeat_interleave(5)
    actions = torch.arange(5).repeat(small_grid.n_states)
    batch = Transitions(
        states,
        actions,
        small_grid.state_rewards[states],
        small_grid.next_states[states, actions],
        torch.zeros(len(states), dtype=torch.bool),
    )
    new = soft_q_update(solution.q_values, batch, alpha=0.7, discount=0.9, lr=1.0)
    assert torch.allclose(new, solution.q_values, atol=1e-10)


def test_replay_wraps_around_keeping_the_newest_transitions():
    buffer = ReplayBuffer(buffer_size=4)
    never = torch.zeros(3, dtype=torch.bool)
    buffer.add([0, 1, 2], [1, 2, 3], [0, 0, 0], [0.0, 1.0, 2.0], never)
    buffer.add([3, 4, 5], [4, 5, 6], [1, 1, 1], [3.0, 4.0, 5.0], never)
    assert len(buffer) == 4
    assert sorted(buffer.observations.tolist()) == [2, 3, 4, 5]  # 0 and 1 overwritten
    assert buffer.position == 2
    generator = torch.Generator().manual_seed(0)
    batch = buffer.sample(400, generator)
    assert set(batch.observations.tolist()) == {2, 3, 4, 5}
    assert torch.equal(batch.rewards, batch.observations.double())  # rows together
    assert torch.equal(batch.next_observations, batch.observations + 1)


def test_replay_samples_uniformly_over_the_stored_transitions():
    buffer = ReplayBuffer(buffer_size=10)
    zeros = torch.zeros(7)
    buffer.add(torch.arange(7), zeros, zeros, zeros, zeros.bool())
    generator = torch.Generator().manual_seed(1)
    states = buffer.sample(35_000, generator).observations
    counts = torch.bincount(states, minlength=10).double()
    assert counts[7:].sum() == 0  # empty slots are never drawn
    # each of the 7 has probability 1/7: a 5-standard-error band (false alarm ~1e-6)
    n = len(states)
    standard_error = math.sqrt(n * (1 / 7) * (6 / 7))
    assert ((counts[:7] - n / 7).abs() < 5 * standard_error).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(behaviour="greedy"), "behaviour"),
        (dict(lr=0.0), "lr"),
        (dict(lr=1.5), "lr"),
        (dict(alpha=-1.0), "alpha"),
        (dict(discount=1.0), "discount"),
        (dict(n_envs=0), "n_envs"),
        (dict(buffer_size=100, batch_size=1000), "buffer_size"),
    ],
)
def test_soft_q_config_names_the_bad_setting(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        SoftQConfig(**kwargs)


def test_soft_q_learning_with_uniform_behaviour_reaches_q_star(small_grid):
    history = train_soft_q(
        small_grid,
        alpha=0.5,
        discount=0.9,
        n_envs=10,
        total_timesteps=5000,
        buffer_size=1000,
        batch_size=100,
        record_every=1000,
    )
    solution = soft_value_iteration(small_grid, 0.5, 0.9)
    assert torch.allclose(history.q_values, solution.q_values, atol=1e-8)
    assert history.q_error[-1] < 1e-9 and abs(history.gap[-1]) < 1e-9
    assert list(history.env_steps) == [1000, 2000, 3000, 4000, 5000]
    assert history.settings.alpha == 0.5


def test_soft_q_learning_acting_by_its_soft_policy_reaches_pi_star(small_grid):
    # on-policy behaviour softmax(Q / alpha) still tries every action
    history = train_soft_q(
        small_grid,
        alpha=0.5,
        discount=0.9,
        behaviour="soft",
        n_envs=20,
        total_timesteps=20_000,
        buffer_size=5000,
        batch_size=200,
    )
    solution = soft_value_iteration(small_grid, 0.5, 0.9)
    assert torch.allclose(history.q_values, solution.q_values, atol=1e-6)
    probs = torch.softmax(history.q_values / 0.5, dim=1)
    assert abs(start_value_gap(small_grid, probs, 0.5, 0.9, solution)) < 1e-8


def test_same_seed_gives_the_same_q(small_grid):
    settings = dict(n_envs=4, total_timesteps=400, buffer_size=200, batch_size=50)
    first = train_soft_q(small_grid, behaviour="soft", seed=3, **settings)
    second = train_soft_q(small_grid, behaviour="soft", seed=3, **settings)
    assert torch.equal(first.q_values, second.q_values)


def test_default_grid_soft_greedy_policy_is_near_optimal_early():
    grid = GridWorld()
    history = train_soft_q(grid, total_timesteps=100_000, record_every=100_000)
    assert history.gap[-1] < 1e-4 and history.q_error[-1] < 1e-3
