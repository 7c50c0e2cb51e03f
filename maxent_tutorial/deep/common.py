"""What training on a Gymnasium task needs (the book's chapter 14): vector environments,
episode ends, small neural networks, evaluation and the record of a run. The two methods
that use these live in :mod:`maxent_tutorial.deep.pg` (the policy gradient) and
:mod:`maxent_tutorial.deep.sac` (discrete SAC).

Gymnasium separates two ways an episode stops (labels as in the book):

* a **termination** (``terminated``): the task's own end (CartPole's pole fell); no
  reward follows, so the soft reward-to-go stops there: G_t = r_t - alpha log pi_t, and
  SAC's critic target is y = r.
* a **truncation** (``truncated``): a time limit cut the episode; the state had a
  future, so a method that learns a value of the state bootstraps: G_t = r_t - alpha
  log pi_t + gamma * V(s_{t+1}) (``soft-return-ends``); a method without one counts
  the unseen tail as 0.

Gymnasium 1.x vector environments reset a finished sub-environment on the *next* call to
``step`` (``AutoresetMode.NEXT_STEP``, the default): that call ignores its action,
returns the new episode's first observation with reward 0, and is no transition of the
task. :func:`make_vector_env` asks for this mode explicitly; :class:`EpisodeRunner`
marks those steps invalid (:func:`is_reset_step`) and counts only the task's
transitions as environment steps.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields

import gymnasium as gym
import numpy as np
import torch
from gymnasium.vector import AutoresetMode
from torch import nn

from ..distributions import sample_categorical
from ..replay import Transitions
from ..settings import Settings
from ..tabular.objective import discount_matrix


def vector_env(env_id: str, n_envs: int) -> gym.vector.VectorEnv:
    """``n_envs`` copies of the registered task ``env_id`` in one synchronous vector
    env, with next-step autoreset (any action space)."""
    return gym.make_vec(
        env_id,
        num_envs=n_envs,
        vectorization_mode="sync",
        vector_kwargs={"autoreset_mode": AutoresetMode.NEXT_STEP},
    )


def make_vector_env(env_id: str, n_envs: int) -> gym.vector.VectorEnv:
    """:func:`vector_env` for the methods here; raises ``ValueError`` naming
    ``env_id`` unless its actions are discrete and its observation a flat vector."""
    envs = vector_env(env_id, n_envs)
    if not isinstance(envs.single_action_space, gym.spaces.Discrete):
        envs.close()
        raise ValueError(
            f"env_id {env_id!r} must have a Discrete action space (the policies here "
            f"enumerate the actions), got {envs.single_action_space}"
        )
    if len(envs.single_observation_space.shape) != 1:
        envs.close()
        raise ValueError(
            f"env_id {env_id!r} must have a flat vector observation, got "
            f"{envs.single_observation_space}"
        )
    return envs


def is_reset_step(terminated: np.ndarray, truncated: np.ndarray) -> np.ndarray:
    """[n_envs] bool: which sub-environments the *next* ``step`` call will reset
    (next-step autoreset), so that call's transition is not part of the task."""
    return np.logical_or(terminated, truncated)


def soft_returns_with_ends(
    rewards: torch.Tensor,
    log_probs: torch.Tensor,
    terminated: torch.Tensor,
    truncated: torch.Tensor,
    alpha: float,
    discount: float,
    next_values: torch.Tensor | None = None,
) -> torch.Tensor:
    """Soft reward-to-go of episodes that end by termination or truncation
    (``soft-return-ends``), for every step of every column at once.

    Args:
        rewards: [T, B] r_t; log_probs: [T, B] log pi(a_t|s_t) (detached).
        terminated: [T, B] bool, step t ended the episode by termination.
        truncated: [T, B] bool, step t ended it by truncation.
        alpha: temperature; discount: gamma in [0, 1] (trusted: the trainers pass
            checked settings).
        next_values: [T, B] V(s_{t+1}), read where ``truncated``; None: no critic, the
            truncated tail counts as 0 (the return of a T-step episode, chapter 3).

    Returns:
        [T, B] G_t = r_t - alpha log pi_t + gamma * (G_{t+1} if the episode goes on,
        V(s_{t+1}) at a truncation, 0 at a termination). A column may hold several
        episodes one after the other; steps after its last end belong to an episode
        cut at step T - 1 with a tail of 0.

    No loop over time: one product with chapter 3's ``discount_matrix`` sums every
    step's discounted future across the whole column, and the part after the step's
    episode ended is subtracted (equal to the recursion up to round-off,
    ``tests/test_deep.py``).
    """
    horizon = len(rewards)
    soft_rewards = rewards - alpha * log_probs  # r_t - alpha log pi(a_t|s_t)
    if next_values is not None:  # the end step's own term gamma * V(s_{t+1})
        bootstrap = truncated & ~terminated  # a termination wins when both are set
        soft_rewards = soft_rewards + discount * torch.where(bootstrap, next_values, 0)
    # U_t = sum_{k>=t} gamma^(k-t) (r_k - alpha log pi_k), across episode ends
    across = discount_matrix(horizon, discount, rewards.dtype) @ soft_rewards
    across = torch.cat([across, torch.zeros_like(across[:2])])  # U_T = U_{T+1} = 0
    # e: the last step of t's episode, the first end at or after t (T if none)
    steps = torch.arange(horizon)[:, None]
    ends = torch.where(terminated | truncated, steps, horizon)
    last = ends.flip(0).cummin(0).values.flip(0)  # [T, B]
    # G_t = U_t - gamma^(e+1-t) U_{e+1}: drop what follows the episode's end
    gamma = torch.tensor(discount, dtype=rewards.dtype)
    following = across.gather(0, last + 1) * gamma ** (last + 1 - steps)
    return across[:horizon] - following


class MLP(nn.Module):
    """[..., n_inputs] -> [..., n_outputs]: ``n_hidden`` tanh layers of ``width`` units
    (logits for a policy, one value per action for a critic)."""

    def __init__(
        self, n_inputs: int, n_outputs: int, width: int = 64, n_hidden: int = 2
    ):
        super().__init__()
        layers, size = [], n_inputs
        for _ in range(n_hidden):
            layers += [nn.Linear(size, width), nn.Tanh()]
            size = width
        layers.append(nn.Linear(size, n_outputs))
        self.net = nn.Sequential(*layers)

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.net(observations)


def seeded_mlp(seed: int, *args, **kwargs) -> MLP:
    """An :class:`MLP` whose initial weights come from ``seed`` (the global generator
    is left as it was)."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return MLP(*args, **kwargs)


@dataclass(frozen=True)
class Steps(Transitions):
    """What every copy did at one vector step ([B, ...]) or at T of them ([T, B, ...],
    :meth:`stack`): the replay buffer's transitions (s_t, a_t, r_t, s_{t+1},
    terminated; observations float32, actions long, rewards float32), and how the
    episode went on.

    truncated: bool, the episode was cut at this step (both ends False: it goes on);
    valid: bool, a transition of the task (False: the copy's autoreset step, whose
    reward is 0 and whose action was ignored); episode_steps: long t, the step's index
    in its episode (0 at the episode's first state).
    """

    truncated: torch.Tensor
    valid: torch.Tensor
    episode_steps: torch.Tensor

    @classmethod
    def stack(cls, steps: list[Steps]) -> Steps:
        """T single steps -> one :class:`Steps` of [T, B, ...] tensors."""
        return cls(
            **{
                item.name: torch.stack([getattr(step, item.name) for step in steps])
                for item in fields(cls)
            }
        )


class EpisodeRunner:
    """``n_envs`` copies of ``env_id`` stepped together, each playing episode after
    episode: a copy whose episode ended starts its next one (after Gymnasium's autoreset
    step), and episodes go on across calls. A context manager: ``with
    EpisodeRunner(...) as runner:`` closes the environments at the end.

    Attributes:
        observations: [n_envs, obs_dim] float32, the state each copy is in now.
        env_steps: transitions of the task so far (autoreset steps not counted).
        finished_returns: undiscounted returns of the episodes that ended, in order
            (a learning curve drains it).
    """

    def __init__(self, env_id: str, n_envs: int, seed: int):
        self.envs = make_vector_env(env_id, n_envs)
        self.n_inputs = self.envs.single_observation_space.shape[0]
        self.n_actions = int(self.envs.single_action_space.n)
        observations, _ = self.envs.reset(seed=seed)  # seeds every copy once
        self.observations = torch.as_tensor(observations, dtype=torch.float32)
        self.resetting = np.zeros(n_envs, dtype=bool)  # next step() is an autoreset
        self.episode_steps = torch.zeros(n_envs, dtype=torch.long)
        self.episode_returns = np.zeros(n_envs)
        self.finished_returns: list[float] = []
        self.env_steps = 0

    def play(
        self, policy: nn.Module, generator: torch.Generator, uniform: bool = False
    ) -> Steps:
        """One vector step: every copy draws a ~ pi(.|s) from ``policy``'s logits
        (``uniform``: a uniformly random action) and steps; returns the
        :class:`Steps`."""
        with torch.no_grad():
            logits = policy(self.observations)
        if uniform:
            logits = torch.zeros_like(logits)
        actions = sample_categorical(torch.softmax(logits, -1), generator)
        next_observations, rewards, terminated, truncated, _ = self.envs.step(
            actions.numpy()
        )
        valid = ~self.resetting
        ended = is_reset_step(terminated, truncated)
        steps = Steps(
            observations=self.observations,
            actions=actions,
            rewards=torch.as_tensor(rewards, dtype=torch.float32),
            next_observations=torch.as_tensor(next_observations, dtype=torch.float32),
            terminated=torch.as_tensor(terminated),
            truncated=torch.as_tensor(truncated),
            valid=torch.as_tensor(valid),
            episode_steps=self.episode_steps,
        )
        self.env_steps += int(valid.sum())
        self.episode_returns += rewards  # 0 on an autoreset step
        self.finished_returns.extend(self.episode_returns[ended].tolist())
        self.episode_returns[ended] = 0.0
        # an ended episode's next step is the autoreset, then a new episode at t = 0
        restart = torch.as_tensor(ended | self.resetting)
        self.episode_steps = torch.where(restart, 0, self.episode_steps + 1)
        self.observations, self.resetting = steps.next_observations, ended
        return steps

    def __enter__(self) -> EpisodeRunner:
        return self

    def __exit__(self, *exception) -> None:
        self.envs.close()


@dataclass
class DeepHistory:
    """One run on a Gymnasium task: the trained policy network and its learning curve,
    one entry each time ``n_envs`` more episodes have ended (checked after every
    update of the policy gradient, after every vector step of SAC).

    policy: the [obs_dim] -> [n_actions] logits network.
    env_steps: environment steps taken at each entry; episode_return: mean undiscounted
    return of the episodes that ended since the entry before; entropy: the policy's
    mean entropy on the last update's batch (nats, NaN before the first update);
    seconds: wall time so far.
    num_timesteps: environment steps trained on in all; n_updates: updates of the
    policy (the policy gradient) or gradient steps (SAC); alpha: the final temperature.
    env_id: the task; settings: the run's config.
    """

    policy: nn.Module
    env_steps: np.ndarray
    episode_return: np.ndarray
    entropy: np.ndarray
    seconds: np.ndarray
    num_timesteps: int
    n_updates: int
    alpha: float
    env_id: str
    settings: Settings


class LearningCurve:
    """The entries of a :class:`DeepHistory`, from a wall clock started when built."""

    def __init__(self):
        self.start = time.perf_counter()
        self.columns = {k: [] for k in ("env_steps", "episode_return", "entropy")}
        self.columns["seconds"] = []
        self.n_updates = 0  # the trainer counts its updates here

    def record(self, runner: EpisodeRunner, entropy: float) -> None:
        """Add an entry if ``n_envs`` episodes of ``runner`` have ended since the last
        one (their mean return), and drain its list of finished episodes."""
        finished = runner.finished_returns
        if len(finished) < runner.envs.num_envs:
            return
        self.columns["env_steps"].append(runner.env_steps)
        self.columns["episode_return"].append(float(np.mean(finished)))
        self.columns["entropy"].append(entropy)
        self.columns["seconds"].append(time.perf_counter() - self.start)
        finished.clear()

    def history(self, policy, runner, alpha, env_id, settings) -> DeepHistory:
        """The finished run as a :class:`DeepHistory`."""
        arrays = {key: np.array(value) for key, value in self.columns.items()}
        return DeepHistory(
            policy,
            **arrays,
            num_timesteps=runner.env_steps,
            n_updates=self.n_updates,
            alpha=alpha,
            env_id=env_id,
            settings=settings,
        )


def evaluate(
    env_id: str,
    act,
    n_episodes: int = 100,
    seed: int = 10_000,
) -> np.ndarray:
    """[n_episodes] undiscounted returns of ``act`` on ``n_episodes`` fresh episodes.

    ``act``: [N, obs_dim] float32 array -> [N, ...] actions (integers for a discrete
    task, any action space works). All episodes run at once in one vector env (each
    sub-environment plays one episode, seeded ``seed + i``).
    """
    envs = vector_env(env_id, n_episodes)
    observations, _ = envs.reset(seed=seed)
    returns = np.zeros(n_episodes)
    running = np.ones(n_episodes, dtype=bool)
    while running.any():
        observations, rewards, terminated, truncated, _ = envs.step(act(observations))
        returns += rewards * running
        running &= ~is_reset_step(terminated, truncated)
    envs.close()
    return returns


def policy_actor(policy: nn.Module, greedy: bool = False, seed: int = 0):
    """``act`` for :func:`evaluate`: sample from the policy network (``greedy``: take
    its most probable action)."""
    generator = torch.Generator().manual_seed(seed)

    def act(observations: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            logits = policy(torch.as_tensor(observations, dtype=torch.float32))
        if greedy:
            return logits.argmax(-1).numpy()
        return sample_categorical(torch.softmax(logits, -1), generator).numpy()

    return act
