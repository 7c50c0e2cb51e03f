import math

import numpy as np
import pytest
import torch

from maxent_tutorial import (
    GridWorld,
    PGConfig,
    TabularSoftmaxPolicy,
    soft_value_iteration,
    state_occupancy,
    train_pg,
)
from maxent_tutorial.exact_temperature import (
    entropy_curve,
    mean_entropy,
    optimal_entropy,
    optimal_temperature,
    visit_weights,
)
from maxent_tutorial.temperature import (
    check_target_entropy,
    discounted_mean_entropy,
    dual_step,
)


def test_dual_step_raises_alpha_when_the_entropy_is_below_the_target():
    assert dual_step(0.0, batch_entropy=1.0, target_entropy=1.5, lr=0.1) == (
        pytest.approx(0.05)
    )
    assert dual_step(0.0, batch_entropy=1.5, target_entropy=1.0, lr=0.1) == (
        pytest.approx(-0.05)
    )
    assert dual_step(2.0, batch_entropy=1.2, target_entropy=1.2, lr=0.1) == 2.0


@pytest.mark.parametrize("target", [-0.1, math.log(5), 2.0, float("nan")])
def test_a_target_entropy_outside_0_to_log_5_is_rejected(target):
    with pytest.raises(ValueError, match="target_entropy"):
        check_target_entropy(target, math.log(5), 0.0)
    with pytest.raises(ValueError, match="target_entropy"):
        PGConfig(target_entropy=target)


def test_one_rule_for_the_target_entropy_on_any_action_set():
    # n discrete actions: [0, log n); an unbounded Gaussian: any finite number
    assert check_target_entropy(0.5, math.log(2), 0.0) == 0.5
    with pytest.raises(ValueError, match=r"target_entropy must be in \[0, 0.6931\)"):
        check_target_entropy(0.7, math.log(2), 0.0)
    assert check_target_entropy(-3.0, math.inf) == -3.0


def test_reward_scale_and_temperature_are_one_knob(small_grid):
    scale = 1000.0
    scaled = GridWorld(small_grid.rewards * scale, small_grid.start)
    base = soft_value_iteration(small_grid, 0.7, 0.9)
    both = soft_value_iteration(scaled, 0.7 * scale, 0.9)
    assert torch.allclose(both.probs, base.probs, atol=1e-12)
    assert torch.allclose(both.values, scale * base.values, rtol=1e-10)


def test_visit_weights_without_horizon_are_the_occupancy(small_grid):
    probs = torch.softmax(
        torch.randn(6, 5, generator=torch.Generator().manual_seed(0)), 1
    ).double()
    infinite = visit_weights(small_grid, probs, 0.9)
    assert torch.allclose(infinite, state_occupancy(small_grid, probs, 0.9))
    long = visit_weights(small_grid, probs, 0.9, horizon=400)
    assert long.sum().item() == pytest.approx(1.0)
    assert torch.allclose(long, infinite, atol=1e-12)


def test_discounted_mean_entropy_weights_step_t_by_gamma_to_the_t():
    entropies = torch.tensor([[1.0, 1.0], [0.0, 0.0]], dtype=torch.float64)
    # weights 1 and 0.5 over two steps: (1 * 1 + 0.5 * 0) / 1.5
    expected = 1.0 / 1.5
    assert discounted_mean_entropy(entropies, 0.5).item() == pytest.approx(expected)
    constant = torch.full((7, 3), 0.8, dtype=torch.float64)
    assert discounted_mean_entropy(constant, 0.9).item() == pytest.approx(0.8)


def test_the_optimum_entropy_grows_with_alpha(small_grid):
    curve = entropy_curve(small_grid, np.logspace(-2, 3, 21), 0.9)
    assert np.all(np.diff(curve) >= -1e-12) and curve[-1] > curve[0] + 0.5


def test_optimal_temperature_meets_the_target(small_grid):
    floor = optimal_entropy(small_grid, 0.0, 0.9)
    target = 0.5 * (floor + math.log(5))
    alpha = optimal_temperature(small_grid, target, 0.9, tol=1e-8)
    probs = soft_value_iteration(small_grid, alpha, 0.9).probs
    assert mean_entropy(small_grid, probs, 0.9) == pytest.approx(target, abs=1e-7)


def test_a_target_below_the_entropy_floor_is_infeasible(small_grid):
    floor = optimal_entropy(small_grid, 0.0, 0.9)
    assert floor > 0.1  # the goal's tied actions (stay, two wall bumps)
    with pytest.raises(ValueError, match="infeasible"):
        optimal_temperature(small_grid, floor / 2, 0.9)


def test_train_with_a_target_starts_at_the_reward_scale_and_takes_dual_steps(
    small_grid,
):
    settings = dict(total_timesteps=3 * 80, horizon=20, n_envs=4, progress=False)
    fixed = train_pg(small_grid, alpha=0.3, **settings)
    assert np.all(fixed.alpha == 0.3)
    history = train_pg(small_grid, target_entropy=1.0, alpha_lr=0.5, **settings)
    # alpha starts at the first batch's mean |reward| (the same batch: seed 0)
    first_batch = small_grid.rollout(
        TabularSoftmaxPolicy(small_grid), 20, 4, torch.Generator().manual_seed(0)
    )
    assert history.alpha[0] == pytest.approx(first_batch.rewards.abs().mean().item())
    # the first batch comes from the uniform policy, entropy log 5 > 1.0 everywhere:
    # alpha shrinks by exp(0.5 * (1.0 - log 5))
    expected = history.alpha[0] * math.exp(0.5 * (1.0 - math.log(5)))
    assert history.alpha[1] == pytest.approx(expected, rel=1e-6)


def test_train_with_a_target_is_equivariant_in_the_reward_scale(small_grid):
    settings = dict(total_timesteps=40 * 80, horizon=20, n_envs=4, progress=False)
    settings.update(target_entropy=1.2, seed=3)
    scaled = GridWorld(small_grid.rewards * 1024.0, small_grid.start)  # exact in float
    small, big = (train_pg(grid, **settings) for grid in (small_grid, scaled))
    assert np.allclose(big.alpha, 1024.0 * small.alpha, rtol=1e-5)
    assert torch.allclose(big.policy.table, small.policy.table, atol=1e-4)


def test_visit_weights_of_two_steps_by_hand(small_grid):
    # T = 2: d_2 = (e_start + gamma * e_start P_pi) / (1 + gamma); uniform pi, gamma 0.5
    probs = torch.full((small_grid.n_states, 5), 0.2, dtype=torch.float64)
    expected = torch.zeros(small_grid.n_states, dtype=torch.float64)
    expected[small_grid.start_state] += 1.0
    for action in range(5):
        expected[small_grid.next_states[small_grid.start_state, action]] += 0.5 * 0.2
    expected /= 1.5
    weights = visit_weights(small_grid, probs, 0.5, horizon=2)
    assert torch.allclose(weights, expected, atol=1e-15)
    assert mean_entropy(small_grid, probs, 0.5, horizon=2) == pytest.approx(math.log(5))
