"""The linear-quadratic problem (the book's chapter 15), as a Gymnasium environment.

A continuous state s in R^n and a continuous action a in R^m; the labels are the book's:

* ``lqr-dynamics``: s' = C s + D a, deterministic;
* ``lqr-reward``: r(s, a) = -(s^T U s + a^T N a), paid for the state before the move;
* discount gamma in [0, 1).

Its soft optimum is known in closed form (:mod:`maxent_tutorial.exact_lqr`), so SAC on
it can be checked against the exact answer, as every method on the grid is. Importing
this module (or :mod:`maxent_tutorial`) registers the environment
``maxent_tutorial/LQR-v0``: the one-dimensional problem s' = s + a, r = -(s^2 +
a^2), gamma = 0.9, episodes truncated after 20 steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from ._validation import check_discount

LQR_ENV_ID = "maxent_tutorial/LQR-v0"


def as_matrix(value) -> np.ndarray:
    """A number, a list of lists or an array -> a float64 matrix (a number: [[x]])."""
    return np.atleast_2d(np.asarray(value, dtype=np.float64))


@dataclass(frozen=True)
class LQRProblem:
    """A discounted linear-quadratic problem (``lqr-dynamics``, ``lqr-reward``).

    state_matrix: C [n, n]; action_matrix: D [n, m]; state_cost: U [n, n], symmetric,
    positive semi-definite; action_cost: N [m, m], symmetric, positive definite (a
    number stands for a 1x1 matrix); discount: gamma in [0, 1); start_scale: the
    first state of an episode is uniform in [-start_scale, start_scale]^n.
    """

    state_matrix: np.ndarray = field(default=1.0)
    action_matrix: np.ndarray = field(default=1.0)
    state_cost: np.ndarray = field(default=1.0)
    action_cost: np.ndarray = field(default=1.0)
    discount: float = 0.9
    start_scale: float = 1.0

    def __post_init__(self):
        for name in ("state_matrix", "action_matrix", "state_cost", "action_cost"):
            object.__setattr__(self, name, as_matrix(getattr(self, name)))
        check_problem(self)

    @property
    def n_states(self) -> int:
        """n, the state's dimension."""
        return self.state_matrix.shape[0]

    @property
    def n_actions(self) -> int:
        """m, the action's dimension."""
        return self.action_matrix.shape[1]

    def step(self, states: np.ndarray, actions: np.ndarray):
        """[..., n] s, [..., m] a -> ([..., n] s' = C s + D a, [...] r(s, a))."""
        next_states = states @ self.state_matrix.T + actions @ self.action_matrix.T
        return next_states, -(
            quadratic(states, self.state_cost) + quadratic(actions, self.action_cost)
        )


def quadratic(vectors: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """[..., k] x, [k, k] S -> [...] x^T S x."""
    return np.einsum("...i,ij,...j->...", vectors, matrix, vectors)


def check_problem(problem: LQRProblem) -> None:
    """Raise ``ValueError`` naming the matrix whose shape or sign is wrong."""
    n, m = problem.n_states, problem.action_matrix.shape[1]
    shapes = {
        "state_matrix": (n, n),
        "action_matrix": (n, m),
        "state_cost": (n, n),
        "action_cost": (m, m),
    }
    for name, shape in shapes.items():
        value = getattr(problem, name)
        if value.shape != shape or not np.isfinite(value).all():
            raise ValueError(f"{name} must be a finite {shape} matrix, got {value}")
    for name, low in (("state_cost", 0.0), ("action_cost", 1e-12)):
        value = getattr(problem, name)
        if not np.allclose(value, value.T) or np.linalg.eigvalsh(value).min() < low:
            kind = "definite" if low else "semi-definite"
            raise ValueError(f"{name} must be symmetric positive {kind}, got {value}")
    check_discount(problem.discount, infinite_horizon=True)
    if not (np.isfinite(problem.start_scale) and problem.start_scale >= 0):
        raise ValueError(f"start_scale must be >= 0, got {problem.start_scale}")


class LQREnv(gym.Env):
    """The linear-quadratic problem as a Gymnasium environment.

    ## Action Space
    ``Box(-inf, inf, (m,), float32)``: the action a, unbounded.

    ## Observation Space
    ``Box(-inf, inf, (n,), float32)``: the state s.

    ## Starting State
    Uniform in [-start_scale, start_scale]^n (the problem's ``start_scale``), drawn with
    the environment's generator (seed it with ``reset(seed=...)``).

    ## Rewards
    r_t = -(s_t^T U s_t + a_t^T N a_t), for the state before the move (``lqr-reward``).

    ## Episode End
    No state terminates; the registered id truncates an episode after 20 steps
    (``gymnasium.make(LQR_ENV_ID, max_episode_steps=...)`` changes it).

    ## Arguments
    * ``problem``: the :class:`LQRProblem` (default: s' = s + a, r = -(s^2 + a^2),
      gamma = 0.9).
    """

    metadata = {"render_modes": []}

    def __init__(self, problem: LQRProblem | None = None):
        self.problem = LQRProblem() if problem is None else problem
        if not isinstance(self.problem, LQRProblem):
            raise TypeError(f"problem must be an LQRProblem, got {type(problem)}")
        n, m = self.problem.n_states, self.problem.n_actions
        self.observation_space = spaces.Box(-np.inf, np.inf, (n,), np.float32)
        self.action_space = spaces.Box(-np.inf, np.inf, (m,), np.float32)
        self._state = np.zeros(n)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        scale = self.problem.start_scale
        self._state = self.np_random.uniform(-scale, scale, self.problem.n_states)
        return self._state.astype(np.float32), {}

    def step(self, action):
        action = np.asarray(action, dtype=np.float64).reshape(self.problem.n_actions)
        self._state, reward = self.problem.step(self._state, action)
        return self._state.astype(np.float32), float(reward), False, False, {}


if LQR_ENV_ID not in gym.registry:
    gym.register(
        id=LQR_ENV_ID, entry_point="maxent_tutorial.lqr:LQREnv", max_episode_steps=20
    )
