"""The maximum-entropy policy gradient with an MLP policy on a Gymnasium task.

The book's chapter 14: chapter 4's REINFORCE with the soft reward-to-go, now with
episode ends (``soft-return-ends`` of :mod:`maxent_tutorial.deep`), the leave-one-out
baseline of chapter 9, and one episode per sub-environment of a vector env per update.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ._validation import (
    check_alpha,
    check_discount,
    check_number,
    check_positive_int,
)
from .baselines import LeaveOneOutBaseline
from .deep import (
    DeepHistory,
    is_reset_step,
    make_vector_env,
    sample_actions,
    seeded_mlp,
    soft_returns_with_ends,
)


@dataclass(frozen=True)
class PolicyGradientConfig:
    """Settings of the maximum-entropy policy gradient on a Gymnasium task."""

    env_id: str = "CartPole-v1"  # a registered id with discrete actions
    total_steps: int = 150_000  # environment steps, every sub-environment's counted
    n_episodes: int = 16  # episodes per update, B (one per sub-environment)
    alpha: float = 0.01  # entropy temperature
    discount: float = 0.99  # gamma
    lr: float = 0.01  # Adam's learning rate
    width: int = 64  # hidden units per layer of the policy's MLP
    seed: int = 0  # seeds the weights, the action generator and the environments

    def __post_init__(self):
        for name in ("total_steps", "n_episodes", "width"):
            check_positive_int(getattr(self, name), name)
        if self.n_episodes < 2:
            raise ValueError("n_episodes must be >= 2 for the leave-one-out baseline")
        check_alpha(self.alpha)
        check_discount(self.discount, infinite_horizon=False)
        if check_number(self.lr, "lr", 0, math.inf) == 0:
            raise ValueError("lr must be positive, got 0")


def collect_episodes(
    envs, policy: nn.Module, generator: torch.Generator, step_budget: int
):
    """Play one episode in every sub-environment with ``policy``.

    Returns [T, B] tensors (T = the longest episode) of observations [T, B, obs_dim],
    actions, rewards, terminated, truncated and ``valid`` (step t belongs to episode
    b), and the number of environment steps taken (T * B: a sub-environment whose
    episode ended keeps being stepped, autoreset, until the last one ends). Returns
    ``(None, steps)`` if the episodes would need more than ``step_budget`` steps.
    """
    observations, _ = envs.reset()
    columns = {k: [] for k in ("obs", "act", "rew", "term", "trunc", "valid")}
    alive = np.ones(envs.num_envs, dtype=bool)
    while alive.any():
        if envs.num_envs * (len(columns["obs"]) + 1) > step_budget:
            return None, envs.num_envs * len(columns["obs"])
        obs = torch.as_tensor(observations, dtype=torch.float32)
        with torch.no_grad():
            actions = sample_actions(policy(obs), generator)
        observations, rewards, terminated, truncated, _ = envs.step(actions.numpy())
        for key, value in zip(
            columns,
            (obs, actions, rewards, terminated, truncated, alive.copy()),
            strict=True,
        ):
            columns[key].append(torch.as_tensor(value))
        alive &= ~is_reset_step(terminated, truncated)
    batch = {key: torch.stack(value) for key, value in columns.items()}
    batch["rew"] = batch["rew"].float() * batch["valid"]
    batch["term"] &= batch["valid"]
    batch["trunc"] &= batch["valid"]
    return batch, batch["act"].numel()


def episode_batch_loss(
    policy: nn.Module, batch: dict, alpha: float, discount: float, baseline
) -> tuple[torch.Tensor, torch.Tensor]:
    """The policy-gradient surrogate (``policy-gradient``) of a batch from
    :func:`collect_episodes`, with ``soft-return-ends`` and a baseline.

    Returns ``(loss, all_log_probs)``: L = -(1/B) sum_b sum_t valid * gamma^t log
    pi(a_t|s_t) (G_t - b_t), differentiable in the policy, and the [T, B, n_actions]
    log pi(.|s_t).
    """
    valid = batch["valid"].float()  # [T, B]
    all_log_probs = torch.log_softmax(policy(batch["obs"]), dim=-1)  # [T, B, A]
    log_probs = all_log_probs.gather(-1, batch["act"][..., None])[..., 0]  # [T, B]
    returns = (
        soft_returns_with_ends(  # stops at a termination
            batch["rew"],
            log_probs.detach(),
            batch["term"],
            batch["trunc"],
            alpha,
            discount,
        )
        * valid
    )
    weights = returns - baseline(batch["act"], returns)  # G_t - b_t
    step_weights = discount ** torch.arange(len(valid), dtype=torch.float32)
    loss = -(step_weights[:, None] * valid * log_probs * weights).sum()
    return loss / valid.shape[1], all_log_probs


def train_maxent_pg(config: PolicyGradientConfig | None = None, **overrides):
    """Maximum-entropy REINFORCE (``soft-return-ends``, ``policy-gradient``, leave-one-
    out baseline) with an MLP policy on ``config.env_id``; returns a
    :class:`DeepHistory`."""
    config = dataclasses.replace(config or PolicyGradientConfig(), **overrides)
    envs = make_vector_env(config.env_id, config.n_episodes)
    envs.reset(seed=config.seed)  # seeds every sub-environment once
    n_inputs = envs.single_observation_space.shape[0]
    policy = seeded_mlp(
        config.seed, n_inputs, int(envs.single_action_space.n), config.width
    )
    adam = torch.optim.Adam(policy.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    baseline = LeaveOneOutBaseline()
    records = {k: [] for k in ("env_steps", "episode_return", "entropy", "seconds")}
    steps, start = 0, time.perf_counter()
    while steps < config.total_steps:
        batch, taken = collect_episodes(
            envs, policy, generator, config.total_steps - steps
        )
        steps += taken
        if batch is None:  # the budget ends inside this batch: no update
            break
        loss, all_log_probs = episode_batch_loss(
            policy, batch, config.alpha, config.discount, baseline
        )
        adam.zero_grad()
        loss.backward()
        adam.step()
        valid = batch["valid"].float()
        entropy = -(all_log_probs.exp() * all_log_probs).sum(-1).detach()
        records["env_steps"].append(steps)
        records["episode_return"].append(batch["rew"].sum(0).mean().item())
        records["entropy"].append(((entropy * valid).sum() / valid.sum()).item())
        records["seconds"].append(time.perf_counter() - start)
    envs.close()
    return DeepHistory(policy, **{k: np.array(v) for k, v in records.items()})
