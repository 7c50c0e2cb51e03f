"""Categorical action distributions: the one sampler and the one entropy of the book.

Every method here (the grid's rollouts, soft Q-learning, SAC, the Gymnasium methods)
draws its discrete actions with :func:`sample_categorical` and measures a policy's
entropy with :func:`entropy`.
"""

from __future__ import annotations

import numpy as np
import torch


def inverse_cdf(cumulative, uniforms):
    """[..., n-1] c_j = sum_{i<=j} pi(i) for j < n-1, [...] u in [0, 1) -> [...] the
    action a = #{j : u >= c_j}, the first whose cumulative probability exceeds u.

    Works on torch tensors and on NumPy arrays alike (the grid's rollout loop uses
    NumPy, where per-step calls on a few numbers are cheaper).
    """
    return (uniforms[..., None] >= cumulative).sum(-1)


def sample_categorical(
    probs: torch.Tensor, generator: torch.Generator, dtype=torch.float32
) -> torch.Tensor:
    """[..., n] pi -> [...] long actions a ~ pi, one uniform number of ``dtype`` per
    row from ``generator``, inverted by :func:`inverse_cdf`."""
    uniforms = torch.rand(probs.shape[:-1], generator=generator, dtype=dtype)
    return inverse_cdf(probs.cumsum(-1)[..., :-1], uniforms)


def entropy(
    probs: torch.Tensor | np.ndarray,
    log_probs: torch.Tensor | np.ndarray | None = None,
) -> torch.Tensor | np.ndarray:
    """[..., n] pi -> [...] H(pi) = -sum_a pi(a) log pi(a) in nats (0 log 0 = 0).

    Works on torch tensors and on NumPy arrays alike (tabular SAC keeps its tables in
    NumPy). Pass ``log_probs`` (finite, from ``log_softmax``) when differentiating
    through probabilities that may round to zero: the gradient then stays finite (on
    NumPy arrays it only saves taking the log again).
    """
    if not isinstance(probs, torch.Tensor):  # NumPy arrays
        if log_probs is None:  # log 1 = 0 where pi(a) = 0
            log_probs = np.log(np.where(probs > 0, probs, 1.0))
        return -np.where(probs > 0, probs * log_probs, 0.0).sum(-1)
    if log_probs is None:
        return -torch.special.xlogy(probs, probs).sum(-1)
    return -torch.where(probs > 0, probs * log_probs, 0.0).sum(-1)
