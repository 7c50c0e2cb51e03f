"""Training a softmax policy with entropy-regularised REINFORCE (the book's chapter 4).

One iteration: sample ``n_episodes`` episodes of ``horizon`` steps with the current
policy, compute every step's soft reward-to-go (``soft-reward-to-go``), subtract a
baseline, and take one optimiser step on the surrogate loss (``policy-gradient``). No
epsilon-random actions are mixed in: the samples must come from the policy whose
gradient we estimate.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from ._validation import check_policy_grid
from .baselines import make_baseline
from .config import TrainingConfig
from .exact import policy_entropy, soft_policy_values
from .gradients import flat_gradient
from .natural import NaturalGradient, episode_scores
from .objective import batch_loss
from .temperature import discounted_mean_entropy, dual_step


@dataclass
class TrainingHistory:
    """What one run recorded: one entry per iteration in each array.

    loss: the surrogate loss (its level carries no meaning, only its gradient does).
    episode_reward: mean undiscounted sum of rewards per episode (the post's "cumulative
        reward").
    soft_return: mean discounted soft return G_0 of the sampled episodes.
    entropy: mean policy entropy H(pi(.|s_t)) over the visited states, in nats.
    start_value: exact soft value V_pi(start) before each update, at that iteration's
        alpha (``track_value``), else None.
    settings: the :class:`TrainingConfig` of the run.
    alpha: the temperature each iteration used (constant unless ``target_entropy`` is
        set; then the last entry is the learned alpha).
    """

    loss: np.ndarray
    episode_reward: np.ndarray
    soft_return: np.ndarray
    entropy: np.ndarray
    start_value: np.ndarray | None
    settings: TrainingConfig
    alpha: np.ndarray | None = None


def train(
    grid, policy, config: TrainingConfig | None = None, **overrides
) -> TrainingHistory:
    """Train ``policy`` in place on ``grid`` and return its :class:`TrainingHistory`.

    Args:
        grid: the grid world.
        policy: a softmax policy built for ``grid`` (its parameters are updated).
        config: the settings (:class:`TrainingConfig`; its defaults when omitted).
        **overrides: settings to change, by field name:
            ``train(grid, policy, alpha=10.0)``.
    """
    check_policy_grid(policy, grid)
    config = dataclasses.replace(config or TrainingConfig(), **overrides)
    baseline = make_baseline(config.baseline, grid, config.discount)
    generator = torch.Generator().manual_seed(config.seed)
    if config.optimizer == "adam":
        adam = torch.optim.Adam(policy.parameters(), lr=config.lr)
    else:
        natural = NaturalGradient(
            policy, config.max_kl, config.damping, config.cg_iterations
        )
    temperature = config.alpha  # a target_entropy moves it by dual-step (chapter 11)
    alphas = np.zeros(config.iterations)

    records = {
        name: np.zeros(config.iterations)
        for name in ("loss", "episode_reward", "soft_return", "entropy", "start_value")
    }
    for iteration in tqdm(
        range(config.iterations), disable=not config.progress, desc="training"
    ):
        with torch.no_grad():  # the policy before this iteration's update
            probs = policy.action_probabilities(torch.float64)
        episodes = grid.rollout(policy, config.horizon, config.n_episodes, generator)
        if iteration == 0 and config.target_entropy is not None:
            if config.alpha_init == "reward_scale":  # alpha in the units of reward
                temperature = episodes.rewards.abs().mean().item() or config.alpha
        alphas[iteration] = temperature
        if config.track_value:  # V_pi(start) at this iteration's temperature
            values = soft_policy_values(grid, probs, temperature, config.discount)
            records["start_value"][iteration] = values[grid.start_state].item()
        alpha = config.entropy_sign * temperature  # -1: the post's sign (chapter 8)
        loss, returns = batch_loss(policy, episodes, alpha, config.discount, baseline)
        if config.optimizer == "adam":
            adam.zero_grad()
            loss.backward()
            adam.step()
        else:
            scores = episode_scores(policy, episodes.states, episodes.actions)
            natural.step(-flat_gradient(loss, policy), scores)
        records["loss"][iteration] = loss.item()
        records["episode_reward"][iteration] = episodes.rewards.sum(0).mean().item()
        records["soft_return"][iteration] = returns[0].mean().item()
        # entropy of the policy that drew this batch, over the states it visited
        visited_entropy = policy_entropy(probs)[episodes.states]  # [T, B]
        records["entropy"][iteration] = visited_entropy.mean().item()
        if config.target_entropy is not None:  # dual-step on log alpha
            batch_entropy = discounted_mean_entropy(visited_entropy, config.discount)
            batch_entropy = batch_entropy.item()
            log_alpha = dual_step(
                math.log(temperature),
                batch_entropy,
                config.target_entropy,
                config.alpha_lr,
            )
            temperature = math.exp(log_alpha)

    start_value = records.pop("start_value")
    return TrainingHistory(
        **records,
        start_value=start_value if config.track_value else None,
        settings=config,
        alpha=alphas,
    )
