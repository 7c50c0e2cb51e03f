"""Tabular soft Q-learning from a replay buffer (the book's chapter 12).

Equations (the book's labels):

* ``soft-q-target``: y = R(s) + gamma * alpha * logsumexp_a' (Q(s', a') / alpha), the
  soft Bellman backup (``soft-bellman``) of one transition (s, a, s'), with V(s') =
  alpha logsumexp(Q(s', .) / alpha) the soft value of the next state.
* ``soft-q-update``: Q(s, a) <- Q(s, a) + lr * (y - Q(s, a)), averaged over the
  batch's copies of the pair (s, a).

The update never asks which policy chose a: it is off-policy, so any behaviour policy
that keeps trying every action in every state leads to Q*. Many walkers step the grid
together; every transition goes into the shared
:class:`~maxent_tutorial.replay.ReplayBuffer`, and each step of the walkers is followed
by ``gradient_steps`` updates on batches drawn from it. Two pieces are shared with SAC
(chapter 13): the Bellman target :func:`bellman_targets` and the table's step
:func:`move_towards_targets`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..distributions import sample_categorical
from ..exact import (
    _soft_policy_values,
    relative_gap,
    soft_greedy_probs,
    soft_value_iteration,
    soft_values,
)
from ..replay import ReplayBuffer, Transitions
from ..settings import (
    NON_NEGATIVE,
    POSITIVE_INT,
    STEP_FRACTION,
    Settings,
    setting,
    settings_for,
    shared,
)

BEHAVIOURS = ("uniform", "soft")


def bellman_targets(rewards, next_values, discount: float, terminated=None):
    """The Bellman target of a batch of transitions (``soft-q-target``; SAC's
    ``sac-critic-target`` too, with its own V). Works on torch tensors and NumPy
    arrays alike (tabular SAC keeps its tables in NumPy).

    Args:
        rewards: [...] r.
        next_values: [...] V(s'), the value of each transition's next state.
        discount: gamma.
        terminated: optional [...] bool; a terminated transition has no next state,
            so its target is r alone (a truncation still bootstraps: pass False).

    Returns:
        [...] y = r + gamma * (1 - terminated) * V(s').
    """
    if terminated is not None:
        next_values = ~terminated * next_values
    return rewards + discount * next_values


def move_towards_targets(q_values, observations, actions, targets, lr: float):
    """A table's regression step (``soft-q-update``); returns the new table. Works on
    torch tensors and NumPy arrays alike.

    Args:
        q_values: [n_states, n_actions] float Q.
        observations, actions: [N] int, the batch's pairs (s, a).
        targets: [N] float y, one target per transition.
        lr: the step, in (0, 1].

    Returns:
        [n_states, n_actions] Q(s, a) + lr * mean(y - Q(s, a)) over the batch's copies
        of each pair (s, a): lr = 1 moves a pair to its mean target; pairs not in the
        batch keep their value.
    """
    pairs = observations * q_values.shape[1] + actions  # (s, a) in the flat table
    errors = targets - q_values.reshape(-1)[pairs]  # y - Q(s, a), [N]
    n_pairs = q_values.shape[0] * q_values.shape[1]
    bincount = torch.bincount if isinstance(q_values, torch.Tensor) else np.bincount
    sums = bincount(pairs, weights=errors, minlength=n_pairs)
    counts = bincount(pairs, minlength=n_pairs)
    counts[counts == 0] = 1  # absent pairs: sum 0 / 1
    return q_values + lr * (sums / counts).reshape(q_values.shape)


def soft_bellman_targets(
    q_values: torch.Tensor, batch: Transitions, alpha: float, discount: float
) -> torch.Tensor:
    """[n_states, 5] Q, a batch of N transitions -> [N] targets y (``soft-q-target``).

    y = r + gamma * (1 - terminated) * V(s'), V(s') = alpha logsumexp(Q(s', .) / alpha)
    (max if alpha = 0).
    """
    next_values = soft_values(q_values, alpha)[batch.next_observations]
    return bellman_targets(batch.rewards, next_values, discount, batch.terminated)


def soft_q_update(
    q_values: torch.Tensor,
    batch: Transitions,
    alpha: float,
    discount: float,
    lr: float,
) -> torch.Tensor:
    """One update (``soft-q-update``) on a batch; returns the new [n_states, 5] table.

    Each pair (s, a) in the batch moves by lr times the mean of its temporal-difference
    errors y - Q(s, a) (:func:`move_towards_targets`); pairs not in the batch keep their
    value.
    """
    targets = soft_bellman_targets(q_values, batch, alpha, discount)
    return move_towards_targets(
        q_values, batch.observations, batch.actions, targets, lr
    )


@dataclass(frozen=True)
class SoftQConfig(Settings):
    """Settings of one soft Q-learning run on the grid."""

    alpha: float = setting(1.0, "entropy temperature", NON_NEGATIVE)
    discount: float = shared("discount", 0.99)
    behaviour: str = setting(
        "uniform",
        "uniform random actions, or the soft policy softmax(Q/alpha)",
        BEHAVIOURS,
    )
    n_envs: int = shared("n_envs", 100)
    horizon: int = setting(
        300, "a walker restarts at the start every horizon steps", POSITIVE_INT
    )
    total_timesteps: int = setting(
        1_000_000, "environment steps (transitions collected) in all", POSITIVE_INT
    )
    buffer_size: int = shared("buffer_size", 100_000)
    batch_size: int = setting(1000, "transitions per update", POSITIVE_INT)
    gradient_steps: int = setting(
        1, "updates after each step of the walkers", POSITIVE_INT
    )
    lr: float = setting(1.0, "step towards the target", STEP_FRACTION)
    record_every: int = shared("record_every", 10_000)
    seed: int = shared("seed", 0)

    def check(self) -> None:
        self.check_order("batch_size", "buffer_size")


@dataclass
class SoftQHistory:
    """What a run learned and recorded.

    q_values: [n_states, 5] the learned Q.
    env_steps: [n_records] environment steps taken at each record.
    q_error: [n_records] max |Q - Q*| / max |Q*|.
    gap: [n_records] relative gap (``relative_gap``) of the soft-greedy policy
        softmax(Q / alpha) to the soft optimum, at the start state.
    state_visits: [n_states] environment steps taken from each state.
    settings: the :class:`SoftQConfig`.
    """

    q_values: torch.Tensor
    env_steps: np.ndarray
    q_error: np.ndarray
    gap: np.ndarray
    state_visits: np.ndarray
    settings: SoftQConfig


def train_soft_q(grid, config: SoftQConfig | None = None, **overrides) -> SoftQHistory:
    """Tabular soft Q-learning on ``grid`` from a replay buffer; Q starts at zero.

    Each step, ``n_envs`` walkers act (uniformly at random, or by softmax(Q/alpha)),
    their transitions go into the buffer, and Q takes ``gradient_steps`` updates
    (``soft-q-update``) on batches sampled uniformly from it. Each record scores Q
    against the soft optimum at the run's alpha and discount.
    """
    config = settings_for(SoftQConfig, config, **overrides)
    solution = soft_value_iteration(grid, config.alpha, config.discount)
    generator = torch.Generator().manual_seed(config.seed)
    buffer = ReplayBuffer(config.buffer_size)
    q_values = torch.zeros(grid.n_states, grid.n_actions, dtype=torch.float64)
    q_scale = solution.q_values.abs().max().item()
    optimum = solution.values[grid.start_state].item()
    states = torch.full((config.n_envs,), grid.start_state, dtype=torch.long)
    never = torch.zeros(config.n_envs, dtype=torch.bool)  # the grid never terminates
    visits = torch.zeros(grid.n_states, dtype=torch.float64)
    records = {"env_steps": [], "q_error": [], "gap": []}
    n_ticks = -(-config.total_timesteps // config.n_envs)  # ceil
    for tick in range(1, n_ticks + 1):
        # act: the behaviour policy picks every walker's action
        if config.behaviour == "uniform":
            actions = torch.randint(
                grid.n_actions, (config.n_envs,), generator=generator
            )
        else:
            probs = soft_greedy_probs(q_values, config.alpha)[states]
            actions = sample_categorical(probs, generator, torch.float64)
        next_states = grid.next_states[states, actions]
        buffer.add(states, next_states, actions, grid.state_rewards[states], never)
        visits.index_add_(0, states, torch.ones(config.n_envs, dtype=torch.float64))
        states = next_states
        if tick % config.horizon == 0:  # a new episode for every walker
            states = torch.full_like(states, grid.start_state)
        # learn: updates on batches from the buffer
        if len(buffer) >= config.batch_size:
            for _ in range(config.gradient_steps):
                batch = buffer.sample(config.batch_size, generator)
                q_values = soft_q_update(
                    q_values, batch, config.alpha, config.discount, config.lr
                )
        steps = tick * config.n_envs
        if steps % config.record_every < config.n_envs or tick == n_ticks:
            probs = soft_greedy_probs(q_values, config.alpha)
            value = _soft_policy_values(grid, probs, config.alpha, config.discount)
            records["env_steps"].append(steps)
            records["q_error"].append(
                (q_values - solution.q_values).abs().max().item() / q_scale
            )
            records["gap"].append(relative_gap(value[grid.start_state].item(), optimum))
    return SoftQHistory(
        q_values=q_values,
        **{name: np.array(values) for name, values in records.items()},
        state_visits=visits.numpy(),
        settings=config,
    )
