import pytest
import torch
from helpers import random_tabular_

from maxent_tutorial import (
    LinearSoftmaxPolicy,
    NaturalGradient,
    TabularSoftmaxPolicy,
    conjugate_gradient,
    episode_scores,
    fisher_vector_product,
    train_pg,
)


def per_episode_scores_by_autograd(policy, states, actions):
    scores = []
    for episode in range(states.shape[1]):
        total = policy.log_probs(
            states[:, episode : episode + 1], actions[:, episode : episode + 1]
        ).sum()
        gradients = torch.autograd.grad(total, list(policy.parameters()))
        scores.append(torch.cat([g.reshape(-1) for g in gradients]).double())
    return torch.stack(scores)


@pytest.mark.parametrize("policy_class", [TabularSoftmaxPolicy, LinearSoftmaxPolicy])
def test_episode_scores_match_autograd(small_grid, policy_class):
    policy = policy_class(small_grid)
    with torch.no_grad():
        for parameter in policy.parameters():
            parameter.normal_(generator=torch.Generator().manual_seed(2))
    episodes = small_grid.rollout(policy, 15, 4, torch.Generator().manual_seed(0))
    expected = per_episode_scores_by_autograd(policy, episodes.states, episodes.actions)
    assert torch.allclose(
        episode_scores(policy, episodes.states, episodes.actions), expected, atol=1e-5
    )


def test_conjugate_gradient_matches_a_dense_solve_of_the_damped_fisher(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=4)
    episodes = small_grid.rollout(policy, 30, 8, torch.Generator().manual_seed(1))
    scores = episode_scores(policy, episodes.states, episodes.actions)  # [8, 30]
    gradient = torch.randn(
        30, generator=torch.Generator().manual_seed(5), dtype=torch.float64
    )
    damping = 0.1
    fisher = scores.T @ scores / scores.shape[0]
    dense = torch.linalg.solve(
        fisher + damping * torch.eye(30, dtype=torch.float64), gradient
    )
    solved = conjugate_gradient(
        lambda v: fisher_vector_product(scores, v, damping), gradient, iterations=60
    )
    assert torch.allclose(solved, dense, atol=1e-6, rtol=0)


def test_fisher_vector_product_equals_the_dense_product():
    scores = torch.randn(
        5, 7, generator=torch.Generator().manual_seed(0), dtype=torch.float64
    )
    vector = torch.randn(
        7, generator=torch.Generator().manual_seed(1), dtype=torch.float64
    )
    dense = (scores.T @ scores / 5 + 0.3 * torch.eye(7, dtype=torch.float64)) @ vector
    assert torch.allclose(fisher_vector_product(scores, vector, 0.3), dense)


def test_natural_step_respects_the_kl_trust_region(small_grid):
    policy = random_tabular_(TabularSoftmaxPolicy(small_grid), seed=6)
    episodes = small_grid.rollout(policy, 30, 8, torch.Generator().manual_seed(2))
    scores = episode_scores(policy, episodes.states, episodes.actions)
    gradient = torch.randn(
        30, generator=torch.Generator().manual_seed(3), dtype=torch.float64
    )
    before = policy.table.detach().clone()
    step = NaturalGradient(policy, max_kl=0.02, damping=0.1, cg_iterations=30).step(
        gradient, scores
    )
    assert torch.allclose(
        (policy.table.detach() - before).reshape(-1).double(), step, atol=1e-6
    )
    predicted_kl = 0.5 * step @ fisher_vector_product(scores, step, 0.1)
    assert predicted_kl.item() == pytest.approx(0.02, rel=1e-6)
    assert step @ gradient > 0  # an ascent direction


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(max_kl=0.0), "max_kl"),
        (dict(damping=-1.0), "damping"),
        (dict(cg_iterations=0), "cg_iterations"),
    ],
)
def test_natural_gradient_rejects_bad_settings(small_grid, kwargs, match):
    with pytest.raises(ValueError, match=match):
        NaturalGradient(TabularSoftmaxPolicy(small_grid), **kwargs)


def test_train_with_natural_gradient_improves_the_value(small_grid):
    from maxent_tutorial import start_value_gap

    before = start_value_gap(small_grid, TabularSoftmaxPolicy(small_grid), 0.5, 0.9)
    history = train_pg(
        small_grid,
        total_timesteps=40 * 8 * 60,
        horizon=60,
        n_envs=8,
        discount=0.9,
        alpha=0.5,
        optimizer="natural",
        progress=False,
    )
    assert start_value_gap(small_grid, history.policy, 0.5, 0.9) < before / 4
    assert history.settings.optimizer == "natural"
