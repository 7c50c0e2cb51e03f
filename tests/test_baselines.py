import pytest
import torch

from maxent_tutorial import (
    LeaveOneOutBaseline,
    RunningMeanBaseline,
    ValueCritic,
    make_baseline,
)


def test_time_step_baseline_is_the_leave_one_out_mean():
    returns = torch.tensor([[1.0, 2.0, 6.0]])
    assert LeaveOneOutBaseline()(
        torch.zeros(1, 3, dtype=torch.long), returns
    ).tolist() == [[4.0, 3.5, 1.5]]


def test_running_mean_uses_only_earlier_batches():
    baseline = RunningMeanBaseline(decay=0.5)
    states = torch.zeros(1, 2, dtype=torch.long)
    assert baseline(states, torch.tensor([[2.0, 4.0]])).tolist() == [[0.0, 0.0]]
    assert baseline(states, torch.tensor([[10.0, 10.0]])).tolist() == [[3.0, 3.0]]
    assert baseline.value == pytest.approx(0.5 * 3.0 + 0.5 * 10.0)


def test_tabular_critic_fits_the_per_state_mean_return(small_grid):
    # discount 0 makes the horizon factor 1 - 0^(T-t) = 1, so V(s) is the mean of G over
    # visits to s.
    critic = ValueCritic(small_grid, "tabular", discount=0.0, ridge=1e-9)
    states = torch.tensor([[0, 1], [0, 5], [1, 5]])
    returns = torch.tensor([[1.0, 4.0], [3.0, 10.0], [6.0, 20.0]])
    first = critic(states, returns)
    # built before it saw the batch
    assert torch.equal(first, torch.zeros_like(returns))
    expected = {0: 2.0, 1: 5.0, 5: 15.0}
    for state, value in expected.items():
        assert critic.values()[state].item() == pytest.approx(value, rel=1e-6)
    # never visited: keeps its old value
    assert critic.values()[2].item() == pytest.approx(0.0)


def test_linear_critic_recovers_a_linear_value_exactly(small_grid):
    critic = ValueCritic(small_grid, "linear", discount=0.0, ridge=1e-9)
    states = torch.arange(6).repeat(4, 1)  # [4, 6]
    # 2 row - 1.5 col/2 + 0.5
    true_values = 2.0 * (states // 3) - 1.5 * (states % 3) / 2 + 0.5
    critic(states, true_values)
    assert torch.allclose(critic.values(), true_values[0].double(), atol=1e-6)


def test_critic_scales_its_prediction_by_the_remaining_horizon(small_grid):
    critic = ValueCritic(small_grid, "tabular", discount=0.5)
    critic.weights = torch.full((6,), 8.0, dtype=torch.float64)
    baseline = critic(torch.zeros(3, 1, dtype=torch.long), torch.zeros(3, 1))
    # T = 3: factors 1 - 0.5^3, 1 - 0.5^2, 1 - 0.5
    assert baseline[:, 0].tolist() == pytest.approx([8 * 0.875, 8 * 0.75, 8 * 0.5])


def test_make_baseline_names_and_errors(small_grid):
    assert isinstance(make_baseline("critic_linear", small_grid), ValueCritic)
    with pytest.raises(ValueError, match="baseline must be one of"):
        make_baseline("median")
    with pytest.raises(ValueError, match="needs the grid"):
        make_baseline("critic_tabular")
    with pytest.raises(ValueError, match="needs n_episodes >= 2"):
        LeaveOneOutBaseline()(torch.zeros(2, 1, dtype=torch.long), torch.zeros(2, 1))
