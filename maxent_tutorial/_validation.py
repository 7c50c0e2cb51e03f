"""Argument checks for the public functions: each error names the argument at fault.

A public function validates its input in one line with these helpers; the math below
that line trusts its input. Inner calls (``train`` calling the objective, for instance)
pass values that were already checked once, where they entered.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import torch

# A probability table's rows may miss 1 by this much: torch.distributions' simplex check
# accepts the same, so a float32 table cast to float64 is accepted too.
SIMPLEX_TOLERANCE = 1e-6


def check_positive_int(value, name: str) -> int:
    """Return ``value`` as an int if it is a positive integer, else raise naming
    ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_non_negative_int(value, name: str) -> int:
    """Return ``value`` as an int if it is an integer >= 0, else raise naming it."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def check_number(
    value,
    name: str,
    low: float,
    high: float,
    *,
    high_open: bool = False,
    meaning: str = "",
    why: str = "",
) -> float:
    """Return ``value`` as a finite float in [low, high] (or [low, high)), else raise
    naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    inside = low <= value < high if high_open else low <= value <= high
    if not math.isfinite(value) or not inside:
        closing = ")" if high_open else "]"
        about = f" ({meaning})" if meaning else ""
        raise ValueError(
            f"{name}{about} must be in [{low:g}, {high:g}{closing}{why}, got {value}"
        )
    return float(value)


def check_alpha(alpha) -> float:
    """Return the entropy temperature as a float; it must be a finite number >= 0."""
    return check_number(
        alpha, "alpha", 0.0, math.inf, high_open=True, meaning="the entropy temperature"
    )


def check_discount(discount, infinite_horizon: bool) -> float:
    """Return ``discount`` as a float in [0, 1) (infinite sums) or [0, 1] (finite)."""
    why = " for an infinite-horizon value" if infinite_horizon else ""
    return check_number(
        discount, "discount", 0.0, 1.0, high_open=infinite_horizon, why=why
    )


def check_indices(values, size: int, name: str) -> torch.Tensor:
    """Return ``values`` as a long tensor if every entry is an integer in 0..size-1."""
    values = torch.as_tensor(values)
    if (
        values.dtype.is_floating_point
        or values.dtype == torch.bool
        or values.is_complex()
    ):
        raise TypeError(f"{name} must be integers, got dtype {values.dtype}")
    if values.numel() and (values.min() < 0 or values.max() >= size):
        raise ValueError(
            f"{name} must lie in 0..{size - 1}, got values from "
            f"{int(values.min())} to {int(values.max())}"
        )
    return values.long()


def check_state_action_pairs(states, actions, n_states: int, n_actions: int):
    """Return ``(states, actions)`` as long tensors of one shape, indices in range."""
    states = check_indices(states, n_states, "states")
    actions = check_indices(actions, n_actions, "actions")
    if states.shape != actions.shape:
        raise ValueError(
            f"states and actions must have one shape, got "
            f"{list(states.shape)} and {list(actions.shape)}"
        )
    return states, actions


def check_grid(grid) -> None:
    """Raise ``TypeError`` unless ``grid`` is a grid world (the problem of the grid's
    methods)."""
    if not all(hasattr(grid, name) for name in ("next_states", "state_rewards")):
        raise TypeError(f"grid must be a GridWorld, got {type(grid).__name__}")


def check_policy_grid(policy, grid) -> None:
    """Raise unless ``policy`` is a policy module built for a grid like ``grid``."""
    if not hasattr(policy, "action_probabilities"):
        raise TypeError(
            "policy must be a policy module with action_probabilities(), "
            f"got {type(policy).__name__}"
        )
    shape = getattr(policy, "grid_shape", None)
    if shape != (grid.n_rows, grid.n_cols):
        raise ValueError(
            f"policy was built for a grid of shape {shape}, "
            f"but this grid is {grid.n_rows}x{grid.n_cols}"
        )


def check_probability_table(
    probs, n_states: int, n_actions: int, name: str = "probs"
) -> torch.Tensor:
    """Check a table ``[n_states, n_actions]``: finite, >= 0, rows summing to 1."""
    if not isinstance(probs, torch.Tensor):
        probs = torch.as_tensor(probs, dtype=torch.float64)
    if not probs.dtype.is_floating_point:
        raise TypeError(
            f"{name} must be a floating-point tensor, got dtype {probs.dtype}"
        )
    if probs.shape != (n_states, n_actions):
        raise ValueError(
            f"{name} must have shape [n_states, n_actions] = "
            f"[{n_states}, {n_actions}], got {list(probs.shape)}"
        )
    values = probs.detach()
    if not torch.isfinite(values).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    if (values < 0).any():
        raise ValueError(
            f"{name} must be non-negative, got a minimum of {values.min().item():.3g}"
        )
    worst = (values.double().sum(dim=1) - 1).abs().max().item()
    if worst > SIMPLEX_TOLERANCE:
        raise ValueError(
            f"every row of {name} must sum to 1, but one is off by {worst:.3g}"
        )
    return probs


def check_episode_batch(**tensors) -> None:
    """Raise unless every named value is a 2-D ``[T, B]`` tensor, all of one shape."""
    for name, value in tensors.items():
        if not isinstance(value, torch.Tensor) or value.ndim != 2:
            got = (
                f"{value.ndim}-D"
                if isinstance(value, torch.Tensor)
                else type(value).__name__
            )
            raise ValueError(
                f"{name} must be a [T, B] tensor (time, episode), got {got}"
            )
    shapes = {name: list(value.shape) for name, value in tensors.items()}
    if len({tuple(shape) for shape in shapes.values()}) > 1:
        described = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        raise ValueError(f"shapes must match: got {described}")
