"""Command line: ``python -m maxent_tutorial <method> [options]``.

One subcommand per entry of :data:`~maxent_tutorial.registry.METHODS` (``python -m
maxent_tutorial list`` prints them). A subcommand's options, defaults and help come
from its config's fields (``n_envs`` becomes ``--n-envs``; a bool ``--x``/``--no-x``;
an optional field also accepts ``none``), and each option runs its field's check as it
is parsed, so the help states the range that is enforced and a bad value fails at once,
naming its option. Grid methods train on the book's ``GridWorld()`` and report their gap
to the exact soft optimum (with a learned temperature, at the exact alpha* of the
target entropy); Gymnasium methods train on ``--env-id`` and report the mean return of
the trained policy over 100 evaluation episodes. Every error is one line ``error: ...``
on stderr with exit code 2, and output paths are checked before training starts.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import typing
from pathlib import Path

import numpy as np
import torch

from .exact import soft_greedy_probs, soft_value_iteration, start_value_gap
from .exact_temperature import optimal_temperature
from .grid import GridWorld
from .registry import METHODS, Method
from .settings import Range, describe

EVALUATION_EPISODES = 100
# Half the last digit the gap is printed with (a relative gap, printed in % to 4
# places): a smaller gap, or a negative one that small, is round-off and prints as 0.
GAP_ROUNDING = 5e-7


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``error: <message>`` and exit code 2."""

    def error(self, message: str):
        self.exit(2, f"error: {message} ({self.prog} -h lists the options)\n")


def option(name: str) -> str:
    """The command-line option of a config field: ``n_envs`` -> ``--n-envs``."""
    return "--" + name.replace("_", "-")


def value_parser(item: dataclasses.Field, kind: type):
    """The ``type=`` of one field's option: read ``kind`` (``none`` too, if the field
    is optional), then run the field's :class:`~maxent_tutorial.settings.Range`."""
    check = item.metadata["check"]

    def parse(text: str):
        if item.metadata["optional"] and text.lower() == "none":
            return None
        value = kind(text)  # a ValueError here: argparse's "invalid int value"
        if isinstance(check, Range):
            try:
                check(value, item.name)
            except (TypeError, ValueError) as error:
                raise argparse.ArgumentTypeError(str(error)) from None
        return value

    parse.__name__ = kind.__name__
    return parse


def add_settings_options(parser: argparse.ArgumentParser, config_class: type) -> None:
    """One option per field of ``config_class``, with its default, its choices and
    its help line (:func:`~maxent_tutorial.settings.describe`)."""
    hints = typing.get_type_hints(config_class)
    for item in dataclasses.fields(config_class):
        # `%` would be read as argparse's formatting
        settings = {"default": item.default, "help": describe(item).replace("%", "%%")}
        if hints[item.name] is bool:
            settings["action"] = argparse.BooleanOptionalAction
        else:  # the type the text is read as: `float | None` -> float
            kinds = typing.get_args(hints[item.name]) or (hints[item.name],)
            kind = next(k for k in kinds if k is not type(None))
            settings["type"] = value_parser(item, kind)
            if isinstance(item.metadata["check"], tuple):
                settings["choices"] = item.metadata["check"]
            else:
                settings["metavar"] = kind.__name__.upper()
        parser.add_argument(option(item.name), **settings)


PROBLEMS = {  # what a subcommand trains on and reports, by its method's problem
    "grid": "Trains on the book's 6x6 grid world and reports the gap to the exact "
    "soft optimum.",
    "gymnasium": "Trains on a Gymnasium task and reports the mean return of the "
    f"trained policy over {EVALUATION_EPISODES} evaluation episodes.",
}


def add_method_command(commands, method: Method) -> None:
    """The subcommand of one registered method."""
    about = f"{method.summary} (chapter {method.chapter})"
    command = commands.add_parser(
        method.name, help=about, description=f"{about}. {PROBLEMS[method.problem]}"
    )
    if method.problem == "gymnasium":
        command.add_argument(
            "--env-id",
            default=method.env_id,
            help="a registered Gymnasium id with a flat observation vector "
            f"(default: {method.env_id}, the chapter's task)",
        )
    add_settings_options(command, method.config)
    if method.name == "pg":
        command.add_argument(
            "--save-figure",
            metavar="PATH",
            help="save the learning curves; the suffix gives the format (.png, .svg, "
            ".pdf ...)",
        )
        command.add_argument(
            "--save-weights",
            metavar="PATH",
            help="save the policy's state_dict (load with maxent_tutorial.load_policy)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m maxent_tutorial",
        description="Maximum-entropy reinforcement learning: train one of the book's "
        "methods and compare it with the exact answer.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="METHOD")
    commands.add_parser("list", help="list the methods: name, chapter, summary")
    for method in METHODS.values():
        add_method_command(commands, method)
    return parser


def settings_from(args: dict, config_class: type):
    """Build ``config_class`` from the parsed options of its fields (the config runs
    its checks between fields here)."""
    return config_class(
        **{item.name: args[item.name] for item in dataclasses.fields(config_class)}
    )


def changed_settings(config) -> str:
    """The settings that differ from the defaults, ``name=value``, or "defaults"."""
    default = type(config)()
    changed = [
        f"{item.name}={getattr(config, item.name)}"
        for item in dataclasses.fields(config)
        if getattr(config, item.name) != getattr(default, item.name)
    ]
    return ", ".join(changed) or "the defaults"


def format_gap(gap: float) -> str:
    """A relative gap in percent; round-off (``|gap| < GAP_ROUNDING``) prints as 0."""
    if abs(gap) < GAP_ROUNDING:
        return "0 %"
    return f"{100 * gap:.4f} %"


def check_output_path(path: str, flag: str) -> str | None:
    """Why ``path`` cannot be written (a message naming ``flag``), or None."""
    target = Path(path)
    parent = target.parent
    if target.is_dir():
        return f"{flag} {path}: is a directory, give a file name"
    if not parent.is_dir():
        return f"{flag} {path}: the directory {parent} does not exist"
    try:  # a file we can create and remove says the directory is writable
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as error:
        return f"{flag} {path}: cannot write in {parent} ({error.strerror})"
    if target.exists() and not os.access(target, os.W_OK):
        return f"{flag} {path}: the file is not writable"
    return None


def figure_formats() -> set[str]:
    """The file suffixes matplotlib can save here (pgf only with its LaTeX)."""
    import matplotlib
    from matplotlib.backend_bases import FigureCanvasBase

    formats = set(FigureCanvasBase.get_supported_filetypes())
    if shutil.which(matplotlib.rcParams["pgf.texsystem"]) is None:
        formats.discard("pgf")
    return formats


def check_outputs(args: dict) -> str | None:
    """Check ``--save-figure`` and ``--save-weights`` before the run; a message or
    None."""
    for flag in ("save_figure", "save_weights"):
        if args.get(flag):
            problem = check_output_path(args[flag], option(flag))
            if problem:
                return problem
    if args.get("save_figure"):
        suffix = Path(args["save_figure"]).suffix.lstrip(".").lower()
        formats = figure_formats()
        if suffix not in formats:
            return (
                f"--save-figure {args['save_figure']}: the suffix must be one of "
                f"{', '.join(sorted(formats))}"
            )
    return None


def policy_table(history) -> torch.Tensor:
    """The learned [n_states, 5] float64 pi(a|s) of a grid run: the policy module's
    table, the actor's table (SAC), or softmax(Q / alpha) of the learned Q."""
    if hasattr(history, "policy"):
        with torch.no_grad():
            return history.policy.action_probabilities(torch.float64)
    if hasattr(history, "probs"):
        return history.probs
    return soft_greedy_probs(history.q_values, history.settings.alpha)


def exact_answer(grid, config):
    """The temperature a grid run is judged at (alpha, or the exact alpha* of its
    target entropy) and the soft optimum there (None if discount = 1: no finite
    infinite-horizon value). Raises on a setting the exact solvers cannot take."""
    alpha = config.alpha
    target = getattr(config, "target_entropy", None)
    if target is not None:
        horizon = getattr(config, "horizon", None)
        alpha = optimal_temperature(grid, target, config.discount, horizon)
    if config.discount == 1:
        return alpha, None
    return alpha, soft_value_iteration(grid, alpha, config.discount)


def report_grid(method: Method, history, grid, alpha, solution, args: dict) -> None:
    """Print a grid run's gap to the soft optimum; save its figure and weights."""
    config = history.settings
    print(f"{method.name}: {method.summary}; settings: {changed_settings(config)}")
    target = getattr(config, "target_entropy", None)
    if target is not None:
        learned = float(np.asarray(history.alpha).reshape(-1)[-1])
        print(
            f"target entropy {target:g} nats: learned alpha {learned:.4g}, "
            f"exact alpha* {alpha:.4g} (the gap is at alpha*)"
        )
    if solution is None:
        print(
            "no gap: the exact soft optimum is an infinite sum, it needs discount < 1"
        )
    else:
        probs = policy_table(history)
        gap = start_value_gap(grid, probs, alpha, config.discount, solution)
        optimum = solution.values[grid.start_state].item()
        print(f"soft-optimal value V*(start) = {optimum:.1f}")
        print(f"learned policy   V(start)  = {optimum - gap * abs(optimum):.1f}")
        print(f"gap to the soft optimum: {format_gap(gap)}")
    if args.get("save_figure"):
        import matplotlib

        matplotlib.use("Agg")
        from .book.plotting import plot_learning_curves

        figure = plot_learning_curves(history, optimal_value=optimum)
        figure.savefig(args["save_figure"], dpi=120)
        print(f"learning curves saved to {args['save_figure']}")
    if args.get("save_weights"):
        torch.save(history.policy.state_dict(), args["save_weights"])
        print(f"policy weights saved to {args['save_weights']}")


def report_gymnasium(method: Method, history, env_id: str) -> None:
    """Print the trained policy's return over ``EVALUATION_EPISODES`` new episodes."""
    from .deep.common import evaluate, policy_actor

    config = history.settings
    print(f"{method.name} on {env_id}: {method.summary}")
    print(f"settings: {changed_settings(config)}")
    if hasattr(history.policy, "mean_action"):  # a Gaussian actor (continuous actions)
        from .deep.continuous_sac import mean_actor

        actors = [("mean action", mean_actor(history.policy))]
    else:
        actors = [
            (name, policy_actor(history.policy, greedy=greedy, seed=config.seed))
            for name, greedy in (
                ("sampled actions", False),
                ("most probable action", True),
            )
        ]
    for actions, act in actors:
        returns = evaluate(env_id, act, n_episodes=EVALUATION_EPISODES)
        print(
            f"evaluation return over {EVALUATION_EPISODES} episodes ({actions}): "
            f"mean {returns.mean():.1f}, min {returns.min():.0f}, "
            f"max {returns.max():.0f}"
        )


def check_env_id(env_id: str) -> str | None:
    """Why ``env_id`` is not a registered Gymnasium id (a message), or None."""
    import gymnasium

    try:
        gymnasium.spec(env_id)
    except gymnasium.error.Error as error:
        return f"--env-id {env_id}: {error}"
    return None


def print_methods() -> None:
    width = max(len(name) for name in METHODS)
    for method in METHODS.values():
        where = f"chapter {method.chapter:>2}  {method.problem:<9}"
        print(f"{method.name:<{width}}  {where}  {method.summary}")


def fail(message) -> int:
    """Print ``error: <message>`` on one line; the exit code of a bad setting, 2."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (``sys.argv[1:]`` when None); returns the exit
    code: 0, or 2 for a bad option, setting or output path."""
    try:
        args = vars(build_parser().parse_args(argv))
    except SystemExit as exit:  # -h (0) or a bad option (2, already printed)
        return int(exit.code or 0)
    if args["command"] == "list":
        print_methods()
        return 0
    method = METHODS[args["command"]]
    try:  # the checks between fields
        config = settings_from(args, method.config)
        if args.get("save_figure"):  # the figure shows the exact V(start) per iteration
            config = config.replace(track_value=True)
    except (TypeError, ValueError) as error:
        return fail(error)
    problem = check_outputs(args)
    if method.problem == "gymnasium" and problem is None:
        problem = check_env_id(args["env_id"])
    if problem:
        return fail(problem)
    try:  # checks that need the problem: in the exact solvers, or as training starts
        if method.problem == "grid":
            grid = GridWorld()
            alpha, solution = exact_answer(grid, config)
            history = method.train(grid, config)
        else:
            history = method.train(args["env_id"], config)
    except (TypeError, ValueError) as error:
        return fail(error)
    if method.problem == "grid":
        report_grid(method, history, grid, alpha, solution, args)
    else:
        report_gymnasium(method, history, args["env_id"])
    return 0
