"""What training on a Gymnasium task needs (the book's chapter 14): vector environments,
episode ends, small neural networks and evaluation. The two methods that use these live
in :mod:`maxent_tutorial.deep_pg` (the policy gradient) and
:mod:`maxent_tutorial.deep_sac` (discrete SAC).

Gymnasium separates two ways an episode stops (labels as in the book):

* a **termination** (``terminated``): the task's own end (CartPole's pole fell); no
  reward follows, so the soft reward-to-go stops there: G_t = r_t - alpha log pi_t, and
  SAC's critic target is y = r.
* a **truncation** (``truncated``): a time limit cut the episode; the state had a
  future, so a method that learns a value of the state bootstraps: G_t = r_t - alpha
  log pi_t + gamma * V(s_{t+1}) (``soft-return-ends``).

Gymnasium 1.x vector environments reset a finished sub-environment on the *next* call to
``step`` (``AutoresetMode.NEXT_STEP``, the default): that call ignores its action,
returns the new episode's first observation with reward 0, and is no transition of the
task. :func:`make_vector_env` asks for this mode explicitly, and the training code skips
those steps (:func:`is_reset_step`).
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import torch
from gymnasium.vector import AutoresetMode
from torch import nn

from ._validation import check_discount, check_positive_int


def make_vector_env(env_id: str, n_envs: int) -> gym.vector.VectorEnv:
    """``n_envs`` copies of the registered task ``env_id`` in one synchronous vector
    env, with next-step autoreset; raises ``ValueError`` unless the actions are
    discrete."""
    n_envs = check_positive_int(n_envs, "n_envs")
    envs = gym.make_vec(
        env_id,
        num_envs=n_envs,
        vectorization_mode="sync",
        vector_kwargs={"autoreset_mode": AutoresetMode.NEXT_STEP},
    )
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
    (``soft-return-ends``).

    Args:
        rewards: [T, B] r_t; log_probs: [T, B] log pi(a_t|s_t) (detached).
        terminated: [T, B] bool, step t ended the episode by termination.
        truncated: [T, B] bool, step t ended it by truncation.
        alpha: temperature; discount: gamma in [0, 1].
        next_values: [T, B] V(s_{t+1}), read where ``truncated``; None: no critic, the
            truncated tail counts as 0 (the return of a T-step episode, chapter 3).

    Returns:
        [T, B] G_t = r_t - alpha log pi_t + gamma * (G_{t+1} if the episode goes on,
        V(s_{t+1}) at a truncation, 0 at a termination). Steps after an episode's end
        come out as they are (mask them).
    """
    discount = check_discount(discount, infinite_horizon=False)
    if next_values is None:
        next_values = torch.zeros_like(rewards)
    returns = torch.zeros_like(rewards)
    following = torch.zeros_like(rewards[0])  # G_{t+1}
    for t in reversed(range(rewards.shape[0])):
        tail = torch.where(truncated[t], next_values[t], following)
        tail = torch.where(terminated[t], torch.zeros_like(tail), tail)
        following = rewards[t] - alpha * log_probs[t] + discount * tail
        returns[t] = following
    return returns


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


def sample_actions(logits: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """[N, n_actions] logits -> [N] long actions a ~ softmax(logits), by inverting the
    cumulative distribution at one uniform number per row (as ``GridWorld.rollout``)."""
    cumulative = torch.softmax(logits, -1).cumsum(-1)[:, :-1]  # [N, n_actions - 1]
    uniforms = torch.rand(len(logits), 1, generator=generator)
    return (uniforms >= cumulative).sum(-1)


def evaluate(
    env_id: str,
    act,
    n_episodes: int = 100,
    seed: int = 10_000,
) -> np.ndarray:
    """[n_episodes] undiscounted returns of ``act`` on ``n_episodes`` fresh episodes.

    ``act``: [N, obs_dim] float32 array -> [N] integer actions. All episodes run at
    once in one vector env (each sub-environment plays one episode, seeded ``seed +
    i``).
    """
    envs = make_vector_env(env_id, n_episodes)
    observations, _ = envs.reset(seed=seed)
    returns = np.zeros(n_episodes)
    running = np.ones(n_episodes, dtype=bool)
    while running.any():
        observations, rewards, terminated, truncated, _ = envs.step(act(observations))
        returns += rewards * running
        running &= ~is_reset_step(terminated, truncated)
    envs.close()
    return returns


def seeded_mlp(seed: int, *args, **kwargs) -> MLP:
    """An :class:`MLP` whose initial weights come from ``seed`` (the global generator
    is left as it was)."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return MLP(*args, **kwargs)


@dataclass
class DeepHistory:
    """One run on a Gymnasium task: the trained policy network and one entry per update.

    policy: the [obs_dim] -> [n_actions] logits network.
    env_steps: environment steps taken so far; episode_return: mean undiscounted return
    of the update's episodes; entropy: mean policy entropy over their steps (nats);
    seconds: wall time so far; alpha: the final temperature (SAC), None otherwise.
    """

    policy: nn.Module
    env_steps: np.ndarray
    episode_return: np.ndarray
    entropy: np.ndarray
    seconds: np.ndarray
    alpha: float | None = None


def policy_actor(policy: nn.Module, greedy: bool = False, seed: int = 0):
    """``act`` for :func:`evaluate`: sample from the policy network (``greedy``: take
    its most probable action)."""
    generator = torch.Generator().manual_seed(seed)

    def act(observations: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            logits = policy(torch.as_tensor(observations, dtype=torch.float32))
        if greedy:
            return logits.argmax(-1).numpy()
        return sample_actions(logits, generator).numpy()

    return act
