"""Discrete SAC against the policy gradient on the grid, at equal environment steps.

Chapter 13 shows this script's stored result. For seeds 0, 1, 2 it runs

* tabular discrete SAC (``train_sac``, default ``SACConfig``: 250 walkers x 6000
  steps = 1.5 M environment steps, the temperature learned towards the target entropy
  1.3 nats, one record every 12 500 environment steps),
* the book's policy gradient (``train_pg``: tabular policy, 10 episodes x 300 steps
  per iteration, 500 iterations = 1.5 M environment steps, leave-one-out baseline),
  given the exact temperature alpha* (an advantage SAC does not have), and
* chapter 12's tabular soft Q-learning (``train_soft_q``: uniform behaviour policy,
  default ``SoftQConfig``), also given alpha*, for the same 1.5 M steps,

and scores each exactly: the relative gap (V*(start) - V_pi(start)) / |V*(start)| of
the policy's soft value at alpha* to the soft optimum at alpha*
(``start_value_gap``), against the number of environment steps.

    python benchmarks/bench_sac_grid.py            # about a minute on one thread

Writes ``maxent_tutorial/results/sac_grid.json``: one row per seed with each method's
curve, and the medians over seeds of the final gaps and of SAC's errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np
import torch

from maxent_tutorial import (
    GridWorld,
    relative_gap,
    soft_value_iteration,
    start_value_gap,
    train_pg,
)
from maxent_tutorial.exact_temperature import optimal_temperature
from maxent_tutorial.results import make_record, save_result
from maxent_tutorial.tabular.sac import SACConfig, train_sac
from maxent_tutorial.tabular.soft_q import train_soft_q

TARGET_ENTROPY, DISCOUNT = 1.3, 0.99
RECORD_EVERY = 12_500  # environment steps between SAC's records
METHODS = ("sac", "policy_gradient", "soft_q")


def run_seed(grid, seed: int, alpha_star: float, solution) -> dict:
    """The three methods' curves for one seed, each scored at alpha*."""

    def gap(probs) -> float:
        return start_value_gap(grid, probs, alpha_star, DISCOUNT, solution)

    optimum = solution.values[grid.start_state].item()
    start = time.perf_counter()
    sac = train_sac(grid, SACConfig(seed=seed, record_every=RECORD_EVERY))
    sac_seconds = time.perf_counter() - start
    critic_error = (sac.q_values - solution.q_values).abs().max().item()

    start = time.perf_counter()
    pg = train_pg(grid, alpha=alpha_star, track_value=True, seed=seed, progress=False)
    pg_seconds = time.perf_counter() - start
    steps_per_iteration = pg.settings.n_envs * pg.settings.horizon
    pg_steps = (np.arange(1, pg.settings.iterations + 1) * steps_per_iteration).tolist()
    # after each iteration's update: the next iteration's value, then the last policy
    pg_gaps = relative_gap(pg.start_value, optimum)[1:].tolist()
    pg_gaps.append(gap(pg.policy))

    start = time.perf_counter()
    soft_q = train_soft_q(grid, alpha=alpha_star, total_timesteps=1_500_000, seed=seed)
    soft_q_seconds = time.perf_counter() - start
    return {
        "seed": seed,
        "sac": {
            "env_steps": sac.env_steps.tolist(),
            "gap": [gap(table) for table in sac.tables],
            "alpha": sac.alphas.tolist(),
            "final_alpha": sac.alpha,
            "critic_error": critic_error,
            "critic_error_relative": critic_error
            / solution.q_values.abs().max().item(),
            "actor_error": (sac.probs - solution.probs).abs().max().item(),
            "seconds": sac_seconds,
        },
        "policy_gradient": {
            "env_steps": pg_steps,
            "gap": pg_gaps,
            "seconds": pg_seconds,
        },
        "soft_q": {
            "env_steps": soft_q.env_steps.tolist(),
            "gap": soft_q.gap.tolist(),
            "seconds": soft_q_seconds,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    grid = GridWorld()
    # as chapter 13 finds it, so that its runs and these are scored alike
    alpha_star = optimal_temperature(
        grid, TARGET_ENTROPY, DISCOUNT, log_alpha_range=(0.0, 10.0), tol=1e-8
    )
    solution = soft_value_iteration(grid, alpha_star, DISCOUNT)
    rows = []
    for seed in args.seeds:
        row = run_seed(grid, seed, alpha_star, solution)
        rows.append(row)
        sac, pg = row["sac"], row["policy_gradient"]
        print(
            f"seed {seed}: SAC gap {sac['gap'][-1]:.2e} alpha {sac['final_alpha']:.1f} "
            f"({sac['seconds']:.0f} s); PG gap {pg['gap'][-1]:.2e} "
            f"({pg['seconds']:.0f} s)",
            flush=True,
        )

    def median(method: str, key: str) -> float:
        return statistics.median(row[method][key] for row in rows)

    medians = {
        f"{method}_final_gap": statistics.median(row[method]["gap"][-1] for row in rows)
        for method in METHODS
    }
    medians["sac_alpha_error"] = statistics.median(
        abs(row["sac"]["final_alpha"] / alpha_star - 1) for row in rows
    )
    medians["sac_critic_error_relative"] = median("sac", "critic_error_relative")
    medians["sac_actor_error"] = median("sac", "actor_error")
    medians["sac_seconds"] = median("sac", "seconds")
    record = make_record(
        seeds=args.seeds,
        rows=rows,
        medians=medians,
        description=(
            "gap to the soft optimum at alpha* against environment steps: tabular SAC "
            "(learned alpha), the policy gradient and soft Q-learning (given alpha*)"
        ),
        settings={
            "target_entropy": TARGET_ENTROPY,
            "discount": DISCOUNT,
            "alpha_star": alpha_star,
            "optimum": solution.values[grid.start_state].item(),
            "sac": {
                key: value
                for key, value in dataclasses.asdict(SACConfig()).items()
                if key != "seed"
            }
            | {"record_every": RECORD_EVERY},
            "policy_gradient": "train_pg(alpha=alpha_star), defaults otherwise",
            "soft_q": "train_soft_q(alpha=alpha_star, total_timesteps=1_500_000)",
        },
    )
    print(f"wrote {save_result('sac_grid', record)}")


if __name__ == "__main__":
    main()
