"""Softmax policies over the five grid actions.

Both policies map a state to logits ``z(s) in R^5`` and act with ``pi(a|s) = exp(z_a(s))
/ sum_b exp(z_b(s))``. Log-probabilities come from ``log_softmax``, which is exact for
every logit value, so no ``log(p + eps)`` clamp is ever needed.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import (
    check_indices,
    check_probability_table,
    check_state_action_pairs,
)


class SoftmaxPolicy(nn.Module):
    """Common behaviour: subclasses define ``logits(states) -> [B, 5]``."""

    def __init__(self, grid):
        super().__init__()
        self.grid_shape = (grid.n_rows, grid.n_cols)
        self.n_states = grid.n_states
        self.n_actions = grid.n_actions

    # pragma: no cover - abstract
    def logits(self, states: torch.Tensor) -> torch.Tensor:
        """[...] long states -> [..., 5] logits z(s)."""
        raise NotImplementedError

    def log_probs(self, states=None, actions=None) -> torch.Tensor:
        """log pi by log-softmax of the logits (``softmax-policy``), differentiable.

        * ``log_probs()``: [n_states, 5], every state's row.
        * ``log_probs(states)``: [...] long states -> [..., 5].
        * ``log_probs(states, actions)``: [T, B] states and actions -> [T, B] log
          pi(a_t|s_t).

        The grid has few states, so the policy is evaluated once per state and the rows
        are gathered: much cheaper, forward and backward, than evaluating it at every
        step.
        """
        table = torch.log_softmax(self.logits(torch.arange(self.n_states)), dim=-1)
        if states is None:
            return table
        if actions is None:
            return table[check_indices(states, self.n_states, "states")]
        states, actions = check_state_action_pairs(
            states, actions, self.n_states, self.n_actions
        )
        return table[states, actions]

    def forward(self, states=None, actions=None) -> torch.Tensor:
        """Calling the policy is :meth:`log_probs`."""
        return self.log_probs(states, actions)

    def action_probabilities(self, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """[n_states, 5] table pi(a|s), rows summing to 1, differentiable in the
        parameters.

        ``dtype=torch.float64`` computes the softmax in double precision (for exact
        evaluation).
        """
        logits = self.logits(torch.arange(self.n_states)).to(dtype)
        return torch.softmax(logits, dim=-1)


class TabularSoftmaxPolicy(SoftmaxPolicy):
    """One free logit per (state, action): ``z_a(s) = theta[s, a]``, started at zero
    (uniform).

    Parameters: ``table`` [n_states, 5].
    """

    def __init__(self, grid):
        super().__init__(grid)
        self.table = nn.Parameter(torch.zeros(grid.n_states, grid.n_actions))

    def logits(self, states: torch.Tensor) -> torch.Tensor:
        return self.table[states]


class LinearSoftmaxPolicy(SoftmaxPolicy):
    """Logits linear in the cell's coordinates, as in the original post: ``z(s) = W x(s)
    + b`` with ``x(s) = (row / (n_rows - 1), col / (n_cols - 1))``.

    The coordinates are scaled to [0, 1]: a convention, which changes no policy the
    model can express (the post used raw coordinates; the appendix compares the two).
    Parameters: ``linear.weight`` [5, 2], ``linear.bias`` [5], started at zero.
    """

    def __init__(self, grid):
        super().__init__(grid)
        features = grid.scaled_coordinates()  # [n_states, 2] float32
        self.register_buffer("cell_features", features, persistent=False)
        self.linear = nn.Linear(2, grid.n_actions)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def features(self, states: torch.Tensor) -> torch.Tensor:
        """[...] long states -> [..., 2] x(s), the cell (row, col) scaled to [0, 1]."""
        return self.cell_features[states]

    def logits(self, states: torch.Tensor) -> torch.Tensor:
        return self.linear(self.features(states))


class TablePolicy(SoftmaxPolicy):
    """A fixed policy given by its table ``pi(a|s)`` (no parameters): the soft-optimal
    policy, a greedy policy, or any table to roll out and inspect.

    Args:
        grid: the grid world.
        probs: [n_states, 5] non-negative rows summing to 1. Zero entries give logit
            -inf (log-probability -inf, never sampled).
    """

    def __init__(self, grid, probs):
        super().__init__(grid)
        probs = check_probability_table(probs, grid.n_states, grid.n_actions)
        self.register_buffer(
            "table_log_probs", torch.log(probs.detach().to(torch.float64))
        )

    def logits(self, states: torch.Tensor) -> torch.Tensor:
        return self.table_log_probs[states]


def greedy_probabilities(probs: torch.Tensor) -> torch.Tensor:
    """[n_states, 5] pi -> [n_states, 5] one-hot table of each state's most likely
    action (the first one on ties)."""
    probs = torch.as_tensor(probs)
    return torch.nn.functional.one_hot(probs.argmax(dim=-1), probs.shape[-1]).to(
        torch.float64
    )


POLICY_KINDS = {"tabular": TabularSoftmaxPolicy, "linear": LinearSoftmaxPolicy}


def make_policy(kind: str, grid) -> SoftmaxPolicy:
    """Build a policy by name: ``"tabular"`` or ``"linear"``."""
    if kind not in POLICY_KINDS:
        raise ValueError(f"kind must be one of {sorted(POLICY_KINDS)}, got {kind!r}")
    return POLICY_KINDS[kind](grid)


def load_policy(path, grid, kind: str) -> SoftmaxPolicy:
    """Rebuild a policy of ``kind`` for ``grid`` from a saved ``state_dict`` (weights
    only)."""
    policy = make_policy(kind, grid)
    policy.load_state_dict(torch.load(path, weights_only=True))
    return policy
