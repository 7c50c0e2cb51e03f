import numpy as np
import pytest
import torch
from helpers import random_tabular_

from maxent_tutorial import (
    DEFAULT_REWARDS,
    DEFAULT_START,
    DOWN,
    LEFT,
    RIGHT,
    STAY,
    UP,
    GridWorld,
    TabularSoftmaxPolicy,
)


def test_default_map_matches_the_post():
    grid = GridWorld()
    assert (grid.n_rows, grid.n_cols, grid.n_states, grid.n_actions) == (6, 6, 36, 5)
    assert (
        grid.rewards[0, 5] == 1000
        and grid.rewards[1, 0] == -100
        and grid.rewards[5, 0] == -1
    )
    assert grid.start == DEFAULT_START == (5, 0)
    assert grid.start_state == 30
    assert grid.rewards.tolist() == [list(map(float, row)) for row in DEFAULT_REWARDS]


def test_state_numbering_is_row_major_on_a_non_square_grid(small_grid):
    assert small_grid.to_state(1, 2) == 5
    assert small_grid.to_cell(4) == (1, 1)
    assert small_grid.coordinates(torch.tensor([0, 2, 3, 5])).tolist() == [
        [0, 0],
        [0, 2],
        [1, 0],
        [1, 2],
    ]
    assert small_grid.state_rewards.tolist() == [0.0, 1.0, -1.0, -0.5, 0.0, 2.0]


def test_transition_table_on_a_non_square_grid(small_grid):
    # Cells:  0 1 2      Columns: STAY, UP, DOWN, RIGHT, LEFT (a wall bump stays put).
    #         3 4 5
    expected = [
        [0, 0, 3, 1, 0],
        [1, 1, 4, 2, 0],
        [2, 2, 5, 2, 1],
        [3, 0, 3, 4, 3],
        [4, 1, 4, 5, 3],
        [5, 2, 5, 5, 4],
    ]
    assert small_grid.next_states.tolist() == expected


def test_tall_grid_bounds_use_rows_for_up_down_and_columns_for_left_right():
    # 4 rows, 2 columns: the post's swapped check fails here
    grid = GridWorld(np.zeros((4, 2)), (3, 1))
    bottom_right = grid.to_state(3, 1)
    assert grid.step(torch.tensor([bottom_right] * 5), torch.arange(5)).tolist() == [
        bottom_right,
        grid.to_state(2, 1),
        bottom_right,
        bottom_right,
        grid.to_state(3, 0),
    ]


def test_step_is_batched(small_grid):
    states = torch.tensor([0, 0, 4, 4, 5])
    actions = torch.tensor([DOWN, RIGHT, UP, LEFT, STAY])
    assert small_grid.step(states, actions).tolist() == [3, 1, 1, 3, 5]


def test_rollout_follows_the_reward_then_act_convention(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=3)
    episodes = small_grid.rollout(
        policy, horizon=7, n_episodes=4, generator=torch.Generator().manual_seed(0)
    )
    assert (
        episodes.states.shape
        == episodes.actions.shape
        == episodes.rewards.shape
        == (7, 4)
    )
    assert (episodes.states[0] == small_grid.start_state).all()
    assert torch.equal(
        episodes.rewards, small_grid.state_rewards.float()[episodes.states]
    )
    assert torch.equal(
        episodes.states[1:],
        small_grid.next_states[episodes.states[:-1], episodes.actions[:-1]],
    )


def test_rollout_is_reproducible_with_a_seeded_generator(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=1)
    first = small_grid.rollout(policy, 20, 8, torch.Generator().manual_seed(42))
    second = small_grid.rollout(policy, 20, 8, torch.Generator().manual_seed(42))
    assert torch.equal(first.states, second.states) and torch.equal(
        first.actions, second.actions
    )


def test_rollout_actions_follow_the_policy_probabilities(small_grid):
    # Statistical check: frequencies of a_0 at the start state match pi(.|start) within
    # 5 sigma.
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=2)
    n = 40_000
    episodes = small_grid.rollout(policy, 1, n, torch.Generator().manual_seed(0))
    frequency = torch.bincount(episodes.actions[0], minlength=5).double() / n
    p = policy.action_probabilities(torch.float64)[small_grid.start_state].detach()
    sigma = (p * (1 - p) / n).sqrt()
    assert ((frequency - p).abs() <= 5 * sigma).all()


def test_zero_probability_actions_are_never_drawn(small_grid):
    policy = TabularSoftmaxPolicy(small_grid)
    with torch.no_grad():
        policy.table.fill_(-1e9)
        policy.table[:, RIGHT] = 0.0
    episodes = small_grid.rollout(policy, 5, 1000, torch.Generator().manual_seed(0))
    assert (episodes.actions == RIGHT).all()


@pytest.mark.parametrize(
    "rewards, error, match",
    [
        ([[1, 2], [3]], ValueError, "ragged"),
        ([], ValueError, "empty"),
        (np.zeros((0, 3)), ValueError, "empty"),
        ([1, 2, 3], ValueError, "2-D"),
        (np.zeros((2, 2, 2)), ValueError, "2-D"),
        ([["a", "b"], ["c", "d"]], TypeError, "rewards must be real numbers"),
        ([[1, None], [2, 3]], TypeError, "rewards must be real numbers"),
        ([[1, float("nan")], [2, 3]], ValueError, "rewards must be finite"),
        (torch.tensor([[1.0, float("inf")]]), ValueError, "rewards must be finite"),
    ],
)
def test_bad_reward_maps_are_rejected(rewards, error, match):
    with pytest.raises(error, match=match):
        GridWorld(rewards, (0, 0))


@pytest.mark.parametrize(
    "start, error, match",
    [
        ((2, 0), ValueError, "start .* outside"),
        ((0, 3), ValueError, "start .* outside"),
        ((-1, 0), ValueError, "start .* outside"),
        ((0.5, 1), TypeError, "start must hold two integers"),
        ((1,), TypeError, "start must be a \\(row, col\\) pair"),
        (4, TypeError, "start must be a \\(row, col\\) pair"),
    ],
)
def test_bad_starts_are_rejected(start, error, match):
    with pytest.raises(error, match=match):
        GridWorld(np.zeros((2, 3)), start)


def test_step_rejects_bad_states_and_actions(small_grid):
    with pytest.raises(ValueError, match="actions must lie in 0..4"):
        small_grid.step(torch.tensor([0]), torch.tensor([5]))
    with pytest.raises(ValueError, match="states must lie in 0..5"):
        small_grid.step(torch.tensor([6]), torch.tensor([0]))
    with pytest.raises(TypeError, match="actions must be integers"):
        small_grid.step(torch.tensor([0]), torch.tensor([1.0]))
    with pytest.raises(ValueError, match="one shape"):
        small_grid.step(torch.tensor([0, 1]), torch.tensor([1]))


@pytest.mark.parametrize(
    "horizon, n_episodes, match",
    [
        (0, 3, "horizon"),
        (-2, 3, "horizon"),
        (3, 0, "n_episodes"),
        (2.5, 3, "horizon"),
    ],
)
def test_rollout_rejects_non_positive_sizes(small_grid, horizon, n_episodes, match):
    with pytest.raises((ValueError, TypeError), match=match):
        small_grid.rollout(TabularSoftmaxPolicy(small_grid), horizon, n_episodes)


def test_rollout_rejects_a_policy_built_for_another_grid(small_grid):
    with pytest.raises(ValueError, match="policy was built for a grid of shape"):
        small_grid.rollout(TabularSoftmaxPolicy(GridWorld()), 3, 2)
