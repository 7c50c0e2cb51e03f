"""Gymnasium training pieces (maxent_tutorial.deep) against hand-made episodes."""

import math

import numpy as np
import pytest
import torch

from maxent_tutorial.baselines import LeaveOneOutBaseline
from maxent_tutorial.deep import (
    MLP,
    evaluate,
    is_reset_step,
    make_vector_env,
    soft_returns_with_ends,
)
from maxent_tutorial.deep_pg import (
    PolicyGradientConfig,
    collect_episodes,
    episode_batch_loss,
)
from maxent_tutorial.deep_sac import DeepSACConfig, train_deep_sac

ALPHA, GAMMA = 0.5, 0.9
LOG_HALF = math.log(0.5)


def hand_made_episode(terminated_at=None, truncated_at=None):
    # one episode column of 3 steps, r = 1, pi(a_t|s_t) = 1/2 at every step
    rewards = torch.ones(3, 1, dtype=torch.float64)
    log_probs = torch.full((3, 1), LOG_HALF, dtype=torch.float64)
    terminated = torch.zeros(3, 1, dtype=torch.bool)
    truncated = torch.zeros(3, 1, dtype=torch.bool)
    if terminated_at is not None:
        terminated[terminated_at] = True
    if truncated_at is not None:
        truncated[truncated_at] = True
    return rewards, log_probs, terminated, truncated


def test_soft_return_stops_at_a_termination():
    rewards, log_probs, terminated, truncated = hand_made_episode(terminated_at=1)
    next_values = torch.full((3, 1), 100.0, dtype=torch.float64)  # must be ignored
    returns = soft_returns_with_ends(
        rewards, log_probs, terminated, truncated, ALPHA, GAMMA, next_values
    )
    soft_reward = 1 - ALPHA * LOG_HALF
    assert returns[1, 0].item() == pytest.approx(soft_reward, rel=1e-12)
    assert returns[0, 0].item() == pytest.approx(soft_reward * (1 + GAMMA), rel=1e-12)


def test_soft_return_bootstraps_at_a_truncation():
    rewards, log_probs, terminated, truncated = hand_made_episode(truncated_at=1)
    next_values = torch.full((3, 1), 100.0, dtype=torch.float64)
    returns = soft_returns_with_ends(
        rewards, log_probs, terminated, truncated, ALPHA, GAMMA, next_values
    )
    soft_reward = 1 - ALPHA * LOG_HALF
    assert returns[1, 0].item() == pytest.approx(soft_reward + GAMMA * 100, rel=1e-12)
    assert returns[0, 0].item() == pytest.approx(
        soft_reward + GAMMA * returns[1, 0].item(), rel=1e-12
    )


def test_soft_return_without_ends_is_the_plain_soft_reward_to_go():
    rewards, log_probs, terminated, truncated = hand_made_episode()
    returns = soft_returns_with_ends(
        rewards, log_probs, terminated, truncated, ALPHA, GAMMA
    )
    soft_reward = 1 - ALPHA * LOG_HALF
    assert returns[0, 0].item() == pytest.approx(
        soft_reward * (1 + GAMMA + GAMMA**2), rel=1e-12
    )


def test_a_continuous_action_space_is_refused():
    with pytest.raises(ValueError, match="Discrete action space"):
        make_vector_env("Pendulum-v1", 2)


def test_deep_sac_refuses_a_continuous_task():
    with pytest.raises(ValueError, match="Discrete action space"):
        train_deep_sac(env_id="MountainCarContinuous-v0", total_steps=100)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"buffer_size": 10, "batch_size": 64}, "buffer_size"),
        ({"tau": 1.5}, "tau"),
        ({"lr": 0.0}, "lr"),
        ({"target_entropy": -0.1}, "target_entropy"),
        ({"warmup_steps": -1}, "warmup_steps"),
    ],
)
def test_deep_sac_config_names_the_bad_setting(overrides, message):
    with pytest.raises(ValueError, match=message):
        DeepSACConfig(**overrides)


def test_deep_sac_refuses_a_target_entropy_above_log_n_actions():
    with pytest.raises(ValueError, match="target_entropy"):
        train_deep_sac(target_entropy=0.7, total_steps=100)  # log 2 = 0.693


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"n_episodes": 1}, "n_episodes"), ({"lr": 0.0}, "lr"), ({"alpha": -1}, "alpha")],
)
def test_policy_gradient_config_names_the_bad_setting(overrides, message):
    with pytest.raises(ValueError, match=message):
        PolicyGradientConfig(**overrides)


def test_the_step_after_an_episode_end_is_an_autoreset():
    # Gymnasium 1.x next-step autoreset: the call after the end returns reward 0 and
    # the new episode's first observation, whatever the action
    envs = make_vector_env("CartPole-v1", 1)
    envs.reset(seed=0)
    done = np.array([False])
    while not done[0]:
        _, _, terminated, truncated, _ = envs.step(np.array([0]))  # push left: falls
        done = is_reset_step(terminated, truncated)
    assert terminated[0]
    observations, rewards, terminated, truncated, _ = envs.step(np.array([0]))
    assert rewards[0] == 0.0 and not terminated[0] and not truncated[0]
    assert np.abs(observations[0]).max() <= 0.05  # CartPole starts within +-0.05
    envs.close()


def test_collected_episodes_end_at_their_first_termination_or_truncation():
    envs = make_vector_env("CartPole-v1", 4)
    envs.reset(seed=0)
    policy = MLP(4, 2)
    batch, steps = collect_episodes(
        envs, policy, torch.Generator().manual_seed(0), 10**6
    )
    valid = batch["valid"]
    lengths = valid.sum(0)
    assert steps == valid.numel()
    for b in range(4):
        assert valid[: lengths[b], b].all() and not valid[lengths[b] :, b].any()
        ends = (batch["term"] | batch["trunc"])[:, b]
        assert ends.nonzero().flatten().tolist() == [lengths[b].item() - 1]
        assert batch["rew"][:, b].sum().item() == lengths[b].item()  # r = 1 per step
    envs.close()


def test_the_loss_ignores_the_steps_after_an_episode_end():
    envs = make_vector_env("CartPole-v1", 4)
    envs.reset(seed=0)
    torch.manual_seed(0)
    policy = MLP(4, 2)
    batch, _ = collect_episodes(envs, policy, torch.Generator().manual_seed(0), 10**6)
    envs.close()
    loss, _ = episode_batch_loss(policy, batch, 0.01, 0.99, LeaveOneOutBaseline())
    invalid = ~batch["valid"]
    assert invalid.any()  # the episodes have different lengths
    scrambled = dict(batch)
    scrambled["obs"] = torch.where(invalid[..., None], 7.0, batch["obs"])
    scrambled["act"] = torch.where(invalid, 1 - batch["act"], batch["act"])
    other, _ = episode_batch_loss(policy, scrambled, 0.01, 0.99, LeaveOneOutBaseline())
    assert other.item() == loss.item()


def test_evaluation_of_a_policy_that_always_pushes_left():
    returns = evaluate("CartPole-v1", lambda obs: np.zeros(len(obs), dtype=int), 5)
    assert returns.shape == (5,) and (returns >= 8).all() and (returns < 30).all()


def test_a_short_deep_sac_run_records_finished_episodes():
    history = train_deep_sac(
        total_steps=1600, n_envs=8, warmup_steps=800, batch_size=64, seed=0
    )
    assert history.env_steps[-1] <= 1600
    assert (np.diff(history.env_steps) > 0).all()
    assert (history.episode_return >= 8).all()  # every CartPole episode lasts >= 8
    assert history.alpha != 0.1  # the dual step moved the temperature
