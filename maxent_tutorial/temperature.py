"""Learning the temperature for a target entropy: the rule every method shares.

The entropy-constrained problem (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms
and Applications", section 5): maximise the return subject to a mean policy entropy of
at least H_bar; the temperature alpha is its Lagrange multiplier. The book's label:

* ``dual-step``: log alpha <- log alpha + lr * (H_bar - H_batch): alpha grows while the
  policy's entropy is below the target, and shrinks while it is above.

The exact alpha* on the grid, which this rule should find, is in
:mod:`maxent_tutorial.exact_temperature`. One rule for ``target_entropy`` across
methods: a finite number or None (alpha stays fixed), and below the largest entropy a
policy on the problem can have (:func:`check_target_entropy`, called once when training
starts, where the problem is known).
"""

from __future__ import annotations

import math

import torch


def check_target_entropy(
    target_entropy, max_entropy: float, min_entropy: float = -math.inf
) -> float:
    """Return ``target_entropy`` as a float in [min_entropy, max_entropy), else raise
    naming it (for n discrete actions: [0, log n); for an unbounded Gaussian, any
    finite number)."""
    if not min_entropy <= target_entropy < max_entropy:
        raise ValueError(
            f"target_entropy must be in [{min_entropy:.4g}, {max_entropy:.4g}) nats "
            f"on this problem (the largest entropy a policy can have is "
            f"{max_entropy:.4g}), got {target_entropy}"
        )
    return float(target_entropy)


def dual_step(
    log_alpha: float, batch_entropy: float, target_entropy: float, lr: float
) -> float:
    """One gradient step on the temperature's dual (``dual-step``).

    Returns log alpha + lr * (target_entropy - batch_entropy): alpha grows when the
    policy's entropy is below the target.
    """
    return log_alpha + lr * (target_entropy - batch_entropy)


def discounted_mean_entropy(entropies: torch.Tensor, discount: float) -> torch.Tensor:
    """[T, B] H(pi(.|s_t)) along sampled episodes -> scalar, each step weighted by
    gamma^t / sum_t gamma^t: an unbiased estimate of ``mean-entropy`` with horizon T."""
    steps = torch.arange(entropies.shape[0], dtype=entropies.dtype)
    weights = discount**steps
    return (weights[:, None] * entropies).sum() / (weights.sum() * entropies.shape[1])
