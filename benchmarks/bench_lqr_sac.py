"""SAC on the linear-quadratic problem against its exact soft optimum, several seeds.

Chapter 15 runs one seed live and shows this script's stored table for the others. On
``maxent_tutorial/LQR-v0`` (s' = s + a, r = -(s^2 + a^2), gamma = 0.9, episodes of 20
steps from s_0 uniform in [-1, 1]) it trains
``maxent_tutorial.deep.continuous_sac.train_continuous_sac`` with the chapter's
settings (:data:`SETTINGS`: a linear-Gaussian actor, quadratic twin critics, no
squashing, target entropy -1 nat, alpha learned from 1) for each seed, and compares the
learned mean gain W, standard deviation sigma and temperature alpha with the closed form
of :mod:`maxent_tutorial.exact_lqr` (W*, sigma* and the alpha* of the target entropy).
The bar (issue 15): |W / W* - 1| and |sigma / sigma* - 1| below 5 %, |alpha / alpha* -
1| below 10 %, for every seed.

    OMP_NUM_THREADS=1 python benchmarks/bench_lqr_sac.py --seeds 0 1 2 3 4

Writes ``maxent_tutorial/results/lqr_sac.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time

import torch

from maxent_tutorial.deep.continuous_sac import (
    ContinuousSACConfig,
    train_continuous_sac,
)
from maxent_tutorial.exact_lqr import lqr_optimal_temperature, soft_lqr
from maxent_tutorial.lqr import LQR_ENV_ID, LQRProblem
from maxent_tutorial.results import make_record, save_result

SETTINGS = ContinuousSACConfig(
    total_timesteps=4_000,
    learning_starts=500,
    policy="linear",
    critic="quadratic",
    squash=False,
    discount=0.9,
    actor_lr=1e-2,
    critic_lr=5e-2,
    tau=0.1,
    target_entropy=-1.0,
    alpha=1.0,
    record_every=250,
)


def run(seed: int, exact, alpha_star: float) -> dict:
    start = time.perf_counter()
    history = train_continuous_sac(LQR_ENV_ID, SETTINGS, seed=seed)
    seconds = time.perf_counter() - start
    policy = history.policy
    gain, bias = policy.mean.weight.item(), policy.mean.bias.item()
    std, alpha = policy.log_std.exp().item(), float(history.alpha[-1])
    return {
        "seed": seed,
        "seconds": seconds,
        "gain": gain,
        "bias": bias,
        "std": std,
        "alpha": alpha,
        "gain_error": gain / exact.gain[0, 0] - 1,
        "std_error": std / exact.std[0] - 1,
        "alpha_error": alpha / alpha_star - 1,
        "curve_steps": history.env_steps.tolist(),
        "curve_gain": [s["mean.weight"].item() for s in history.snapshots],
        "curve_std": [s["log_std"].exp().item() for s in history.snapshots],
        "curve_alpha": history.alpha.tolist(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--output", default="lqr_sac", help="result name")
    args = parser.parse_args()
    torch.set_num_threads(1)
    problem = LQRProblem()
    alpha_star = lqr_optimal_temperature(problem, SETTINGS.target_entropy)
    exact = soft_lqr(problem, alpha_star)
    rows = []
    for seed in args.seeds:
        rows.append(run(seed, exact, alpha_star))
        errors = ("gain_error", "std_error", "alpha_error")
        print(json.dumps({k: rows[-1][k] for k in ("seed", "seconds", *errors)}))
    keys = ("gain", "std", "alpha", "gain_error", "std_error", "alpha_error", "seconds")
    medians = {key: statistics.median(row[key] for row in rows) for key in keys}
    worst = {
        key: max(abs(row[key]) for row in rows)
        for key in ("gain_error", "std_error", "alpha_error")
    }
    record = make_record(
        args.seeds,
        rows,
        medians,
        worst=worst,
        exact={
            "gain": float(exact.gain[0, 0]),
            "std": float(exact.std[0]),
            "alpha_star": alpha_star,
            "entropy": exact.entropy,
        },
        problem={
            "state_matrix": problem.state_matrix.tolist(),
            "action_matrix": problem.action_matrix.tolist(),
            "state_cost": problem.state_cost.tolist(),
            "action_cost": problem.action_cost.tolist(),
            "discount": problem.discount,
            "start_scale": problem.start_scale,
            "max_episode_steps": 20,
        },
        settings=dataclasses.asdict(SETTINGS),
    )
    print(json.dumps(worst))
    print(f"wrote {save_result(args.output, record)}")


if __name__ == "__main__":
    main()
