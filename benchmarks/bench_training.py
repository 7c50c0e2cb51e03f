"""Milliseconds per training iteration (rollout + loss + backward + Adam step), horizon
300.

Run:  python benchmarks/bench_training.py
Reports the median of several timed runs for each policy at 10 and 1000 episodes per
iteration.
Timings on a shared machine are noisy: compare rows measured in one run.
"""

import statistics
import time

import torch

from maxent_tutorial import GridWorld, make_policy, train

TARGETS_MS = {10: 5.0, 1000: 30.0}


def ms_per_iteration(
    kind: str, n_episodes: int, iterations: int, repeats: int = 5
) -> float:
    grid = GridWorld()
    times = []
    for repeat in range(repeats + 1):
        policy = make_policy(kind, grid)
        start = time.perf_counter()
        train(
            grid,
            policy,
            iterations=iterations,
            n_episodes=n_episodes,
            seed=repeat,
            progress=False,
        )
        if repeat:  # the first run warms up the allocator and kernels
            times.append((time.perf_counter() - start) / iterations * 1000)
    return statistics.median(times)


def main() -> None:
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'policy':<8} {'episodes':>8} {'ms/iteration':>9} {'target':>7}")
    for n_episodes, iterations in ((10, 100), (1000, 10)):
        for kind in ("tabular", "linear"):
            ms = ms_per_iteration(kind, n_episodes, iterations)
            print(
                f"{kind:<8} {n_episodes:>8} {ms:>9.2f} {TARGETS_MS[n_episodes]:>7.0f}"
            )


if __name__ == "__main__":
    main()
