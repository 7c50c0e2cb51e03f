"""The linear-quadratic problem and its exact soft optimum (maxent_tutorial.lqr,
maxent_tutorial.exact_lqr), checked without the closed form: by integrating the soft
Bellman equation numerically, and by soft value iteration on grids."""

import math

import gymnasium as gym
import numpy as np
import pytest

from maxent_tutorial.exact_lqr import (
    gaussian_entropy,
    lqr_optimal_temperature,
    riccati,
    soft_lqr,
    soft_value_iteration_1d,
)
from maxent_tutorial.lqr import LQR_ENV_ID, LQRProblem

# s' = 1.1 s + 0.7 a: next states fall between the grid's points, so the interpolation
# of the discretised value iteration is exercised (s' = s + a lands on them)
OFF_GRID = LQRProblem(1.1, 0.7, 1.0, 0.5, discount=0.9)
TWO_D = LQRProblem(
    state_matrix=[[1.0, 0.2], [0.0, 0.9]],
    action_matrix=[[0.5, 0.0], [0.1, 1.0]],
    state_cost=[[1.0, 0.3], [0.3, 2.0]],
    action_cost=[[1.0, 0.2], [0.2, 0.5]],
    discount=0.8,
)
PROBLEMS, PROBLEM_NAMES = [LQRProblem(), OFF_GRID, TWO_D], ["default", "off_grid", "2d"]


def soft_maximum_by_quadrature(problem, solution, state, spread=12.0, n=4001):
    """alpha log of the integral of exp(Q(s, a) / alpha) over a, on a grid around the
    optimal mean (one action dimension: the trapezoid rule; two: a product grid), with
    Q(s, a) = r(s, a) + gamma V(s') from the closed-form V. Returns (value, grid of
    actions, pi(a|s) = exp((Q - value) / alpha) on it)."""
    alpha, m = solution.alpha, problem.n_actions
    mean, std = solution.gain @ state, solution.std
    axes = [np.linspace(-spread, spread, n) * std[i] + mean[i] for i in range(m)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1)  # [n, ..., m]
    next_states, rewards = problem.step(state, grid)
    q_values = rewards + problem.discount * solution.values(next_states)
    top = q_values.max()
    weights = np.exp((q_values - top) / alpha)
    integral = weights
    for i in reversed(range(m)):
        integral = np.trapezoid(integral, axes[i], axis=i)
    value = top + alpha * math.log(integral)
    return value, grid, np.exp((q_values - value) / alpha)


@pytest.mark.parametrize("problem", PROBLEMS, ids=PROBLEM_NAMES)
@pytest.mark.parametrize("alpha", [0.05, 1.0])
def test_closed_form_satisfies_the_soft_bellman_equation(problem, alpha):
    solution = soft_lqr(problem, alpha)
    n_points = 4001 if problem.n_actions == 1 else 401
    for state in np.random.default_rng(0).uniform(-2, 2, (4, problem.n_states)):
        value, _, _ = soft_maximum_by_quadrature(problem, solution, state, n=n_points)
        assert value == pytest.approx(solution.values(state), abs=1e-8)


@pytest.mark.parametrize("problem", PROBLEMS[1:], ids=PROBLEM_NAMES[1:])
def test_the_soft_optimal_policy_is_the_closed_form_gaussian(problem):
    solution = soft_lqr(problem, 0.3)
    state = np.full(problem.n_states, 0.7)
    n_points = 4001 if problem.n_actions == 1 else 401
    _, grid, density = soft_maximum_by_quadrature(problem, solution, state, n=n_points)
    # exp((Q - V) / alpha) against the Normal(W* s, Sigma*) density, point by point
    deviation = grid - solution.gain @ state
    precision = np.linalg.inv(solution.covariance)
    log_normal = -0.5 * np.einsum("...i,ij,...j->...", deviation, precision, deviation)
    log_normal -= 0.5 * np.linalg.slogdet(2 * math.pi * solution.covariance)[1]
    assert np.abs(density - np.exp(log_normal)).max() < 1e-8 * density.max()


@pytest.mark.parametrize("problem", PROBLEMS, ids=PROBLEM_NAMES)
def test_the_riccati_solution_is_a_fixed_point_and_does_not_depend_on_alpha(problem):
    C, D, gamma = problem.state_matrix, problem.action_matrix, problem.discount
    X = riccati(problem)
    M = problem.action_cost + gamma * D.T @ X @ D
    step = problem.state_cost + gamma * C.T @ X @ C
    step -= gamma**2 * C.T @ X @ D @ np.linalg.solve(M, D.T @ X @ C)
    assert np.abs(step - X).max() < 1e-10
    cold, hot = soft_lqr(problem, 0.01), soft_lqr(problem, 10.0)
    assert np.array_equal(cold.gain, hot.gain)
    assert np.allclose(hot.covariance, 1000 * cold.covariance)


def test_closed_form_matches_soft_value_iteration_on_grids():
    alpha = 0.5
    solution = soft_lqr(OFF_GRID, alpha)
    states, actions = np.linspace(-2, 2, 401), np.linspace(-4, 4, 801)
    values, probs = soft_value_iteration_1d(OFF_GRID, alpha, states, actions)
    inner = np.abs(states) <= 1  # far from the grid's ends
    mean = probs @ actions
    std = np.sqrt(probs @ actions**2 - mean**2)
    exact_values = solution.values(states[:, None])
    assert np.abs(values - exact_values)[inner].max() < 1e-3
    assert np.abs(mean - solution.gain[0, 0] * states)[inner].max() < 1e-3
    assert np.abs(std - solution.std[0])[inner].max() < 1e-3


@pytest.mark.parametrize("problem", PROBLEMS, ids=PROBLEM_NAMES)
@pytest.mark.parametrize("target", [-2.0, -1.0, 0.5])
def test_alpha_star_gives_the_target_entropy(problem, target):
    alpha_star = lqr_optimal_temperature(problem, target)
    solution = soft_lqr(problem, alpha_star)
    assert solution.entropy == pytest.approx(target, abs=1e-12)
    assert gaussian_entropy(solution.covariance) == pytest.approx(target, abs=1e-12)


def test_the_entropy_grows_with_alpha_by_half_a_nat_per_e_fold_and_dimension():
    for problem in (OFF_GRID, TWO_D):
        low, high = soft_lqr(problem, 1.0), soft_lqr(problem, math.e)
        assert high.entropy - low.entropy == pytest.approx(problem.n_actions / 2)


def test_registered_env_starts_in_its_range_pays_the_quadratic_and_truncates():
    env = gym.make(LQR_ENV_ID)
    observation, _ = env.reset(seed=3)
    assert observation.shape == (1,) and abs(observation[0]) <= 1.0
    again, _ = gym.make(LQR_ENV_ID).reset(seed=3)
    assert np.array_equal(observation, again)
    state = float(observation[0])
    next_observation, reward, terminated, truncated, _ = env.step(np.array([0.5]))
    assert reward == pytest.approx(-(state**2 + 0.25), rel=1e-6)
    assert next_observation[0] == pytest.approx(state + 0.5, rel=1e-6)
    assert not terminated and not truncated
    steps = 1
    while not truncated:
        *_, terminated, truncated, _ = env.step(np.array([0.0]))
        steps += 1
    assert steps == 20 and not terminated


@pytest.mark.parametrize(
    "arguments, named",
    [
        ({"state_matrix": [[1.0, 0.0]]}, "state_matrix"),
        ({"action_matrix": [[1.0], [1.0]]}, "action_matrix"),
        ({"action_cost": -1.0}, "action_cost"),
        ({"state_cost": [[1.0, 2.0], [0.0, 1.0]]}, "state_cost"),
        ({"discount": 1.0}, "discount"),
        ({"start_scale": -1.0}, "start_scale"),
    ],
)
def test_problem_errors_name_the_argument(arguments, named):
    with pytest.raises(ValueError, match=named):
        LQRProblem(**arguments)


def test_exact_answers_reject_bad_arguments_by_name():
    with pytest.raises(ValueError, match="alpha"):
        soft_lqr(LQRProblem(), 0.0)
    with pytest.raises(ValueError, match="target_entropy"):
        lqr_optimal_temperature(LQRProblem(), math.inf)
    with pytest.raises(ValueError, match="one-dimensional"):
        soft_value_iteration_1d(TWO_D, 1.0, np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="stabilisable"):
        riccati(LQRProblem(state_matrix=2.0, action_matrix=0.0, discount=0.5))
