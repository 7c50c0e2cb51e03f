import pytest
import torch
from helpers import SMALL_REWARDS, SMALL_START, random_tabular_

from maxent_tutorial import (
    GridWorld,
    TabularSoftmaxPolicy,
    soft_policy_values,
    soft_value_iteration,
    start_value_gap,
    state_occupancy,
    transition_matrix,
)


def soft_bellman_residual(grid, solution, alpha, discount):
    q = grid.state_rewards[:, None] + discount * solution.values[grid.next_states]
    backed_up = (
        alpha * torch.logsumexp(q / alpha, dim=1) if alpha > 0 else q.max(dim=1).values
    )
    return (backed_up - solution.values).abs().max().item()


@pytest.mark.parametrize("rewards, start", [(None, None), (SMALL_REWARDS, SMALL_START)])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0, 50.0])
def test_soft_value_iteration_solves_the_soft_bellman_equation(rewards, start, alpha):
    grid = GridWorld() if rewards is None else GridWorld(rewards, start)
    solution = soft_value_iteration(grid, alpha, 0.99)
    assert solution.values.dtype == torch.float64
    assert soft_bellman_residual(grid, solution, alpha, 0.99) <= 1e-8
    assert torch.allclose(
        solution.probs.sum(dim=1), torch.ones(grid.n_states, dtype=torch.float64)
    )


@pytest.mark.parametrize("alpha", [0.3, 1.0, 50.0])
def test_policy_evaluation_of_the_soft_optimal_policy_gives_its_values(
    default_grid, alpha
):
    solution = soft_value_iteration(default_grid, alpha, 0.99)
    values = soft_policy_values(default_grid, solution.probs, alpha, 0.99)
    assert torch.allclose(values, solution.values, rtol=1e-10, atol=1e-8)


def test_hard_value_iteration_on_a_hand_solved_corridor():
    # 1 x 3 corridor, reward 1 at the right end; the best is to walk right and stay.
    grid = GridWorld([[0.0, 0.0, 1.0]], (0, 0))
    solution = soft_value_iteration(grid, 0.0, 0.5)
    # V(2) = 1 / (1 - 0.5) = 2, V(1) = 0 + 0.5 * 2 = 1, V(0) = 0.5
    assert solution.values.tolist() == pytest.approx([0.5, 1.0, 2.0], abs=1e-12)


def test_soft_values_of_a_single_cell_are_a_geometric_series():
    # Every action stays put: V = (R + alpha log 5) / (1 - gamma), and pi* is uniform.
    grid = GridWorld([[3.0]], (0, 0))
    solution = soft_value_iteration(grid, 2.0, 0.9)
    expected = (3.0 + 2.0 * torch.log(torch.tensor(5.0, dtype=torch.float64))) / 0.1
    assert solution.values.item() == pytest.approx(expected.item(), rel=1e-12)
    assert torch.allclose(solution.probs, torch.full((1, 5), 0.2, dtype=torch.float64))


def test_policy_values_match_the_dense_series(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=0)
    probs = policy.action_probabilities(torch.float64).detach()
    alpha, discount = 0.7, 0.8
    entropy = -(probs * probs.log()).sum(dim=1)
    step_rewards = small_grid.state_rewards + alpha * entropy
    transitions = transition_matrix(small_grid, probs)
    series = sum(
        torch.linalg.matrix_power(discount * transitions, t) @ step_rewards
        for t in range(400)
    )
    assert torch.allclose(
        soft_policy_values(small_grid, probs, alpha, discount), series, atol=1e-10
    )


def test_policy_values_are_differentiable_in_the_table(small_grid):
    probs = torch.full((6, 5), 0.2, dtype=torch.float64, requires_grad=True)
    soft_policy_values(small_grid, probs, 1.0, 0.9)[small_grid.start_state].backward()
    assert probs.grad is not None and torch.isfinite(probs.grad).all()


def test_large_alpha_makes_the_soft_optimum_nearly_uniform(default_grid):
    solution = soft_value_iteration(default_grid, 1e6, 0.9)
    assert torch.allclose(
        solution.probs, torch.full((36, 5), 0.2, dtype=torch.float64), atol=1e-3
    )


def test_soft_optimal_policy_beats_perturbed_policies(small_grid):
    solution = soft_value_iteration(small_grid, 0.5, 0.9)
    best = soft_policy_values(small_grid, solution.probs, 0.5, 0.9)
    for seed in range(5):
        other = random_tabular_(
            TabularSoftmaxPolicy(small_grid), seed
        ).action_probabilities(torch.float64)
        assert (
            soft_policy_values(small_grid, other.detach(), 0.5, 0.9) <= best + 1e-10
        ).all()


def test_state_occupancy_is_a_distribution_and_matches_simulation(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=1)
    probs = policy.action_probabilities(torch.float64).detach()
    occupancy = state_occupancy(small_grid, probs, 0.8)
    assert occupancy.sum().item() == pytest.approx(1.0, abs=1e-12)
    # Exact distribution of s_t by matrix powers, weighted (1 - gamma) gamma^t.
    start = torch.zeros(6, dtype=torch.float64)
    start[small_grid.start_state] = 1
    transitions = transition_matrix(small_grid, probs)
    series = sum(
        0.2 * 0.8**t * start @ torch.linalg.matrix_power(transitions, t)
        for t in range(300)
    )
    assert torch.allclose(occupancy, series, atol=1e-12)


def test_start_value_gap_is_zero_for_the_optimum_and_positive_otherwise(small_grid):
    policy = TabularSoftmaxPolicy(small_grid)
    assert start_value_gap(small_grid, policy, 0.5, 0.9) > 0.01
    solution = soft_value_iteration(small_grid, 0.5, 0.9)
    with torch.no_grad():
        policy.table.copy_(solution.q_values.float() / 0.5)
    assert abs(start_value_gap(small_grid, policy, 0.5, 0.9, solution)) < 1e-5


@pytest.mark.parametrize("discount", [1.0, -0.2, 1.2, float("nan")])
def test_infinite_sums_need_discount_below_one(small_grid, discount):
    with pytest.raises(ValueError, match="discount must be in \\[0, 1\\)"):
        soft_value_iteration(small_grid, 1.0, discount)
    with pytest.raises(ValueError, match="discount must be in \\[0, 1\\)"):
        soft_policy_values(small_grid, torch.full((6, 5), 0.2), 1.0, discount)


@pytest.mark.parametrize("alpha", [-1.0, float("nan"), float("inf")])
def test_bad_alpha_is_rejected(small_grid, alpha):
    with pytest.raises(ValueError, match="alpha"):
        soft_value_iteration(small_grid, alpha, 0.9)


@pytest.mark.parametrize(
    "probs, match",
    [
        (
            torch.full((5, 5), 0.2),
            "probs must have shape \\[n_states, n_actions\\] = \\[6, 5\\]",
        ),
        (torch.tensor([[1.2, -0.2, 0, 0, 0]] * 6), "probs must be non-negative"),
        (torch.full((6, 5), 0.3), "every row of probs must sum to 1"),
        (torch.full((6, 5), float("nan")), "probs must be finite"),
        (torch.ones(6, 5, dtype=torch.long), "probs must be a floating-point tensor"),
    ],
)
def test_bad_probability_tables_are_rejected(small_grid, probs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        soft_policy_values(small_grid, probs, 1.0, 0.9)


def test_non_converging_iteration_raises_instead_of_hanging(default_grid):
    with pytest.raises(RuntimeError, match="max_iterations"):
        soft_value_iteration(default_grid, 1.0, 0.99, max_iterations=10)


def test_value_gap_by_state_sums_to_the_exact_gap(default_grid):
    from maxent_tutorial import value_gap_by_state

    solution = soft_value_iteration(default_grid, 2.0, 0.9)
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(
        default_grid.n_states, 5, generator=generator, dtype=torch.float64
    )
    probs = torch.softmax(logits, dim=1)
    terms = value_gap_by_state(default_grid, probs, solution, 2.0, 0.9)
    start = default_grid.start_state
    gap = (
        solution.values[start]
        - soft_policy_values(default_grid, probs, 2.0, 0.9)[start]
    )
    assert terms.shape == (default_grid.n_states,) and (terms >= -1e-12).all()
    assert torch.allclose(terms.sum(), gap, rtol=1e-9)
    optimal_terms = value_gap_by_state(default_grid, solution.probs, solution, 2.0, 0.9)
    assert optimal_terms.abs().max() < 1e-8  # the optimum loses nothing anywhere
    with pytest.raises(ValueError, match="alpha must be > 0"):
        value_gap_by_state(default_grid, probs, solution, 0.0, 0.9)
