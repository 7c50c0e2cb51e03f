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


def _one_batch(grid, policy, seed):
    """A batch from ``policy`` with the pieces a natural step needs: the gradient,
    scores and the surrogate's weights gamma^t (G_t - b_t) / B."""
    from maxent_tutorial import batch_loss, make_baseline
    from maxent_tutorial.tabular.gradients import flat_gradient

    horizon, n_episodes, discount = 30, 8, 0.9
    episodes = grid.rollout(
        policy, horizon, n_episodes, torch.Generator().manual_seed(seed)
    )
    baseline = make_baseline("leave_one_out")
    loss, returns = batch_loss(policy, episodes, 0.5, discount, baseline)
    b = baseline(episodes.states, returns)
    steps = torch.arange(horizon, dtype=torch.float64)
    weights = (discount**steps)[:, None] * (returns - b).double() / n_episodes
    scores = episode_scores(policy, episodes.states, episodes.actions)
    return -flat_gradient(loss, policy), scores, episodes, weights


@pytest.mark.parametrize("policy_class", [TabularSoftmaxPolicy, LinearSoftmaxPolicy])
@pytest.mark.parametrize("seed", range(4))
def test_line_search_step_never_exceeds_max_kl_on_its_batch(
    small_grid, policy_class, seed
):
    from maxent_tutorial.tabular.natural import batch_kl

    policy = policy_class(small_grid)
    with torch.no_grad():
        for parameter in policy.parameters():
            parameter.normal_(generator=torch.Generator().manual_seed(seed))
    gradient, scores, episodes, weights = _one_batch(small_grid, policy, seed)
    old = policy.action_probabilities(torch.float64).detach()
    natural = NaturalGradient(policy, max_kl=0.02, damping=1e-3, line_search=True)
    step = natural.step(gradient, scores, episodes.states, episodes.actions, weights)
    new = policy.action_probabilities(torch.float64).detach()
    measured = batch_kl(old, new, episodes.states).item()
    assert measured <= 0.02
    assert measured == pytest.approx(natural.measured_kl, abs=1e-12)
    if natural.shrinks is None:  # no step qualified: the policy is unchanged
        assert torch.equal(step, torch.zeros_like(step))
        assert torch.allclose(new, old, atol=0)


def test_line_search_shrinks_a_step_that_overshoots(small_grid):
    # tiny damping: the step is huge in directions the batch does not see
    policy = TabularSoftmaxPolicy(small_grid)
    gradient, scores, episodes, weights = _one_batch(small_grid, policy, 0)
    free = NaturalGradient(TabularSoftmaxPolicy(small_grid), max_kl=0.05)
    free.policy.load_state_dict(policy.state_dict())
    free.step(gradient, scores, episodes.states)
    assert free.measured_kl > 0.05  # without the line search: beyond max_kl
    natural = NaturalGradient(policy, max_kl=0.05, line_search=True)
    natural.step(gradient, scores, episodes.states, episodes.actions, weights)
    assert natural.shrinks is not None and natural.shrinks >= 1
    assert natural.measured_kl <= 0.05


def test_line_search_needs_the_batch(small_grid):
    policy = TabularSoftmaxPolicy(small_grid)
    gradient, scores, _, _ = _one_batch(small_grid, policy, 0)
    with pytest.raises(ValueError, match="line search"):
        NaturalGradient(policy, line_search=True).step(gradient, scores)


@pytest.mark.parametrize("policy", ["tabular", "linear"])
def test_train_without_line_search_is_the_old_step_bit_for_bit(small_grid, policy):
    # the old loop: natural.step(gradient, scores) on every batch
    from maxent_tutorial import batch_loss, make_baseline, make_policy
    from maxent_tutorial.tabular.gradients import flat_gradient

    settings = dict(
        total_timesteps=20 * 8 * 60, horizon=60, n_envs=8, discount=0.9, alpha=0.5
    )
    history = train_pg(
        small_grid,
        policy=policy,
        optimizer="natural",
        line_search=False,
        progress=False,
        seed=3,
        **settings,
    )
    by_hand = make_policy(policy, small_grid)
    baseline = make_baseline("leave_one_out", small_grid, 0.9)
    natural = NaturalGradient(by_hand)
    generator = torch.Generator().manual_seed(3)
    for _ in range(20):
        episodes = small_grid._rollout(by_hand, 60, 8, generator)
        loss, _ = batch_loss(by_hand, episodes, 0.5, 0.9, baseline)
        scores = episode_scores(by_hand, episodes.states, episodes.actions)
        natural.step(-flat_gradient(loss, by_hand), scores)
    for trained, expected in zip(
        history.policy.parameters(), by_hand.parameters(), strict=True
    ):
        assert torch.equal(trained, expected)


def test_natural_gradient_rejects_a_bad_backtrack_factor(small_grid):
    with pytest.raises(ValueError, match="backtrack_factor"):
        NaturalGradient(TabularSoftmaxPolicy(small_grid), backtrack_factor=1.0)
