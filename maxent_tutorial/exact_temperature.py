"""The exact temperature for a target entropy on the grid (the book's chapter 11).

The entropy-constrained problem (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms
and Applications"): maximise the return subject to a mean policy entropy of at least a
target H_bar; the temperature alpha is its Lagrange multiplier. This module finds the
exact alpha* on the grid; the rule that learns it (``dual-step``) is in
:mod:`maxent_tutorial.temperature`. The book's labels:

* ``mean-entropy``: H(pi) = sum_s d_T(s) H(pi(.|s)), with the visit weights of an
  episode of T steps, d_T(s) = sum_{t<T} gamma^t Pr(s_t = s) / sum_{t<T} gamma^t
  (T = infinity: the normalised discounted occupancy, ``occupancy``).
* ``exact-temperature``: alpha* solves H(pi*_alpha) = H_bar, with pi*_alpha the
  soft-optimal policy at temperature alpha (``soft-bellman``); the entropy grows with
  alpha, so bisection in log alpha finds it.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ._validation import check_discount, check_positive_int
from .distributions import entropy
from .exact import soft_value_iteration, state_occupancy, transition_matrix
from .temperature import check_target_entropy

MAX_ENTROPY = math.log(5)  # the uniform policy over the five actions, in nats


def visit_weights(
    grid, probs: torch.Tensor, discount: float, horizon: int | None = None
) -> torch.Tensor:
    """d_T(s) (``mean-entropy``): [n_states, 5] pi -> [n_states] float64, summing to 1.

    ``horizon=None`` is the infinite-horizon occupancy (1 - gamma) e_start^T (I - gamma
    P_pi)^{-1}; a horizon T weights the first T steps of an episode from the start by
    gamma^t, as :func:`discounted_mean_entropy` does with sampled episodes.
    """
    probs = probs.double()
    discount = check_discount(discount, infinite_horizon=horizon is None)
    if horizon is None:
        return state_occupancy(grid, probs, discount)
    horizon = check_positive_int(horizon, "horizon")
    start = torch.zeros(grid.n_states, dtype=torch.float64)
    start[grid.start_state] = 1.0
    step = transition_matrix(grid, probs)
    weights, distribution = torch.zeros_like(start), start
    for t in range(horizon):  # Pr(s_{t+1}) = Pr(s_t) P_pi
        weights += discount**t * distribution
        distribution = distribution @ step
    return weights / weights.sum()


def mean_entropy(
    grid, probs: torch.Tensor, discount: float, horizon: int | None = None
) -> float:
    """H(pi) = sum_s d_T(s) H(pi(.|s)) in nats (``mean-entropy``) of a [n_states, 5]
    table."""
    weights = visit_weights(grid, probs, discount, horizon)
    return (weights * entropy(probs.double())).sum().item()


def optimal_entropy(
    grid, alpha: float, discount: float, horizon: int | None = None
) -> float:
    """Mean entropy (``mean-entropy``) of the soft-optimal policy at temperature
    ``alpha``."""
    probs = soft_value_iteration(grid, alpha, discount).probs
    return mean_entropy(grid, probs, discount, horizon)


def entropy_curve(
    grid, alphas, discount: float, horizon: int | None = None
) -> np.ndarray:
    """[n] temperatures -> [n] mean entropy of the soft optimum at each (nats)."""
    return np.array(
        [optimal_entropy(grid, float(a), discount, horizon) for a in alphas]
    )


def optimal_temperature(
    grid,
    target_entropy: float,
    discount: float,
    horizon: int | None = None,
    log_alpha_range: tuple[float, float] = (-20.0, 30.0),
    tol: float = 1e-4,
) -> float:
    """alpha* whose soft-optimal policy has mean entropy ``target_entropy``
    (``exact-temperature``), by bisection on log alpha over soft value iteration.

    Args:
        grid: the grid world.
        target_entropy: H_bar in nats, in [0, log 5).
        discount: gamma in [0, 1).
        horizon: the episode length T of the visit weights (None: infinite).
        log_alpha_range: the bracket for log alpha (natural log).
        tol: stop once the bracket is narrower than ``tol`` in log alpha.

    Raises:
        ValueError: ``target_entropy`` outside [0, log 5), or below the entropy of the
            soft optimum at alpha -> 0 (no temperature reaches it: infeasible).
    """
    target = check_target_entropy(target_entropy, MAX_ENTROPY, 0.0)
    low, high = log_alpha_range
    floor = optimal_entropy(grid, 0.0, discount, horizon)
    if target <= floor:
        raise ValueError(
            f"target_entropy {target:.4g} is infeasible: even as alpha -> 0 the "
            f"soft-optimal policy keeps a mean entropy of {floor:.4g} nats "
            "(ties between equally good actions); choose a larger target"
        )
    if optimal_entropy(grid, math.exp(high), discount, horizon) < target:
        raise ValueError(
            f"target_entropy {target:.4g} needs alpha > exp({high:g}); "
            "widen log_alpha_range"
        )
    while high - low > tol:  # H(pi*_alpha) grows with alpha: keep H(low) < target
        middle = 0.5 * (low + high)
        if optimal_entropy(grid, math.exp(middle), discount, horizon) < target:
            low = middle
        else:
            high = middle
    return math.exp(0.5 * (low + high))
