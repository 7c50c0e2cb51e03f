"""Soft actor-critic for continuous actions (maxent_tutorial.deep.continuous_sac):
the reparameterised and squashed Gaussian against densities computed without it,
the settings' errors, and SAC on the linear-quadratic problem against its exact
answer (maxent_tutorial.exact_lqr)."""

import math
from dataclasses import fields

import gymnasium as gym
import numpy as np
import pytest
import torch

from maxent_tutorial.deep.continuous_sac import (
    ContinuousSACConfig,
    LinearGaussianPolicy,
    MLPCritics,
    MLPGaussianPolicy,
    QuadraticCritics,
    TwinLinear,
    evaluate_continuous,
    mean_actor,
    reparameterised_sample,
    squash,
    train_continuous_sac,
)
from maxent_tutorial.deep.sac import DeepSACConfig, NetworkSACSettings
from maxent_tutorial.exact_lqr import lqr_optimal_temperature, soft_lqr
from maxent_tutorial.lqr import LQR_ENV_ID, LQRProblem

# the settings chapter 15 uses on the linear-quadratic problem
LQR_SETTINGS = dict(
    policy="linear",
    critic="quadratic",
    squash=False,
    discount=0.9,
    learning_starts=500,
    actor_lr=1e-2,
    critic_lr=5e-2,
    tau=0.1,
)
MEAN, STD, LOW, HIGH = 0.3, 0.8, -2.0, 2.0


def squashed_density(actions):
    """The density of a = LOW + (HIGH - LOW)(tanh(u) + 1) / 2, u ~ Normal(MEAN, STD),
    by differentiating its distribution function: P(a' <= a) = Phi((atanh(...) -
    MEAN) / STD), a central difference of the exact CDF, no Jacobian written out."""

    def cdf(a):
        u = torch.atanh((2 * a - LOW - HIGH) / (HIGH - LOW))
        return torch.special.ndtr((u - MEAN) / STD)

    step = 1e-5
    return (cdf(actions + step) - cdf(actions - step)) / (2 * step)


def draw(n, seed=0):
    generator = torch.Generator().manual_seed(seed)
    mean = torch.full((n, 1), MEAN, dtype=torch.float64)
    log_std = torch.full((n, 1), math.log(STD), dtype=torch.float64)
    return reparameterised_sample(mean, log_std, generator)


def test_squashed_log_prob_matches_the_change_of_variables_density():
    u, log_prob = draw(1000)
    bounds = torch.tensor([LOW], dtype=torch.float64), torch.tensor([HIGH]).double()
    actions, squashed_log_prob = squash(u, log_prob, *bounds)
    inside = (actions[:, 0] - LOW).abs() > 1e-3  # the CDF's difference needs room
    expected = squashed_density(actions[inside, 0])
    assert torch.allclose(squashed_log_prob[inside].exp(), expected, rtol=1e-6)


def test_squashed_log_prob_matches_a_histogram_of_samples():
    u, log_prob = draw(400_000, seed=1)
    bounds = torch.tensor([LOW], dtype=torch.float64), torch.tensor([HIGH]).double()
    actions, _ = squash(u, log_prob, *bounds)
    counts, edges = np.histogram(actions[:, 0].numpy(), bins=40, range=(LOW, HIGH))
    width = edges[1] - edges[0]
    histogram = counts / (len(actions) * width)
    # the package's density at 100 points inside each bin, averaged: the bin's mean
    inside = (edges[:-1, None] + width * (np.arange(100) + 0.5) / 100).ravel()
    a = torch.tensor(inside)[:, None]
    u_of_a = torch.atanh((2 * a - LOW - HIGH) / (HIGH - LOW))
    normal = torch.distributions.Normal(MEAN, STD).log_prob(u_of_a[:, 0])
    density = squash(u_of_a, normal, *bounds)[1].exp().numpy().reshape(40, 100)
    # 5 binomial standard errors per bin: about 6e-7 false alarms per bin
    tolerance = 5 * np.sqrt(counts) / (len(actions) * width)
    assert (counts > 100).sum() >= 36
    assert (np.abs(density.mean(1) - histogram) < tolerance + 1e-9).all()


def test_reparameterised_sample_has_the_right_mean_std_and_log_density():
    u, log_prob = draw(200_000, seed=2)
    standard_error = STD / math.sqrt(len(u))
    assert abs(u.mean().item() - MEAN) < 5 * standard_error
    assert abs(u.std().item() - STD) < 5 * STD / math.sqrt(2 * len(u))
    normal = torch.distributions.Normal(MEAN, STD)
    assert torch.allclose(log_prob, normal.log_prob(u[:, 0]), atol=1e-12)


def test_the_gradient_flows_through_the_sample():
    # d E[u] / d mu = 1, d E[(u - mu)^2] / d log sigma = 2 sigma^2: only a sample
    # written as mu + sigma xi carries these derivatives
    mean = torch.zeros(50_000, 1, dtype=torch.float64, requires_grad=True)
    log_std = torch.full((50_000, 1), math.log(STD), dtype=torch.float64)
    log_std.requires_grad_(True)
    u, _ = reparameterised_sample(mean, log_std, torch.Generator().manual_seed(3))
    (u.mean() + (u**2).mean()).backward()
    assert mean.grad.sum().item() == pytest.approx(1.0, abs=0.02)
    assert log_std.grad.sum().item() == pytest.approx(2 * STD**2, rel=0.02)


def test_mean_action_stays_inside_the_bounds():
    bounds = (np.array([LOW], np.float32), np.array([HIGH], np.float32))
    policy = MLPGaussianPolicy(3, 1, bounds, width=8)
    actions = policy.mean_action(100 * torch.randn(1000, 3))
    assert (actions >= LOW).all() and (actions <= HIGH).all()
    sampled, _ = policy.sample(torch.randn(1000, 3), torch.Generator().manual_seed(0))
    assert (sampled >= LOW).all() and (sampled <= HIGH).all()


def test_twin_linear_is_two_independent_linear_maps():
    twin = TwinLinear(3, 4)
    inputs = torch.randn(5, 3)
    outputs = twin(inputs)
    for i in range(2):
        expected = inputs @ twin.weight[i] + twin.bias[i]
        assert torch.allclose(outputs[i], expected, atol=1e-6)
    assert not torch.allclose(outputs[0], outputs[1])
    assert MLPCritics(4, 8)(torch.randn(5, 3), torch.randn(5, 1)).shape == (2, 5)


def test_quadratic_critic_holds_any_quadratic_of_state_and_action():
    critic = QuadraticCritics(3)
    z = torch.randn(10, 3)
    with torch.no_grad():
        critic.linear.weight[0, :, 0] = torch.arange(9.0)
        critic.linear.bias[0] = 2.0
    features = [z[:, 0], z[:, 1], z[:, 2]]
    features += [z[:, i] * z[:, j] for i in range(3) for j in range(i, 3)]
    expected = 2.0 + sum(k * f for k, f in enumerate(features))
    assert torch.allclose(critic(z[:, :2], z[:, 2:])[0], expected, atol=1e-5)


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"buffer_size": 100, "batch_size": 256}, "buffer_size"),
        ({"learning_starts": 20_000}, "learning_starts"),
        ({"policy": "quadratic"}, "policy"),
        ({"tau": 0.0}, "tau"),
        ({"target_entropy": math.nan}, "target_entropy"),
        ({"discount": 1.0}, "discount"),
    ],
)
def test_config_errors_name_the_argument(overrides, named):
    with pytest.raises((TypeError, ValueError), match=named):
        ContinuousSACConfig(**overrides)


def test_discrete_and_continuous_sac_share_the_network_settings():
    shared = {item.name: item.default for item in fields(NetworkSACSettings)}
    for config in (ContinuousSACConfig(), DeepSACConfig()):
        assert {name: getattr(config, name) for name in shared} == shared


@pytest.mark.parametrize(
    "env_id, overrides, named",
    [
        (LQR_ENV_ID, {}, "squash"),  # unbounded actions cannot be squashed
        ("Pendulum-v1", {"target_entropy": 2.0}, "target_entropy"),  # > log 4
        ("CartPole-v1", {}, "env_id"),  # discrete actions
    ],
)
def test_problem_errors_name_the_argument(env_id, overrides, named):
    with pytest.raises(ValueError, match=named):
        train_continuous_sac(env_id, total_timesteps=10, learning_starts=0, **overrides)


def test_evaluation_is_seeded_and_scores_the_mean_action():
    policy = LinearGaussianPolicy(1, 1)  # a = 0 in every state
    first = evaluate_continuous(LQR_ENV_ID, mean_actor(policy), 5, seed=7)
    again = evaluate_continuous(LQR_ENV_ID, mean_actor(policy), 5, seed=7)
    assert np.array_equal(first, again)
    # a = 0: the state stays put, 20 steps of -s_0^2 each; episode i is seeded 7 + i
    starts = [gym.make(LQR_ENV_ID).reset(seed=7 + i)[0][0] for i in range(5)]
    assert np.allclose(first, [-20 * float(s) ** 2 for s in starts], rtol=1e-5)


def test_a_short_run_on_pendulum_records_its_curve_and_copies():
    history = train_continuous_sac(
        "Pendulum-v1",
        total_timesteps=200,
        learning_starts=100,
        record_every=100,
        batch_size=32,
    )
    assert history.env_steps.tolist() == [100, 200]
    assert len(history.snapshots) == 2 and history.alpha[1] < history.alpha[0]
    assert np.isnan(history.entropy[0]) and np.isfinite(history.entropy[1])
    assert history.settings.total_timesteps == 200


def test_a_short_sac_run_on_lqr_moves_the_gain_towards_the_exact_gain():
    problem = LQRProblem()
    exact = soft_lqr(problem, lqr_optimal_temperature(problem, -1.0))
    history = train_continuous_sac(
        LQR_ENV_ID, total_timesteps=1000, record_every=250, **LQR_SETTINGS
    )
    gains = [s["mean.weight"].item() for s in history.snapshots]
    errors = [abs(gain / exact.gain[0, 0] - 1) for gain in gains]
    assert errors[:2] == [1.0, 1.0]  # W = 0, no feedback, until updates begin
    assert errors[-1] < 0.2  # 500 updates later


@pytest.mark.slow
def test_sac_on_lqr_learns_the_exact_gain_std_and_alpha():
    problem = LQRProblem()
    alpha_star = lqr_optimal_temperature(problem, -1.0)
    exact = soft_lqr(problem, alpha_star)
    for seed in range(3):
        history = train_continuous_sac(
            LQR_ENV_ID, total_timesteps=4000, seed=seed, **LQR_SETTINGS
        )
        policy = history.policy
        gain, std = policy.mean.weight.item(), policy.log_std.exp().item()
        assert gain == pytest.approx(exact.gain[0, 0], rel=0.05), seed
        assert std == pytest.approx(exact.std[0], rel=0.05), seed
        assert history.alpha[-1] == pytest.approx(alpha_star, rel=0.10), seed
