import pytest
import torch

from maxent_tutorial import (GridWorld, LinearSoftmaxPolicy, TablePolicy, TabularSoftmaxPolicy, greedy_probabilities,
                             load_policy, make_policy)
from conftest import random_tabular_


def test_log_probs_are_the_log_softmax_of_the_logits(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=0)
    states = torch.tensor([0, 3, 5])
    logits = policy.table.detach()[states].double()
    expected = logits - torch.log(torch.exp(logits).sum(dim=1, keepdim=True))  # textbook formula
    assert torch.allclose(policy.log_probs(states).double(), expected, atol=1e-6)


def test_log_probs_stay_finite_and_exact_for_extreme_logits(small_grid):
    policy = TabularSoftmaxPolicy(small_grid)
    with torch.no_grad():
        policy.table[0] = torch.tensor([200.0, 0.0, 0.0, 0.0, 0.0])
    log_p = policy.log_probs(torch.tensor([0]))[0]
    assert torch.isfinite(log_p).all()
    assert log_p[1].item() == pytest.approx(-200.0)  # log(p + 1e-4) would report about -9.2


def test_zero_parameters_give_the_uniform_policy(small_grid):
    for policy in (TabularSoftmaxPolicy(small_grid), LinearSoftmaxPolicy(small_grid)):
        assert torch.allclose(policy.action_probabilities(), torch.full((6, 5), 0.2))
        assert torch.allclose(policy.entropy(torch.arange(6)), torch.full((6,), torch.log(torch.tensor(5.0))))


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
    assert torch.allclose(probs.sum(dim=1), torch.ones(6, dtype=torch.float64), atol=1e-14)


def test_taken_log_probs_match_per_step_log_probs(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=5)
    states = torch.tensor([[0, 1], [5, 3], [2, 2]])
    actions = torch.tensor([[4, 0], [1, 2], [3, 3]])
    expected = policy.log_probs(states).gather(-1, actions[..., None]).squeeze(-1)
    assert torch.allclose(policy.taken_log_probs(states, actions), expected)


def test_sampling_uses_the_given_generator(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=6)
    states = torch.arange(6).repeat(50)
    first = policy.sample(states, torch.Generator().manual_seed(9))
    second = policy.sample(states, torch.Generator().manual_seed(9))
    assert first.shape == states.shape and torch.equal(first, second)


def test_sampling_frequencies_match_the_probabilities(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=7)
    n = 40_000
    actions = policy.sample(torch.full((n,), 2), torch.Generator().manual_seed(0))
    frequency = torch.bincount(actions, minlength=5).double() / n
    p = policy.action_probabilities(torch.float64)[2].detach()
    assert ((frequency - p).abs() <= 5 * (p * (1 - p) / n).sqrt()).all()


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
                parameter.add_(torch.randn(parameter.shape, generator=torch.Generator().manual_seed(1)))
        torch.save(policy.state_dict(), tmp_path / f"{kind}.pt")
        loaded = load_policy(tmp_path / f"{kind}.pt", grid, kind)
        assert torch.equal(loaded.action_probabilities(), policy.action_probabilities())


def test_table_policy_reproduces_its_table_and_never_samples_zero_entries(small_grid):
    probs = torch.zeros(6, 5, dtype=torch.float64)
    probs[:, 1] = 0.25
    probs[:, 3] = 0.75
    policy = TablePolicy(small_grid, probs)
    assert torch.allclose(policy.action_probabilities(torch.float64), probs)
    actions = policy.sample(torch.zeros(2000, dtype=torch.long), torch.Generator().manual_seed(0))
    assert set(actions.tolist()) == {1, 3}


def test_greedy_probabilities_pick_the_most_likely_action():
    probs = torch.tensor([[0.1, 0.6, 0.1, 0.1, 0.1], [0.2, 0.2, 0.2, 0.2, 0.2]])
    assert greedy_probabilities(probs).argmax(dim=1).tolist() == [1, 0]
    assert greedy_probabilities(probs).sum(dim=1).tolist() == [1.0, 1.0]


def test_table_policy_rejects_a_bad_table(small_grid):
    with pytest.raises(ValueError, match="every row of probs must sum to 1"):
        TablePolicy(small_grid, torch.full((6, 5), 0.5))
