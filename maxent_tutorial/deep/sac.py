"""Discrete soft actor-critic with small neural networks on a Gymnasium task.

The book's chapter 14. The same losses as the tabular SAC of chapter 13
(:mod:`maxent_tutorial.tabular.sac`: ``sac-critic-target``, ``sac-actor-loss``,
``polyak``, ``dual-step``), with MLPs in place of the tables and the shared
:class:`~maxent_tutorial.replay.ReplayBuffer` of observations. Where it departs from
chapter 13 (the chapter says why):

* the critics are networks that take Adam steps on the squared error to their target
  (the tables moved each sampled pair to its mean target);
* both critics and the actor learn from one shared minibatch (the tables needed one
  each; the networks start from different weights, so they stay different);
* the temperature's dual step uses the minibatch's mean entropy, over replayed states
  (chapter 13 averaged over the walkers' current states, draws of the discounted
  occupancy);
* nothing is updated before ``learning_starts`` (Stable-Baselines3's meaning; chapter
  13's warm-up held only alpha);
* episodes end (:mod:`maxent_tutorial.deep.common`): the critic's target stops at a
  termination and bootstraps at a truncation, and the step after an episode's end
  (next-step autoreset) is not stored;
* ``gradient_steps`` updates follow each vector step of ``n_envs`` copies that stored
  transitions; the defaults take one per environment step, as Stable-Baselines3's SAC
  does (at 1/16 per step, CartPole's critics stayed held by the pace of their targets,
  ``benchmarks/bench_cartpole_sac.py``).

:func:`train_deep_sac` reads as SAC's pseudocode: collect, store, then per gradient
step update the critics, the actor, the temperature and the target critics. Every
``record_every`` environment steps it records alpha, the minibatch entropy and a
snapshot of the networks; :func:`critic_against_returns` compares a snapshot's critics
with the Monte-Carlo soft return of the same states (the book's diagnostics).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..distributions import entropy, sample_categorical
from ..replay import ReplayBuffer, Transitions
from ..settings import (
    FINITE,
    NON_NEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    Settings,
    setting,
    settings_for,
    shared,
)
from ..tabular.sac import actor_loss, critic_target
from ..temperature import check_target_entropy, dual_step
from .common import (
    DeepHistory,
    EpisodeRunner,
    LearningCurve,
    Steps,
    is_reset_step,
    seeded_mlp,
    soft_returns_with_ends,
    vector_env,
)


@dataclass(frozen=True)
class NetworkSACSettings(Settings):
    """The settings SAC with networks has in either action space, at one set of
    defaults: the replay buffer and its minibatch, the learning rates of the actor, the
    critics and the temperature, the Polyak rate and the networks' width.
    :class:`DeepSACConfig` (discrete actions) and
    :class:`~maxent_tutorial.deep.continuous_sac.ContinuousSACConfig` add the budget,
    the start and the temperature's target."""

    buffer_size: int = shared("buffer_size", 100_000)
    batch_size: int = setting(256, "transitions per gradient step", POSITIVE_INT)
    discount: float = shared("discount", 0.99)
    actor_lr: float = shared("actor_lr", 1e-3)
    critic_lr: float = setting(1e-3, "the critics' Adam learning rate", POSITIVE)
    tau: float = shared("tau", 0.005)
    alpha_lr: float = shared("alpha_lr", 0.003)
    width: int = setting(64, "hidden units per layer of an MLP", POSITIVE_INT)

    def check(self) -> None:
        self.check_order("batch_size", "buffer_size")


@dataclass(frozen=True)
class DeepSACConfig(NetworkSACSettings):
    """Settings of discrete SAC on a Gymnasium task (Stable-Baselines3's names); the
    replay, learning rates and width are :class:`NetworkSACSettings`'.

    The defaults take one update per environment step (``gradient_steps / n_envs``),
    as Stable-Baselines3's SAC does by default: with 16 copies and one update per
    vector step (1/16 per environment step) CartPole-v1's return rose, then fell
    (``benchmarks/bench_cartpole_sac.py``, the book's chapter 14)."""

    total_timesteps: int = setting(
        150_000, "environment steps in all, every copy's counted", POSITIVE_INT
    )
    n_envs: int = setting(1, "copies of the task stepped together", POSITIVE_INT)
    learning_starts: int = setting(
        5_000, "first environment steps act uniformly, no updates", NON_NEGATIVE_INT
    )
    gradient_steps: int = setting(
        1,
        "gradient steps per vector step that stores transitions (per "
        "environment step: gradient_steps / n_envs)",
        POSITIVE_INT,
    )
    target_entropy: float | None = setting(
        0.3,
        "learn alpha for this mean entropy in nats, below log n_actions",
        FINITE,
        optional=True,
    )
    alpha: float = shared("alpha", 0.1)
    record_every: int = setting(
        10_000,
        "environment steps between records of alpha, the entropy and the networks",
        POSITIVE_INT,
    )
    seed: int = setting(
        0,
        "seeds the weights, the generator and the environments",
        NON_NEGATIVE_INT,
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


@dataclass
class DeepSACHistory(DeepHistory):
    """A :class:`~maxent_tutorial.deep.common.DeepHistory` of discrete SAC, with the
    trained critics and one record each time training passes another ``record_every``
    environment steps (and one at the end):

    critics: the twin critics Q_1, Q_2 (an ``nn.ModuleList``).
    record_steps: [n] environment steps at each record; record_seconds: [n] wall time
    of training then (records and evaluations take none of it); record_alpha: [n]
    the temperature; record_entropy: [n] the last minibatch's mean entropy (nats, NaN
    before learning starts); snapshots: n dicts of the actor's and the critics'
    ``state_dict`` (``load_snapshot`` rebuilds them).
    """

    critics: nn.ModuleList
    record_steps: np.ndarray
    record_seconds: np.ndarray
    record_alpha: np.ndarray
    record_entropy: np.ndarray
    snapshots: list

    def load_snapshot(self, index: int) -> tuple[nn.Module, nn.ModuleList]:
        """The actor and the critics of record ``index`` (copies of the networks)."""
        actor, critics = copy.deepcopy(self.policy), copy.deepcopy(self.critics)
        actor.load_state_dict(self.snapshots[index]["actor"])
        critics.load_state_dict(self.snapshots[index]["critics"])
        return actor, critics


class Records:
    """The records of a :class:`DeepSACHistory`, with the clock of a learning curve."""

    def __init__(self, every: int, start: float):
        self.every, self.start, self.due = every, start, every
        self.columns = {k: [] for k in ("steps", "seconds", "alpha", "entropy")}
        self.snapshots = []

    def record(self, env_steps, alpha, batch_entropy, actor, critics, last=False):
        """Add a record if ``env_steps`` reached the next multiple of ``every`` (or
        ``last`` and the final steps are not recorded yet)."""
        steps = self.columns["steps"]
        if env_steps < self.due and not (last and (not steps or steps[-1] < env_steps)):
            return
        seconds = time.perf_counter() - self.start
        for key, value in zip(
            self.columns, (env_steps, seconds, alpha, batch_entropy), strict=True
        ):
            self.columns[key].append(value)
        state = {"actor": actor.state_dict(), "critics": critics.state_dict()}
        self.snapshots.append(copy.deepcopy(state))
        self.due = (env_steps // self.every + 1) * self.every

    def fields(self) -> dict:
        arrays = {f"record_{k}": np.array(v) for k, v in self.columns.items()}
        return arrays | {"snapshots": self.snapshots}


def train_deep_sac(
    env_id: str, config: DeepSACConfig | None = None, **overrides
) -> DeepSACHistory:
    """Discrete SAC with an MLP actor and twin MLP critics on the Gymnasium task
    ``env_id``.

    Args:
        env_id: a registered Gymnasium id with discrete actions and a flat observation
            (``"CartPole-v1"``).
        config: the settings (:class:`DeepSACConfig`; its defaults when omitted).
        **overrides: settings to change, by field name.

    Returns:
        a :class:`DeepSACHistory` (``history.policy`` is the actor, ``history.alpha``
        the final temperature, ``history.critics`` the twin critics).

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
        records = Records(config.record_every, curve.start)
        while runner.env_steps + config.n_envs <= config.total_timesteps:
            uniform = runner.env_steps < config.learning_starts
            steps = collect(runner, actor, generator, uniform)
            store(buffer, steps)
            learning = runner.env_steps >= config.learning_starts
            learning &= len(buffer) >= config.batch_size
            learning &= bool(steps.valid.any())  # not on an autoreset step alone
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
            records.record(
                runner.env_steps, math.exp(log_alpha), batch_entropy, actor, critics
            )
        records.record(
            runner.env_steps, math.exp(log_alpha), batch_entropy, actor, critics, True
        )
    history = curve.history(actor, runner, math.exp(log_alpha), env_id, config)
    fields = {
        item.name: getattr(history, item.name) for item in dataclasses.fields(history)
    }
    return DeepSACHistory(**fields, critics=critics, **records.fields())


def critic_against_returns(
    env_id: str,
    actor: nn.Module,
    critics: nn.ModuleList,
    alpha: float,
    discount: float,
    n_episodes: int = 100,
    seed: int = 10_000,
    action_seed: int = 0,
    first_steps: int = 100,
) -> dict:
    """The critics' estimate of the soft return against the Monte-Carlo soft return
    of the same states, on ``n_episodes`` fresh episodes played by sampling from
    ``actor`` (the episodes and actions of
    :func:`~maxent_tutorial.deep.common.evaluate` with ``policy_actor(actor,
    seed=action_seed)``, so ``returns`` equals its result).

    At each visited (s_t, a_t) the critics give min_i Q_i(s_t, a_t), and the episode
    gives the discounted soft return that Q estimates: r_t + sum_{k>=1} gamma^k
    (r_{t+k} - alpha log pi(a_{t+k}|s_{t+k})), the soft reward-to-go
    (``soft-return-ends``) plus alpha log pi(a_t|s_t). Both are averaged over the
    states of the first ``first_steps`` steps of each episode, where a time limit
    that cuts an episode short leaves out at most gamma^(limit - first_steps) of the
    tail.

    Returns:
        a dict: returns ([n_episodes] undiscounted returns), entropy (the policy's mean
        entropy over every visited state, nats), critic and monte_carlo (the two
        means), and states (how many states were averaged).
    """
    envs = vector_env(env_id, n_episodes)
    observations, _ = envs.reset(seed=seed)
    generator = torch.Generator().manual_seed(action_seed)
    running = np.ones(n_episodes, dtype=bool)
    columns = {k: [] for k in ("r", "log_pi", "entropy", "q", "on", "term", "trunc")}
    while running.any():
        states = torch.as_tensor(observations, dtype=torch.float32)
        with torch.no_grad():
            logits = actor(states)
            q_values = torch.minimum(*(critic(states) for critic in critics))
        actions = sample_categorical(torch.softmax(logits, -1), generator)
        log_probs = torch.log_softmax(logits, -1)
        observations, rewards, terminated, truncated, _ = envs.step(actions.numpy())
        on = torch.tensor(running)  # a copy: running changes in place
        columns["on"].append(on)
        columns["r"].append(torch.as_tensor(rewards, dtype=torch.float64) * on)
        columns["log_pi"].append(log_probs.gather(1, actions[:, None])[:, 0] * on)
        columns["entropy"].append(entropy(log_probs.exp(), log_probs))
        columns["q"].append(q_values.gather(1, actions[:, None])[:, 0])
        columns["term"].append(torch.as_tensor(terminated) & on)
        columns["trunc"].append(torch.as_tensor(truncated) & on)
        running &= ~is_reset_step(terminated, truncated)
    envs.close()
    c = {key: torch.stack(value) for key, value in columns.items()}  # [T, N]
    log_pi = c["log_pi"].double()
    soft_returns = soft_returns_with_ends(
        c["r"], log_pi, c["term"], c["trunc"], alpha, discount
    )
    q_returns = soft_returns + alpha * log_pi  # the step's own entropy is not in Q
    early = c["on"] & (torch.arange(len(log_pi))[:, None] < first_steps)
    return {
        "returns": c["r"].sum(0).numpy(),
        "entropy": c["entropy"][c["on"]].mean().item(),
        "critic": c["q"][early].double().mean().item(),
        "monte_carlo": q_returns[early].mean().item(),
        "states": int(early.sum()),
    }
