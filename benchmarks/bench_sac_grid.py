"""Discrete SAC against the policy gradient on the grid, at equal environment steps.

Chapter 13 shows this script's stored result. For seeds 0, 1, 2 it runs

* tabular discrete SAC (``maxent_tutorial.sac.train_sac``, default ``SACConfig``:
  250 walkers x 6000 steps = 1.5 M environment steps, learned temperature towards the
  target entropy 1.3 nats), and
* the book's policy gradient (``train``: tabular policy, 10 episodes x 300 steps per
  iteration, 500 iterations = 1.5 M environment steps, leave-one-out baseline), given
  the exact temperature alpha* (an advantage SAC does not have),

and scores both exactly: the relative gap (V*(start) - V_pi(start)) / |V*(start)| of
the policy's soft value at alpha* to the soft optimum at alpha*, against the number of
environment steps; and chapter 12's tabular soft Q-learning (uniform behaviour policy,
default ``SoftQConfig``), also given alpha*, for the same 1.5 M steps.

    python benchmarks/bench_sac_grid.py            # a few minutes on one thread

Writes ``maxent_tutorial/results/sac_grid.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import time

import numpy as np
import torch

from maxent_tutorial import (
    GridWorld,
    TabularSoftmaxPolicy,
    relative_gap,
    soft_policy_values,
    soft_value_iteration,
    train,
)
from maxent_tutorial.results import result_path
from maxent_tutorial.sac import SACConfig, train_sac
from maxent_tutorial.soft_q import soft_q_learning
from maxent_tutorial.temperature import optimal_temperature

RESULTS = result_path("sac_grid")
TARGET_ENTROPY, DISCOUNT = 1.3, 0.99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    grid = GridWorld()
    alpha_star = optimal_temperature(grid, TARGET_ENTROPY, DISCOUNT)
    solution = soft_value_iteration(grid, alpha_star, DISCOUNT)
    optimum = solution.values[grid.start_state].item()

    def gap(probs: torch.Tensor) -> float:
        values = soft_policy_values(grid, probs, alpha_star, DISCOUNT)
        return relative_gap(values[grid.start_state].item(), optimum)

    runs = []
    for seed in args.seeds:
        start = time.perf_counter()
        result = train_sac(grid, SACConfig(seed=seed), record_every=50)
        sac_seconds = time.perf_counter() - start
        sac_gaps = [gap(table) for table in result.tables]
        critic_error = (result.q_values - solution.q_values).abs().max().item()

        policy = TabularSoftmaxPolicy(grid)
        start = time.perf_counter()
        history = train(
            grid, policy, alpha=alpha_star, track_value=True, seed=seed, progress=False
        )
        pg_seconds = time.perf_counter() - start
        pg_steps = (np.arange(1, 501) * 3000).tolist()  # after each iteration's batch
        pg_gaps = relative_gap(history.start_value, optimum)[1:].tolist()
        pg_gaps.append(
            gap(policy.action_probabilities(torch.float64).detach())
        )  # the last update
        start = time.perf_counter()
        soft_q = soft_q_learning(
            grid, solution=solution, alpha=alpha_star, env_steps=1_500_000, seed=seed
        )
        soft_q_seconds = time.perf_counter() - start
        runs.append(
            {
                "seed": seed,
                "soft_q": {
                    "env_steps": soft_q.env_steps.tolist(),
                    "gap": soft_q.gap.tolist(),
                    "seconds": soft_q_seconds,
                },
                "sac": {
                    "env_steps": result.env_steps.tolist(),
                    "gap": sac_gaps,
                    "alpha": result.alphas.tolist(),
                    "final_alpha": result.alpha,
                    "critic_error": critic_error,
                    "critic_error_relative": critic_error
                    / solution.q_values.abs().max().item(),
                    "actor_error": (result.probs - solution.probs).abs().max().item(),
                    "seconds": sac_seconds,
                },
                "policy_gradient": {
                    "env_steps": pg_steps,
                    "gap": pg_gaps,
                    "seconds": pg_seconds,
                },
            }
        )
        print(
            f"seed {seed}: SAC gap {sac_gaps[-1]:.2e} alpha {result.alpha:.1f} "
            f"({sac_seconds:.0f} s); PG gap {pg_gaps[-1]:.2e} ({pg_seconds:.0f} s)",
            flush=True,
        )
    record = {
        "command": "python benchmarks/bench_sac_grid.py --seeds "
        + " ".join(map(str, args.seeds)),
        "date": datetime.date.today().isoformat(),
        "machine": {
            "processor": platform.processor() or platform.machine(),
            "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(),
            "system": platform.system(),
        },
        "settings": {
            "target_entropy": TARGET_ENTROPY,
            "discount": DISCOUNT,
            "alpha_star": alpha_star,
            "optimum": optimum,
            "sac": {k: v for k, v in SACConfig().__dict__.items() if k != "seed"},
            "policy_gradient": "train(alpha=alpha_star), defaults otherwise",
            "soft_q": "soft_q_learning(alpha=alpha_star, env_steps=1_500_000)",
        },
        "median_final_gap": {
            "sac": statistics.median(r["sac"]["gap"][-1] for r in runs),
            "policy_gradient": statistics.median(
                r["policy_gradient"]["gap"][-1] for r in runs
            ),
            "soft_q": statistics.median(r["soft_q"]["gap"][-1] for r in runs),
        },
        "runs": runs,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=1))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
