"""Command line: ``python -m maxent_tutorial train [options]``."""

from __future__ import annotations

import argparse
import sys

import torch

from .baselines import BASELINE_NAMES
from .exact import soft_value_iteration, start_value_gap
from .grid import GridWorld
from .policies import POLICY_KINDS, make_policy
from .training import train


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m maxent_tutorial",
                                     description="Maximum-entropy policy gradients on the 6x6 grid world.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("train", help="train a policy and report its gap to the exact soft optimum")
    run.add_argument("--policy", choices=sorted(POLICY_KINDS), default="tabular")
    run.add_argument("--alpha", type=float, default=1.0, help="entropy temperature (default 1)")
    run.add_argument("--discount", type=float, default=0.99, help="gamma in [0, 1) (default 0.99)")
    run.add_argument("--epochs", type=int, default=500, help="updates (default 500)")
    run.add_argument("--horizon", type=int, default=300, help="steps per episode (default 300)")
    run.add_argument("--episodes", type=int, default=10, help="episodes per update (default 10)")
    run.add_argument("--lr", type=float, default=0.1, help="Adam learning rate (default 0.1)")
    run.add_argument("--baseline", choices=BASELINE_NAMES, default="time")
    run.add_argument("--optimizer", choices=("adam", "natural"), default="adam")
    run.add_argument("--max-kl", type=float, default=0.05, help="natural gradient's trust region")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    run.add_argument("--save-figure", metavar="PATH", help="save the learning curves (PNG, SVG, PDF)")
    run.add_argument("--save-weights", metavar="PATH",
                     help="save the policy's state_dict (load with maxent_tutorial.load_policy)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    grid = GridWorld()
    policy = make_policy(args.policy, grid)
    try:
        solution = soft_value_iteration(grid, args.alpha, args.discount)
        history = train(grid, policy, epochs=args.epochs, horizon=args.horizon,
                        n_episodes=args.episodes, discount=args.discount, alpha=args.alpha,
                        lr=args.lr, baseline=args.baseline, optimizer=args.optimizer,
                        max_kl=args.max_kl, seed=args.seed,
                        progress=not args.no_progress, track_value=args.save_figure is not None)
    except (TypeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    optimum = solution.values[grid.start_state].item()
    gap = start_value_gap(grid, policy, args.alpha, args.discount, solution)
    print(f"policy: {args.policy}, alpha={args.alpha:g}, discount={args.discount:g}, "
          f"{args.epochs} updates x {args.episodes} episodes x {args.horizon} steps, seed {args.seed}")
    print(f"last update: reward per episode {history.episode_reward[-1]:.0f}, "
          f"policy entropy {history.entropy[-1]:.3f} nats")
    print(f"soft-optimal value V*(start) = {optimum:.1f}")
    print(f"learned policy   V(start)  = {optimum - gap * abs(optimum):.1f}")
    print(f"gap to the soft optimum: {100 * gap:.3f} %")
    if args.save_figure:
        import matplotlib
        matplotlib.use("Agg")
        from .plotting import plot_learning_curves
        plot_learning_curves(history, optimal_value=optimum).savefig(args.save_figure, dpi=120)
        print(f"learning curves saved to {args.save_figure}")
    if args.save_weights:
        torch.save(policy.state_dict(), args.save_weights)
        print(f"policy weights saved to {args.save_weights}")
    return 0
