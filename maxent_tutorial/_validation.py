"""Argument checks shared by the public functions: each error names the argument at fault."""

from __future__ import annotations

import math
from numbers import Integral, Real

import torch


def check_positive_int(value, name: str) -> int:
    """Return ``value`` as an int if it is a positive integer, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_alpha(alpha) -> float:
    """Return the entropy temperature as a float; it must be a finite number >= 0."""
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"alpha must be a number, got {alpha!r}")
    if math.isnan(alpha) or alpha < 0 or math.isinf(alpha):
        raise ValueError(f"alpha (the entropy temperature) must be a finite number >= 0, got {alpha}")
    return float(alpha)


def check_discount(discount, infinite_horizon: bool) -> float:
    """Return ``discount`` as a float in [0, 1) (infinite sums) or [0, 1] (finite sums)."""
    if isinstance(discount, bool) or not isinstance(discount, Real):
        raise TypeError(f"discount must be a number, got {discount!r}")
    if infinite_horizon:
        if not 0 <= discount < 1:
            raise ValueError(f"discount must be in [0, 1) for an infinite-horizon value, got {discount}")
    elif not 0 <= discount <= 1:
        raise ValueError(f"discount must be in [0, 1], got {discount}")
    return float(discount)


def check_policy_grid(policy, grid) -> None:
    """Raise if ``policy`` was built for a grid of another shape than ``grid``."""
    if not hasattr(policy, "action_probabilities"):
        raise TypeError(f"policy must be a policy module with action_probabilities(), got {type(policy).__name__}")
    shape = getattr(policy, "grid_shape", None)
    if shape != (grid.n_rows, grid.n_cols):
        raise ValueError(f"policy was built for a grid of shape {shape}, "
                         f"but this grid is {grid.n_rows}x{grid.n_cols}")


def check_probability_table(probs, n_states: int, n_actions: int, name: str = "probs") -> torch.Tensor:
    """Check a policy table ``[n_states, n_actions]``: entries >= 0, every row summing to 1."""
    if not isinstance(probs, torch.Tensor):
        probs = torch.as_tensor(probs, dtype=torch.float64)
    if not probs.dtype.is_floating_point:
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {probs.dtype}")
    if probs.shape != (n_states, n_actions):
        raise ValueError(f"{name} must have shape [n_states, n_actions] = [{n_states}, {n_actions}], "
                         f"got {list(probs.shape)}")
    values = probs.detach()
    if not torch.isfinite(values).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    if (values < 0).any():
        raise ValueError(f"{name} must be non-negative, got a minimum of {values.min().item():.3g}")
    row_sums = values.sum(dim=1)
    tolerance = 1e-5 if values.dtype == torch.float32 else 1e-9
    worst = (row_sums - 1).abs().max().item()
    if worst > tolerance:
        raise ValueError(f"every row of {name} must sum to 1, but one is off by {worst:.3g}")
    return probs


def check_same_shape(**tensors: torch.Tensor) -> None:
    """Raise if the named tensors do not all have one shape; the message names each."""
    shapes = {name: tuple(t.shape) for name, t in tensors.items()}
    if len(set(shapes.values())) > 1:
        described = ", ".join(f"{name} {list(shape)}" for name, shape in shapes.items())
        raise ValueError(f"shapes must match: got {described}")
