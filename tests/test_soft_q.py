import math

import pytest
import torch

from maxent_tutorial import GridWorld, soft_value_iteration
from maxent_tutorial.replay import ReplayBuffer, Transitions
from maxent_tutorial.soft_q import (
    SoftQConfig,
    soft_bellman_targets,
    soft_q_learning,
    soft_q_update,
)


def test_soft_bellman_target_on_a_hand_made_example():
    # two states, two actions; the next state's Q values are (0, log 3)
    q_values = torch.tensor([[0.0, math.log(3.0)], [1.0, 2.0]], dtype=torch.float64)
    batch = Transitions(
        states=torch.tensor([1]),
        actions=torch.tensor([0]),
        rewards=torch.tensor([0.5], dtype=torch.float64),
        next_states=torch.tensor([0]),
    )
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


def test_update_averages_the_errors_of_repeated_pairs_and_leaves_the_rest():
    q_values = torch.zeros(2, 2, dtype=torch.float64)
    batch = Transitions(
        states=torch.tensor([0, 0, 1]),
        actions=torch.tensor([1, 1, 0]),
        rewards=torch.tensor([1.0, 3.0, -2.0], dtype=torch.float64),
        next_states=torch.tensor([0, 0, 0]),
    )
    # Q = 0 and alpha = 0: every target is its reward
    new = soft_q_update(q_values, batch, alpha=0.0, discount=0.5, lr=0.5)
    expected = torch.tensor([[0.0, 0.5 * 2.0], [0.5 * -2.0, 0.0]], dtype=torch.float64)
    assert torch.equal(new, expected)


def test_q_star_is_a_fixed_point_of_the_update(small_grid):
    solution = soft_value_iteration(small_grid, 0.7, 0.9)
    states = torch.arange(small_grid.n_states).repeat_interleave(5)
    actions = torch.arange(5).repeat(small_grid.n_states)
    batch = Transitions(
        states,
        actions,
        small_grid.state_rewards[states],
        small_grid.next_states[states, actions],
    )
    new = soft_q_update(solution.q_values, batch, alpha=0.7, discount=0.9, lr=1.0)
    assert torch.allclose(new, solution.q_values, atol=1e-10)


def vars_of(batch):
    return (batch.states, batch.actions, batch.rewards, batch.next_states)


def test_replay_wraps_around_keeping_the_newest_transitions():
    buffer = ReplayBuffer(capacity=4)
    buffer.add([0, 1, 2], [0, 0, 0], [0.0, 1.0, 2.0], [1, 2, 3])
    buffer.add([3, 4, 5], [1, 1, 1], [3.0, 4.0, 5.0], [4, 5, 6])
    assert len(buffer) == 4
    assert sorted(buffer.states.tolist()) == [2, 3, 4, 5]  # 0 and 1 overwritten
    assert buffer.position == 2
    generator = torch.Generator().manual_seed(0)
    batches = [buffer.sample(4, generator) for _ in range(100)]
    columns = zip(*map(vars_of, batches), strict=True)
    batch = Transitions(*(torch.cat(column) for column in columns))
    assert set(batch.states.tolist()) == {2, 3, 4, 5}
    assert torch.equal(batch.rewards, batch.states.double())  # rows stay together
    assert torch.equal(batch.next_states, batch.states + 1)


def test_replay_samples_uniformly_over_the_stored_transitions():
    buffer = ReplayBuffer(capacity=10)
    buffer.add(torch.arange(7), torch.zeros(7), torch.zeros(7), torch.zeros(7))
    generator = torch.Generator().manual_seed(1)
    states = torch.cat([buffer.sample(7, generator).states for _ in range(5000)])
    n = len(states)
    counts = torch.bincount(states, minlength=10).double()
    assert counts[7:].sum() == 0  # empty slots are never drawn
    # each of the 7 has probability 1/7: a 5-standard-error band
    standard_error = math.sqrt(n * (1 / 7) * (6 / 7))
    assert ((counts[:7] - n / 7).abs() < 5 * standard_error).all()


def test_replay_rejects_a_batch_larger_than_what_it_holds():
    buffer = ReplayBuffer(capacity=5)
    buffer.add([0, 1], [0, 0], [0.0, 0.0], [0, 0])
    generator = torch.Generator().manual_seed(0)
    with pytest.raises(ValueError, match="fewer than batch_size"):
        buffer.sample(3, generator)
    with pytest.raises(ValueError, match="capacity"):
        buffer.sample(6, generator)
    with pytest.raises(ValueError, match="capacity"):
        SoftQConfig(capacity=100, batch_size=1000)
    with pytest.raises(ValueError, match="one length"):
        buffer.add([0, 1], [0], [0.0, 0.0], [0, 0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(behaviour="greedy"), "behaviour"),
        (dict(lr=0.0), "lr"),
        (dict(lr=1.5), "lr"),
        (dict(alpha=-1.0), "alpha"),
        (dict(discount=1.0), "discount"),
        (dict(n_walkers=0), "n_walkers"),
    ],
)
def test_soft_q_config_rejects_bad_settings(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        SoftQConfig(**kwargs)


def test_soft_q_learning_with_uniform_behaviour_reaches_q_star(small_grid):
    result = soft_q_learning(
        small_grid,
        alpha=0.5,
        discount=0.9,
        n_walkers=10,
        env_steps=5000,
        capacity=1000,
        batch_size=100,
        record_every=1000,
    )
    solution = soft_value_iteration(small_grid, 0.5, 0.9)
    assert torch.allclose(result.q_values, solution.q_values, atol=1e-8)
    assert result.q_error[-1] < 1e-9 and abs(result.gap[-1]) < 1e-9
    assert list(result.env_steps) == [1000, 2000, 3000, 4000, 5000]


def test_same_seed_gives_the_same_q(small_grid):
    settings = dict(n_walkers=4, env_steps=400, capacity=200, batch_size=50)
    first = soft_q_learning(small_grid, behaviour="soft", seed=3, **settings)
    second = soft_q_learning(small_grid, behaviour="soft", seed=3, **settings)
    assert torch.equal(first.q_values, second.q_values)


def test_default_grid_soft_greedy_policy_is_near_optimal_early():
    grid = GridWorld()
    result = soft_q_learning(grid, env_steps=100_000, record_every=100_000)
    assert result.gap[-1] < 1e-4 and result.q_error[-1] < 1e-3
