"""Discrete soft actor-critic with small neural networks on a Gymnasium task.

The book's chapter 14. The same updates as the tabular SAC of chapter 13
(:mod:`maxent_tutorial.sac`: ``sac-critic-target``, ``sac-actor-loss``, ``polyak``,
``dual-step``), with MLPs in place of the tables and a replay buffer of observations.
Episode ends follow :mod:`maxent_tutorial.deep`: the critic's target stops at a
termination and bootstraps at a truncation, and the step after an episode's end
(next-step autoreset) is not stored. Unlike the grid's version, nothing is updated
during the warm-up, and both critics share one minibatch (their networks start from
different weights, so they stay different).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from ._validation import (
    check_discount,
    check_non_negative_int,
    check_number,
    check_positive_int,
)
from .deep import (
    DeepHistory,
    is_reset_step,
    make_vector_env,
    sample_actions,
    seeded_mlp,
)
from .sac import actor_loss, critic_target
from .temperature import dual_step


@dataclass(frozen=True)
class DeepSACConfig:
    """Settings of discrete SAC on a Gymnasium task."""

    env_id: str = "CartPole-v1"  # a registered id with discrete actions
    total_steps: int = 150_000  # environment steps (all sub-environments)
    n_envs: int = 16  # parallel sub-environments; one update per vector step
    warmup_steps: int = 5_000  # first environment steps act uniformly, no updates
    buffer_size: int = 100_000  # replay capacity, transitions
    batch_size: int = 256  # transitions per update
    discount: float = 0.99  # gamma
    lr: float = 1e-3  # Adam's learning rate, actor and critics
    tau: float = 0.005  # Polyak rate of the target critics
    target_entropy: float = 0.3  # H_bar in nats (< log n_actions)
    initial_alpha: float = 0.1  # temperature at the start
    alpha_lr: float = 0.003  # dual step on log alpha, per update
    width: int = 64  # hidden units per layer
    seed: int = 0  # seeds the weights, the generator and the environments

    def __post_init__(self):
        for name in ("total_steps", "n_envs", "buffer_size", "batch_size", "width"):
            check_positive_int(getattr(self, name), name)
        if self.buffer_size < self.batch_size:
            raise ValueError(
                f"buffer_size ({self.buffer_size}) must be at least batch_size "
                f"({self.batch_size})"
            )
        check_non_negative_int(self.warmup_steps, "warmup_steps")
        check_discount(self.discount, infinite_horizon=True)
        # below log(n_actions), which needs the task: checked in train_deep_sac
        check_number(self.target_entropy, "target_entropy", 0, math.inf)
        for name in ("lr", "initial_alpha", "alpha_lr"):
            if check_number(getattr(self, name), name, 0, math.inf) == 0:
                raise ValueError(f"{name} must be positive, got 0")
        if check_number(self.tau, "tau", 0, 1) == 0:
            raise ValueError("tau must be in (0, 1], got 0")


def train_deep_sac(config: DeepSACConfig | None = None, **overrides) -> DeepHistory:
    """Discrete SAC with an MLP actor and twin MLP critics; returns a
    :class:`~maxent_tutorial.deep.DeepHistory` (one entry per finished episode batch of
    ``n_envs`` episodes' worth of steps)."""
    config = dataclasses.replace(config or DeepSACConfig(), **overrides)
    envs = make_vector_env(config.env_id, config.n_envs)
    n_inputs = envs.single_observation_space.shape[0]
    n_actions = int(envs.single_action_space.n)
    if not 0 < config.target_entropy < math.log(n_actions):
        raise ValueError(
            f"target_entropy must be in (0, log {n_actions}), got "
            f"{config.target_entropy}"
        )
    actor = seeded_mlp(config.seed, n_inputs, n_actions, config.width)
    critics = [
        seeded_mlp(config.seed + 1 + i, n_inputs, n_actions, config.width)
        for i in range(2)
    ]
    targets = [seeded_mlp(0, n_inputs, n_actions, config.width) for _ in critics]
    for target, critic in zip(targets, critics, strict=True):
        target.load_state_dict(critic.state_dict())
    actor_adam = torch.optim.Adam(actor.parameters(), lr=config.lr)
    critic_adam = torch.optim.Adam(
        [p for critic in critics for p in critic.parameters()], lr=config.lr
    )
    log_alpha = math.log(config.initial_alpha)
    generator = torch.Generator().manual_seed(config.seed)

    # replay buffer: (s, a, r, s', terminated), filled in a ring
    capacity = config.buffer_size
    buffer_obs = torch.zeros(capacity, n_inputs)
    buffer_next = torch.zeros(capacity, n_inputs)
    buffer_act = torch.zeros(capacity, dtype=torch.long)
    buffer_rew = torch.zeros(capacity)
    buffer_term = torch.zeros(capacity, dtype=torch.bool)
    size = position = 0

    records = {k: [] for k in ("env_steps", "episode_return", "entropy", "seconds")}
    returns_now = np.zeros(config.n_envs)
    finished: list[float] = []
    observations, _ = envs.reset(seed=config.seed)
    resetting = np.zeros(config.n_envs, dtype=bool)  # next step() is an autoreset
    steps, start, entropy = 0, time.perf_counter(), float("nan")
    while steps + config.n_envs <= config.total_steps:
        obs = torch.as_tensor(observations, dtype=torch.float32)
        with torch.no_grad():
            logits = actor(obs)
        if steps < config.warmup_steps:
            logits = torch.zeros_like(logits)  # uniform behaviour while warming up
        actions = sample_actions(logits, generator)
        observations, rewards, terminated, truncated, _ = envs.step(actions.numpy())
        steps += config.n_envs
        # store the task's transitions; skip the autoreset steps (no transition)
        keep = torch.as_tensor(~resetting)
        n_new = int(keep.sum())
        slots = (position + torch.arange(n_new)) % capacity
        buffer_obs[slots] = obs[keep]
        buffer_next[slots] = torch.as_tensor(observations, dtype=torch.float32)[keep]
        buffer_act[slots] = actions[keep]
        buffer_rew[slots] = torch.as_tensor(rewards, dtype=torch.float32)[keep]
        buffer_term[slots] = torch.as_tensor(terminated)[keep]  # not truncated
        position, size = (position + n_new) % capacity, min(size + n_new, capacity)
        returns_now += rewards * ~resetting
        for i in np.flatnonzero(is_reset_step(terminated, truncated) & ~resetting):
            finished.append(returns_now[i])
            returns_now[i] = 0.0
        resetting = is_reset_step(terminated, truncated)

        if steps >= config.warmup_steps and size >= config.batch_size:
            alpha = math.exp(log_alpha)
            index = torch.randint(size, (config.batch_size,), generator=generator)
            s, a, r = buffer_obs[index], buffer_act[index], buffer_rew[index]
            s_next, term = buffer_next[index], buffer_term[index]
            # critics: regression on the soft Bellman target (sac-critic-target)
            with torch.no_grad():
                next_q = torch.minimum(targets[0](s_next), targets[1](s_next))
                y = critic_target(
                    r,
                    torch.log_softmax(actor(s_next), -1),
                    next_q,
                    alpha,
                    config.discount,
                    term,
                )
            critic_loss = sum(
                ((critic(s).gather(1, a[:, None])[:, 0] - y) ** 2).mean()
                for critic in critics
            )
            critic_adam.zero_grad()
            critic_loss.backward()
            critic_adam.step()
            # actor: the exact expectation over the actions (sac-actor-loss)
            log_probs = torch.log_softmax(actor(s), -1)
            with torch.no_grad():
                q = torch.minimum(critics[0](s), critics[1](s))
            loss = actor_loss(log_probs, q, alpha)
            actor_adam.zero_grad()
            loss.backward()
            actor_adam.step()
            # temperature (dual-step) and target critics (polyak)
            entropy = -(log_probs.exp() * log_probs).sum(-1).mean().item()
            log_alpha = dual_step(
                log_alpha, entropy, config.target_entropy, config.alpha_lr
            )
            with torch.no_grad():
                for target, critic in zip(targets, critics, strict=True):
                    for p_target, p in zip(
                        target.parameters(), critic.parameters(), strict=True
                    ):
                        p_target.lerp_(p, config.tau)
        if len(finished) >= config.n_envs:  # one record per n_envs finished episodes
            records["env_steps"].append(steps)
            records["episode_return"].append(float(np.mean(finished)))
            records["entropy"].append(entropy)
            records["seconds"].append(time.perf_counter() - start)
            finished = []
    envs.close()
    arrays = {k: np.array(v) for k, v in records.items()}
    return DeepHistory(actor, **arrays, alpha=math.exp(log_alpha))
