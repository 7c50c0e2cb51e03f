"""The command line: one subcommand per registered method, generated from its config."""

import argparse
import dataclasses
import types

import pytest
import torch

from maxent_tutorial import GridWorld, soft_value_iteration
from maxent_tutorial.cli import GAP_ROUNDING, build_parser, format_gap, main
from maxent_tutorial.registry import METHODS
from maxent_tutorial.settings import Range

GRID_METHODS = sorted(name for name, m in METHODS.items() if m.problem == "grid")
GYMNASIUM_METHODS = sorted(set(METHODS) - set(GRID_METHODS))
# Options of the command line itself, beside the config's fields.
EXTRA_OPTIONS = {"pg": {"save_figure", "save_weights"}}
# A budget of a second or two for each method; a new method needs an entry here.
TINY = {
    "pg": ["--total-timesteps", "1200", "--horizon", "30", "--n-envs", "4"],
    "soft-q": [
        *("--total-timesteps", "2000", "--n-envs", "20"),
        *("--batch-size", "100", "--record-every", "1000"),
    ],
    "sac": [
        *("--total-timesteps", "2000", "--n-envs", "20", "--warmup-steps", "400"),
        *("--batch-size", "64", "--record-every", "1000", "--discount", "0.9"),
    ],
    "deep-pg": ["--total-timesteps", "512", "--n-envs", "4", "--n-steps", "32"],
    "deep-sac": [
        *("--total-timesteps", "256", "--n-envs", "4", "--learning-starts", "64"),
        *("--batch-size", "32"),
    ],
    "continuous-sac": [
        *("--total-timesteps", "300", "--learning-starts", "100"),
        *("--batch-size", "32", "--width", "16"),
    ],
}


def subcommand(name: str) -> argparse.ArgumentParser:
    subcommands = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    return subcommands.choices[name]


def options_of(name: str) -> dict:
    """dest -> action of a subcommand's options, without -h."""
    return {a.dest: a for a in subcommand(name)._actions if a.dest != "help"}


def extra_options(name: str) -> set:
    gymnasium = {"env_id"} if METHODS[name].problem == "gymnasium" else set()
    return EXTRA_OPTIONS.get(name, set()) | gymnasium


@pytest.mark.parametrize("name", sorted(METHODS))
def test_options_and_defaults_are_the_config_fields(name):
    config_class = METHODS[name].config
    options = options_of(name)
    fields = dataclasses.fields(config_class)
    for item in fields:
        flag = "--" + item.name.replace("_", "-")
        assert item.name in options, f"{flag} is missing"
        assert flag in options[item.name].option_strings
        assert options[item.name].default == item.default, item.name
    assert set(options) - {item.name for item in fields} == extra_options(name)
    parsed = vars(subcommand(name).parse_args([]))
    built = config_class(**{item.name: parsed[item.name] for item in fields})
    assert built == config_class()


@pytest.mark.parametrize("name", sorted(METHODS))
def test_help_states_the_range_each_check_enforces(name):
    options = options_of(name)
    for item in dataclasses.fields(METHODS[name].config):
        check = item.metadata["check"]
        if isinstance(check, Range):
            assert str(check) in options[item.name].help, item.name
        elif isinstance(check, tuple):
            assert options[item.name].choices == check, item.name


def test_printed_help_states_the_discounts_range(capsys):
    assert main(["soft-q", "-h"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())  # undo the line wrapping
    assert "--discount FLOAT discount gamma; a number in [0, 1)" in help_text


def test_list_prints_every_method_with_its_chapter(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(METHODS)
    for line, method in zip(lines, METHODS.values(), strict=True):
        assert f"chapter {method.chapter:>2}" in line and method.summary in line


def test_every_method_has_a_tiny_budget_for_these_tests():
    assert set(TINY) == set(METHODS)


@pytest.mark.parametrize("name", GRID_METHODS)
def test_grid_subcommand_runs_a_tiny_budget_and_reports_its_gap(name, capsys):
    quiet = ["--no-progress"] if "progress" in options_of(name) else []
    assert main([name, *TINY[name], *quiet]) == 0
    out = capsys.readouterr().out
    assert "gap to the soft optimum" in out
    if name == "sac":
        assert "exact alpha*" in out  # a learned temperature is judged at alpha*


def test_pg_with_a_target_entropy_reports_the_gap_at_alpha_star(capsys):
    target = ["--target-entropy", "1.3", "--discount", "0.9"]  # 0.9: alpha* is quick
    assert main(["pg", *TINY["pg"], "--no-progress", *target]) == 0
    assert "exact alpha*" in capsys.readouterr().out


@pytest.mark.parametrize("name", GYMNASIUM_METHODS)
def test_gymnasium_subcommand_runs_a_tiny_budget_and_reports_its_return(name, capsys):
    assert main([name, *TINY[name]]) == 0
    out = capsys.readouterr().out
    assert f"on {METHODS[name].env_id}:" in out  # the chapter's task by default
    assert "evaluation return over 100 episodes (" in out and "): mean" in out


def test_pg_saves_the_figure_and_the_weights(tmp_path, capsys):
    figure, weights = tmp_path / "curves.png", tmp_path / "policy.pt"
    arguments = ["--policy", "linear", "--no-progress"]
    outputs = ["--save-figure", str(figure), "--save-weights", str(weights)]
    assert main(["pg", *TINY["pg"], *arguments, *outputs]) == 0
    assert "gap to the soft optimum" in capsys.readouterr().out
    assert figure.stat().st_size > 1000
    state = torch.load(weights, weights_only=True)
    assert set(state) == {"linear.weight", "linear.bias"}


@pytest.mark.parametrize(
    "argv, named",
    [
        (["pg", "--alpha", "-1"], "--alpha"),
        (["pg", "--alpha", "nan"], "--alpha"),
        (["pg", "--seed", "1.5"], "--seed"),
        (["pg", "--policy", "magic"], "--policy"),
        (["pg", "--n-envs", "1"], "n_envs"),  # the leave-one-out baseline needs 2
        (["pg", "--target-entropy", "3"], "target_entropy"),
        (["soft-q", "--discount", "1"], "--discount"),
        (["soft-q", "--batch-size", "10", "--buffer-size", "5"], "buffer_size"),
        (["sac", "--warmup-steps", "10000", "--total-timesteps", "6000"], "warmup"),
        (["sac", "--n-envs", "0"], "--n-envs"),
        (["deep-sac", "--tau", "0"], "--tau"),
        (["deep-pg", "--env-id", "NoSuchTask-v0"], "--env-id"),
        (["pg", "--no-such-option", "1"], "--no-such-option"),
    ],
)
def test_a_bad_value_exits_2_with_one_line_naming_it(argv, named, capsys, monkeypatch):
    def must_not_train(*args, **kwargs):
        raise AssertionError("training started")

    name = argv[0]
    monkeypatch.setitem(
        METHODS, name, dataclasses.replace(METHODS[name], train=must_not_train)
    )
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert named in err


@pytest.mark.parametrize(
    "outputs, named",
    [
        (["--save-figure", "{tmp}/no_such_dir/curves.png"], "does not exist"),
        (["--save-figure", "{tmp}"], "is a directory"),
        (["--save-figure", "{tmp}/curves.xyz"], "suffix"),
        (["--save-figure", "{tmp}/curves"], "suffix"),
        (["--save-weights", "{tmp}/no_such_dir/policy.pt"], "does not exist"),
        (["--save-weights", "{tmp}"], "is a directory"),
    ],
)
def test_a_bad_output_path_fails_before_training(
    outputs, named, tmp_path, capsys, monkeypatch
):
    def must_not_train(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setitem(
        METHODS, "pg", dataclasses.replace(METHODS["pg"], train=must_not_train)
    )
    outputs = [text.format(tmp=tmp_path) for text in outputs]
    assert main(["pg", *outputs]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {outputs[0]} ") and err.count("\n") == 1, err
    assert named in err


def test_optional_settings_accept_none_and_bools_have_a_no_option():
    parsed = subcommand("pg").parse_args(["--target-entropy", "none", "--no-progress"])
    assert parsed.target_entropy is None and parsed.progress is False
    parsed = subcommand("pg").parse_args(["--target-entropy", "1.3"])
    assert parsed.target_entropy == 1.3


@pytest.mark.parametrize(
    "gap, printed",
    [
        (-1.07e-10, "0 %"),  # soft Q-learning's round-off below the optimum
        (GAP_ROUNDING / 2, "0 %"),
        (-GAP_ROUNDING / 2, "0 %"),
        (1e-6, "0.0001 %"),
        (0.012345, "1.2345 %"),
    ],
)
def test_a_gap_below_rounding_prints_as_zero(gap, printed):
    assert format_gap(gap) == printed


def test_a_run_at_the_soft_optimum_reports_a_gap_of_zero(capsys, monkeypatch):
    # soft Q-learning that has converged: Q is the exact Q*, the gap is round-off
    def converged(grid, config):
        solution = soft_value_iteration(grid, config.alpha, config.discount)
        return types.SimpleNamespace(q_values=solution.q_values, settings=config)

    monkeypatch.setitem(
        METHODS, "soft-q", dataclasses.replace(METHODS["soft-q"], train=converged)
    )
    assert main(["soft-q"]) == 0
    assert "gap to the soft optimum: 0 %\n" in capsys.readouterr().out


def test_the_grid_subcommands_train_on_the_books_grid(monkeypatch, capsys):
    seen = []

    def record(grid, config):
        seen.append(grid)
        solution = soft_value_iteration(grid, config.alpha, config.discount)
        return types.SimpleNamespace(q_values=solution.q_values, settings=config)

    monkeypatch.setitem(
        METHODS, "soft-q", dataclasses.replace(METHODS["soft-q"], train=record)
    )
    assert main(["soft-q"]) == 0
    default = GridWorld()
    assert torch.equal(seen[0].rewards, default.rewards)
    assert seen[0].start_state == default.start_state
