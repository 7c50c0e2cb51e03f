"""Tabular soft Q-learning from a replay buffer (the book's chapter 12).

Equations (the book's labels):

* ``soft-q-target``: y = R(s) + gamma * alpha * logsumexp_a' (Q(s', a') / alpha), the
  soft Bellman backup (``soft-bellman``) of one transition (s, a, s'), with V(s') =
  alpha logsumexp(Q(s', .) / alpha) the soft value of the next state.
* ``soft-q-update``: Q(s, a) <- Q(s, a) + lr * (y - Q(s, a)), averaged over the
  batch's copies of the pair (s, a).

The update never asks which policy chose a: it is off-policy, so any behaviour policy
that keeps trying every action in every state leads to Q*. Many walkers step the grid
together; every transition goes into a :class:`~maxent_tutorial.replay.ReplayBuffer`,
and each step of the walkers is followed by ``updates_per_step`` updates on batches
drawn from it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import torch

from ._validation import check_alpha, check_discount, check_number, check_positive_int
from .exact import (
    SoftSolution,
    relative_gap,
    soft_greedy_probs,
    soft_policy_values,
    soft_value_iteration,
    soft_values,
)
from .replay import ReplayBuffer, Transitions

BEHAVIOURS = ("uniform", "soft")


def soft_bellman_targets(
    q_values: torch.Tensor, batch: Transitions, alpha: float, discount: float
) -> torch.Tensor:
    """[n_states, 5] Q, a batch of N transitions -> [N] targets y (``soft-q-target``).

    y = r + gamma * V(s'), V(s') = alpha logsumexp(Q(s', .) / alpha) (max if alpha = 0).
    """
    return batch.rewards + discount * soft_values(q_values, alpha)[batch.next_states]


def soft_q_update(
    q_values: torch.Tensor,
    batch: Transitions,
    alpha: float,
    discount: float,
    lr: float,
) -> torch.Tensor:
    """One update (``soft-q-update``) on a batch; returns the new [n_states, 5] table.

    Each pair (s, a) in the batch moves by lr times the mean of its temporal-difference
    errors y - Q(s, a); pairs not in the batch keep their value.
    """
    n_actions = q_values.shape[1]
    # y - Q(s, a), [N]
    errors = (
        soft_bellman_targets(q_values, batch, alpha, discount)
        - (q_values[batch.states, batch.actions])
    )
    pairs = batch.states * n_actions + batch.actions
    sums = torch.zeros(q_values.numel(), dtype=q_values.dtype).index_add_(
        0, pairs, errors
    )
    counts = torch.zeros(q_values.numel(), dtype=q_values.dtype).index_add_(
        0, pairs, torch.ones_like(errors)
    )
    mean_errors = (sums / counts.clamp(min=1)).view_as(q_values)
    return q_values + lr * mean_errors


@dataclass(frozen=True)
class SoftQConfig:
    """Settings of one soft Q-learning run (one line of meaning per field)."""

    alpha: float = field(default=1.0, metadata={"help": "entropy temperature"})
    discount: float = field(default=0.99, metadata={"help": "discount gamma in [0, 1)"})
    behaviour: str = field(
        default="uniform",
        metadata={
            "help": "uniform random actions, or the soft policy softmax(Q/alpha)"
        },
    )
    n_walkers: int = field(default=100, metadata={"help": "walkers stepping together"})
    horizon: int = field(
        default=300, metadata={"help": "a walker restarts at the start every T steps"}
    )
    env_steps: int = field(
        default=1_000_000, metadata={"help": "transitions collected in all"}
    )
    capacity: int = field(default=100_000, metadata={"help": "replay buffer size"})
    batch_size: int = field(default=1000, metadata={"help": "transitions per update"})
    updates_per_step: int = field(
        default=1, metadata={"help": "updates after each step of the walkers"}
    )
    lr: float = field(default=1.0, metadata={"help": "step towards the target, (0, 1]"})
    record_every: int = field(
        default=10_000, metadata={"help": "environment steps between records"}
    )
    seed: int = field(default=0, metadata={"help": "seed of the one generator"})

    def __post_init__(self):
        check_alpha(self.alpha)
        check_discount(self.discount, infinite_horizon=True)
        if self.behaviour not in BEHAVIOURS:
            raise ValueError(
                f"behaviour must be one of {list(BEHAVIOURS)}, got {self.behaviour!r}"
            )
        for name in (
            "n_walkers",
            "horizon",
            "env_steps",
            "capacity",
            "batch_size",
            "updates_per_step",
            "record_every",
        ):
            check_positive_int(getattr(self, name), name)
        if check_number(self.lr, "lr", 0.0, 1.0) == 0:
            raise ValueError("lr must be in (0, 1], got 0")
        if self.batch_size > self.capacity:
            raise ValueError(
                f"batch_size {self.batch_size} is larger than the buffer's capacity "
                f"{self.capacity}"
            )


@dataclass
class SoftQResult:
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


def soft_q_learning(
    grid,
    config: SoftQConfig | None = None,
    solution: SoftSolution | None = None,
    **overrides,
) -> SoftQResult:
    """Tabular soft Q-learning on ``grid`` from a replay buffer; Q starts at zero.

    Each step, ``n_walkers`` walkers act (uniformly at random, or by softmax(Q/alpha)),
    their transitions go into the buffer, and Q takes ``updates_per_step`` updates
    (``soft-q-update``) on batches sampled uniformly from it. ``solution`` (the soft
    optimum at the run's alpha and discount) is solved when not given.
    """
    config = dataclasses.replace(config or SoftQConfig(), **overrides)
    if solution is None:
        solution = soft_value_iteration(grid, config.alpha, config.discount)
    generator = torch.Generator().manual_seed(config.seed)
    buffer = ReplayBuffer(config.capacity)
    q_values = torch.zeros(grid.n_states, grid.n_actions, dtype=torch.float64)
    q_scale = solution.q_values.abs().max().item()
    optimum = solution.values[grid.start_state].item()
    states = torch.full((config.n_walkers,), grid.start_state, dtype=torch.long)
    visits = torch.zeros(grid.n_states, dtype=torch.float64)
    records = {"env_steps": [], "q_error": [], "gap": []}
    n_ticks = -(-config.env_steps // config.n_walkers)  # ceil
    for tick in range(1, n_ticks + 1):
        # act: the behaviour policy picks every walker's action
        if config.behaviour == "uniform":
            actions = torch.randint(
                grid.n_actions, (config.n_walkers,), generator=generator
            )
        else:
            cumulative = soft_greedy_probs(q_values, config.alpha).cumsum(1)[states]
            uniforms = torch.rand(
                config.n_walkers, 1, generator=generator, dtype=torch.float64
            )
            actions = (uniforms >= cumulative[:, :-1]).sum(1)
        next_states = grid.next_states[states, actions]
        buffer.add(states, actions, grid.state_rewards[states], next_states)
        visits.index_add_(0, states, torch.ones(config.n_walkers, dtype=torch.float64))
        states = next_states
        if tick % config.horizon == 0:  # a new episode for every walker
            states = torch.full_like(states, grid.start_state)
        # learn: updates on batches from the buffer
        if len(buffer) >= config.batch_size:
            for _ in range(config.updates_per_step):
                batch = buffer.sample(config.batch_size, generator)
                q_values = soft_q_update(
                    q_values, batch, config.alpha, config.discount, config.lr
                )
        steps = tick * config.n_walkers
        if steps % config.record_every < config.n_walkers or tick == n_ticks:
            probs = soft_greedy_probs(q_values, config.alpha)
            value = soft_policy_values(grid, probs, config.alpha, config.discount)
            records["env_steps"].append(steps)
            records["q_error"].append(
                (q_values - solution.q_values).abs().max().item() / q_scale
            )
            records["gap"].append(relative_gap(value[grid.start_state].item(), optimum))
    return SoftQResult(
        q_values=q_values,
        **{name: np.array(values) for name, values in records.items()},
        state_visits=visits.numpy(),
        settings=config,
    )
