import pytest
import torch
from helpers import random_tabular_

from maxent_tutorial import (
    GridWorld,
    LinearSoftmaxPolicy,
    TablePolicy,
    TabularSoftmaxPolicy,
    entropy,
    greedy_probabilities,
    load_policy,
    make_policy,
)


def test_log_probs_are_the_log_softmax_of_the_logits(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=0)
    states = torch.tensor([0, 3, 5])
    logits = policy.table.detach()[states].double()
    # textbook formula
    expected = logits - torch.log(torch.exp(logits).sum(dim=1, keepdim=True))
    assert torch.allclose(policy.log_probs(states).double(), expected, atol=1e-6)


def test_log_probs_stay_finite_and_exact_for_extreme_logits(small_grid):
    policy = TabularSoftmaxPolicy(small_grid)
    with torch.no_grad():
        policy.table[0] = torch.tensor([200.0, 0.0, 0.0, 0.0, 0.0])
    log_p = policy.log_probs(torch.tensor([0]))[0]
    assert torch.isfinite(log_p).all()
    # log(p + 1e-4) would report about -9.2
    assert log_p[1].item() == pytest.approx(-200.0)


def test_zero_parameters_give_the_uniform_policy(small_grid):
    for policy in (TabularSoftmaxPolicy(small_grid), LinearSoftmaxPolicy(small_grid)):
        assert torch.allclose(policy.action_probabilities(), torch.full((6, 5), 0.2))
        entropies = entropy(policy.action_probabilities())
        assert torch.allclose(entropies, torch.full((6,), torch.log(torch.tensor(5.0))))


def test_linear_policy_logits_are_linear_in_scaled_coordinates(small_grid):
    policy = LinearSoftmaxPolicy(small_grid)
    with torch.no_grad():
        policy.linear.weight.copy_(torch.arange(10.0).reshape(5, 2))
        policy.linear.bias.copy_(torch.arange(5.0))
    # state 5 is (row 1, col 2) -> features (1 / 1, 2 / 2) = (1, 1)
    assert policy.features(torch.tensor([5])).tolist() == [[1.0, 1.0]]
    expected = torch.arange(10.0).reshape(5, 2).sum(dim=1) + torch.arange(5.0)
    assert torch.allclose(policy.logits(torch.tensor([5]))[0], expected)


def test_action_probabilities_rows_sum_to_one_in_float64(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=4, scale=5.0)
    probs = policy.action_probabilities(torch.float64)
    assert probs.dtype == torch.float64
    assert torch.allclose(
        probs.sum(dim=1), torch.ones(6, dtype=torch.float64), atol=1e-14
    )


def test_log_probs_match_per_step_log_probs(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=5)
    states = torch.tensor([[0, 1], [5, 3], [2, 2]])
    actions = torch.tensor([[4, 0], [1, 2], [3, 3]])
    expected = policy.log_probs(states).gather(-1, actions[..., None]).squeeze(-1)
    assert torch.allclose(policy.log_probs(states, actions), expected)


def test_log_probs_without_states_is_the_whole_table(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=6)
    table = policy.log_probs()
    assert table.shape == (6, 5)
    assert torch.equal(table, policy.log_probs(torch.arange(6)))
    # calling the policy is log_probs
    assert torch.equal(policy(torch.arange(6)), table)


def test_states_outside_the_grid_are_rejected(small_grid):
    with pytest.raises(ValueError, match="states must lie in 0..5"):
        TabularSoftmaxPolicy(small_grid).log_probs(torch.tensor([6]))


def test_make_policy_rejects_unknown_kinds(small_grid):
    with pytest.raises(ValueError, match="kind must be one of"):
        make_policy("deep", small_grid)


def test_weights_round_trip_through_a_weights_only_load(tmp_path):
    grid = GridWorld()
    for kind in ("tabular", "linear"):
        policy = make_policy(kind, grid)
        with torch.no_grad():
            for parameter in policy.parameters():
                parameter.add_(
                    torch.randn(
                        parameter.shape, generator=torch.Generator().manual_seed(1)
                    )
                )
        torch.save(policy.state_dict(), tmp_path / f"{kind}.pt")
        loaded = load_policy(tmp_path / f"{kind}.pt", grid, kind)
        assert torch.equal(loaded.action_probabilities(), policy.action_probabilities())


def test_table_policy_reproduces_its_table_and_never_samples_zero_entries(small_grid):
    probs = torch.zeros(6, 5, dtype=torch.float64)
    probs[:, 1] = 0.25
    probs[:, 3] = 0.75
    policy = TablePolicy(small_grid, probs)
    assert torch.allclose(policy.action_probabilities(torch.float64), probs)
    episodes = small_grid.rollout(policy, 50, 40, torch.Generator().manual_seed(0))
    assert set(episodes.actions.unique().tolist()) == {1, 3}


def test_greedy_probabilities_pick_the_most_likely_action():
    probs = torch.tensor([[0.1, 0.6, 0.1, 0.1, 0.1], [0.2, 0.2, 0.2, 0.2, 0.2]])
    assert greedy_probabilities(probs).argmax(dim=1).tolist() == [1, 0]
    assert greedy_probabilities(probs).sum(dim=1).tolist() == [1.0, 1.0]


def test_table_policy_accepts_a_float32_table_within_the_simplex_tolerance(small_grid):
    probs = torch.softmax(
        torch.randn(6, 5, generator=torch.Generator().manual_seed(3)), dim=1
    )
    policy = TablePolicy(small_grid, probs.to(torch.float32).to(torch.float64))
    assert torch.allclose(
        policy.action_probabilities(torch.float64), probs.double(), atol=1e-6
    )


def test_table_policy_rejects_a_bad_table(small_grid):
    with pytest.raises(ValueError, match="every row of probs must sum to 1"):
        TablePolicy(small_grid, torch.full((6, 5), 0.5))
