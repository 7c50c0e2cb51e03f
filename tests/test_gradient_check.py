"""The sampled policy-gradient estimate (3.3) agrees with the exact gradient of the soft objective.

Set-up: the 2x3 grid of ``conftest``, a tabular policy with seeded random logits, alpha = 1,
gamma = 0.9 and episodes of 200 steps, so the truncated tail weighs gamma^200 ~ 7e-10 of the
total: negligible next to the sampling error. The exact gradient differentiates
``soft_policy_values`` (a linear solve, float64) with autograd. The estimate averages
``N_BATCHES`` independent batches; the spread of the batch means gives its standard error, and every
component must lie within ``Z`` standard errors of the exact value.
"""

import pytest
import torch

from maxent_tutorial import TabularSoftmaxPolicy, make_baseline, maxent_pg_loss, soft_policy_values, soft_rewards_to_go
from conftest import random_tabular_

ALPHA, DISCOUNT, HORIZON = 1.0, 0.9, 200
N_BATCHES, EPISODES_PER_BATCH = 40, 500
Z = 5.0  # per component; for 30 components a false alarm has probability ~2e-5


def exact_gradient(grid, policy):
    table = policy.table.detach().double().requires_grad_(True)
    value = soft_policy_values(grid, torch.softmax(table, dim=1), ALPHA, DISCOUNT)[grid.start_state]
    (gradient,) = torch.autograd.grad(value, table)
    return gradient


def sampled_gradients(grid, policy, flip_entropy_sign=False, baseline="none", seed=0):
    """[N_BATCHES, n_states, 5]: one gradient estimate of V(start) per batch."""
    generator = torch.Generator().manual_seed(seed)
    baseline_fn = make_baseline(baseline)
    estimates = []
    for _ in range(N_BATCHES):
        episodes = grid.rollout(policy, HORIZON, EPISODES_PER_BATCH, generator)
        log_probs = policy.taken_log_probs(episodes.states, episodes.actions)
        # The original post's mistake: + alpha * log pi in the reward-to-go (negating log pi flips it).
        entropy_log_probs = -log_probs.detach() if flip_entropy_sign else log_probs.detach()
        returns = soft_rewards_to_go(episodes.rewards.double(), entropy_log_probs.double(), ALPHA, DISCOUNT)
        loss = maxent_pg_loss(log_probs.double(), returns, DISCOUNT, baseline_fn(returns))
        (gradient,) = torch.autograd.grad(-loss, policy.table)  # ascent direction = grad of V
        estimates.append(gradient.double())
    return torch.stack(estimates)


def z_scores(estimates, exact):
    mean = estimates.mean(dim=0)
    standard_error = estimates.std(dim=0) / N_BATCHES ** 0.5
    return (mean - exact).abs() / (standard_error + 1e-9)


@pytest.fixture
def policy(small_grid):
    return random_tabular_(TabularSoftmaxPolicy(small_grid), seed=11)


@pytest.mark.parametrize("baseline", ["none", "running_mean", "time"])
def test_sampled_gradient_matches_the_exact_gradient(small_grid, policy, baseline):
    exact = exact_gradient(small_grid, policy)
    estimates = sampled_gradients(small_grid, policy, baseline=baseline)
    assert exact.abs().max() > 0.1  # the check is not vacuous
    assert z_scores(estimates, exact).max() < Z


def test_flipped_entropy_sign_fails_the_gradient_check(small_grid, policy):
    exact = exact_gradient(small_grid, policy)
    estimates = sampled_gradients(small_grid, policy, flip_entropy_sign=True)
    assert z_scores(estimates, exact).max() > 4 * Z
