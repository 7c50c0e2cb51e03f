"""A Gymnasium environment over a :class:`~maxent_tutorial.grid.GridWorld`.

Importing :mod:`maxent_tutorial` registers it, so library agents meet exactly the book's
problem through ``gymnasium.make("maxent_tutorial/GridWorld-v0")`` with Gymnasium's
usual wrappers.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from .grid import GridWorld

ENV_ID = "maxent_tutorial/GridWorld-v0"


class GridWorldEnv(gym.Env):
    """The book's grid world as a Gymnasium environment.

    ## Description
    A deterministic grid of cells, each with a reward (the book's chapter 2): by default
    the 6x6 grid of the original post, with a goal worth 1000 per step in the top-right
    corner and pits worth -100.

    ## Action Space
    ``Discrete(5)``: 0 stay, 1 up, 2 down, 3 right, 4 left. A move off the grid leaves
    the agent where it is.

    ## Observation Space
    ``Discrete(n_states)``: the flat index ``row * n_cols + col`` of the agent's cell
    (row 0 is the top row).

    ## Starting State
    Always the grid's start cell (by default row 5, column 0: the bottom-left corner).

    ## Rewards
    Each step pays the reward of the cell the agent occupied *before* acting, r_t =
    R(s_t).

    ## Episode End
    No state terminates (the goal pays on every step the agent stays). The registered id
    is truncated after 300 steps, the book's horizon (``gymnasium.make(ENV_ID,
    max_episode_steps=...)`` changes it).

    ## Arguments
    * ``grid``: the :class:`GridWorld` (default: the book's 6x6 grid).
    * ``render_mode``: ``None`` or ``"rgb_array"`` (an [H, W, 3] uint8 picture: cells
      coloured by reward with the book's colour map, the agent as a dark square).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}
    cell_pixels = 32

    def __init__(self, grid: GridWorld | None = None, render_mode: str | None = None):
        self.grid = GridWorld() if grid is None else grid
        if not isinstance(self.grid, GridWorld):
            raise TypeError(f"grid must be a GridWorld, got {type(grid).__name__}")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(
                f"render_mode must be None or 'rgb_array', got {render_mode!r}"
            )
        self.render_mode = render_mode
        self.observation_space = spaces.Discrete(self.grid.n_states)
        self.action_space = spaces.Discrete(self.grid.n_actions)
        self._next_states = self.grid.next_states.numpy()
        self._rewards = self.grid.state_rewards.numpy()
        self._state = self.grid.start_state

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        # the dynamics are deterministic; the seed is kept for agents
        super().reset(seed=seed)
        self._state = self.grid.start_state
        return self._state, {}

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(
                f"action must be an integer in 0..{self.grid.n_actions - 1}, "
                f"got {action!r}"
            )
        # r_t = R(s_t), the cell before the move
        reward = float(self._rewards[self._state])
        self._state = int(self._next_states[self._state, int(action)])
        return self._state, reward, False, False, {}

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        from matplotlib import colormaps  # not pyplot: no plotting backend is started

        from .book.style import REWARD_CMAP, reward_norm

        shade = reward_norm(self.grid)(self.grid.rewards.numpy())
        colours = colormaps[REWARD_CMAP](shade)[..., :3]
        block = np.ones((self.cell_pixels, self.cell_pixels, 1))
        picture = (np.kron(colours, block) * 255).astype(np.uint8)
        row, col = self.grid.to_cell(self._state)
        margin = self.cell_pixels // 4
        top, left = row * self.cell_pixels + margin, col * self.cell_pixels + margin
        picture[top : top + 2 * margin, left : left + 2 * margin] = (20, 20, 80)
        return picture


if ENV_ID not in gym.registry:
    gym.register(
        id=ENV_ID, entry_point="maxent_tutorial.env:GridWorldEnv", max_episode_steps=300
    )
