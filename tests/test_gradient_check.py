"""The sampled policy-gradient estimate (``policy-gradient``) agrees with the exact
gradient of the soft objective.

Set-up: the 2x3 grid of ``helpers``, a tabular policy with seeded random logits, alpha
= 1, gamma = 0.9 and episodes of 200 steps, so the truncated tail weighs gamma^200 ~
7e-10 of the total: negligible next to the sampling error. The exact gradient
differentiates ``soft_policy_values`` (a linear solve, float64) with autograd. The
estimate averages ``N_BATCHES`` independent batches; the spread of the batch estimates
gives its standard error, and every component must lie within ``Z`` standard errors of
the exact value.
"""

import pytest
import torch
from helpers import random_tabular_

from maxent_tutorial import (
    BASELINE_NAMES,
    LinearSoftmaxPolicy,
    TabularSoftmaxPolicy,
    exact_policy_gradient,
    gradient_estimates,
    gradient_mse,
    largest_z_score,
    logit_gradient,
    maxent_pg_loss,
    soft_policy_values,
    soft_rewards_to_go,
)

ALPHA, DISCOUNT, HORIZON = 1.0, 0.9, 200
N_BATCHES, EPISODES_PER_BATCH = 40, 500
Z = 5.0  # per component; for 30 components a false alarm has probability ~2e-5


def z_scores(estimates, exact):
    mean = estimates.mean(dim=0)
    standard_error = estimates.std(dim=0) / estimates.shape[0] ** 0.5
    return (mean - exact).abs() / (standard_error + 1e-9)


@pytest.fixture
def policy(small_grid):
    return random_tabular_(TabularSoftmaxPolicy(small_grid), seed=11)


def estimates_for(grid, policy, baseline, seed=0):
    return gradient_estimates(
        grid,
        policy,
        n_estimates=N_BATCHES,
        n_episodes=EPISODES_PER_BATCH,
        horizon=HORIZON,
        alpha=ALPHA,
        discount=DISCOUNT,
        baseline=baseline,
        generator=torch.Generator().manual_seed(seed),
    )


def test_exact_gradient_matches_finite_differences(small_grid, policy):
    exact = exact_policy_gradient(small_grid, policy, ALPHA, DISCOUNT)

    table = policy.table.detach().double()
    for index in (0, 7, 18, 29):
        step = torch.zeros_like(table).view(-1)
        step[index] = 1e-6
        values = [
            soft_policy_values(
                small_grid,
                torch.softmax(table + sign * step.view_as(table), dim=1),
                ALPHA,
                DISCOUNT,
            )[small_grid.start_state]
            for sign in (1, -1)
        ]
        assert exact[index].item() == pytest.approx(
            ((values[0] - values[1]) / 2e-6).item(), rel=1e-5, abs=1e-7
        )


@pytest.mark.parametrize("baseline", BASELINE_NAMES)
def test_every_baseline_leaves_the_sampled_gradient_unbiased(
    small_grid, policy, baseline
):
    exact = exact_policy_gradient(small_grid, policy, ALPHA, DISCOUNT)
    estimates = estimates_for(small_grid, policy, baseline)
    assert exact.abs().max() > 0.1  # the check is not vacuous
    assert z_scores(estimates, exact).max() < Z


def test_linear_policy_gradient_is_unbiased_too(small_grid):
    policy = LinearSoftmaxPolicy(small_grid)
    with torch.no_grad():
        policy.linear.weight.normal_(generator=torch.Generator().manual_seed(3))
    exact = exact_policy_gradient(small_grid, policy, ALPHA, DISCOUNT)
    assert z_scores(estimates_for(small_grid, policy, "leave_one_out"), exact).max() < Z


def test_flipped_entropy_sign_fails_the_gradient_check(small_grid, policy):
    # The original post's mistake: + alpha * log pi in the reward-to-go (negating log pi
    # flips it).
    exact = exact_policy_gradient(small_grid, policy, ALPHA, DISCOUNT)
    generator = torch.Generator().manual_seed(0)
    estimates = []
    for _ in range(N_BATCHES):
        episodes = small_grid.rollout(policy, HORIZON, EPISODES_PER_BATCH, generator)
        log_probs = policy.log_probs(episodes.states, episodes.actions)
        returns = soft_rewards_to_go(
            episodes.rewards.double(), -log_probs.detach().double(), ALPHA, DISCOUNT
        )
        loss = maxent_pg_loss(log_probs.double(), returns, DISCOUNT)
        (gradient,) = torch.autograd.grad(-loss, policy.table)
        estimates.append(gradient.double().reshape(-1))
    assert z_scores(torch.stack(estimates), exact).max() > 4 * Z


def test_per_step_and_critic_baselines_lower_the_mse(small_grid, policy):
    exact = exact_policy_gradient(small_grid, policy, ALPHA, DISCOUNT)
    mse = {
        name: gradient_mse(estimates_for(small_grid, policy, name, seed=1), exact)
        for name in ("none", "leave_one_out", "critic_tabular")
    }
    assert mse["leave_one_out"] < mse["none"] and mse["critic_tabular"] < mse["none"]


def test_gradient_mse_is_the_mean_squared_distance():
    estimates = torch.tensor([[1.0, 2.0], [3.0, 2.0]], dtype=torch.float64)
    assert gradient_mse(
        estimates, torch.tensor([1.0, 1.0], dtype=torch.float64)
    ) == pytest.approx((1 + 5) / 2)
    with pytest.raises(ValueError, match="estimates must be \\[N, P\\]"):
        gradient_mse(estimates, torch.zeros(3))


def test_the_logit_gradient_of_the_start_value_is_the_exact_gradient(
    small_grid, policy
):
    start = small_grid.start_state

    def start_value(probs):
        return soft_policy_values(small_grid, probs, ALPHA, DISCOUNT)[start]

    by_logits = logit_gradient(start_value, policy.table)
    exact = exact_policy_gradient(small_grid, policy, ALPHA, DISCOUNT)
    # to float32 rounding: the policy's parameters, and so its gradient, are float32
    assert torch.allclose(by_logits.flatten(), exact, rtol=0, atol=1e-6)


def test_the_largest_z_score_by_hand():
    # component 0: mean 2, standard error sqrt(2) / sqrt(2) = 1, so z = |2 - 1| / 1;
    # component 1 never varies and sits on its target: z = 0, not 0 / 0
    estimates = torch.tensor([[1.0, 0.0], [3.0, 0.0]], dtype=torch.float64)
    target = torch.tensor([1.0, 0.0], dtype=torch.float64)
    assert largest_z_score(estimates, target) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="estimates must be"):
        largest_z_score(estimates, torch.zeros(3))
