"""Milliseconds per training iteration of ``train_pg`` (rollout + loss + backward +
Adam step), horizon 300.

Run:  python benchmarks/bench_training.py
Times each policy at 10 and 1000 episodes per iteration, several runs each (seeds 1-5,
after one warm-up run), and writes maxent_tutorial/results/training.json
(``save_result``: one row per timed run, the median per policy and batch size).
Timings on a shared machine are noisy: compare rows measured in one run.
"""

import statistics
import time

import torch

from maxent_tutorial import GridWorld, train_pg
from maxent_tutorial.results import make_record, save_result

HORIZON = 300
SEEDS = (1, 2, 3, 4, 5)  # one timed run each; seed 0 warms up
# episodes per iteration -> (iterations timed, target ms per iteration)
BATCHES = {10: (100, 5.0), 1000: (10, 30.0)}
POLICIES = ("tabular", "linear")


def ms_per_iteration(policy: str, n_envs: int, iterations: int, seed: int) -> float:
    grid = GridWorld()
    start = time.perf_counter()
    train_pg(
        grid,
        policy=policy,
        n_envs=n_envs,
        horizon=HORIZON,
        total_timesteps=iterations * n_envs * HORIZON,
        seed=seed,
        progress=False,
    )
    return (time.perf_counter() - start) / iterations * 1000


def main() -> None:
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'policy':<8} {'episodes':>8} {'ms/iteration':>12} {'target':>7}")
    rows, medians = [], {}
    for n_envs, (iterations, target_ms) in BATCHES.items():
        for policy in POLICIES:
            ms_per_iteration(policy, n_envs, iterations, seed=0)  # warm-up
            times = []
            for seed in SEEDS:
                ms = ms_per_iteration(policy, n_envs, iterations, seed)
                rows.append(
                    {"policy": policy, "n_envs": n_envs, "seed": seed, "ms": ms}
                )
                times.append(ms)
            median = statistics.median(times)
            medians[f"{policy}, {n_envs} episodes"] = median
            print(f"{policy:<8} {n_envs:>8} {median:>12.2f} {target_ms:>7.0f}")
    record = make_record(
        SEEDS,
        rows,
        medians,
        description="milliseconds per train_pg iteration, horizon 300, defaults "
        "otherwise (Adam, leave-one-out baseline)",
        targets_ms={f"{n} episodes": target for n, (_, target) in BATCHES.items()},
    )
    print(f"wrote {save_result('training', record)}")


if __name__ == "__main__":
    main()
