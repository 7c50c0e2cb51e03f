"""The maximum-entropy policy gradient on the grid (the book's chapters 4-11).

Entropy-regularised REINFORCE. One iteration: sample ``n_envs`` episodes of ``horizon``
steps with the current policy, compute every step's soft reward-to-go
(``soft-reward-to-go``), subtract a baseline, and take one optimiser step on the
surrogate loss (``policy-gradient``): Adam, or the natural gradient of chapter 10. No
epsilon-random actions are mixed in: the samples must come from the policy whose
gradient we estimate. With a ``target_entropy``, alpha learns by ``dual-step``
(chapter 11).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from .._validation import check_grid
from ..distributions import entropy
from ..exact import _soft_policy_values
from ..settings import (
    NON_NEGATIVE,
    NON_NEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    UNIT_INTERVAL,
    Range,
    Settings,
    setting,
    settings_for,
    shared,
)
from ..temperature import discounted_mean_entropy, dual_step
from .baselines import BASELINE_NAMES, make_baseline
from .gradients import flat_gradient
from .natural import NaturalGradient, episode_scores
from .objective import batch_loss
from .policies import POLICY_KINDS, make_policy

OPTIMIZER_NAMES = ("adam", "natural")


@dataclass(frozen=True)
class PGConfig(Settings):
    """Settings of one policy-gradient run on the grid. The budget, as in CleanRL's
    PPO: ``total_timesteps`` environment steps, in iterations of ``n_envs`` episodes
    of ``horizon`` steps each."""

    total_timesteps: int = setting(
        1_500_000,
        "environment steps in all: iterations x n_envs x horizon",
        POSITIVE_INT,
    )
    horizon: int = setting(300, "steps per episode, T", POSITIVE_INT)
    n_envs: int = setting(
        10, "episodes per iteration, B (copies of the grid run together)", POSITIVE_INT
    )
    discount: float = shared("discount", 0.99, UNIT_INTERVAL)  # finite episodes
    alpha: float = shared("alpha", 1.0, NON_NEGATIVE)  # 0: plain REINFORCE
    entropy_sign: float = setting(
        1.0,
        "+1: soft reward-to-go; -1: the original post's sign (chapter 8)",
        (1.0, -1.0),
    )
    lr: float = shared("lr", 0.1)
    policy: str = setting(
        "tabular",
        "policy: a logit per state and action, or linear",
        tuple(POLICY_KINDS),
    )
    baseline: str = setting("leave_one_out", "baseline b_t (chapter 9)", BASELINE_NAMES)
    optimizer: str = setting(
        "adam", "adam, or natural gradient (chapter 10)", OPTIMIZER_NAMES
    )
    max_kl: float = setting(
        0.05, "natural gradient: trust region, KL per episode", POSITIVE
    )
    damping: float = setting(
        0.1, "natural gradient: added to the Fisher's diagonal", POSITIVE
    )
    cg_iterations: int = setting(
        10, "natural gradient: conjugate-gradient iterations", POSITIVE_INT
    )
    line_search: bool = setting(
        False,
        "natural gradient: halve the step until its KL on the batch is within "
        "max_kl and the surrogate improves (TRPO)",
    )
    target_entropy: float | None = setting(
        None,
        "learn alpha for this mean entropy in nats (chapter 11)",
        Range(0.0, math.log(5), high_open=True),  # log 5: the uniform policy's
        optional=True,
    )
    alpha_lr: float = setting(
        0.1, "target entropy: dual step size on log alpha", POSITIVE
    )
    alpha_init: str = setting(
        "reward_scale",
        "target entropy: start alpha at the first batch's mean |reward|, or at alpha",
        ("reward_scale", "alpha"),
    )
    seed: int = setting(
        0, "seed of the generator that draws every episode", NON_NEGATIVE_INT
    )
    progress: bool = setting(True, "show a progress bar")
    track_value: bool = setting(
        False, "record the exact soft value V(start) per iteration"
    )

    @property
    def iterations(self) -> int:
        """Batches of ``n_envs`` episodes (and updates) the budget pays for."""
        return self.total_timesteps // (self.n_envs * self.horizon)

    def check(self) -> None:
        if self.iterations == 0:
            raise ValueError(
                f"total_timesteps ({self.total_timesteps}) must pay for at least one "
                f"iteration of n_envs x horizon = {self.n_envs * self.horizon} steps"
            )
        if self.track_value and self.discount == 1:
            raise ValueError(
                "discount must be in [0, 1) with track_value: the exact value is an "
                "infinite-horizon sum"
            )
        if self.baseline == "leave_one_out" and self.n_envs < 2:
            raise ValueError("the leave-one-out baseline needs n_envs >= 2")
        if self.target_entropy is not None:
            if self.alpha_init == "alpha" and self.alpha == 0:
                raise ValueError(
                    "alpha must be positive to start a target entropy's "
                    "dual steps from it (alpha_init='alpha')"
                )


@dataclass
class PGHistory:
    """What one run recorded: one entry per iteration in each array.

    policy: the trained policy module.
    loss: the surrogate loss (its level carries no meaning, only its gradient does).
    episode_reward: mean undiscounted sum of rewards per episode (the post's "cumulative
        reward").
    soft_return: mean discounted soft return G_0 of the sampled episodes.
    entropy: mean policy entropy H(pi(.|s_t)) over the visited states, in nats.
    start_value: exact soft value V_pi(start) before each update, at that iteration's
        alpha (``track_value``), else None.
    alpha: the temperature each iteration used (constant unless ``target_entropy`` is
        set; then the last entry is the learned alpha).
    settings: the :class:`PGConfig` of the run.
    """

    policy: torch.nn.Module
    loss: np.ndarray
    episode_reward: np.ndarray
    soft_return: np.ndarray
    entropy: np.ndarray
    start_value: np.ndarray | None
    alpha: np.ndarray
    settings: PGConfig


def train_pg(grid, config: PGConfig | None = None, **overrides) -> PGHistory:
    """Train a softmax policy on ``grid`` with the maximum-entropy policy gradient.

    Args:
        grid: the grid world.
        config: the settings (:class:`PGConfig`; its defaults when omitted).
        **overrides: settings to change, by field name:
            ``train_pg(grid, alpha=10.0, policy="linear")``.

    Returns:
        a :class:`PGHistory`; ``history.policy`` is the trained policy.
    """
    check_grid(grid)
    config = settings_for(PGConfig, config, **overrides)
    policy = make_policy(config.policy, grid)
    baseline = make_baseline(config.baseline, grid, config.discount)
    generator = torch.Generator().manual_seed(config.seed)
    if config.optimizer == "adam":
        adam = torch.optim.Adam(policy.parameters(), lr=config.lr)
    else:
        natural = NaturalGradient(
            policy,
            config.max_kl,
            config.damping,
            config.cg_iterations,
            line_search=config.line_search,
        )
    seen = {}  # the b_t each loss used, for the line search's surrogate

    def recorded(states, returns):
        seen["baseline"] = baseline(states, returns)
        return seen["baseline"]

    temperature = config.alpha  # a target_entropy moves it by dual-step (chapter 11)
    iterations = config.iterations
    records = {
        name: np.zeros(iterations)
        for name in (
            "loss",
            "episode_reward",
            "soft_return",
            "entropy",
            "start_value",
            "alpha",
        )
    }
    for iteration in tqdm(
        range(iterations), disable=not config.progress, desc="training"
    ):
        with torch.no_grad():  # the policy before this iteration's update
            probs = policy.action_probabilities(torch.float64)
        episodes = grid._rollout(policy, config.horizon, config.n_envs, generator)
        if iteration == 0 and config.target_entropy is not None:
            if config.alpha_init == "reward_scale":  # alpha in the units of reward
                temperature = episodes.rewards.abs().mean().item() or config.alpha
        records["alpha"][iteration] = temperature
        if config.track_value:  # V_pi(start) at this iteration's temperature
            values = _soft_policy_values(grid, probs, temperature, config.discount)
            records["start_value"][iteration] = values[grid.start_state].item()
        alpha = config.entropy_sign * temperature  # -1: the post's sign (chapter 8)
        loss, returns = batch_loss(policy, episodes, alpha, config.discount, recorded)
        if config.optimizer == "adam":
            adam.zero_grad()
            loss.backward()
            adam.step()
        else:
            scores = episode_scores(policy, episodes.states, episodes.actions)
            gradient = -flat_gradient(loss, policy)
            if config.line_search:  # w = gamma^t (G_t - b_t) / B, as in the loss
                steps = torch.arange(config.horizon, dtype=torch.float64)
                weights = (config.discount**steps)[:, None] * (
                    returns - seen["baseline"]
                ).double()
                natural.step(
                    gradient,
                    scores,
                    episodes.states,
                    episodes.actions,
                    weights / config.n_envs,
                )
            else:
                natural.step(gradient, scores)
        records["loss"][iteration] = loss.item()
        records["episode_reward"][iteration] = episodes.rewards.sum(0).mean().item()
        records["soft_return"][iteration] = returns[0].mean().item()
        # entropy of the policy that drew this batch, over the states it visited
        visited_entropy = entropy(probs)[episodes.states]  # [T, B]
        records["entropy"][iteration] = visited_entropy.mean().item()
        if config.target_entropy is not None:  # dual-step on log alpha
            batch_entropy = discounted_mean_entropy(visited_entropy, config.discount)
            log_alpha = dual_step(
                math.log(temperature),
                batch_entropy.item(),
                config.target_entropy,
                config.alpha_lr,
            )
            temperature = math.exp(log_alpha)

    start_value = records.pop("start_value")
    return PGHistory(
        policy=policy,
        **records,
        start_value=start_value if config.track_value else None,
        settings=config,
    )
