"""The exact soft optimum of the linear-quadratic problem (the book's chapter 15).

For s' = C s + D a, r = -(s^T U s + a^T N a) and discount gamma
(:class:`~maxent_tutorial.lqr.LQRProblem`), guess V*(s) = -s^T X s + nu. Then Q*(s, a) =
r(s, a) + gamma V*(C s + D a) is quadratic in a with curvature M = N + gamma D^T X D,
and chapter 3's one-state result, pi* proportional to exp(Q*/alpha), is a Gaussian.
The book's labels:

* ``lqr-riccati``: X = U + gamma C^T X C - gamma^2 C^T X D M^-1 D^T X C (the discounted
  Riccati equation; alpha does not enter);
* ``lqr-policy``: pi*(.|s) = Normal(W* s, Sigma*), W* = -gamma M^-1 D^T X C and
  Sigma* = (alpha / 2) M^-1;
* ``lqr-constant``: nu = alpha / (2 (1 - gamma)) (m log(pi alpha) - log det M);
* ``lqr-entropy``: H(pi*) = (m log(pi e alpha) - log det M) / 2 nats in every state,
  so the alpha* of a target entropy H_bar is exp((2 H_bar + log det M) / m) / (pi e).

:func:`soft_value_iteration_1d` solves a one-dimensional problem on grids of states
and actions instead, to check these formulas without them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import check_number
from .lqr import LQRProblem, quadratic


@dataclass(frozen=True)
class SoftLQRSolution:
    """The soft optimum at temperature ``alpha``.

    riccati: X [n, n]; curvature: M [m, m]; gain: W* [m, n], the optimal mean is W* s;
    covariance: Sigma* [m, m]; value_constant: nu; entropy: H(pi*(.|s)) in nats, the
    same in every state; alpha: the temperature.
    """

    riccati: np.ndarray
    curvature: np.ndarray
    gain: np.ndarray
    covariance: np.ndarray
    value_constant: float
    entropy: float
    alpha: float

    @property
    def std(self) -> np.ndarray:
        """[m] the standard deviation of each action coordinate."""
        return np.sqrt(np.diag(self.covariance))

    def values(self, states: np.ndarray) -> np.ndarray:
        """[..., n] s -> [...] V*(s) = -s^T X s + nu."""
        return -quadratic(states, self.riccati) + self.value_constant


def riccati(problem: LQRProblem, tolerance: float = 1e-12) -> np.ndarray:
    """X of ``lqr-riccati``, by iterating it from X = 0 (value iteration on the
    quadratic value); raises ``ValueError`` if it does not settle."""
    C, D = problem.state_matrix, problem.action_matrix
    U, N, gamma = problem.state_cost, problem.action_cost, problem.discount
    X = np.zeros_like(U)
    for _ in range(10_000):
        M = N + gamma * D.T @ X @ D
        with np.errstate(all="ignore"):  # a value that grows without end overflows
            new = U + gamma * C.T @ X @ C
            new -= gamma**2 * C.T @ X @ D @ np.linalg.solve(M, D.T @ X @ C)
        if not np.isfinite(new).all():
            break
        if np.abs(new - X).max() <= tolerance * (1 + np.abs(new).max()):
            return new
        X = new
    raise ValueError(
        "the discounted Riccati iteration did not settle: can the actions hold the "
        "state at this discount (is (C, D) stabilisable)?"
    )


def soft_lqr(problem: LQRProblem, alpha: float) -> SoftLQRSolution:
    """The soft optimum of ``problem`` at temperature ``alpha`` > 0 (``lqr-riccati``,
    ``lqr-policy``, ``lqr-constant``, ``lqr-entropy``)."""
    alpha = check_number(alpha, "alpha", 1e-300, math.inf, meaning="the temperature")
    X = riccati(problem)
    C, D, gamma = problem.state_matrix, problem.action_matrix, problem.discount
    M = problem.action_cost + gamma * D.T @ X @ D
    m = problem.n_actions
    log_det_M = np.linalg.slogdet(M)[1]
    log_partition = m * math.log(math.pi * alpha) - log_det_M  # 2 log of int e^(..)
    return SoftLQRSolution(
        riccati=X,
        curvature=M,
        gain=-gamma * np.linalg.solve(M, D.T @ X @ C),
        covariance=alpha / 2 * np.linalg.inv(M),
        value_constant=float(alpha * log_partition / (2 * (1 - gamma))),
        entropy=float((m * math.log(math.pi * math.e * alpha) - log_det_M) / 2),
        alpha=alpha,
    )


def gaussian_entropy(covariance: np.ndarray) -> float:
    """[m, m] Sigma -> the entropy of Normal(., Sigma), (m log(2 pi e) + log det
    Sigma) / 2 nats."""
    covariance = np.atleast_2d(np.asarray(covariance, dtype=np.float64))
    m = covariance.shape[0]
    log_det = np.linalg.slogdet(covariance)[1]
    return float((m * math.log(2 * math.pi * math.e) + log_det) / 2)


def lqr_optimal_temperature(problem: LQRProblem, target_entropy: float) -> float:
    """The alpha* whose soft optimum has entropy ``target_entropy`` nats in every
    state (``lqr-entropy`` solved for alpha; any finite target has one)."""
    target = check_number(target_entropy, "target_entropy", -math.inf, math.inf)
    M = soft_lqr(problem, 1.0).curvature  # M does not depend on alpha
    m = problem.n_actions
    return math.exp((2 * target + np.linalg.slogdet(M)[1]) / m) / (math.pi * math.e)


def soft_value_iteration_1d(
    problem: LQRProblem,
    alpha: float,
    states: np.ndarray,
    actions: np.ndarray,
    tolerance: float = 1e-10,
):
    """Soft value iteration on a grid, for a problem with n = m = 1.

    Args:
        problem: a one-dimensional :class:`LQRProblem`.
        alpha: the temperature (> 0).
        states: [S] evenly spaced grid of states; V between them is read by linear
            interpolation (and held constant beyond the ends).
        actions: [A] evenly spaced grid of actions; the integral over a is the sum
            times the spacing.
        tolerance: stop when no value moves by more than this.

    Returns:
        ([S] values V(s), [S, A] probs pi(a|s) on the action grid, rows summing to 1):
        V(s) = alpha log sum_a exp(Q(s, a) / alpha) da, with Q(s, a) = r(s, a) + gamma
        V(s'), iterated from V = 0.
    """
    if problem.n_states != 1 or problem.n_actions != 1:
        raise ValueError(f"problem must be one-dimensional, got {problem}")
    alpha = check_number(alpha, "alpha", 1e-300, math.inf, meaning="the temperature")
    spacing = actions[1] - actions[0]
    next_states, rewards = problem.step(states[:, None, None], actions[None, :, None])
    next_states = next_states[..., 0]  # [S, A]
    values = np.zeros(len(states))
    for _ in range(100_000):
        q_values = rewards + problem.discount * np.interp(next_states, states, values)
        top = q_values.max(1, keepdims=True)
        weights = np.exp((q_values - top) / alpha)
        new = top[:, 0] + alpha * np.log(weights.sum(1) * spacing)
        converged = np.abs(new - values).max() <= tolerance
        values = new
        if converged:
            break
    return values, weights / weights.sum(1, keepdims=True)
