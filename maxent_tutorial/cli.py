"""Command line: ``python -m maxent_tutorial {train,soft-q,sac} [options]``.

Each command's options, defaults and help come from its settings dataclass
(``n_episodes`` becomes ``--n-episodes``): ``train`` from :class:`TrainingConfig`
(the policy gradient, chapters 4-11), ``soft-q`` from
:class:`~maxent_tutorial.soft_q.SoftQConfig` (chapter 12), ``sac`` from
:class:`~maxent_tutorial.sac.SACConfig` (chapter 13). Only the policy kind and the
output files are options of the command line itself. Every command reports its gap to
the exact soft optimum.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import typing

import torch

from .config import TrainingConfig
from .exact import (
    relative_gap,
    soft_policy_values,
    soft_value_iteration,
    start_value_gap,
)
from .grid import GridWorld
from .policies import POLICY_KINDS, make_policy
from .sac import SACConfig, train_sac
from .soft_q import SoftQConfig, soft_q_learning
from .temperature import optimal_temperature
from .training import train


def add_config_options(
    parser: argparse.ArgumentParser, settings=TrainingConfig
) -> None:
    """One option per field of the dataclass ``settings``, with its type, default and
    help (its ``metadata["help"]``; ``metadata["choices"]`` if it has one)."""
    hints = typing.get_type_hints(settings)
    for item in dataclasses.fields(settings):
        flag = "--" + item.name.replace("_", "-")
        help_text = f"{item.metadata['help']} (default: {item.default})"
        if item.default is None:  # an optional setting, e.g. `float | None`
            kinds = [
                kind
                for kind in typing.get_args(hints[item.name])
                if kind is not type(None)
            ]
            parser.add_argument(flag, type=kinds[0], default=None, help=help_text)
        elif isinstance(item.default, bool):
            parser.add_argument(
                flag,
                action=argparse.BooleanOptionalAction,
                default=item.default,
                help=item.metadata["help"],
            )
        else:
            parser.add_argument(
                flag,
                type=type(item.default),
                default=item.default,
                choices=item.metadata.get("choices"),
                help=help_text,
            )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m maxent_tutorial",
        description="Maximum-entropy policy gradients on the 6x6 grid world.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "train", help="train a policy and report its gap to the exact soft optimum"
    )
    run.add_argument(
        "--policy",
        choices=sorted(POLICY_KINDS),
        default="tabular",
        help="policy kind (default: tabular)",
    )
    add_config_options(run)
    run.add_argument(
        "--save-figure", metavar="PATH", help="save the learning curves (PNG, SVG, PDF)"
    )
    run.add_argument(
        "--save-weights",
        metavar="PATH",
        help="save the policy's state_dict (load with maxent_tutorial.load_policy)",
    )
    for name, (settings, _, help_text) in OFF_POLICY_COMMANDS.items():
        add_config_options(commands.add_parser(name, help=help_text), settings)
    return parser


def settings_from(args: dict, settings):
    """Build the dataclass ``settings`` from the parsed options of its fields."""
    return settings(
        **{item.name: args[item.name] for item in dataclasses.fields(settings)}
    )


def run_soft_q(grid, config: SoftQConfig) -> str:
    result = soft_q_learning(grid, config)
    return (
        f"soft Q-learning ({config.behaviour} behaviour), alpha={config.alpha:g}, "
        f"{result.env_steps[-1]} environment steps, seed {config.seed}\n"
        f"max |Q - Q*| / max |Q*| = {result.q_error[-1]:.2e}\n"
        f"gap to the soft optimum: {100 * result.gap[-1]:.3g} %"
    )


def run_sac(grid, config: SACConfig) -> str:
    result = train_sac(grid, config)
    alpha_star = optimal_temperature(grid, config.target_entropy, config.discount)
    solution = soft_value_iteration(grid, alpha_star, config.discount)
    values = soft_policy_values(grid, result.probs, alpha_star, config.discount)
    optimum = solution.values[grid.start_state].item()
    gap = relative_gap(values[grid.start_state].item(), optimum)
    return (
        f"discrete SAC, target entropy {config.target_entropy:g} nats, "
        f"{result.env_steps[-1]} environment steps, seed {config.seed}\n"
        f"learned alpha {result.alpha:.4g}, exact alpha* {alpha_star:.4g}\n"
        f"gap to the soft optimum at alpha*: {100 * gap:.3g} %"
    )


# command: (settings dataclass, the function that runs it and reports, help)
OFF_POLICY_COMMANDS = {
    "soft-q": (SoftQConfig, run_soft_q, "tabular soft Q-learning from a replay buffer"),
    "sac": (SACConfig, run_sac, "tabular discrete soft actor-critic, learned alpha"),
}


def main(argv: list[str] | None = None) -> int:
    args = vars(build_parser().parse_args(argv))
    grid = GridWorld()
    if args["command"] in OFF_POLICY_COMMANDS:
        settings, run, _ = OFF_POLICY_COMMANDS[args["command"]]
        try:
            print(run(grid, settings_from(args, settings)))
        except (TypeError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
    policy = make_policy(args["policy"], grid)
    try:
        config = settings_from(args, TrainingConfig)
        if args["save_figure"]:
            config = dataclasses.replace(config, track_value=True)
        alpha = config.alpha
        if config.target_entropy is not None:  # judge the run at the exact alpha*
            alpha = optimal_temperature(
                grid, config.target_entropy, config.discount, config.horizon
            )
        solution = soft_value_iteration(grid, alpha, config.discount)
        history = train(grid, policy, config)
    except (TypeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    optimum = solution.values[grid.start_state].item()
    gap = start_value_gap(grid, policy, alpha, config.discount, solution)
    temperature = f"alpha={config.alpha:g}"
    if config.target_entropy is not None:
        temperature = f"target entropy {config.target_entropy:g} nats"
    print(
        f"policy: {args['policy']}, {temperature}, "
        f"discount={config.discount:g}, "
        f"{config.iterations} iterations x {config.n_episodes} episodes x "
        f"{config.horizon} steps, seed {config.seed}"
    )
    print(
        f"last iteration: reward per episode {history.episode_reward[-1]:.0f}, "
        f"policy entropy {history.entropy[-1]:.3f} nats"
    )
    if config.target_entropy is not None:
        print(
            f"target entropy {config.target_entropy:g} nats: learned alpha "
            f"{history.alpha[-1]:.4g}, exact alpha* {alpha:.4g} (the gap is at alpha*)"
        )
    print(f"soft-optimal value V*(start) = {optimum:.1f}")
    print(f"learned policy   V(start)  = {optimum - gap * abs(optimum):.1f}")
    print(f"gap to the soft optimum: {100 * gap:.3f} %")
    if args["save_figure"]:
        import matplotlib

        matplotlib.use("Agg")
        from .plotting import plot_learning_curves

        figure = plot_learning_curves(history, optimal_value=optimum)
        figure.savefig(args["save_figure"], dpi=120)
        print(f"learning curves saved to {args['save_figure']}")
    if args["save_weights"]:
        torch.save(policy.state_dict(), args["save_weights"])
        print(f"policy weights saved to {args['save_weights']}")
    return 0
