"""Softmax policies over the five grid actions.

Both policies map a state to logits ``z(s) in R^5`` and act with
``pi(a|s) = exp(z_a(s)) / sum_b exp(z_b(s))``. Log-probabilities come from ``log_softmax``,
which is exact for every logit value, so no ``log(p + eps)`` clamp is ever needed.
"""

from __future__ import annotations

import torch
from torch import nn

from ._validation import check_probability_table


class SoftmaxPolicy(nn.Module):
    """Common behaviour: subclasses define ``logits(states) -> [B, 5]``."""

    def __init__(self, grid):
        super().__init__()
        self.grid_shape = (grid.n_rows, grid.n_cols)
        self.n_states = grid.n_states
        self.n_actions = grid.n_actions

    def logits(self, states: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_states(self, states) -> torch.Tensor:
        states = torch.as_tensor(states)
        if states.dtype.is_floating_point or states.dtype == torch.bool:
            raise TypeError(f"states must be integer state indices, got dtype {states.dtype}")
        if states.numel() and (states.min() < 0 or states.max() >= self.n_states):
            raise ValueError(f"states must lie in 0..{self.n_states - 1}, got values from "
                             f"{int(states.min())} to {int(states.max())}")
        return states.long()

    def log_probs(self, states) -> torch.Tensor:
        """[...] long states -> [..., 5] log pi(.|s), by log-softmax of the logits."""
        return torch.log_softmax(self.logits(self._check_states(states)), dim=-1)

    def forward(self, states) -> torch.Tensor:
        return self.log_probs(states)

    def action_probabilities(self, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """[n_states, 5] pi(a|s) for every state, rows summing to 1.

        ``dtype=torch.float64`` computes the softmax in double precision (for exact evaluation).
        Differentiable in the parameters.
        """
        logits = self.logits(torch.arange(self.n_states)).to(dtype)
        return torch.softmax(logits, dim=-1)

    def log_probability_table(self) -> torch.Tensor:
        """[n_states, 5] log pi(a|s) for every state (log-softmax), differentiable."""
        return torch.log_softmax(self.logits(torch.arange(self.n_states)), dim=-1)

    def taken_log_probs(self, states, actions) -> torch.Tensor:
        """[T, B] states and actions -> [T, B] log pi(a_t|s_t), differentiable.

        The grid has few states, so this evaluates the policy once per state and gathers:
        much cheaper, forward and backward, than evaluating it at every visited step.
        """
        states = self._check_states(states)
        actions = torch.as_tensor(actions)
        if actions.shape != states.shape:
            raise ValueError(f"states and actions must have one shape, got {list(states.shape)} "
                             f"and {list(actions.shape)}")
        if actions.numel() and (actions.min() < 0 or actions.max() >= self.n_actions):
            raise ValueError(f"actions must lie in 0..{self.n_actions - 1}")
        flat_index = (states * self.n_actions + actions.long()).reshape(-1)
        return self.log_probability_table().reshape(-1).gather(0, flat_index).reshape(states.shape)

    def entropy(self, states) -> torch.Tensor:
        """[...] long states -> [...] H(pi(.|s)) = -sum_a pi(a|s) log pi(a|s), in nats."""
        log_p = self.log_probs(states)
        return -(log_p.exp() * log_p).sum(dim=-1)

    def sample(self, states, generator: torch.Generator | None = None) -> torch.Tensor:
        """[B] long states -> [B] long actions, a ~ pi(.|s), drawn from ``generator``."""
        with torch.no_grad():
            probabilities = self.log_probs(states).exp()
        flat = probabilities.reshape(-1, self.n_actions)
        actions = torch.multinomial(flat, 1, generator=generator).squeeze(-1)
        return actions.reshape(probabilities.shape[:-1])


class TabularSoftmaxPolicy(SoftmaxPolicy):
    """One free logit per (state, action): ``z_a(s) = theta[s, a]``, started at zero (uniform).

    Parameters: ``table`` [n_states, 5].
    """

    def __init__(self, grid):
        super().__init__(grid)
        self.table = nn.Parameter(torch.zeros(grid.n_states, grid.n_actions))

    def logits(self, states: torch.Tensor) -> torch.Tensor:
        return self.table[states]


class LinearSoftmaxPolicy(SoftmaxPolicy):
    """Logits linear in the cell's coordinates, as in the original post:
    ``z(s) = W x(s) + b`` with ``x(s) = (row / (n_rows - 1), col / (n_cols - 1))``.

    The coordinates are scaled to [0, 1] so that weights and bias learn at comparable rates; that
    changes no policy the model can express. Parameters: ``linear.weight`` [5, 2],
    ``linear.bias`` [5], started at zero (uniform policy).
    """

    def __init__(self, grid):
        super().__init__(grid)
        self.n_cols = grid.n_cols
        scale = torch.tensor([max(grid.n_rows - 1, 1), max(grid.n_cols - 1, 1)], dtype=torch.float32)
        self.register_buffer("coordinate_scale", scale, persistent=False)
        self.linear = nn.Linear(2, grid.n_actions)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def features(self, states: torch.Tensor) -> torch.Tensor:
        """[...] long states -> [..., 2] scaled (row, col)."""
        rows, cols = states // self.n_cols, states % self.n_cols
        return torch.stack((rows, cols), dim=-1).to(torch.float32) / self.coordinate_scale

    def logits(self, states: torch.Tensor) -> torch.Tensor:
        return self.linear(self.features(states))


class TablePolicy(SoftmaxPolicy):
    """A fixed policy given by its table ``pi(a|s)`` (no parameters): the soft-optimal policy,
    a greedy policy, or any table to roll out and inspect.

    Args:
        grid: the grid world.
        probs: [n_states, 5] non-negative rows summing to 1. Zero entries give logit -inf
            (log-probability -inf, never sampled).
    """

    def __init__(self, grid, probs):
        super().__init__(grid)
        probs = check_probability_table(probs, grid.n_states, grid.n_actions)
        self.register_buffer("table_log_probs", torch.log(probs.detach().to(torch.float64)))

    def logits(self, states: torch.Tensor) -> torch.Tensor:
        return self.table_log_probs[states]


def greedy_probabilities(probs: torch.Tensor) -> torch.Tensor:
    """[n_states, 5] pi -> [n_states, 5] one-hot table of each state's most likely action
    (the first one on ties)."""
    probs = torch.as_tensor(probs)
    return torch.nn.functional.one_hot(probs.argmax(dim=-1), probs.shape[-1]).to(torch.float64)


POLICY_KINDS = {"tabular": TabularSoftmaxPolicy, "linear": LinearSoftmaxPolicy}


def make_policy(kind: str, grid) -> SoftmaxPolicy:
    """Build a policy by name: ``"tabular"`` or ``"linear"``."""
    if kind not in POLICY_KINDS:
        raise ValueError(f"kind must be one of {sorted(POLICY_KINDS)}, got {kind!r}")
    return POLICY_KINDS[kind](grid)


def load_policy(path, grid, kind: str) -> SoftmaxPolicy:
    """Rebuild a policy of ``kind`` for ``grid`` from a saved ``state_dict`` (weights only)."""
    policy = make_policy(kind, grid)
    policy.load_state_dict(torch.load(path, weights_only=True))
    return policy
