"""Discrete soft actor-critic on the grid (the book's chapter 13).

Soft actor-critic (Haarnoja et al. 2018) for a finite action set, after Christodoulou
(2019): because the five actions can be enumerated, every expectation over the action
is a sum, and no sampled action enters a loss. The book's labels:

* ``sac-critic-target``: y(s, a) = R(s) + gamma * sum_a' pi(a'|s') (min_i Qbar_i(s',
  a') - alpha log pi(a'|s')), with s' = next(s, a) and Qbar_i the target critics.
* ``sac-actor-loss``: L_pi = E_s[ sum_a pi(a|s) (alpha log pi(a|s) - min_i Q_i(s, a)) ],
  minimised by pi(.|s) = softmax(min_i Q_i(s, .) / alpha) in every state.
* ``polyak``: Qbar_i <- (1 - tau) Qbar_i + tau Q_i after every update.
* the temperature: ``dual-step`` of chapter 11 on log alpha, with the batch's mean
  entropy sum_a pi(a|s) (-log pi(a|s)), also an exact sum.

On the grid the actor and both critics are tables ([n_states, 5]); walkers run in
parallel and restart at the start cell with probability 1 - gamma after each step, so
the states they visit are drawn from the normalised discounted occupancy
(``occupancy``), the weighting of chapter 11's ``mean-entropy``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
import torch

from ._validation import (
    check_discount,
    check_non_negative_int,
    check_number,
    check_positive_int,
)
from .exact import policy_entropy
from .temperature import check_target_entropy, dual_step


def expected_soft_q(
    log_probs: torch.Tensor, q_values: torch.Tensor, alpha: float
) -> torch.Tensor:
    """[B, n_actions] log pi(.|s), Q(s, .) -> [B] sum_a pi(a|s) (Q(s, a) - alpha log
    pi(a|s)), the soft value of s under pi, summed exactly (0 log 0 = 0)."""
    probs = log_probs.exp()
    p_log_p = torch.where(probs > 0, probs * log_probs, torch.zeros_like(probs))
    return (probs * q_values).sum(-1) - alpha * p_log_p.sum(-1)


def critic_target(
    rewards: torch.Tensor,
    next_log_probs: torch.Tensor,
    next_q_values: torch.Tensor,
    alpha: float,
    discount: float,
    terminated: torch.Tensor | None = None,
) -> torch.Tensor:
    """Soft Bellman target of SAC's critics (``sac-critic-target``), exact over actions.

    Args:
        rewards: [B] r = R(s).
        next_log_probs: [B, n_actions] log pi(.|s') of the actor at the next state.
        next_q_values: [B, n_actions] min_i Qbar_i(s', .) of the target critics.
        alpha: entropy temperature.
        discount: gamma.
        terminated: optional [B] bool; a terminated transition has no next state, so
            its target is r alone (a truncation still bootstraps: pass False there).

    Returns:
        [B] y = r + gamma * (1 - terminated) * sum_a' pi(a'|s') (Qbar(s', a') - alpha
        log pi(a'|s')).
    """
    soft_value = expected_soft_q(next_log_probs, next_q_values, alpha)  # V(s')
    if terminated is not None:
        soft_value = torch.where(terminated, torch.zeros_like(soft_value), soft_value)
    return rewards + discount * soft_value


def actor_loss(
    log_probs: torch.Tensor, q_values: torch.Tensor, alpha: float
) -> torch.Tensor:
    """SAC's actor loss (``sac-actor-loss``), the expectation over actions as a sum.

    Args:
        log_probs: [B, n_actions] log pi(.|s), differentiable in the actor.
        q_values: [B, n_actions] min_i Q_i(s, .) (treated as a constant).
        alpha: entropy temperature.

    Returns:
        scalar mean_s sum_a pi(a|s) (alpha log pi(a|s) - Q(s, a)).
    """
    return -expected_soft_q(log_probs, q_values.detach(), alpha).mean()


@dataclass(frozen=True)
class SACConfig:
    """Settings of one tabular SAC run on the grid (every field checked when built)."""

    steps: int = field(default=6000, metadata={"help": "walker steps (updates)"})
    n_walkers: int = field(default=250, metadata={"help": "parallel walkers"})
    batch_size: int = field(default=512, metadata={"help": "transitions per update"})
    warmup_steps: int = field(
        default=1000, metadata={"help": "first steps act uniformly at random"}
    )
    buffer_size: int = field(default=1_500_000, metadata={"help": "replay capacity"})
    discount: float = field(default=0.99, metadata={"help": "gamma in [0, 1)"})
    target_entropy: float = field(default=1.3, metadata={"help": "H_bar, nats"})
    initial_alpha: float = field(default=1.0, metadata={"help": "alpha at step 0"})
    alpha_lr: float = field(default=0.01, metadata={"help": "dual step on log alpha"})
    critic_lr: float = field(default=1.0, metadata={"help": "step to the target"})
    actor_lr: float = field(default=0.05, metadata={"help": "actor's Adam rate"})
    tau: float = field(default=0.2, metadata={"help": "Polyak rate of targets"})
    seed: int = field(default=0, metadata={"help": "seed of the generator"})

    def __post_init__(self):
        for name in ("steps", "n_walkers", "batch_size", "buffer_size"):
            check_positive_int(getattr(self, name), name)
        check_non_negative_int(self.warmup_steps, "warmup_steps")
        if self.buffer_size < self.batch_size:
            raise ValueError(
                f"buffer_size ({self.buffer_size}) must be at least batch_size "
                f"({self.batch_size})"
            )
        check_discount(self.discount, infinite_horizon=True)
        check_target_entropy(self.target_entropy)
        for name in ("initial_alpha", "alpha_lr", "actor_lr"):
            if check_number(getattr(self, name), name, 0, math.inf) == 0:
                raise ValueError(f"{name} must be positive, got 0")
        for name in ("critic_lr", "tau"):
            if check_number(getattr(self, name), name, 0, 1) == 0:
                raise ValueError(f"{name} must be in (0, 1], got 0")


@dataclass
class SACResult:
    """A finished run: the learned tables and what was recorded along the way.

    probs: [n_states, 5] float64 pi(a|s) of the actor.
    q_values: [2, n_states, 5] float64 Q_1, Q_2.
    alpha: the final temperature.
    env_steps: [n_records] environment steps at each record.
    alphas, entropies: [n_records] temperature and batch mean entropy at each record.
    tables: [n_records, n_states, 5] the actor's table at each record.
    """

    probs: torch.Tensor
    q_values: torch.Tensor
    alpha: float
    env_steps: np.ndarray
    alphas: np.ndarray
    entropies: np.ndarray
    tables: torch.Tensor


def train_sac(
    grid, config: SACConfig | None = None, record_every: int = 100, **overrides
):
    """Train a tabular discrete SAC on ``grid``; returns a :class:`SACResult`.

    Each step: every walker acts (uniformly at random during the first
    ``warmup_steps``, then from the actor), its pair (s, a) enters the replay buffer
    (the transition s' = next(s, a), r = R(s) is read from the grid's tables), and it
    restarts at the start cell with probability 1 - gamma. Then one update: each critic
    moves a fraction ``critic_lr`` of the way to the mean target
    (``sac-critic-target``) of the pairs in its own minibatch (SAC shares one; two
    tables that start at zero and take the same steps would stay equal, and their
    minimum would do nothing), the actor takes an Adam
    step on ``sac-actor-loss``, alpha a ``dual-step`` with the mean entropy over the
    walkers' states (from the end of the warm-up), and the target critics a
    ``polyak`` step. The warm-up only holds alpha and the behaviour: the critics and
    the actor learn from its first step. One record every ``record_every`` steps.
    """
    config = dataclasses.replace(config or SACConfig(), **overrides)
    generator = torch.Generator().manual_seed(config.seed)
    n_states, n_actions = grid.n_states, grid.n_actions
    next_states, rewards = grid.next_states, grid.state_rewards  # [S, 5], [S]
    logits = torch.zeros(n_states, n_actions, dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([logits], lr=config.actor_lr)
    critics = torch.zeros(2, n_states, n_actions, dtype=torch.float64)  # Q_1, Q_2
    targets = critics.clone()  # Qbar_1, Qbar_2
    log_alpha = math.log(config.initial_alpha)
    buffer = torch.zeros(config.buffer_size, 2, dtype=torch.long)  # (s, a) pairs
    size, position = 0, 0
    walkers = torch.full((config.n_walkers,), grid.start_state, dtype=torch.long)
    records = {"env_steps": [], "alphas": [], "entropies": [], "tables": []}
    entropy = float("nan")

    for step in range(config.steps):
        # act: every walker draws a ~ pi(.|s), stores (s, a), moves or restarts
        with torch.no_grad():
            probs = torch.softmax(logits, dim=1)
        if step < config.warmup_steps:  # warm-up: a uniform behaviour policy
            behaviour = torch.full_like(probs, 1 / n_actions)
        else:
            behaviour = probs
        cumulative = behaviour.cumsum(dim=1)[walkers, :-1]  # inverse-CDF sampling
        uniforms = torch.rand(config.n_walkers, 1, generator=generator)
        actions = (uniforms >= cumulative).sum(dim=1)  # first a with u < c_a(s)
        slots = (position + torch.arange(config.n_walkers)) % config.buffer_size
        buffer[slots, 0], buffer[slots, 1] = walkers, actions
        position = (position + config.n_walkers) % config.buffer_size
        size = min(size + config.n_walkers, config.buffer_size)
        restart = torch.rand(config.n_walkers, generator=generator) > config.discount
        walkers = torch.where(restart, grid.start_state, next_states[walkers, actions])

        alpha = math.exp(log_alpha)
        log_probs = torch.log_softmax(logits, dim=1)  # [S, 5], differentiable
        # critics: each moves towards the soft Bellman target on its own minibatch
        with torch.no_grad():
            index = torch.randint(size, (2, config.batch_size), generator=generator)
            s, a = buffer[index, 0], buffer[index, 1]  # [2, B] each, one row a critic
            s_next = next_states[s, a]
            y = critic_target(  # [2, B]
                rewards[s],
                log_probs[s_next],
                targets.min(dim=0).values[s_next],
                alpha,
                config.discount,
            )
            # mean target of each (critic, s, a) in the batch, then a step towards it
            pair = (torch.arange(2)[:, None] * n_states + s) * n_actions + a
            total = torch.zeros(critics.numel(), dtype=torch.float64)
            count = torch.zeros_like(total)
            total.index_add_(0, pair.view(-1), y.view(-1))
            count.index_add_(0, pair.view(-1), torch.ones_like(y).view(-1))
            seen = count > 0
            q = critics.view(-1)
            q[seen] += config.critic_lr * (total[seen] / count[seen] - q[seen])
        # actor: one Adam step on the exact expectation over the five actions
        index = torch.randint(size, (config.batch_size,), generator=generator)
        s = buffer[index, 0]
        loss = actor_loss(log_probs[s], critics.min(dim=0).values[s], alpha)
        adam.zero_grad()
        loss.backward()
        adam.step()
        # temperature: dual step on log alpha with the exact mean entropy over the
        # walkers' states, which are draws from the discounted occupancy
        entropy = policy_entropy(probs[walkers]).mean().item()
        if step >= config.warmup_steps:
            log_alpha = dual_step(
                log_alpha, entropy, config.target_entropy, config.alpha_lr
            )
        targets.mul_(1 - config.tau).add_(config.tau * critics)  # Polyak averaging
        if (step + 1) % record_every == 0 or step + 1 == config.steps:
            records["env_steps"].append((step + 1) * config.n_walkers)
            records["alphas"].append(math.exp(log_alpha))
            records["entropies"].append(entropy)
            records["tables"].append(torch.softmax(logits.detach(), dim=1))

    return SACResult(
        probs=torch.softmax(logits.detach(), dim=1),
        q_values=critics,
        alpha=math.exp(log_alpha),
        env_steps=np.array(records["env_steps"]),
        alphas=np.array(records["alphas"]),
        entropies=np.array(records["entropies"]),
        tables=torch.stack(records["tables"]),
    )
