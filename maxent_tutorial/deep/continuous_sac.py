"""Soft actor-critic for continuous actions (Haarnoja et al. 2018): chapter 15.

The actor is a Gaussian, sampled by the reparameterisation trick so that the gradient
of the actor's loss flows through the sampled action; for bounded actions the sample is
squashed by tanh into the action space's bounds, and its log-density corrected by the
log-determinant of that map. The book's labels:

* ``reparameterised-sample``: u = mu_theta(s) + sigma_theta(s) zeta, zeta ~ Normal(0, I)
  (drawn from the run's generator), log Normal(u; mu, sigma) = sum_i (-zeta_i^2 / 2 -
  log sigma_i - log(2 pi) / 2);
* ``squashed-log-prob``: a = low + (high - low) (tanh(u) + 1) / 2, log pi(a|s) = log
  Normal(u; mu, sigma) - sum_i log((high_i - low_i) / 2 (1 - tanh^2 u_i));
* ``continuous-critic-target``: y = r + gamma (1 - terminated) (min_i Qbar_i(s', a') -
  alpha log pi(a'|s')), with a' ~ pi(.|s') sampled;
* ``continuous-actor-loss``: L_pi = mean over the batch of alpha log pi(a~|s) -
  min_i Q_i(s, a~), a~ reparameterised;
* ``dual-step`` (:mod:`maxent_tutorial.temperature`) on the batch's entropy estimate
  -mean log pi(a~|s), and ``polyak`` for the target critics, as in chapter 13.

The actor and the critics are settings: a linear-Gaussian actor (mean linear in s,
log-std a free parameter) with quadratic critics (every monomial of (s, a) up to degree
2), the classes that hold the linear-quadratic problem's exact answer, or ReLU MLPs. The
twin critics are one module that computes both ([2, B] values). Quadratic critics start
at Q = 0 (with random starts, one of nine seeds on the linear-quadratic problem did not
converge in 4000 steps), so on one minibatch the two stay equal there.
:func:`train_continuous_sac` reads as SAC's pseudocode: collect, store, then per
gradient step update the critics, the actor, the temperature and the target critics.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..replay import ReplayBuffer, Transitions
from ..settings import (
    FINITE,
    NON_NEGATIVE_INT,
    POSITIVE_INT,
    setting,
    settings_for,
    shared,
)
from ..tabular.soft_q import bellman_targets
from ..temperature import check_target_entropy, dual_step
from .common import evaluate
from .sac import NetworkSACSettings, update_targets

LOG_STD_BOUNDS = (-20.0, 2.0)  # an MLP's log sigma is clipped here (Spinning Up's)


def reparameterised_sample(mean, log_std, generator: torch.Generator):
    """[..., m] mu, log sigma -> ([..., m] u = mu + sigma zeta, [...] log Normal(u;
    mu, sigma)) with zeta ~ Normal(0, I) from ``generator``
    (``reparameterised-sample``)."""
    zeta = torch.randn(mean.shape, generator=generator, dtype=mean.dtype)
    log_prob = (-0.5 * zeta**2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)
    return mean + log_std.exp() * zeta, log_prob


def squash(u, log_prob, low, high):
    """[..., m] u, [...] log Normal(u) -> ([..., m] a in (low, high), [...] log pi(a))
    (``squashed-log-prob``)."""
    half_width = (high - low) / 2
    # log(1 - tanh^2 u) = 2 (log 2 - u - softplus(-2 u)), finite for large |u|
    log_slope = 2 * (math.log(2) - u - F.softplus(-2 * u))
    log_det = (torch.log(half_width) + log_slope).sum(-1)
    return low + half_width * (torch.tanh(u) + 1), log_prob - log_det


class GaussianPolicy(nn.Module):
    """pi_theta(.|s): a Gaussian over u, squashed into [low, high] if ``bounds``.
    A subclass's ``forward`` maps [..., n] observations to ([..., m] mu, log sigma)."""

    def __init__(self, bounds: tuple | None):
        super().__init__()
        self.squashed = bounds is not None
        if self.squashed:
            for name, value in zip(("low", "high"), bounds, strict=True):
                self.register_buffer(name, torch.as_tensor(value, dtype=torch.float32))

    def sample(self, observations, generator: torch.Generator):
        """[..., n] s -> ([..., m] a ~ pi(.|s), [...] log pi(a|s)), reparameterised."""
        u, log_prob = reparameterised_sample(*self(observations), generator)
        if not self.squashed:
            return u, log_prob
        return squash(u, log_prob, self.low, self.high)

    def mean_action(self, observations) -> torch.Tensor:
        """[..., n] s -> [..., m] the action of u = mu(s) (the evaluation's action)."""
        mean = self(observations)[0]
        if not self.squashed:
            return mean
        return self.low + (self.high - self.low) * (torch.tanh(mean) + 1) / 2


class LinearGaussianPolicy(GaussianPolicy):
    """mu(s) = W s + b, log sigma a free [m] parameter (the same in every state); it
    starts at W = 0, b = 0, sigma = 1: no feedback, unit noise."""

    def __init__(self, n_inputs: int, n_actions: int, bounds=None, width=None):
        super().__init__(bounds)
        self.mean = nn.Linear(n_inputs, n_actions)
        nn.init.zeros_(self.mean.weight)
        nn.init.zeros_(self.mean.bias)
        self.log_std = nn.Parameter(torch.zeros(n_actions))

    def forward(self, observations):
        mean = self.mean(observations)
        return mean, self.log_std.expand_as(mean)


def relu_mlp(n_inputs: int, n_outputs: int, width: int) -> nn.Sequential:
    """[..., n_inputs] -> [..., n_outputs]: two ReLU layers of ``width`` units (the SAC
    paper's nonlinearity; on a CPU, tanh costs some 25 times more than ReLU here)."""
    return nn.Sequential(
        nn.Linear(n_inputs, width),
        nn.ReLU(),
        nn.Linear(width, width),
        nn.ReLU(),
        nn.Linear(width, n_outputs),
    )


class MLPGaussianPolicy(GaussianPolicy):
    """(mu(s), log sigma(s)) from one ReLU MLP; log sigma clipped to LOG_STD_BOUNDS."""

    def __init__(self, n_inputs: int, n_actions: int, bounds=None, width: int = 64):
        super().__init__(bounds)
        self.net = relu_mlp(n_inputs, 2 * n_actions, width)

    def forward(self, observations):
        mean, log_std = self.net(observations).chunk(2, -1)
        return mean, log_std.clamp(*LOG_STD_BOUNDS)


class TwinLinear(nn.Module):
    """Two affine maps side by side, one per critic: [B, n_in] (the same input for
    both) or [2, B, n_in] -> [2, B, n_out]; each starts as ``nn.Linear`` would."""

    def __init__(self, n_inputs: int, n_outputs: int):
        super().__init__()
        layers = [nn.Linear(n_inputs, n_outputs) for _ in range(2)]
        self.weight = nn.Parameter(torch.stack([layer.weight.T for layer in layers]))
        self.bias = nn.Parameter(torch.stack([layer.bias[None] for layer in layers]))

    def forward(self, inputs):
        return torch.baddbmm(
            self.bias, inputs.expand(2, *inputs.shape[-2:]), self.weight
        )


class QuadraticCritics(nn.Module):
    """Twin critics Q_i(s, a) = w_i^T phi(z) + c_i: phi(z) holds z = (s, a) and every
    product z_j z_k (j <= k), all the monomials of degree 1 and 2. Both start at
    Q = 0 (a random start can be convex in a, and an actor climbing it runs away), so
    on one minibatch they stay equal."""

    def __init__(self, n_inputs: int, width=None):
        super().__init__()
        rows, cols = torch.triu_indices(n_inputs, n_inputs)
        self.register_buffer("rows", rows)
        self.register_buffer("cols", cols)
        self.linear = TwinLinear(n_inputs + len(rows), 1)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def forward(self, observations, actions):
        """[B, n] s, [B, m] a -> [2, B] (Q_1(s, a), Q_2(s, a))."""
        z = torch.cat([observations, actions], -1)
        features = torch.cat([z, z[..., self.rows] * z[..., self.cols]], -1)
        return self.linear(features)[..., 0]


class MLPCritics(nn.Module):
    """Twin critics, each a ReLU MLP of the concatenated (s, a), computed together."""

    def __init__(self, n_inputs: int, width: int = 64):
        super().__init__()
        self.net = nn.Sequential(
            TwinLinear(n_inputs, width),
            nn.ReLU(),
            TwinLinear(width, width),
            nn.ReLU(),
            TwinLinear(width, 1),
        )

    def forward(self, observations, actions):
        """[B, n] s, [B, m] a -> [2, B] (Q_1(s, a), Q_2(s, a))."""
        return self.net(torch.cat([observations, actions], -1))[..., 0]


POLICIES = {"linear": LinearGaussianPolicy, "mlp": MLPGaussianPolicy}
CRITICS = {"quadratic": QuadraticCritics, "mlp": MLPCritics}


@dataclass(frozen=True)
class ContinuousSACConfig(NetworkSACSettings):
    """Settings of SAC with continuous actions (Stable-Baselines3's names); the replay,
    learning rates and width are :class:`~maxent_tutorial.deep.sac.NetworkSACSettings`'
    (as discrete SAC's)."""

    total_timesteps: int = setting(20_000, "environment steps in all", POSITIVE_INT)
    learning_starts: int = setting(
        1_000,
        "first environment steps: no updates, actions uniform in the bounds (from the "
        "untrained actor if unbounded)",
        NON_NEGATIVE_INT,
    )
    gradient_steps: int = setting(
        1, "gradient steps per environment step", POSITIVE_INT
    )
    target_entropy: float | None = setting(
        -1.0,
        "learn alpha for this mean entropy, nats per action dimension (-1: the "
        "paper's -dim(A))",
        FINITE,
        optional=True,
    )
    alpha: float = shared("alpha", 1.0)
    policy: str = setting("mlp", "the actor's class", tuple(POLICIES))
    critic: str = setting("mlp", "the critics' class", tuple(CRITICS))
    squash: bool = setting(True, "squash actions by tanh into the action bounds")
    record_every: int = setting(
        1_000, "environment steps between records (and actor copies)", POSITIVE_INT
    )
    seed: int = setting(
        0, "seeds the weights, the generator and the environment", NON_NEGATIVE_INT
    )

    def check(self) -> None:
        super().check()
        self.check_order(
            "learning_starts",
            "total_timesteps",
            strict=True,
            why=", or nothing is learned",
        )


@dataclass
class ContinuousSACHistory:
    """One run: the trained actor and critics, and one entry every ``record_every``
    environment steps in each array.

    env_steps; episode_return: mean undiscounted return of the episodes that ended
    since the entry before (NaN if none); entropy: the last batch's entropy estimate
    -mean log pi (nats, NaN before the first update); alpha: the temperature;
    seconds: wall time since the call began; snapshots: the actor's state_dict.
    """

    policy: GaussianPolicy
    critics: nn.Module
    env_steps: np.ndarray
    episode_return: np.ndarray
    entropy: np.ndarray
    alpha: np.ndarray
    seconds: np.ndarray
    snapshots: list
    num_timesteps: int
    env_id: str
    settings: ContinuousSACConfig


class Curve:
    """The entries of a :class:`ContinuousSACHistory`, from a clock started at
    ``start``; ``episode_return`` and ``entropy`` are the running values."""

    def __init__(self, start: float):
        self.start, self.snapshots, self.finished = start, [], []
        self.episode_return, self.entropy = 0.0, float("nan")
        self.columns = {k: [] for k in ("env_steps", "episode_return", "entropy")}
        self.columns |= {"alpha": [], "seconds": []}

    def end_episode(self) -> None:
        self.finished.append(self.episode_return)
        self.episode_return = 0.0

    def record(self, step: int, alpha: float, actor: nn.Module) -> None:
        """One entry; the episodes that ended since the last one are averaged."""
        finished = np.mean(self.finished) if self.finished else np.nan
        for key, value in zip(
            self.columns,
            (step, finished, self.entropy, alpha, time.perf_counter() - self.start),
            strict=True,
        ):
            self.columns[key].append(value)
        self.snapshots.append(copy.deepcopy(actor.state_dict()))
        self.finished = []

    def fields(self) -> dict:
        """The :class:`ContinuousSACHistory` fields the entries fill."""
        arrays = {key: np.array(values) for key, values in self.columns.items()}
        return arrays | {"snapshots": self.snapshots}


def make_env(env_id: str, config: ContinuousSACConfig):
    """The task, its action bounds (None: unbounded) and its target entropy in nats;
    raises ``ValueError`` naming what does not fit."""
    env = gym.make(env_id)
    space, observations = env.action_space, env.observation_space
    if not isinstance(space, gym.spaces.Box) or len(space.shape) != 1:
        raise ValueError(f"env_id {env_id!r} must have Box actions, got {space}")
    if len(observations.shape) != 1:
        raise ValueError(f"env_id {env_id!r} must have a flat vector observation")
    bounded = bool(np.isfinite(space.low).all() and np.isfinite(space.high).all())
    if config.squash and not bounded:
        raise ValueError(
            f"squash=True needs finite action bounds; {env_id!r}'s are {space}: pass "
            "squash=False"
        )
    target = config.target_entropy
    if target is not None:
        max_entropy = np.log(space.high - space.low).sum() if bounded else math.inf
        target = check_target_entropy(target * space.shape[0], max_entropy)
    return env, ((space.low, space.high) if config.squash else None), target


def seeded(seed: int, module: type, *args, **kwargs) -> nn.Module:
    """``module(*args, **kwargs)`` with initial weights from ``seed`` (the global
    generator is left as it was)."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return module(*args, **kwargs)


def adam(parameters, lr: float) -> torch.optim.Adam:
    """Adam; its fused kernel where torch has one for the CPU (2.4 on), a fifth faster
    here on small networks."""
    fused = tuple(map(int, torch.__version__.split(".")[:2])) >= (2, 4)
    return torch.optim.Adam(parameters, lr=lr, fused=fused or None)


def collect(env, observation, actor, generator, uniform_in):
    """One environment step: a ~ pi(.|s) (``uniform_in``: uniform in those bounds)."""
    if uniform_in is not None:
        low, high = (torch.as_tensor(bound) for bound in uniform_in)
        action = low + (high - low) * torch.rand(low.shape, generator=generator)
    else:
        with torch.no_grad():
            action = actor.sample(torch.as_tensor(observation), generator)[0]
    action = action.numpy()
    next_observation, reward, terminated, truncated, _ = env.step(action)
    return action, next_observation, reward, terminated, truncated


def update_critics(critics, targets, adam, actor, batch, alpha, discount, generator):
    """One Adam step of both critics on the squared error to
    ``continuous-critic-target``, from the target critics and a' ~ pi(.|s')."""
    with torch.no_grad():
        next_actions, next_log_probs = actor.sample(batch.next_observations, generator)
        next_q = targets(batch.next_observations, next_actions).min(0).values
        y = bellman_targets(
            batch.rewards, next_q - alpha * next_log_probs, discount, batch.terminated
        )
    q = critics(batch.observations, batch.actions)  # [2, B]
    loss = ((q - y) ** 2).mean(-1).sum()
    adam.zero_grad()
    loss.backward()
    adam.step()


def update_actor(actor, adam, critics, batch: Transitions, alpha, generator) -> float:
    """One Adam step of the actor on ``continuous-actor-loss``; returns the batch's
    entropy estimate -mean log pi(a~|s) in nats, before the step."""
    actions, log_probs = actor.sample(batch.observations, generator)
    critics.requires_grad_(False)  # the gradient flows through a~, not into Q
    q = critics(batch.observations, actions).min(0).values
    critics.requires_grad_(True)
    loss = (alpha * log_probs - q).mean()
    adam.zero_grad()
    loss.backward()
    adam.step()
    return -log_probs.mean().item()


def train_continuous_sac(
    env_id: str, config: ContinuousSACConfig | None = None, **overrides
) -> ContinuousSACHistory:
    """SAC with a Gaussian actor and twin critics on the Gymnasium task ``env_id``.

    Args:
        env_id: a registered id with Box actions and a flat observation
            (``"Pendulum-v1"``, ``"maxent_tutorial/LQR-v0"``).
        config: the settings (:class:`ContinuousSACConfig`; its defaults if omitted).
        **overrides: settings to change, by field name.

    Returns a :class:`ContinuousSACHistory`. Raises ``ValueError`` if the task's
    actions are not a Box, if ``squash`` meets unbounded actions, or if
    ``target_entropy`` exceeds the largest entropy the bounds allow.
    """
    config = settings_for(ContinuousSACConfig, config, **overrides)
    start = time.perf_counter()
    env, bounds, target_entropy = make_env(env_id, config)
    n_inputs, n_actions = env.observation_space.shape[0], env.action_space.shape[0]
    actor = seeded(
        config.seed, POLICIES[config.policy], n_inputs, n_actions, bounds, config.width
    )
    critics = seeded(
        config.seed + 1, CRITICS[config.critic], n_inputs + n_actions, config.width
    )
    targets = copy.deepcopy(critics).requires_grad_(False)
    actor_adam = adam(actor.parameters(), config.actor_lr)
    critic_adam = adam(critics.parameters(), config.critic_lr)
    log_alpha = math.log(config.alpha)
    buffer = ReplayBuffer(
        config.buffer_size,
        (n_inputs,),
        torch.float32,
        (n_actions,),
        torch.float32,
        torch.float32,
    )
    generator = torch.Generator().manual_seed(config.seed)
    curve = Curve(start)
    observation, _ = env.reset(seed=config.seed)
    for step in range(1, config.total_timesteps + 1):
        warm_up = step <= config.learning_starts
        # collect (uniform actions while warming up), store
        action, next_observation, reward, terminated, truncated = collect(
            env, observation, actor, generator, bounds if warm_up else None
        )
        buffer.add(
            observation[None],
            next_observation[None],
            action[None],
            [reward],
            [terminated],
        )
        curve.episode_return += reward
        observation = next_observation
        if terminated or truncated:
            curve.end_episode()
            observation = env.reset()[0]
        for _ in range(0 if warm_up else config.gradient_steps):
            batch = buffer.sample(config.batch_size, generator)
            alpha = math.exp(log_alpha)
            update_critics(
                critics,
                targets,
                critic_adam,
                actor,
                batch,
                alpha,
                config.discount,
                generator,
            )
            curve.entropy = update_actor(
                actor, actor_adam, critics, batch, alpha, generator
            )
            if target_entropy is not None:  # dual-step
                log_alpha = dual_step(
                    log_alpha, curve.entropy, target_entropy, config.alpha_lr
                )
            update_targets(targets, critics, config.tau)
        if step % config.record_every == 0:
            curve.record(step, math.exp(log_alpha), actor)
    env.close()
    return ContinuousSACHistory(
        actor,
        critics,
        **curve.fields(),
        num_timesteps=config.total_timesteps,
        env_id=env_id,
        settings=config,
    )


def mean_actor(policy: GaussianPolicy):
    """``act`` for :func:`evaluate_continuous`: the action of the Gaussian's mean."""

    def act(observations: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return policy.mean_action(torch.as_tensor(observations)).numpy()

    return act


def evaluate_continuous(
    env_id: str, act, n_episodes: int = 20, seed: int = 10_000
) -> np.ndarray:
    """[n_episodes] undiscounted returns of ``act`` ([N, n] float32 observations ->
    [N, m] actions) on fresh episodes, all at once in one vector env; episode i is
    seeded ``seed + i`` (:func:`~maxent_tutorial.deep.common.evaluate`, 20 episodes by
    default)."""
    return evaluate(env_id, act, n_episodes, seed)
