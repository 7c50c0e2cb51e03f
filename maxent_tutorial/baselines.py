"""Baselines b_t for the policy-gradient weight G_t - b_t.

Any b_t that does not depend on the action a_t (nor on later randomness of the same episode)
leaves the estimate (3.3) unbiased and can lower its variance. Each baseline is called with the
batch's soft rewards-to-go *before* it learns from them, so it never sees its own episode.
"""

from __future__ import annotations

import torch


class NoBaseline:
    """b_t = 0: plain REINFORCE."""

    name = "none"

    def __call__(self, returns_to_go: torch.Tensor) -> torch.Tensor:
        """[T, B] G -> [T, B] b."""
        return torch.zeros_like(returns_to_go)


class RunningMeanBaseline:
    """b = exponential running mean of all earlier batches' soft rewards-to-go (one number).

    ``b <- decay * b + (1 - decay) * mean(G)`` after each batch; 0 before the first.
    """

    name = "running_mean"

    def __init__(self, decay: float = 0.9):
        if not 0 <= decay < 1:
            raise ValueError(f"decay must be in [0, 1), got {decay}")
        self.decay = decay
        self.value: float | None = None

    def __call__(self, returns_to_go: torch.Tensor) -> torch.Tensor:
        current = 0.0 if self.value is None else self.value
        batch_mean = returns_to_go.mean().item()
        self.value = batch_mean if self.value is None else self.decay * self.value + (1 - self.decay) * batch_mean
        return torch.full_like(returns_to_go, current)


class TimeStepBaseline:
    """b_t^(i) = mean of G_t over the *other* episodes of the batch (leave-one-out).

    Leaving episode i out keeps b_t^(i) independent of episode i's actions, so the estimate
    stays exactly unbiased even with few episodes. Needs at least two episodes.
    """

    name = "time"

    def __call__(self, returns_to_go: torch.Tensor) -> torch.Tensor:
        n_episodes = returns_to_go.shape[1]
        if n_episodes < 2:
            raise ValueError("the per-time-step baseline needs n_episodes >= 2 (it leaves one out)")
        total = returns_to_go.sum(dim=1, keepdim=True)  # [T, 1]
        return (total - returns_to_go) / (n_episodes - 1)


BASELINES = {cls.name: cls for cls in (NoBaseline, RunningMeanBaseline, TimeStepBaseline)}


def make_baseline(name: str):
    """Build a baseline by name: ``"none"``, ``"running_mean"`` or ``"time"``."""
    if name not in BASELINES:
        raise ValueError(f"baseline must be one of {sorted(BASELINES)}, got {name!r}")
    return BASELINES[name]()
