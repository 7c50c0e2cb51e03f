"""Discrete soft actor-critic on the grid (maxent_tutorial.tabular.sac) against exact
answers: hand-worked targets, autograd and torch.optim.Adam, and the soft optimum at
the exact temperature alpha*."""

import math

import numpy as np
import pytest
import torch

from maxent_tutorial import (
    GridWorld,
    entropy,
    optimal_temperature,
    sample_categorical,
    soft_value_iteration,
    start_value_gap,
)
from maxent_tutorial.tabular.sac import (
    SACConfig,
    actor_gradient,
    actor_loss,
    adam_step,
    collect,
    critic_target,
    critic_target_table,
    log_softmax,
    read_critics,
    train_sac,
    update_critics,
)
from maxent_tutorial.tabular.soft_q import move_towards_targets


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


def random_tables(seed, n_states=6):
    """Seeded logits -> (probs, log_probs) [n_states, 5] and two critics [2, n, 5]."""
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(n_states, 5, generator=generator, dtype=torch.float64)
    critics = torch.randn(2, n_states, 5, generator=generator, dtype=torch.float64)
    log_probs = torch.log_softmax(logits, dim=1)
    return log_probs.exp(), log_probs, critics


def test_target_table_is_critic_target_of_every_pair(small_grid):
    probs, log_probs, target_critics = random_tables(0)
    next_states = small_grid.next_states  # [6, 5] s' of every pair (s, a)
    next_q = target_critics.min(dim=0).values
    by_pairs = critic_target(
        small_grid.state_rewards[:, None],
        log_probs[next_states],
        next_q[next_states],
        0.7,
        0.9,
    )
    table = critic_target_table(
        next_states.numpy(),
        small_grid.state_rewards.numpy(),
        probs.numpy(),
        entropy(probs).numpy(),
        read_critics(target_critics.numpy()),
        0.7,
        0.9,
    )
    torch.testing.assert_close(torch.from_numpy(table), by_pairs, rtol=1e-13, atol=0)


def test_read_critics_is_the_smaller_critic_or_the_first_alone():
    _, _, critics = random_tables(9)
    twin = read_critics(critics.numpy())
    assert np.array_equal(twin, critics.min(dim=0).values.numpy())
    assert np.array_equal(read_critics(critics.numpy(), False), critics[0].numpy())


def test_each_critic_steps_on_its_own_minibatch():
    _, _, critics = random_tables(1)
    generator = torch.Generator().manual_seed(2)
    targets = torch.randn(6, 5, generator=generator, dtype=torch.float64).numpy()
    states = torch.randint(6, (2, 40), generator=generator).numpy()
    actions = torch.randint(5, (2, 40), generator=generator).numpy()
    moved = update_critics(critics.numpy(), targets, states, actions, 0.5)
    for i in range(2):  # critic i moves on row i of the batch alone
        alone = move_towards_targets(
            critics[i].numpy(),
            states[i],
            actions[i],
            targets[states[i], actions[i]],
            0.5,
        )
        assert np.array_equal(moved[i], alone)


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


def test_actor_gradient_is_autograds_gradient_of_the_actor_loss():
    probs, log_probs, critics = random_tables(3)
    q_values = critics.min(dim=0).values
    states = torch.tensor([0, 2, 2, 5, 2, 0, 4])  # state 1 and 3 absent: no gradient
    logits = log_probs.clone().requires_grad_(True)  # softmax(log pi) = pi
    actor_loss(torch.log_softmax(logits, 1)[states], q_values[states], 0.7).backward()
    by_hand = actor_gradient(
        probs.numpy(), log_probs.numpy(), q_values.numpy(), states.numpy(), 0.7
    )
    torch.testing.assert_close(
        torch.from_numpy(by_hand), logits.grad, rtol=1e-12, atol=0
    )


def test_adam_step_is_torch_optim_adams_step():
    generator = torch.Generator().manual_seed(4)
    table = torch.randn(36, 5, generator=generator, dtype=torch.float64)
    reference = table.clone().requires_grad_(True)
    adam = torch.optim.Adam([reference], lr=0.05)
    table = table.numpy()
    moments = (np.zeros_like(table), np.zeros_like(table))
    for step in range(1, 31):
        gradient = torch.randn(36, 5, generator=generator, dtype=torch.float64)
        reference.grad = gradient.clone()
        adam.step()
        adam_step(table, gradient.numpy(), moments, step, lr=0.05)
        np.testing.assert_allclose(
            table, reference.detach().numpy(), rtol=1e-12, err_msg=f"step {step}"
        )


def test_log_softmax_is_torchs():
    logits = torch.randn(36, 5, generator=torch.Generator().manual_seed(8)) * 30
    # a row that overflows exp without the largest logit subtracted first
    logits = torch.cat([logits, torch.tensor([[1000.0, -1000.0, 999.0, 0.0, 1000.0]])])
    logits = logits.double()
    # equal up to round-off: relatively, and absolutely near log pi = 0, where both
    # round log(sum of exps), a sum near 1, to within a unit in its last place (NumPy
    # and torch one such unit apart on some entries): a margin of 4 units
    np.testing.assert_allclose(
        log_softmax(logits.numpy()),
        torch.log_softmax(logits, 1).numpy(),
        rtol=1e-14,
        atol=4 * np.finfo(np.float64).eps,
    )


def test_collect_draws_the_actions_sample_categorical_draws(small_grid):
    probs, _, _ = random_tables(5)
    walkers = torch.tensor([0, 1, 2, 3, 4, 5] * 20)
    shared = torch.Generator().manual_seed(6)
    expected = sample_categorical(probs[walkers], shared)
    generator = torch.Generator().manual_seed(6)
    actions, next_states, _ = collect(
        small_grid.next_states.numpy(),
        probs.cumsum(1)[:, :-1].numpy(),
        walkers.numpy(),
        small_grid.start_state,
        0.9,
        generator,
    )
    assert np.array_equal(actions, expected.numpy())
    assert np.array_equal(next_states, small_grid.next_states[walkers, expected])


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"buffer_size": 100, "batch_size": 512}, ["buffer_size", "batch_size"]),
        ({"target_entropy": 2.0}, ["target_entropy"]),
        ({"target_entropy": -0.1}, ["target_entropy"]),
        ({"tau": 1.5}, ["tau"]),
        ({"tau": 0.0}, ["tau"]),
        ({"critic_lr": 0.0}, ["critic_lr"]),
        ({"alpha": 0.0}, ["alpha"]),
        ({"n_envs": 0}, ["n_envs"]),
        ({"warmup_steps": -1}, ["warmup_steps"]),
        ({"entropy_states": "buffer"}, ["entropy_states", "walkers", "replay"]),
        (
            {"warmup_steps": 1_500_000},
            ["warmup_steps", "1500000", "total_timesteps"],
        ),
    ],
)
def test_sac_config_names_the_bad_setting(overrides, names):
    with pytest.raises(ValueError) as raised:
        SACConfig(**overrides)
    for name in names:
        assert name in str(raised.value)


def test_twin_critics_and_hold_alpha_must_be_bools():
    with pytest.raises(TypeError, match="twin_critics"):
        SACConfig(twin_critics="no")
    with pytest.raises(TypeError, match="hold_alpha"):
        SACConfig(hold_alpha=0)


def test_without_the_hold_alpha_moves_in_the_warm_up_and_nothing_else_changes():
    settings = dict(total_timesteps=1200, n_envs=20, warmup_steps=800)
    settings.update(batch_size=32, record_every=400)
    held = train_sac(GridWorld(), **settings)
    free = train_sac(GridWorld(), **settings, hold_alpha=False)
    assert held.alphas[0] == 1.0 and free.alphas[0] != 1.0  # 20 dual steps
    # alpha enters the critics' targets and the actor's loss: the actors differ
    assert not torch.equal(held.tables[0], free.tables[0])


def test_unknown_settings_are_named():
    with pytest.raises(TypeError, match="initial_alpha"):
        train_sac(GridWorld(), initial_alpha=1.0)


def test_a_short_run_records_every_record_every_steps():
    grid = GridWorld()
    history = train_sac(
        grid,
        total_timesteps=1200,
        n_envs=20,
        warmup_steps=400,
        batch_size=32,
        record_every=400,
    )
    assert history.probs.shape == (grid.n_states, grid.n_actions)
    assert torch.allclose(
        history.probs.sum(1), torch.ones(grid.n_states, dtype=torch.float64)
    )
    assert history.q_values.shape == (2, grid.n_states, grid.n_actions)
    assert list(history.env_steps) == [400, 800, 1200]
    assert history.tables.shape == (3, grid.n_states, grid.n_actions)
    assert history.alphas[0] == 1.0  # held during the warm-up
    assert history.settings.record_every == 400


def test_states_past_255_are_stored_exactly():
    # the buffer keeps states in one byte only where they fit: state 299 must not wrap
    # to 43. One update from the start: the critics move at (299, a) alone, to
    # y = R + gamma * alpha * log 5 > 0 (uniform actor, zero target critics)
    grid = GridWorld([[0.0] * 300], (0, 299))
    history = train_sac(
        grid,
        total_timesteps=10,
        n_envs=10,
        warmup_steps=0,
        batch_size=4,
        buffer_size=10,
    )
    assert (history.q_values[:, 299] > 0).any()
    assert (history.q_values[:, 299 - 256] == 0).all()


SHORT_RUN = dict(
    total_timesteps=2000, n_envs=20, warmup_steps=400, batch_size=32, record_every=200
)


def test_replay_entropy_changes_the_temperature_alone(small_grid):
    # through the warm-up alpha is held, so the run is the walkers' one step for step;
    # after it the dual step averages other states' entropies, and alpha differs
    walkers = train_sac(small_grid, **SHORT_RUN)
    replay = train_sac(small_grid, entropy_states="replay", **SHORT_RUN)
    warm_up = walkers.env_steps <= SHORT_RUN["warmup_steps"]
    assert torch.equal(walkers.tables[warm_up], replay.tables[warm_up])
    assert np.array_equal(walkers.alphas[warm_up], replay.alphas[warm_up])
    assert not np.array_equal(walkers.entropies, replay.entropies)
    assert (walkers.alphas[~warm_up] != replay.alphas[~warm_up]).all()
    assert ((0 < replay.entropies) & (replay.entropies < math.log(5))).all()


def test_one_critic_changes_the_targets_and_the_actor(small_grid):
    # the critics' first update reads zero target critics either way; later ones
    # read Qbar_1 alone, and the actor Q_1 alone
    twin = train_sac(small_grid, **SHORT_RUN)
    one = train_sac(small_grid, twin_critics=False, **SHORT_RUN)
    one_update = {**SHORT_RUN, "total_timesteps": 20, "warmup_steps": 0}
    first = train_sac(small_grid, **one_update)
    first_one = train_sac(small_grid, twin_critics=False, **one_update)
    assert torch.equal(first.q_values, first_one.q_values)
    assert not torch.equal(twin.q_values, one.q_values)
    assert not torch.equal(twin.probs, one.probs)


def test_same_seed_gives_the_same_run(small_grid):
    settings = dict(total_timesteps=2000, n_envs=20, warmup_steps=200, batch_size=32)
    first = train_sac(small_grid, seed=7, **settings)
    second = train_sac(small_grid, seed=7, **settings)
    assert torch.equal(first.probs, second.probs) and first.alpha == second.alpha


def test_sac_learns_alpha_star_and_pi_star_on_a_small_grid(small_grid):
    # the 2 x 3 grid, H_bar = 1.2 nats, gamma = 0.9: alpha* = 1.366. Over seeds 0-19
    # these settings end within 1.0 % of alpha*, with a gap below 1.3e-5 and critics
    # within 3.6e-3 of max |Q*|; the bounds below leave a factor of 3 or more.
    alpha_star = optimal_temperature(small_grid, 1.2, 0.9, tol=1e-8)
    solution = soft_value_iteration(small_grid, alpha_star, 0.9)
    history = train_sac(
        small_grid,
        total_timesteps=100_000,
        n_envs=100,
        warmup_steps=10_000,
        batch_size=256,
        buffer_size=100_000,
        discount=0.9,
        target_entropy=1.2,
        alpha_lr=0.05,
        actor_lr=0.1,
        seed=0,
    )
    assert abs(history.alpha / alpha_star - 1) < 0.03
    gap = start_value_gap(small_grid, history.probs, alpha_star, 0.9, solution)
    assert 0 <= gap < 1e-4  # pi* is the soft optimum: no policy beats it
    critic_error = (history.q_values - solution.q_values).abs().max()
    assert critic_error < 1e-2 * solution.q_values.abs().max()
