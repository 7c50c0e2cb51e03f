"""The maximum-entropy objective, its soft rewards-to-go and the policy-gradient
surrogate.

The book's equations (chapter 3, labels ``maxent-objective``, ``soft-reward-to-go``,
``policy-gradient``):

* Objective:  J(pi) = E[ sum_t gamma^t (r_t + alpha * H(pi(.|s_t))) ]
* Soft reward-to-go:  G_t = sum_{k>=t} gamma^(k-t) (r_k - alpha * log pi(a_k|s_k)), so
  that  G_t = r_t - alpha * log pi(a_t|s_t) + gamma * G_{t+1}.
* Gradient:  grad J = E[ sum_t gamma^t grad log pi(a_t|s_t) (G_t - b_t) ] for any
  baseline b_t that does not depend on a_t.

The surrogate ``L = -(1/B) sum_i sum_t gamma^t log pi(a_t|s_t) * stop_grad(G_t - b_t)``
has ``-grad L`` equal to the sample estimate of the gradient.
"""

from __future__ import annotations

import functools
import math

import torch

from .._validation import check_discount, check_episode_batch, check_number


@functools.lru_cache(maxsize=32)
def discount_matrix(horizon: int, discount: float, dtype=torch.float64) -> torch.Tensor:
    """[T, T] upper-triangular matrix with entries ``gamma^(k - t)`` for k >= t, else 0.

    ``discount_matrix(T, gamma) @ x`` is the discounted sum of ``x`` from each step to
    the end. Memoised (training asks for the same matrix every iteration): treat it as
    read-only.
    """
    steps = torch.arange(horizon, dtype=torch.float64)
    lags = steps[None, :] - steps[:, None]  # [T, T], k - t
    powers = torch.pow(torch.tensor(discount, dtype=torch.float64), lags.clamp(min=0))
    return torch.where(lags >= 0, powers, torch.zeros(())).to(dtype)


def soft_rewards_to_go(
    rewards: torch.Tensor, log_probs: torch.Tensor, alpha: float, discount: float
) -> torch.Tensor:
    """Soft reward-to-go (``soft-reward-to-go``) for every step of every episode.

    Args:
        rewards: [T, B] float, r_t = R(s_t).
        log_probs: [T, B] float, log pi(a_t|s_t) of the actions taken.
        alpha: entropy temperature (a negative alpha flips the entropy term's sign, as
            the original post did).
        discount: gamma in [0, 1].

    Returns:
        [T, B] G_t = sum_{k>=t} gamma^(k-t) (r_k - alpha * log pi(a_k|s_k)), in the
        dtype of ``rewards``. Differentiable in ``log_probs``; detach it for the
        policy-gradient weight.
    """
    check_episode_batch(rewards=rewards, log_probs=log_probs)
    alpha = check_number(alpha, "alpha", -math.inf, math.inf)
    return _soft_rewards_to_go(
        rewards, log_probs, alpha, check_discount(discount, False)
    )


def _soft_rewards_to_go(rewards, log_probs, alpha: float, discount: float):
    """:func:`soft_rewards_to_go` for input already checked (``batch_loss``)."""
    soft_rewards = rewards - alpha * log_probs  # r_k - alpha * log pi(a_k|s_k)
    return discount_matrix(rewards.shape[0], discount, rewards.dtype) @ soft_rewards


def maxent_pg_loss(
    log_probs: torch.Tensor,
    returns_to_go: torch.Tensor,
    discount: float,
    baseline: torch.Tensor | None = None,
) -> torch.Tensor:
    """Surrogate loss whose negative gradient is the estimate (``policy-gradient``) of
    grad J.

    Args:
        log_probs: [T, B] log pi(a_t|s_t) of the actions taken, differentiable in the
            policy.
        returns_to_go: [T, B] soft rewards-to-go G_t (see :func:`soft_rewards_to_go`);
            treated as a constant (detached).
        discount: gamma in [0, 1]; step t is weighted by gamma^t.
        baseline: optional [T, B] b_t, detached; ``None`` means b_t = 0.

    Returns:
        scalar  L = -(1/B) sum_i sum_t gamma^t log pi(a_t|s_t) (G_t - b_t).
    """
    baseline = torch.zeros_like(returns_to_go) if baseline is None else baseline
    check_episode_batch(
        log_probs=log_probs, returns_to_go=returns_to_go, baseline=baseline
    )
    discount = check_discount(discount, False)
    return _maxent_pg_loss(log_probs, returns_to_go, discount, baseline)


def _maxent_pg_loss(log_probs, returns_to_go, discount: float, baseline):
    """:func:`maxent_pg_loss` for input already checked (``batch_loss``)."""
    horizon, n_episodes = log_probs.shape
    step_weights = discount ** torch.arange(horizon, dtype=log_probs.dtype)
    weights = (returns_to_go - baseline).detach()  # G_t - b_t, a constant
    return -(step_weights[:, None] * log_probs * weights).sum() / n_episodes


def batch_loss(
    policy,
    episodes,
    alpha: float,
    discount: float,
    baseline,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The three lines of one policy-gradient estimate, from a batch of episodes.

    Args:
        policy: a softmax policy module.
        episodes: a :class:`~maxent_tutorial.grid.Rollout` of [T, B] states, actions,
            rewards.
        alpha: entropy temperature; discount: gamma in [0, 1] (trusted: ``train_pg``
            and ``sampled_policy_gradient`` pass checked settings).
        baseline: a baseline object (:mod:`maxent_tutorial.tabular.baselines`); it
            sees the batch.
        dtype: precision of the sums (``train`` uses float32; exact checks use float64).

    Returns:
        ``(loss, returns_to_go)``: the surrogate (``maxent_pg_loss``), differentiable in
        the policy's parameters, and the [T, B] soft rewards-to-go G_t.
    """
    # log pi(a_t|s_t), [T, B]: the rollout's indices are valid, so index the table
    # directly.
    log_probs = policy.log_probs()[episodes.states, episodes.actions].to(dtype)
    rewards = episodes.rewards.to(dtype)
    returns = _soft_rewards_to_go(rewards, log_probs.detach(), alpha, discount)
    loss = _maxent_pg_loss(
        log_probs, returns, discount, baseline(episodes.states, returns)
    )
    return loss, returns
