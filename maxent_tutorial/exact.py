"""Exact answers on a tabular grid: soft value iteration and exact policy evaluation.

Equations (chapter 7; the labels are the book's):

* ``soft-bellman``: Q(s,a) = R(s) + gamma * V(next(s,a)), V(s) = alpha * log sum_a
  exp(Q(s,a) / alpha)  (alpha = 0: V(s) = max_a Q(s,a)), pi*(a|s) = exp((Q(s,a) - V(s))
  / alpha).
* ``policy-evaluation``, the soft value of a fixed policy: V_pi = (I - gamma P_pi)^{-1}
  (R + alpha H_pi), with P_pi[s, s'] = sum_a pi(a|s) [next(s,a) = s'] and H_pi(s) =
  -sum_a pi(a|s) log pi(a|s).
* ``occupancy``: d_pi^T = (1 - gamma) e_start^T (I - gamma P_pi)^{-1}.

Everything is float64; ``soft_policy_values`` is differentiable in the probability
table, which the book uses for exact policy gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ._validation import check_alpha, check_discount, check_probability_table
from .distributions import entropy


@dataclass(frozen=True)
class SoftSolution:
    """The soft-optimal solution of a grid.

    values:     [n_states] float64, V*(s).
    q_values:   [n_states, 5] float64, Q*(s, a).
    probs:      [n_states, 5] float64, pi*(a|s).
    iterations: the number of Bellman sweeps performed.
    """

    values: torch.Tensor
    q_values: torch.Tensor
    probs: torch.Tensor
    iterations: int


def soft_q_values(grid, values: torch.Tensor, discount: float) -> torch.Tensor:
    """[n_states] V -> [n_states, 5] Q(s,a) = R(s) + gamma V(next(s,a))."""
    return grid.state_rewards[:, None] + discount * values[grid.next_states]


def soft_values(q_values: torch.Tensor, alpha: float) -> torch.Tensor:
    """[n_states, 5] Q -> [n_states] V(s) = alpha * logsumexp_a(Q(s,a) / alpha) (a soft
    maximum over actions, ``soft-bellman``); max_a Q(s,a) if alpha = 0."""
    if alpha == 0:
        return q_values.max(dim=1).values
    return alpha * torch.logsumexp(q_values / alpha, dim=1)


def soft_greedy_probs(q_values: torch.Tensor, alpha: float) -> torch.Tensor:
    """[n_states, 5] Q -> [n_states, 5] pi(a|s) = softmax(Q(s,.) / alpha).

    For alpha = 0 the limit: uniform over the maximising actions (ties within 1e-9
    relative).
    """
    if alpha == 0:
        best = q_values.max(dim=1, keepdim=True).values
        ties = (q_values >= best - 1e-9 * best.abs().clamp(min=1.0)).to(q_values.dtype)
        return ties / ties.sum(dim=1, keepdim=True)
    return torch.softmax(q_values / alpha, dim=1)


def soft_value_iteration(
    grid,
    alpha: float,
    discount: float,
    tol: float = 1e-14,
    max_iterations: int = 200_000,
) -> SoftSolution:
    """Solve the soft Bellman optimality equation (``soft-bellman``) by value iteration.

    Args:
        grid: a :class:`~maxent_tutorial.grid.GridWorld`.
        alpha: entropy temperature >= 0 (0 gives the ordinary Bellman equation).
        discount: gamma in [0, 1) (the values are infinite-horizon sums).
        tol: stop once a sweep changes no value by more than ``tol * max(1, max_s
            |V(s)|)``.
        max_iterations: raise ``RuntimeError`` rather than loop longer.

    Returns:
        :class:`SoftSolution` with values [n_states], q_values and probs [n_states, 5].
    """
    alpha = check_alpha(alpha)
    discount = check_discount(discount, infinite_horizon=True)
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol}")
    values = torch.zeros(grid.n_states, dtype=torch.float64)
    for iteration in range(1, max_iterations + 1):  # noqa: B007 (read after the loop)
        new_values = soft_values(soft_q_values(grid, values, discount), alpha)
        change = (new_values - values).abs().max().item()
        values = new_values
        if change <= tol * max(1.0, values.abs().max().item()):
            break
    else:
        raise RuntimeError(
            f"soft value iteration did not reach tol={tol} in {max_iterations} "
            f"sweeps (discount={discount}); raise max_iterations or tol"
        )
    q_values = soft_q_values(grid, values, discount)
    return SoftSolution(
        values=values,
        q_values=q_values,
        probs=soft_greedy_probs(q_values, alpha),
        iterations=iteration,
    )


def transition_matrix(grid, probs: torch.Tensor) -> torch.Tensor:
    """[n_states, 5] pi -> [n_states, n_states] P_pi.

    P_pi[s, s'] = sum_a pi(a|s) [next(s,a) = s'].
    """
    matrix = torch.zeros(grid.n_states, grid.n_states, dtype=probs.dtype)
    return matrix.scatter_add(1, grid.next_states, probs)


def evaluation_matrix(grid, probs: torch.Tensor, discount: float) -> torch.Tensor:
    """[n_states, 5] pi -> [n_states, n_states] I - gamma P_pi, the matrix that
    ``policy-evaluation`` and ``occupancy`` invert."""
    identity = torch.eye(grid.n_states, dtype=probs.dtype)
    return identity - discount * transition_matrix(grid, probs)


def soft_policy_values(grid, probs, alpha: float, discount: float) -> torch.Tensor:
    """Exact soft value (``policy-evaluation``) of the fixed policy ``probs`` in every
    state.

    Args:
        grid: the grid world.
        probs: [n_states, 5] pi(a|s), non-negative rows summing to 1; may require grad.
        alpha: entropy temperature >= 0.
        discount: gamma in [0, 1).

    Returns:
        [n_states] float64 V_pi(s) = E[sum_t gamma^t (R(s_t) + alpha H(pi(.|s_t))) | s_0
        = s], differentiable with respect to ``probs``.
    """
    probs = check_probability_table(probs, grid.n_states, grid.n_actions).double()
    alpha = check_alpha(alpha)
    return _soft_policy_values(grid, probs, alpha, check_discount(discount, True))


def _soft_policy_values(grid, probs, alpha: float, discount: float) -> torch.Tensor:
    """:func:`soft_policy_values` for a float64 table and settings already checked."""
    soft_rewards = grid.state_rewards + alpha * entropy(probs)  # R + alpha H_pi
    return torch.linalg.solve(evaluation_matrix(grid, probs, discount), soft_rewards)


def state_occupancy(grid, probs, discount: float) -> torch.Tensor:
    """Normalised discounted state occupancy from the start state (``occupancy``).

    d(s) = (1 - gamma) sum_t gamma^t Pr(s_t = s), i.e. d^T = (1 - gamma) e_start^T (I -
    gamma P_pi)^{-1}. Returns [n_states] float64 summing to 1.
    """
    probs = check_probability_table(probs, grid.n_states, grid.n_actions).double()
    discount = check_discount(discount, infinite_horizon=True)
    start = torch.zeros(grid.n_states, dtype=torch.float64)
    start[grid.start_state] = 1.0
    return (1 - discount) * torch.linalg.solve(
        evaluation_matrix(grid, probs, discount).T, start
    )


def start_value_gap(
    grid, probs, alpha: float, discount: float, solution: SoftSolution | None = None
) -> float:
    """(V*(start) - V_pi(start)) / |V*(start)|: the relative gap of a policy to the
    soft optimum at the start state (``relative_gap``).

    ``probs``: the policy's [n_states, 5] table pi(a|s), or a policy module (its table
    is read). Pass ``solution`` (the soft optimum at the same ``alpha`` and
    ``discount``) to reuse a solved grid.
    """
    if hasattr(probs, "action_probabilities"):
        with torch.no_grad():
            probs = probs.action_probabilities(torch.float64)
    probs = check_probability_table(probs, grid.n_states, grid.n_actions)
    if solution is None:
        solution = soft_value_iteration(grid, alpha, discount)
    with torch.no_grad():
        values = soft_policy_values(grid, probs.detach(), alpha, discount)
    return relative_gap(
        values[grid.start_state].item(), solution.values[grid.start_state].item()
    )


def value_gap_by_state(
    grid, probs, solution: SoftSolution, alpha: float, discount: float
) -> torch.Tensor:
    """Where a policy loses value (``performance-difference``), state by state.

    Returns [n_states] float64 alpha / (1 - gamma) * d_pi(s) * KL(pi(.|s) || pi*(.|s)),
    which sums to V*(start) - V_pi(start). ``probs``: [n_states, 5] pi; ``solution``:
    the soft optimum at the same ``alpha`` > 0 and ``discount``. log pi* is computed as
    (Q* - V*) / alpha, exact even where pi* rounds to zero.
    """
    probs = check_probability_table(probs, grid.n_states, grid.n_actions).double()
    if check_alpha(alpha) == 0:
        raise ValueError("alpha must be > 0: the identity divides by it")
    log_optimal = (solution.q_values - solution.values[:, None]) / alpha  # log pi*
    kl = (torch.special.xlogy(probs, probs) - probs * log_optimal).sum(dim=1)
    occupancy = state_occupancy(grid, probs, discount)
    return alpha / (1 - discount) * occupancy * kl


def relative_gap(start_values, optimum: float):
    """(V* - V) / |V*| for a value or an array of values V of the start state (e.g. a
    ``TrainingHistory.start_value`` curve) against the soft optimum V*(start)."""
    return (optimum - start_values) / abs(optimum)


def episode_statistics(grid, probs, horizon: int = 300) -> dict:
    """What a policy does in an episode of ``horizon`` steps from the start, exactly
    (by pushing the state distribution forward, no sampling): the reading of a gap in
    behaviour.

    ``probs``: [n_states, 5] pi(a|s). Returns a dict of floats:

    * ``steps_to_goal``: expected number of steps before the first visit to the goal
      (an episode that never arrives counts ``horizon``);
    * ``reach``: probability of visiting the goal within the episode;
    * ``pit_visits``: expected number of steps spent on cells with the grid's lowest
      reward (the pits) before the goal is first reached;
    * ``reward``: expected undiscounted sum of rewards over the episode;
    * ``goal_steps``: expected number of steps spent at the goal.
    """
    probs = check_probability_table(probs, grid.n_states, grid.n_actions).double()
    horizon = int(horizon)
    if horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon}")
    step = transition_matrix(grid, probs.detach())
    rewards = grid.state_rewards
    pits = (rewards == rewards.min()).double()
    goal = grid.goal_state
    # two chains: the whole episode, and one that stops at the first visit to the goal
    before = step.clone()
    before[goal] = 0.0  # mass that reached the goal leaves the "not yet arrived" chain
    whole = torch.zeros(grid.n_states, dtype=torch.float64)
    whole[grid.start_state] = 1.0
    waiting = whole.clone()
    statistics = dict(steps_to_goal=0.0, pit_visits=0.0, reward=0.0, goal_steps=0.0)
    for _ in range(horizon):
        not_arrived = waiting.sum().item() - waiting[goal].item()
        statistics["steps_to_goal"] += not_arrived
        statistics["pit_visits"] += (waiting * pits).sum().item() - (
            waiting[goal] * pits[goal]
        ).item()
        statistics["reward"] += (whole @ rewards).item()
        statistics["goal_steps"] += whole[goal].item()
        whole, waiting = whole @ step, waiting @ before
    statistics["reach"] = 1.0 - waiting.sum().item()  # not arrived in steps 0..T-1
    return statistics
