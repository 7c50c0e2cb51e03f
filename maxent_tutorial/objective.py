"""The maximum-entropy objective, its soft rewards-to-go and the policy-gradient surrogate loss.

The book's equations (chapter 3):

* Objective:  J(pi) = E[ sum_t gamma^t (r_t + alpha * H(pi(.|s_t))) ]                      (3.1)
* Soft reward-to-go:  G_t = sum_{k>=t} gamma^(k-t) (r_k - alpha * log pi(a_k|s_k))          (3.2)
  so that  G_t = r_t - alpha * log pi(a_t|s_t) + gamma * G_{t+1}.
* Gradient:  grad J = E[ sum_t gamma^t grad log pi(a_t|s_t) (G_t - b_t) ]                 (3.3)
  for any baseline b_t that does not depend on a_t.

The surrogate ``L = -(1/B) sum_b sum_t gamma^t log pi(a_t|s_t) * stop_grad(G_t - b_t)`` has
``-grad L`` equal to the sample estimate of (3.3).
"""

from __future__ import annotations

import functools

import torch

from ._validation import check_alpha, check_discount, check_same_shape


@functools.lru_cache(maxsize=32)
def discount_matrix(horizon: int, discount: float, dtype=torch.float64) -> torch.Tensor:
    """[T, T] upper-triangular matrix with entries ``gamma^(k - t)`` for k >= t, else 0.

    ``discount_matrix(T, gamma) @ x`` is the discounted sum of ``x`` from each step to the end.
    Memoised (training asks for the same matrix every epoch): treat the result as read-only.
    """
    steps = torch.arange(horizon, dtype=torch.float64)
    lags = steps[None, :] - steps[:, None]  # [T, T], k - t
    powers = torch.pow(torch.tensor(discount, dtype=torch.float64), lags.clamp(min=0))
    return torch.where(lags >= 0, powers, torch.zeros(())).to(dtype)


def soft_rewards_to_go(rewards: torch.Tensor, log_probs: torch.Tensor, alpha: float,
                       discount: float) -> torch.Tensor:
    """Soft reward-to-go (3.2) for every step of every episode.

    Args:
        rewards: [T, B] float, r_t = R(s_t).
        log_probs: [T, B] float, log pi(a_t|s_t) of the actions taken.
        alpha: entropy temperature, >= 0.
        discount: gamma in [0, 1].

    Returns:
        [T, B] G_t = sum_{k>=t} gamma^(k-t) (r_k - alpha * log pi(a_k|s_k)), in the dtype of
        ``rewards``. Differentiable in ``log_probs``; detach it for the policy-gradient weight.
    """
    if not isinstance(rewards, torch.Tensor) or not isinstance(log_probs, torch.Tensor):
        raise TypeError("rewards and log_probs must be tensors of shape [T, B]")
    check_same_shape(rewards=rewards, log_probs=log_probs)
    if rewards.ndim != 2:
        raise ValueError(f"rewards and log_probs must be [T, B] (time, episode), got {rewards.ndim}-D")
    alpha = check_alpha(alpha)
    discount = check_discount(discount, infinite_horizon=False)
    # Per-step soft reward r_k - alpha * log pi(a_k|s_k); -log pi is the entropy's sampled estimate.
    soft_rewards = rewards - alpha * log_probs
    return discount_matrix(rewards.shape[0], discount, soft_rewards.dtype) @ soft_rewards


def maxent_pg_loss(log_probs: torch.Tensor, returns_to_go: torch.Tensor, discount: float,
                   baseline: torch.Tensor | None = None) -> torch.Tensor:
    """Surrogate loss whose negative gradient is the estimate (3.3) of grad J.

    Args:
        log_probs: [T, B] log pi(a_t|s_t) of the actions taken, differentiable in the policy.
        returns_to_go: [T, B] soft rewards-to-go G_t (see :func:`soft_rewards_to_go`); treated
            as a constant (detached).
        discount: gamma in [0, 1]; step t is weighted by gamma^t, as in (3.3).
        baseline: optional [T, B] (or broadcastable) b_t, detached.

    Returns:
        scalar  L = -(1/B) sum_b sum_t gamma^t log pi(a_t|s_t) (G_t - b_t).
    """
    if not isinstance(log_probs, torch.Tensor) or not isinstance(returns_to_go, torch.Tensor):
        raise TypeError("log_probs and returns_to_go must be tensors of shape [T, B]")
    check_same_shape(log_probs=log_probs, returns_to_go=returns_to_go)
    if log_probs.ndim != 2:
        raise ValueError(f"log_probs and returns_to_go must be [T, B] (time, episode), got {log_probs.ndim}-D")
    discount = check_discount(discount, infinite_horizon=False)
    weights = returns_to_go.detach()
    if baseline is not None:
        if not isinstance(baseline, torch.Tensor):
            raise TypeError("baseline must be a tensor broadcastable to [T, B]")
        try:
            weights = weights - baseline.detach()
        except RuntimeError as error:
            raise ValueError(f"baseline of shape {list(baseline.shape)} does not broadcast to "
                             f"returns_to_go {list(returns_to_go.shape)}") from error
        if weights.shape != returns_to_go.shape:
            raise ValueError(f"baseline of shape {list(baseline.shape)} does not broadcast to "
                             f"returns_to_go {list(returns_to_go.shape)}")
    horizon, n_episodes = log_probs.shape
    step_weights = discount ** torch.arange(horizon, dtype=log_probs.dtype)  # gamma^t, [T]
    return -(step_weights[:, None] * log_probs * weights).sum() / n_episodes
