"""Discrete soft actor-critic (maxent_tutorial.sac) against exact answers."""

import math

import pytest
import torch

from maxent_tutorial import GridWorld, soft_value_iteration
from maxent_tutorial.sac import SACConfig, actor_loss, critic_target, train_sac


def test_critic_target_on_a_hand_made_transition():
    # r = 1, pi(.|s') = (1/4, 3/4), Qbar(s', .) = (2, 4), alpha = 1/2, gamma = 0.9
    probs = torch.tensor([[0.25, 0.75]], dtype=torch.float64)
    q_next = torch.tensor([[2.0, 4.0]], dtype=torch.float64)
    soft_value = 0.25 * (2 - 0.5 * math.log(0.25)) + 0.75 * (4 - 0.5 * math.log(0.75))
    y = critic_target(torch.tensor([1.0]), probs.log(), q_next, 0.5, 0.9)
    assert y.item() == pytest.approx(1 + 0.9 * soft_value, rel=1e-12)


def test_critic_target_stops_at_a_termination():
    probs = torch.tensor([[0.25, 0.75], [0.25, 0.75]], dtype=torch.float64)
    q_next = torch.tensor([[2.0, 4.0], [2.0, 4.0]], dtype=torch.float64)
    terminated = torch.tensor([True, False])
    y = critic_target(
        torch.tensor([1.0, 1.0]), probs.log(), q_next, 0.5, 0.9, terminated
    )
    soft_value = 0.25 * (2 - 0.5 * math.log(0.25)) + 0.75 * (4 - 0.5 * math.log(0.75))
    assert y[0].item() == 1.0
    assert y[1].item() == pytest.approx(1 + 0.9 * soft_value, rel=1e-12)


def test_soft_optimum_is_the_critic_targets_fixed_point():
    grid = GridWorld()
    solution = soft_value_iteration(grid, 1.0, 0.9)
    states = torch.arange(grid.n_states).repeat_interleave(grid.n_actions)
    actions = torch.arange(grid.n_actions).repeat(grid.n_states)
    next_states = grid.next_states[states, actions]
    y = critic_target(
        grid.state_rewards[states],
        solution.probs[next_states].log(),
        solution.q_values[next_states],
        1.0,
        0.9,
    )
    assert torch.allclose(y, solution.q_values[states, actions], rtol=1e-12)


def test_actor_loss_is_the_exact_expectation_over_actions():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 5, generator=generator, dtype=torch.float64)
    q_values = torch.randn(3, 5, generator=generator, dtype=torch.float64)
    log_probs = torch.log_softmax(logits, 1)
    alpha = 0.7
    by_hand = (
        sum(
            sum(
                math.exp(log_probs[s, a]) * (alpha * log_probs[s, a] - q_values[s, a])
                for a in range(5)
            )
            for s in range(3)
        )
        / 3
    )
    loss = actor_loss(log_probs, q_values, alpha)
    assert loss.item() == pytest.approx(by_hand.item(), rel=1e-12)
    # and a sampled estimate of E_a[alpha log pi(a|s) - Q(s, a)] agrees with it
    actions = torch.multinomial(log_probs.exp(), 200_000, True, generator=generator)
    samples = alpha * log_probs.gather(1, actions) - q_values.gather(1, actions)
    per_state = samples.mean(1)
    standard_error = (samples.var(1) / samples.shape[1]).mean().sqrt() / 3**0.5
    assert abs(per_state.mean().item() - loss.item()) < 5 * standard_error.item()


def test_actor_loss_is_minimised_by_the_soft_greedy_policy():
    generator = torch.Generator().manual_seed(1)
    q_values = torch.randn(4, 5, generator=generator, dtype=torch.float64)
    alpha = 0.5
    logits = (q_values / alpha).clone().requires_grad_(True)
    actor_loss(torch.log_softmax(logits, 1), q_values, alpha).backward()
    assert logits.grad.abs().max().item() < 1e-12


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"buffer_size": 100, "batch_size": 512}, "buffer_size"),
        ({"target_entropy": 2.0}, "target_entropy"),
        ({"target_entropy": -0.1}, "target_entropy"),
        ({"tau": 1.5}, "tau"),
        ({"warmup_steps": -1}, "warmup_steps"),
    ],
)
def test_sac_config_names_the_bad_setting(overrides, message):
    with pytest.raises(ValueError, match=message):
        SACConfig(**overrides)


def test_a_short_run_returns_probability_tables():
    grid = GridWorld()
    result = train_sac(
        grid, steps=60, n_walkers=20, warmup_steps=20, batch_size=32, record_every=20
    )
    assert result.probs.shape == (grid.n_states, grid.n_actions)
    assert torch.allclose(
        result.probs.sum(1), torch.ones(grid.n_states, dtype=torch.float64)
    )
    assert result.q_values.shape == (2, grid.n_states, grid.n_actions)
    assert list(result.env_steps) == [400, 800, 1200]
    assert result.tables.shape == (3, grid.n_states, grid.n_actions)
