"""Training a softmax policy with entropy-regularised REINFORCE (the book's chapter 4).

One epoch: sample ``n_episodes`` episodes of ``horizon`` steps with the current policy, compute
every step's soft reward-to-go (3.2), subtract a baseline, and take one optimiser step on the
surrogate loss (3.3). No epsilon-random actions are mixed in: the samples must come from the
policy whose gradient we estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm.auto import tqdm

from ._validation import check_alpha, check_discount, check_policy_grid, check_positive_int
from .baselines import make_baseline
from .exact import policy_entropy, soft_policy_values
from .gradients import flat_gradient
from .natural import NaturalGradient, episode_scores
from .objective import maxent_pg_loss, soft_rewards_to_go


@dataclass
class TrainingHistory:
    """Per-epoch records, each an array of length ``epochs``.

    loss: the surrogate loss value (its level carries no meaning, only its gradient does).
    episode_reward: mean undiscounted sum of rewards per episode (the post's "cumulative reward").
    soft_return: mean discounted soft return G_0 of the sampled episodes.
    entropy: mean policy entropy H(pi(.|s_t)) over the visited states, in nats.
    start_value: exact soft value V_pi(start) before each update (only with ``track_value=True``).
    """

    loss: np.ndarray
    episode_reward: np.ndarray
    soft_return: np.ndarray
    entropy: np.ndarray
    start_value: np.ndarray | None = None
    settings: dict = field(default_factory=dict)


def train(grid, policy, *, epochs: int = 500, horizon: int = 300, n_episodes: int = 10,
          discount: float = 0.99, alpha: float = 1.0, lr: float = 0.1, baseline: str = "time",
          optimizer: str = "adam", max_kl: float = 0.05, damping: float = 0.1, cg_iterations: int = 10,
          seed: int = 0, progress: bool = True, track_value: bool = False) -> TrainingHistory:
    """Train ``policy`` in place on ``grid`` and return its :class:`TrainingHistory`.

    Args:
        grid: the grid world.
        policy: a softmax policy built for ``grid`` (its parameters are updated).
        epochs: number of updates; horizon: steps per episode; n_episodes: episodes per update.
        discount: gamma in [0, 1]; alpha: entropy temperature >= 0.
        lr: Adam's learning rate (``optimizer="adam"``).
        baseline: ``"time"`` (per-step leave-one-out mean, default), ``"running_mean"``, ``"none"``,
            ``"critic_tabular"`` or ``"critic_linear"`` (see :mod:`maxent_tutorial.baselines`).
        optimizer: ``"adam"`` or ``"natural"`` (natural gradient with conjugate gradients and a
            KL trust region of ``max_kl``, Fisher ``damping``, ``cg_iterations``; chapter 10).
        seed: seeds the ``torch.Generator`` that draws every episode: same seed, same history.
        progress: show a tqdm progress bar.
        track_value: also record the exact soft value of the start state before each update.
    """
    check_policy_grid(policy, grid)
    epochs = check_positive_int(epochs, "epochs")
    horizon = check_positive_int(horizon, "horizon")
    n_episodes = check_positive_int(n_episodes, "n_episodes")
    discount = check_discount(discount, infinite_horizon=False)
    alpha = check_alpha(alpha)
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    if track_value and discount >= 1:
        raise ValueError("track_value needs discount < 1 (the exact value is an infinite sum)")
    baseline_fn = make_baseline(baseline, grid, discount)
    generator = torch.Generator().manual_seed(seed)
    if optimizer == "adam":
        adam = torch.optim.Adam(policy.parameters(), lr=lr)
    elif optimizer == "natural":
        natural = NaturalGradient(policy, max_kl=max_kl, damping=damping, cg_iterations=cg_iterations)
    else:
        raise ValueError(f"optimizer must be 'adam' or 'natural', got {optimizer!r}")

    records = np.zeros((5, epochs))
    for epoch in tqdm(range(epochs), disable=not progress, desc="training"):
        if track_value:
            with torch.no_grad():
                probs = policy.action_probabilities(torch.float64)
                records[4, epoch] = soft_policy_values(grid, probs, alpha, discount)[grid.start_state]
        episodes = grid.rollout(policy, horizon, n_episodes, generator)
        log_probs = policy.taken_log_probs(episodes.states, episodes.actions)  # [T, B]
        returns = soft_rewards_to_go(episodes.rewards, log_probs.detach(), alpha, discount)
        loss = maxent_pg_loss(log_probs, returns, discount, baseline_fn(episodes.states, returns))
        with torch.no_grad():  # entropy of the policy that drew this batch, over the visited states
            entropy = policy_entropy(policy.action_probabilities())[episodes.states].mean()
        if optimizer == "adam":
            adam.zero_grad()
            loss.backward()
            adam.step()
        else:
            scores = episode_scores(policy, episodes.states, episodes.actions)
            natural.step(-flat_gradient(loss, policy), scores)
        records[:4, epoch] = (loss.item(), episodes.rewards.sum(0).mean().item(),
                              returns[0].mean().item(), entropy.item())

    settings = dict(epochs=epochs, horizon=horizon, n_episodes=n_episodes, discount=discount,
                    alpha=alpha, lr=lr, baseline=baseline, optimizer=optimizer, seed=seed)
    if optimizer == "natural":
        settings.update(max_kl=max_kl, damping=damping, cg_iterations=cg_iterations)
    return TrainingHistory(loss=records[0], episode_reward=records[1], soft_return=records[2],
                           entropy=records[3], start_value=records[4] if track_value else None,
                           settings=settings)
