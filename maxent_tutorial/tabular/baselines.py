"""Baselines b_t for the policy-gradient weight G_t - b_t (chapter 9).

Any b_t that does not depend on the action a_t (nor on later randomness of the same
episode) leaves the estimate (``policy-gradient``) unbiased and can lower its variance.
Every baseline here is called with a batch's states and soft rewards-to-go, returns b
for that batch, and only *then* learns from the batch, so it never uses an episode to
build that episode's own baseline.

All share one call: ``baseline(states, returns_to_go) -> [T, B]`` with ``states`` [T, B]
long and ``returns_to_go`` [T, B] float.
"""

from __future__ import annotations

import torch

from .._validation import check_discount

BASELINE_NAMES = (
    "none",
    "running_mean",
    "leave_one_out",
    "critic_tabular",
    "critic_linear",
)


class NoBaseline:
    """b_t = 0: plain REINFORCE."""

    def __call__(
        self, states: torch.Tensor, returns_to_go: torch.Tensor
    ) -> torch.Tensor:
        return torch.zeros_like(returns_to_go)


class RunningMeanBaseline:
    """b = exponential running mean of all earlier batches' soft rewards-to-go (one
    number).

    ``b <- decay * b + (1 - decay) * mean(G)`` after each batch; 0 before the first.
    """

    def __init__(self, decay: float = 0.9):
        if not 0 <= decay < 1:
            raise ValueError(f"decay must be in [0, 1), got {decay}")
        self.decay = decay
        self.value: float | None = None

    def __call__(
        self, states: torch.Tensor, returns_to_go: torch.Tensor
    ) -> torch.Tensor:
        current = 0.0 if self.value is None else self.value
        batch_mean = returns_to_go.mean().item()
        self.value = (
            batch_mean
            if self.value is None
            else self.decay * self.value + (1 - self.decay) * batch_mean
        )
        return torch.full_like(returns_to_go, current)


class LeaveOneOutBaseline:
    """b_t^(i) = mean of G_t over the *other* episodes of the batch (``leave-one-out``).

    Leaving episode i out keeps b_t^(i) independent of episode i's actions, so the
    estimate stays exactly unbiased even with few episodes. Needs at least two episodes.
    """

    def __call__(
        self, states: torch.Tensor, returns_to_go: torch.Tensor
    ) -> torch.Tensor:
        n_episodes = returns_to_go.shape[1]
        if n_episodes < 2:
            raise ValueError("the leave-one-out baseline needs n_episodes >= 2")
        total = returns_to_go.sum(dim=1, keepdim=True)  # [T, 1]
        return (total - returns_to_go) / (n_episodes - 1)


class ValueCritic:
    """A learned state-value critic (``critic``): b_t = (1 - gamma^(T-t)) * V_w(s_t),
    V_w = w.phi.

    Features ``phi``: ``"tabular"`` (one-hot state, one weight per cell) or ``"linear"``
    ((row, col) scaled to [0, 1], plus a constant). Episodes are cut after T steps, so
    G_t estimates the value of s_t minus a discounted tail; for a policy that settles in
    one place that tail is gamma^(T-t) of the value, hence the factor (1 - gamma^(T-t)).

    Fitting: after each batch, ridge regression of G_t on the scaled features, pulled
        towards the previous weights: ``w = argmin ||X w - G||^2 + ridge * ||w -
        w_old||^2`` (closed form). States the batch did not visit keep their old value.
    """

    def __init__(
        self,
        grid,
        features: str = "tabular",
        discount: float = 0.99,
        ridge: float = 1.0,
    ):
        if features not in ("tabular", "linear"):
            raise ValueError(
                f"features must be 'tabular' or 'linear', got {features!r}"
            )
        self.discount = check_discount(discount, infinite_horizon=False)
        self.ridge = ridge
        if features == "tabular":
            self.features = torch.eye(grid.n_states, dtype=torch.float64)  # [S, S]
        else:
            ones = torch.ones(grid.n_states, 1, dtype=torch.float64)
            # [S, 3]: scaled (row, col) and a constant
            self.features = torch.cat((grid.scaled_coordinates().double(), ones), dim=1)
        self.weights = torch.zeros(self.features.shape[1], dtype=torch.float64)

    def values(self) -> torch.Tensor:
        """[n_states] V_w(s)."""
        return self.features @ self.weights

    def _tail_scale(self, horizon: int) -> torch.Tensor:
        steps_left = torch.arange(horizon, 0, -1, dtype=torch.float64)  # T - t
        return 1 - self.discount**steps_left  # [T]

    def __call__(
        self, states: torch.Tensor, returns_to_go: torch.Tensor
    ) -> torch.Tensor:
        scale = self._tail_scale(states.shape[0])[:, None]  # [T, 1], 1 - gamma^(T-t)
        baseline = (scale * self.values()[states]).to(returns_to_go.dtype)
        self._fit(scale, states, returns_to_go)
        return baseline

    def _fit(
        self, scale: torch.Tensor, states: torch.Tensor, returns_to_go: torch.Tensor
    ) -> None:
        """Ridge regression of G_t on (1 - gamma^(T-t)) phi(s_t), towards the current
        weights."""
        # design matrix [T*B, k]: rows (1 - gamma^(T-t)) phi(s_t)
        design = (scale[..., None] * self.features[states]).reshape(
            -1, self.features.shape[1]
        )
        targets = returns_to_go.detach().double().reshape(-1)
        gram = design.T @ design + self.ridge * torch.eye(
            design.shape[1], dtype=torch.float64
        )
        self.weights = torch.linalg.solve(
            gram, design.T @ targets + self.ridge * self.weights
        )


def make_baseline(name: str, grid=None, discount: float = 0.99):
    """Build a baseline by name: one of ``BASELINE_NAMES``. Critics need ``grid`` and
    ``discount``."""
    if name == "none":
        return NoBaseline()
    if name == "running_mean":
        return RunningMeanBaseline()
    if name == "leave_one_out":
        return LeaveOneOutBaseline()
    if name in ("critic_tabular", "critic_linear"):
        if grid is None:
            raise ValueError(f"baseline {name!r} needs the grid")
        return ValueCritic(
            grid, features=name.removeprefix("critic_"), discount=discount
        )
    raise ValueError(f"baseline must be one of {list(BASELINE_NAMES)}, got {name!r}")
