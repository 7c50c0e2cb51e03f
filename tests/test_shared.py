"""The parts every method shares: the settings base, the action sampler, the entropy,
the replay buffer, the gap helper, and the README's generated blocks."""

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from helpers import assert_tool_check_passes

from maxent_tutorial import (
    GridWorld,
    PGConfig,
    ReplayBuffer,
    TablePolicy,
    TabularSoftmaxPolicy,
    entropy,
    inverse_cdf,
    sample_categorical,
    soft_value_iteration,
    start_value_gap,
)
from maxent_tutorial.settings import (
    DISCOUNT,
    NON_NEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    SHARED,
    UNIT_INTERVAL,
    Range,
    Settings,
    describe,
    setting,
    settings_for,
    shared,
)

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ToyConfig(Settings):
    steps: int = setting(10, "a budget", POSITIVE_INT)
    rate: float = setting(0.5, "a rate", POSITIVE)
    discount: float = setting(0.9, "a discount", DISCOUNT)
    mode: str = setting("a", "a choice", ("a", "b"))
    target: float | None = setting(
        None, "an optional number", Range(0, 1), optional=True
    )

    def check(self):
        if self.mode == "b" and self.steps < 5:
            raise ValueError("mode 'b' needs steps >= 5")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(steps=0), ValueError, "steps must be an integer >= 1, got 0"),
        (dict(steps=2.0), TypeError, "steps must be an integer >= 1"),
        (dict(steps=True), TypeError, "steps"),
        (dict(rate=0.0), ValueError, r"rate must be a number in \(0, inf\)"),
        (dict(rate=math.inf), ValueError, "rate"),
        (dict(discount=1.0), ValueError, r"discount must be a number in \[0, 1\)"),
        (dict(mode="c"), ValueError, r"mode must be one of \['a', 'b'\]"),
        (dict(target=2.0), ValueError, "target"),
        (dict(mode="b", steps=3), ValueError, "needs steps >= 5"),
    ],
)
def test_a_config_checks_every_field_once_when_built(kwargs, error, match):
    with pytest.raises(error, match=match):
        ToyConfig(**kwargs)


def test_optional_fields_accept_none_and_help_states_the_range():
    assert ToyConfig(target=None).target is None and ToyConfig(target=0.5).target == 0.5
    fields = ToyConfig.__dataclass_fields__
    assert describe(fields["rate"]) == "a rate; a number in (0, inf) (default: 0.5)"
    assert "or None (off)" in describe(fields["target"])
    assert describe(fields["steps"]).endswith("an integer >= 1 (default: 10)")


def test_overrides_are_checked_and_unknown_names_are_named():
    config = settings_for(ToyConfig, None, steps=3)
    assert config == ToyConfig(steps=3) and settings_for(ToyConfig, config) is config
    with pytest.raises(TypeError, match=r"no setting \['stpes'\]"):
        settings_for(ToyConfig, None, stpes=3)
    with pytest.raises(ValueError, match="steps"):
        settings_for(ToyConfig, config, steps=-1)
    with pytest.raises(TypeError, match="config must be a ToyConfig"):
        settings_for(ToyConfig, {"steps": 3})


@dataclass(frozen=True)
class ReplayToyConfig(Settings):
    buffer_size: int = shared("buffer_size", 100)
    batch_size: int = setting(10, "a batch", POSITIVE_INT)
    discount: float = shared("discount", 1.0, UNIT_INTERVAL)  # the check replaced
    warmup: int = setting(0, "a warm-up", NON_NEGATIVE_INT)

    def check(self):
        self.check_order("batch_size", "buffer_size")
        self.check_order("warmup", "buffer_size", strict=True, why=": a reason")


def test_a_flag_must_be_a_bool_in_every_config():
    with pytest.raises(TypeError, match="track_value must be a bool, got 1"):
        PGConfig(track_value=1)


def test_a_config_is_read_from_a_chapters_parameters_by_name():
    namespace = {"ALPHA": 2.0, "HORIZON": 50, "SEEDS": (0, 1), "alpha": 9.0}
    config = PGConfig.from_parameters(namespace, seed=3)
    assert (config.alpha, config.horizon, config.seed) == (2.0, 50, 3)
    assert config.discount == PGConfig().discount  # not set: the default
    with pytest.raises(TypeError, match=r"no setting \['seeds'\]"):
        PGConfig.from_parameters(namespace, seeds=(0,))
    with pytest.raises(ValueError, match="horizon"):
        PGConfig.from_parameters({"HORIZON": 0})


def test_the_settings_table_wraps_every_meaning_and_cuts_none():
    from maxent_tutorial import SACConfig

    for config in (PGConfig(), SACConfig(buffer_size=5000)):
        for width in (60, 80):
            table = config.table(width)
            lines = table.splitlines()
            assert max(map(len, lines)) <= width
            starts = [line.split(" = ")[0].strip() for line in lines if " = " in line]
            assert starts == [item.name for item in dataclasses.fields(config)]
            # every meaning is there whole, its words in order
            words = " ".join(table.split())
            for item in dataclasses.fields(config):
                assert " ".join(item.metadata["help"].split()) in words
    words = " ".join(SACConfig(buffer_size=5000).table().split())
    assert "buffer_size = 5000 " in words
    with pytest.raises(TypeError, match="width"):
        PGConfig().table(80.0)


def test_a_shared_field_takes_its_meaning_and_check_from_the_vocabulary():
    fields = ReplayToyConfig.__dataclass_fields__
    meaning = SHARED["buffer_size"][0]
    assert (
        describe(fields["buffer_size"]) == f"{meaning}; an integer >= 1 (default: 100)"
    )
    assert describe(fields["discount"]).startswith("discount gamma; a number in [0, 1]")
    with pytest.raises(ValueError, match="buffer_size must be an integer >= 1"):
        ReplayToyConfig(buffer_size=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(batch_size=20), r"batch_size \(20\) must be at most buffer_size \(10\)$"),
        (dict(warmup=10), r"warmup \(10\) must be below buffer_size \(10\): a reason"),
    ],
)
def test_an_order_between_fields_names_both_and_their_values(kwargs, match):
    assert ReplayToyConfig(buffer_size=10, batch_size=10, warmup=9).warmup == 9
    with pytest.raises(ValueError, match=match):
        ReplayToyConfig(**{"buffer_size": 10, "batch_size": 5} | kwargs)


def test_the_sampler_draws_each_action_with_its_probability():
    probs = torch.tensor([[0.1, 0.0, 0.6, 0.3, 0.0]], dtype=torch.float64)
    generator = torch.Generator().manual_seed(0)
    actions = sample_categorical(probs.expand(200_000, 5), generator, torch.float64)
    frequencies = torch.bincount(actions, minlength=5).double() / len(actions)
    assert frequencies[1] == 0 and frequencies[4] == 0  # never a zero-probability one
    assert torch.allclose(frequencies, probs[0], atol=0.005)


def test_inverse_cdf_by_hand_on_torch_and_numpy():
    cumulative = [0.2, 0.5, 0.5, 0.9]  # pi = (0.2, 0.3, 0.0, 0.4, 0.1)
    uniforms = [0.0, 0.19, 0.2, 0.49, 0.5, 0.89, 0.9, 0.999]
    expected = [0, 0, 1, 1, 3, 3, 4, 4]
    torch_actions = inverse_cdf(torch.tensor(cumulative), torch.tensor(uniforms))
    numpy_actions = inverse_cdf(np.array(cumulative), np.array(uniforms))
    assert torch_actions.tolist() == expected and numpy_actions.tolist() == expected


def test_one_entropy_for_tables_and_for_log_probabilities():
    probs = torch.tensor([[0.5, 0.5, 0.0, 0.0, 0.0], [0.2] * 5], dtype=torch.float64)
    expected = torch.tensor([math.log(2), math.log(5)], dtype=torch.float64)
    assert torch.allclose(entropy(probs), expected)
    # from log_softmax: finite logs, and a finite gradient where a probability is ~0
    logits = torch.tensor([[0.0, 0.0, -800.0, -800.0, -800.0]], requires_grad=True)
    log_probs = torch.log_softmax(logits.double(), dim=-1)
    value = entropy(log_probs.exp(), log_probs)
    assert value.item() == pytest.approx(math.log(2))
    value.sum().backward()
    assert torch.isfinite(logits.grad).all()


def test_entropy_of_numpy_arrays_is_the_same_formula():
    probs = torch.tensor([[0.5, 0.5, 0.0, 0.0, 0.0], [0.1, 0.2, 0.3, 0.4, 0.0]])
    probs = probs.double()
    expected = entropy(probs).numpy()
    assert isinstance(entropy(probs.numpy()), np.ndarray)
    np.testing.assert_allclose(entropy(probs.numpy()), expected, rtol=1e-15)
    log_probs = np.log(np.where(probs.numpy() > 0, probs.numpy(), 1e-300))  # finite
    np.testing.assert_allclose(entropy(probs.numpy(), log_probs), expected, rtol=1e-15)


def test_the_replay_buffer_is_a_ring_that_keeps_terminated():
    buffer = ReplayBuffer(4, observation_shape=(2,), observation_dtype=torch.float32)
    for start in (0, 3):  # 6 transitions into a buffer of 4: the first two are gone
        observations = torch.arange(start, start + 3).float()[:, None].expand(3, 2)
        buffer.add(
            observations,
            observations + 1,
            torch.arange(start, start + 3),
            torch.arange(start, start + 3).double(),
            torch.arange(start, start + 3) % 2 == 1,
        )
    assert len(buffer) == 4
    stored = buffer.at(torch.arange(4))
    assert sorted(stored.actions.tolist()) == [2, 3, 4, 5]
    assert torch.equal(stored.terminated, stored.actions % 2 == 1)
    assert torch.equal(stored.next_observations, stored.observations + 1)
    batch = buffer.sample(1000, torch.Generator().manual_seed(0))
    assert set(batch.actions.tolist()) == {2, 3, 4, 5}
    assert (
        batch.observations.shape == (1000, 2) and batch.rewards.dtype == torch.float64
    )


FIELDS = ("observations", "next_observations", "actions", "rewards", "terminated")


def test_replay_add_fills_the_slots_of_a_ring_one_by_one():
    # the reference: transition j of a batch goes to slot (position + j) mod size
    buffer = ReplayBuffer(7, observation_shape=(2,), observation_dtype=torch.float32)
    slots = {name: torch.zeros_like(getattr(buffer, name)) for name in FIELDS}
    position, counter = 0, 0
    for n in (3, 5, 7, 2, 11, 1, 6):  # wraps, fills exactly, and overflows the ring
        values = torch.arange(counter, counter + n)
        counter += n
        batch = (
            values[:, None].float().expand(n, 2),  # observations
            values[:, None].float().expand(n, 2) + 0.5,  # next observations
            values,  # actions
            values / 4,  # rewards, float32: stored as float64
            values % 3,  # terminated, given as 0/1/2: stored as bool
        )
        buffer.add(*batch)
        for j in range(max(0, n - 7), n):  # a batch over the size keeps its last 7
            for name, value in zip(FIELDS, batch, strict=True):
                slots[name][position] = value[j]
            position = (position + 1) % 7
        for name in FIELDS:
            assert torch.equal(getattr(buffer, name), slots[name]), (n, name)
        assert buffer.position == position


def test_replay_at_reads_an_index_of_any_shape():
    buffer = ReplayBuffer(10, action_shape=(3,), action_dtype=torch.float32)
    states = torch.arange(10)
    actions = torch.rand(10, 3, generator=torch.Generator().manual_seed(0))
    buffer.add(states, states + 1, actions, states * 0.5, states % 2 == 0)
    index = torch.tensor([[4, 0, 9], [4, 7, 1]])  # [2, 3]
    batch = buffer.at(index)
    assert batch.actions.shape == (2, 3, 3) and batch.rewards.shape == (2, 3)
    for name in FIELDS:  # what indexing by the tensor itself gives
        assert torch.equal(getattr(batch, name), getattr(buffer, name)[index]), name
    assert buffer.at(torch.tensor(9)).observations.item() == 9  # a 0-d index too


def test_the_goal_is_the_largest_reward():
    grid = GridWorld()
    assert grid.to_cell(grid.goal_state) == (0, 5)
    assert GridWorld([[5, 9], [9, 0]], (1, 1)).goal_state == 1  # the first, row-major


def test_the_gap_helper_takes_a_table_or_a_policy(small_grid):
    solution = soft_value_iteration(small_grid, 0.5, 0.9)
    policy = TabularSoftmaxPolicy(small_grid)
    uniform = torch.full((6, 5), 0.2, dtype=torch.float64)
    from_table = start_value_gap(small_grid, uniform, 0.5, 0.9, solution)
    assert from_table == start_value_gap(small_grid, policy, 0.5, 0.9)
    assert from_table > 0
    assert start_value_gap(small_grid, solution.probs, 0.5, 0.9) == pytest.approx(
        0, abs=1e-12
    )
    with pytest.raises(ValueError, match="probs"):
        start_value_gap(small_grid, uniform[:3], 0.5, 0.9)


def test_the_readme_map_and_method_list_are_current():
    assert_tool_check_passes("sync_readme")


def test_every_module_of_the_package_is_in_the_readme_map():
    readme = (ROOT / "README.md").read_text()
    for path in (ROOT / "maxent_tutorial").rglob("*.py"):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        name = path.relative_to(ROOT / "maxent_tutorial").as_posix()
        assert f"`{name}`" in readme, name


def test_episode_statistics_match_sampled_episodes(small_grid):
    from maxent_tutorial.exact import episode_statistics

    probs = torch.softmax(
        torch.randn(6, 5, generator=torch.Generator().manual_seed(1)), 1
    ).double()
    exact = episode_statistics(small_grid, probs, horizon=12)
    episodes = small_grid.rollout(
        TablePolicy(small_grid, probs), 12, 40_000, torch.Generator().manual_seed(0)
    )
    at_goal = episodes.states == small_grid.goal_state
    reached = at_goal.any(dim=0)
    first = torch.where(reached, at_goal.int().argmax(dim=0), torch.tensor(12))
    before = torch.arange(12)[:, None] < first
    pits = small_grid.state_rewards == small_grid.state_rewards.min()
    sampled = {
        "steps_to_goal": first.double().mean().item(),
        "reach": reached.double().mean().item(),
        "pit_visits": (pits[episodes.states] & before).double().sum(0).mean().item(),
        "reward": episodes.rewards.double().sum(0).mean().item(),
        "goal_steps": at_goal.double().sum(0).mean().item(),
    }
    for name, value in sampled.items():
        assert value == pytest.approx(exact[name], rel=0.03, abs=0.02), name
