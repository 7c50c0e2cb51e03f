"""A Gymnasium environment over a :class:`~maxent_tutorial.grid.GridWorld`.

Lets readers try library agents on exactly the book's problem. Same conventions as the grid:
observation = flat state index, ``Discrete(n_states)``; actions ``Discrete(5)`` numbered as in
:mod:`maxent_tutorial.grid`; each step pays the reward of the cell the agent was in *before*
acting, r_t = R(s_t); no terminal state, the episode is truncated after ``max_episode_steps``.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from matplotlib import colormaps

from ._validation import check_positive_int
from .grid import GridWorld
from .plotting import REWARD_CMAP, reward_norm


class GridWorldEnv(gym.Env):
    """Gymnasium view of a grid world.

    Args:
        grid: the :class:`GridWorld` (default: the book's 6x6 grid).
        max_episode_steps: truncation length (the book's horizon, 300).
        render_mode: ``None`` or ``"rgb_array"`` (an [H, W, 3] uint8 picture: cells coloured by
            reward with the book's colour map, the agent as a dark square).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}
    cell_pixels = 32

    def __init__(self, grid: GridWorld | None = None, max_episode_steps: int = 300, render_mode: str | None = None):
        self.grid = GridWorld() if grid is None else grid
        if not isinstance(self.grid, GridWorld):
            raise TypeError(f"grid must be a GridWorld, got {type(grid).__name__}")
        self.max_episode_steps = check_positive_int(max_episode_steps, "max_episode_steps")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.render_mode = render_mode
        self.observation_space = spaces.Discrete(self.grid.n_states)
        self.action_space = spaces.Discrete(self.grid.n_actions)
        self._next_states = self.grid.next_states.numpy()
        self._rewards = self.grid.state_rewards.numpy()
        self._state = self.grid.start_state
        self._steps = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)  # the dynamics are deterministic; the seed is kept for agents
        self._state = self.grid.start_state
        self._steps = 0
        return self._state, {}

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"action must be an integer in 0..{self.grid.n_actions - 1}, got {action!r}")
        reward = float(self._rewards[self._state])  # r_t = R(s_t), the cell before the move
        self._state = int(self._next_states[self._state, int(action)])
        self._steps += 1
        truncated = self._steps >= self.max_episode_steps
        return self._state, reward, False, truncated, {}

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        colours = colormaps[REWARD_CMAP](reward_norm(self.grid)(self.grid.rewards.numpy()))[..., :3]
        picture = (np.kron(colours, np.ones((self.cell_pixels, self.cell_pixels, 1))) * 255).astype(np.uint8)
        row, col = self.grid.to_cell(self._state)
        margin = self.cell_pixels // 4
        top, left = row * self.cell_pixels + margin, col * self.cell_pixels + margin
        picture[top:top + 2 * margin, left:left + 2 * margin] = (20, 20, 80)
        return picture
