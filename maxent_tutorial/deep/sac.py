"""Discrete soft actor-critic with small neural networks on a Gymnasium task.

The book's chapter 14. The same updates as the tabular SAC of chapter 13
(:mod:`maxent_tutorial.tabular.sac`: ``sac-critic-target``, ``sac-actor-loss``,
``polyak``, ``dual-step``), with MLPs in place of the tables and the shared
:class:`~maxent_tutorial.replay.ReplayBuffer` of observations. Episode ends follow
:mod:`maxent_tutorial.deep.common`: the critic's target stops at a termination and
bootstraps at a truncation, and the step after an episode's end (next-step autoreset)
is not stored. Unlike the grid's version, nothing is updated before
``learning_starts``, and both critics share one minibatch (their networks start from
different weights, so they stay different).

:func:`train_deep_sac` reads as SAC's pseudocode: collect, store, then per gradient
step update the critics, the actor, the temperature and the target critics.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import torch
from torch import nn

from ..distributions import entropy
from ..replay import ReplayBuffer, Transitions
from ..settings import (
    DISCOUNT,
    FINITE,
    NON_NEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    STEP_FRACTION,
    Settings,
    setting,
    settings_for,
)
from ..tabular.sac import actor_loss, critic_target
from ..temperature import check_target_entropy, dual_step
from .common import DeepHistory, EpisodeRunner, LearningCurve, Steps, seeded_mlp


@dataclass(frozen=True)
class DeepSACConfig(Settings):
    """Settings of discrete SAC on a Gymnasium task (Stable-Baselines3's names)."""

    total_timesteps: int = setting(
        150_000, "environment steps in all, every copy's counted", POSITIVE_INT
    )
    n_envs: int = setting(16, "copies of the task stepped together", POSITIVE_INT)
    learning_starts: int = setting(
        5_000, "first environment steps act uniformly, no updates", NON_NEGATIVE_INT
    )
    buffer_size: int = setting(100_000, "replay capacity, transitions", POSITIVE_INT)
    batch_size: int = setting(256, "transitions per gradient step", POSITIVE_INT)
    gradient_steps: int = setting(1, "gradient steps per vector step", POSITIVE_INT)
    discount: float = setting(0.99, "discount gamma", DISCOUNT)
    actor_lr: float = setting(1e-3, "the actor's Adam learning rate", POSITIVE)
    critic_lr: float = setting(1e-3, "the critics' Adam learning rate", POSITIVE)
    tau: float = setting(0.005, "Polyak rate of the target critics", STEP_FRACTION)
    target_entropy: float | None = setting(
        0.3,
        "learn alpha for this mean entropy in nats, below log n_actions",
        FINITE,
        optional=True,
    )
    alpha: float = setting(
        0.1, "entropy temperature (start value with a target entropy)", POSITIVE
    )
    alpha_lr: float = setting(0.003, "dual step size on log alpha", POSITIVE)
    width: int = setting(64, "hidden units per layer", POSITIVE_INT)
    seed: int = setting(
        0,
        "seeds the weights, the generator and the environments",
        NON_NEGATIVE_INT,
    )

    def check(self) -> None:
        if self.buffer_size < self.batch_size:
            raise ValueError(
                f"buffer_size ({self.buffer_size}) must be at least batch_size "
                f"({self.batch_size})"
            )


def collect(
    runner: EpisodeRunner, actor: nn.Module, generator: torch.Generator, uniform: bool
) -> Steps:
    """One vector step: every copy acts from the actor (``uniform``: at random)."""
    return runner.play(actor, generator, uniform)


def store(buffer: ReplayBuffer, steps: Steps) -> None:
    """Put the step's transitions (s, a, r, s', terminated) in the buffer; skip the
    autoreset steps, which are no transitions, and do not store ``truncated``."""
    valid = steps.valid
    buffer.add(
        steps.observations[valid],
        steps.next_observations[valid],
        steps.actions[valid],
        steps.rewards[valid],
        steps.terminated[valid],
    )


def update_critics(
    critics: nn.ModuleList,
    targets: nn.ModuleList,
    adam: torch.optim.Optimizer,
    actor: nn.Module,
    batch: Transitions,
    alpha: float,
    discount: float,
) -> None:
    """One Adam step of both critics on the squared error to the soft Bellman target
    (``sac-critic-target``), computed from the target critics and the actor at s'."""
    with torch.no_grad():
        next_q = torch.minimum(*(target(batch.next_observations) for target in targets))
        next_log_probs = torch.log_softmax(actor(batch.next_observations), -1)
        y = critic_target(
            batch.rewards, next_log_probs, next_q, alpha, discount, batch.terminated
        )
    actions = batch.actions[:, None]
    loss = sum(
        ((critic(batch.observations).gather(1, actions)[:, 0] - y) ** 2).mean()
        for critic in critics
    )
    adam.zero_grad()
    loss.backward()
    adam.step()


def update_actor(
    actor: nn.Module,
    adam: torch.optim.Optimizer,
    critics: nn.ModuleList,
    batch: Transitions,
    alpha: float,
) -> float:
    """One Adam step of the actor on ``sac-actor-loss`` (the exact sum over actions);
    returns the batch's mean entropy of the actor before the step, in nats."""
    log_probs = torch.log_softmax(actor(batch.observations), -1)
    with torch.no_grad():
        q = torch.minimum(*(critic(batch.observations) for critic in critics))
    loss = actor_loss(log_probs, q, alpha)
    adam.zero_grad()
    loss.backward()
    adam.step()
    return entropy(log_probs.detach().exp(), log_probs.detach()).mean().item()


def update_temperature(
    log_alpha: float, batch_entropy: float, config: DeepSACConfig
) -> float:
    """``dual-step`` on log alpha towards ``config.target_entropy`` (alpha stays fixed
    when it is None)."""
    if config.target_entropy is None:
        return log_alpha
    return dual_step(log_alpha, batch_entropy, config.target_entropy, config.alpha_lr)


def update_targets(targets: nn.ModuleList, critics: nn.ModuleList, tau: float) -> None:
    """``polyak``: Qbar_i <- (1 - tau) Qbar_i + tau Q_i, parameter by parameter."""
    with torch.no_grad():
        for target, critic in zip(
            targets.parameters(), critics.parameters(), strict=True
        ):
            target.lerp_(critic, tau)


def train_deep_sac(
    env_id: str, config: DeepSACConfig | None = None, **overrides
) -> DeepHistory:
    """Discrete SAC with an MLP actor and twin MLP critics on the Gymnasium task
    ``env_id``.

    Args:
        env_id: a registered Gymnasium id with discrete actions and a flat observation
            (``"CartPole-v1"``).
        config: the settings (:class:`DeepSACConfig`; its defaults when omitted).
        **overrides: settings to change, by field name.

    Returns:
        a :class:`~maxent_tutorial.deep.common.DeepHistory` (``history.policy`` is the
        actor, ``history.alpha`` the final temperature).

    Raises ``ValueError`` naming ``target_entropy`` unless it lies in [0, log
    n_actions) for the task.
    """
    config = settings_for(DeepSACConfig, config, **overrides)
    with EpisodeRunner(env_id, config.n_envs, config.seed) as runner:
        n_inputs, n_actions = runner.n_inputs, runner.n_actions
        if config.target_entropy is not None:
            check_target_entropy(config.target_entropy, math.log(n_actions), 0.0)
        actor = seeded_mlp(config.seed, n_inputs, n_actions, config.width)
        critics = nn.ModuleList(
            seeded_mlp(config.seed + 1 + i, n_inputs, n_actions, config.width)
            for i in range(2)
        )
        targets = copy.deepcopy(critics)  # Qbar_1, Qbar_2 start as Q_1, Q_2
        actor_adam = torch.optim.Adam(actor.parameters(), lr=config.actor_lr)
        critic_adam = torch.optim.Adam(critics.parameters(), lr=config.critic_lr)
        log_alpha = math.log(config.alpha)
        buffer = ReplayBuffer(
            config.buffer_size,
            observation_shape=(n_inputs,),
            observation_dtype=torch.float32,
            reward_dtype=torch.float32,
        )
        generator = torch.Generator().manual_seed(config.seed)
        curve, batch_entropy = LearningCurve(), float("nan")
        while runner.env_steps + config.n_envs <= config.total_timesteps:
            uniform = runner.env_steps < config.learning_starts
            steps = collect(runner, actor, generator, uniform)
            store(buffer, steps)
            learning = runner.env_steps >= config.learning_starts
            learning &= len(buffer) >= config.batch_size
            for _ in range(config.gradient_steps if learning else 0):
                batch = buffer.sample(config.batch_size, generator)
                alpha = math.exp(log_alpha)
                update_critics(
                    critics, targets, critic_adam, actor, batch, alpha, config.discount
                )
                batch_entropy = update_actor(actor, actor_adam, critics, batch, alpha)
                log_alpha = update_temperature(log_alpha, batch_entropy, config)
                update_targets(targets, critics, config.tau)
                curve.n_updates += 1
            curve.record(runner, batch_entropy)
    return curve.history(actor, runner, math.exp(log_alpha), env_id, config)
