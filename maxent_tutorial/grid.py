"""The grid world: a deterministic tabular MDP with a reward per cell.

Contract (the book's chapter 2 draws it):

* **States** are cells, numbered row-major: ``state = row * n_cols + col``; row 0 is the
  top row.
* **Actions** keep the original post's numbering: ``STAY=0, UP=1, DOWN=2, RIGHT=3,
  LEFT=4``. UP decreases the row, DOWN increases it, RIGHT increases the column, LEFT
  decreases it. A move that would leave the grid leaves the agent where it is (a wall
  bump).
* **Reward** is a function of the state only: ``r_t = R(s_t)``, collected for the cell
  occupied *before* acting. An episode is ``s_0 = start``; for each t: collect
  ``R(s_t)``, draw ``a_t ~ pi(.|s_t)``, move to ``s_{t+1} = next(s_t, a_t)``.
* There is no terminal state: the goal pays its reward on every step the agent stays
  there.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np
import torch

from ._validation import (
    check_policy_grid,
    check_positive_int,
    check_state_action_pairs,
)
from .distributions import inverse_cdf

STAY, UP, DOWN, RIGHT, LEFT = range(5)
ACTION_NAMES = ("stay", "up", "down", "right", "left")
# (row change, column change) of each action, indexed by the constants above.
ACTION_OFFSETS = ((0, 0), (-1, 0), (1, 0), (0, 1), (0, -1))

DEFAULT_REWARDS = (
    (-1, -1, -1, -10, -1, 1000),
    (-100, -1, -10, -1, -10, -10),
    (-1, -10, -100, -10, -1, -1),
    (-1, -1, -100, -10, -1, -1),
    (-10, -1, -100, -100, -100, -1),
    (-1, -1, -100, -100, -100, -1),
)
DEFAULT_START = (5, 0)
# The largest lookup table a rollout builds, in entries: (distinct thresholds + 1) x
# states (GridWorld._walk_by_lookup). Larger grids draw step by step.
LOOKUP_LIMIT = 2**20


def _reward_table(rewards) -> torch.Tensor:
    """Validate a reward map and return it as a float64 tensor ``[n_rows, n_cols]``."""
    if isinstance(rewards, torch.Tensor):
        table = rewards.detach().cpu()
        if table.dtype == torch.bool or table.is_complex():
            raise TypeError(
                f"rewards must be real numbers, got a tensor of dtype {table.dtype}"
            )
        table = table.to(torch.float64)
    else:
        if isinstance(rewards, (list, tuple)):
            if len(rewards) == 0:
                raise ValueError("rewards must not be empty")
            lengths = {
                len(row) if isinstance(row, (list, tuple, np.ndarray)) else -1
                for row in rewards
            }
            if -1 in lengths:
                raise ValueError(
                    "rewards must be a 2-D map: a list of rows, each a list of numbers"
                )
            if len(lengths) != 1:
                raise ValueError(
                    f"rewards is ragged: its rows have lengths {sorted(lengths)}"
                )
        array = np.asarray(rewards)
        if array.dtype == object or not (
            np.issubdtype(array.dtype, np.integer)
            or np.issubdtype(array.dtype, np.floating)
        ):
            raise TypeError(
                f"rewards must be real numbers, got entries of type {array.dtype}"
            )
        table = torch.as_tensor(array.astype(np.float64))
    if table.ndim != 2:
        raise ValueError(
            f"rewards must be a 2-D map (rows x columns), got {table.ndim} dimension(s)"
        )
    if table.numel() == 0:
        raise ValueError(f"rewards must not be empty, got shape {tuple(table.shape)}")
    if not torch.isfinite(table).all():
        raise ValueError("rewards must be finite numbers (no NaN or infinity)")
    return table.clone()


def _start_cell(start, n_rows: int, n_cols: int) -> tuple[int, int]:
    """Validate ``start`` as a (row, col) pair of integers inside the grid."""
    if isinstance(start, torch.Tensor):
        start = start.tolist()
    if not isinstance(start, (tuple, list)) or len(start) != 2:
        raise TypeError(f"start must be a (row, col) pair, got {start!r}")
    if not all(isinstance(x, Integral) and not isinstance(x, bool) for x in start):
        raise TypeError(f"start must hold two integers (row, col), got {start!r}")
    row, col = int(start[0]), int(start[1])
    if not (0 <= row < n_rows and 0 <= col < n_cols):
        raise ValueError(f"start {(row, col)} is outside the {n_rows}x{n_cols} grid")
    return row, col


@dataclass(frozen=True)
class Rollout:
    """A batch of sampled episodes, time-major.

    states:  [horizon, n_episodes] long, s_t
    actions: [horizon, n_episodes] long, a_t ~ pi(.|s_t)
    rewards: [horizon, n_episodes] float32, r_t = R(s_t)
    """

    states: torch.Tensor
    actions: torch.Tensor
    rewards: torch.Tensor


class GridWorld:
    """A rectangular grid world with one reward per cell (see the module docstring).

    Args:
        rewards: the reward map, rows top to bottom: nested lists, a NumPy array or a
            tensor, any rectangular shape ``[n_rows, n_cols]`` with finite entries.
        start: the start cell as a ``(row, col)`` pair of integers.

    Attributes:
        n_rows, n_cols, n_states (= n_rows * n_cols), n_actions (= 5).
        rewards: [n_rows, n_cols] float64, the map.
        state_rewards: [n_states] float64, R(s) by flat state index.
        start_state: the flat index of ``start``.
        goal_state: the flat index of the cell with the largest reward (the first such
            cell, row-major, on ties).
        next_states: [n_states, 5] long, ``next_states[s, a] = next(s, a)``.
    """

    n_actions = len(ACTION_NAMES)

    def __init__(self, rewards=DEFAULT_REWARDS, start=DEFAULT_START):
        self.rewards = _reward_table(rewards)
        self.n_rows, self.n_cols = self.rewards.shape
        self.n_states = self.n_rows * self.n_cols
        self.start = _start_cell(start, self.n_rows, self.n_cols)
        self.start_state = self.to_state(*self.start)
        self.state_rewards = self.rewards.reshape(-1)
        self.goal_state = int(self.state_rewards.argmax())
        self.next_states = self._transition_table()

    def __repr__(self) -> str:
        return f"GridWorld({self.n_rows}x{self.n_cols}, start={self.start})"

    def _transition_table(self) -> torch.Tensor:
        here = torch.arange(self.n_states)
        cells = self.coordinates(here)  # [n_states, 2] (row, col)
        moved = cells[:, None, :] + torch.tensor(ACTION_OFFSETS)  # [n_states, 5, 2]
        rows, cols = moved[..., 0], moved[..., 1]
        inside = (rows >= 0) & (rows < self.n_rows) & (cols >= 0) & (cols < self.n_cols)
        # [n_states, 5]: the cell moved to, or the same cell after a wall bump
        return torch.where(inside, rows * self.n_cols + cols, here[:, None])

    # -- coordinates
    # ---------------------------------------------------------------------------
    def to_state(self, row: int, col: int) -> int:
        """Flat state index of cell ``(row, col)``."""
        return int(row) * self.n_cols + int(col)

    def to_cell(self, state: int) -> tuple[int, int]:
        """``(row, col)`` of a flat state index."""
        return divmod(int(state), self.n_cols)

    def coordinates(self, states) -> torch.Tensor:
        """[...] long flat states -> [..., 2] long (row, col)."""
        states = torch.as_tensor(states)
        return torch.stack((states // self.n_cols, states % self.n_cols), dim=-1)

    def scaled_coordinates(self) -> torch.Tensor:
        """[n_states, 2] float32 (row, col) of every state, scaled to [0, 1] (linear
        features)."""
        scale = torch.tensor([max(self.n_rows - 1, 1), max(self.n_cols - 1, 1)])
        return self.coordinates(torch.arange(self.n_states)).float() / scale.float()

    # -- dynamics
    # ------------------------------------------------------------------------------
    def step(self, states, actions) -> torch.Tensor:
        """Batched transition: [B] long states, [B] long actions -> [B] long next
        states."""
        states, actions = check_state_action_pairs(
            states, actions, self.n_states, self.n_actions
        )
        return self.next_states[states, actions]

    def rollout(
        self,
        policy,
        horizon: int,
        n_episodes: int,
        generator: torch.Generator | None = None,
    ) -> Rollout:
        """Sample ``n_episodes`` episodes of ``horizon`` steps from ``start`` under
        ``policy``.

        The policy is frozen for the whole batch, so its table ``pi(a|s)`` ([n_states,
        5]) is read once. Each step draws every episode's action by inverting the
        cumulative distribution at a uniform number u: with ``c_j(s) = sum_{i<=j}
        pi(i|s)``, ``a = #{j < 4 : u >= c_j(s)}``, the first action whose cumulative
        probability exceeds u. All uniforms come from ``generator`` in one draw, so a
        seeded generator gives the same episodes on the same machine. The only Python
        loop is over time steps (see :meth:`_walk_by_lookup` for how each step is one
        table lookup per episode).

        Returns a :class:`Rollout` of ``[horizon, n_episodes]`` tensors.
        """
        horizon = check_positive_int(horizon, "horizon")
        n_episodes = check_positive_int(n_episodes, "n_episodes")
        check_policy_grid(policy, self)
        return self._rollout(policy, horizon, n_episodes, generator)

    def _rollout(self, policy, horizon: int, n_episodes: int, generator) -> Rollout:
        """:meth:`rollout` for arguments already checked (``train_pg``'s loop)."""
        with torch.no_grad():
            probs = policy.action_probabilities(torch.float64)
        # NumPy inside the loop: per-step calls on a few numbers are cheaper there than
        # in torch.
        cumulative = probs.cumsum(dim=1)[:, :-1].numpy()  # [n_states, 4], c_j(s), j < 4
        uniforms = torch.rand(
            horizon, n_episodes, generator=generator, dtype=torch.float64
        )
        uniforms = uniforms.numpy()
        thresholds = np.unique(cumulative)  # [K] the distinct c_j(s), sorted
        if (len(thresholds) + 1) * self.n_states <= LOOKUP_LIMIT:
            states, actions = self._walk_by_lookup(cumulative, thresholds, uniforms)
        else:
            states, actions = self._walk_step_by_step(cumulative, uniforms)
        states, actions = torch.from_numpy(states), torch.from_numpy(actions)
        rewards = self.state_rewards.to(torch.float32)[states]  # r_t = R(s_t)
        return Rollout(states=states, actions=actions, rewards=rewards)

    def _walk_by_lookup(
        self, cumulative: np.ndarray, thresholds: np.ndarray, uniforms: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The episodes' [T, B] states and actions from [n_states, 4] c_j(s), their [K]
        sorted distinct values and [T, B] uniforms u: the same draws as
        :meth:`_walk_step_by_step`, with one table lookup per step.

        A uniform u draws, in every state, the same action as the largest threshold c
        <= u would: u >= c_j(s) exactly when c >= c_j(s), since c_j(s) is one of the
        thresholds (below every threshold, u draws action 0, as -inf would). So the
        uniforms fall into K + 1 levels: the action and the next state of each level in
        each state are tabulated once, [K + 1, n_states], and a step looks up every
        episode's next state at its uniform's level and its current state.
        """
        levels = np.concatenate(([-np.inf], thresholds))  # [K + 1]
        level = np.searchsorted(thresholds, uniforms, side="right")  # [T, B], #{c <= u}
        # [K + 1, n_states] each level's action in each state (on tensors: NumPy is
        # slow to sum many rows of four), and the state it moves to
        actions_at = inverse_cdf(
            torch.from_numpy(cumulative), torch.from_numpy(levels)[:, None]
        ).numpy()
        moves_at = self.next_states.numpy()[np.arange(self.n_states), actions_at]
        # flat tables: (level, state) at level * n_states + state
        actions_at, moves_at = actions_at.reshape(-1), moves_at.reshape(-1)
        row = level * self.n_states  # [T, B]

        states = np.empty(uniforms.shape, dtype=np.int64)
        current = np.full(uniforms.shape[1], self.start_state, dtype=np.int64)
        for t in range(len(uniforms)):
            states[t] = current
            current = moves_at[row[t] + current]
        return states, actions_at[row + states]

    def _walk_step_by_step(
        self, cumulative: np.ndarray, uniforms: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_walk_by_lookup` without the tables (grids too large for them): each
        step inverts the cumulative distribution of every episode's current state."""
        next_states = self.next_states.numpy()
        states = np.empty(uniforms.shape, dtype=np.int64)
        actions = np.empty(uniforms.shape, dtype=np.int64)
        current = np.full(uniforms.shape[1], self.start_state, dtype=np.int64)
        for t in range(len(uniforms)):
            states[t] = current
            actions[t] = inverse_cdf(cumulative[current], uniforms[t])
            current = next_states[current, actions[t]]
        return states, actions
