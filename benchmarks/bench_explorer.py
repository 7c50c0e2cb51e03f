"""Seconds per live temperature-explorer update, rendering included: one slider
release as the widget handles it (``LiveExplorer.update``: the exact solve, the
redrawn panels and the PNG the front end receives, rendered at the widget's own
resolution).

Each repeat starts a new explorer (its first update builds the panels) and walks
every grid through the releases a reader makes: choosing the grid (its pits and goal
are marked anew), then moving alpha across its slider (1e-2 to 1e4: from
near-deterministic, few arrows, to uniform, the most), gamma (0.5 to 0.99) and the
goal's reward (1 to 1e4; in "two goals" a reward below the small goal's 20 moves the
goal). Every row records which control moved and whether the update built the
panels.

Run:  python benchmarks/bench_explorer.py     Target: under 0.5 s per update.
Writes maxent_tutorial/results/explorer.json (``save_result``: one row per update,
wall-clock and CPU seconds; medians and worst cases per slider and overall).
Wall-clock timings on a shared machine are noisy and grow with its load; the CPU
seconds (this process only) are close to what a quiet machine takes.
"""

import os
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from maxent_tutorial.book.explorer import (  # noqa: E402
    GRIDS,
    LIVE_DPI,
    MAX_EXPLORER_DISCOUNT,
    LiveExplorer,
)
from maxent_tutorial.results import make_record, save_result  # noqa: E402

GOAL_REWARD = 1000.0
REPEATS = 5
# (slider, alpha, gamma, goal reward) of each release after the grid is chosen
RELEASES = (
    [("alpha", alpha, MAX_EXPLORER_DISCOUNT, GOAL_REWARD) for alpha in (1e-2, 1, 1e2)]
    + [("alpha", 1e4, MAX_EXPLORER_DISCOUNT, GOAL_REWARD)]
    + [("gamma", 1e4, gamma, GOAL_REWARD) for gamma in (0.5, 0.9)]
    + [("gamma", 1.0, gamma, GOAL_REWARD) for gamma in (0.5, 0.9, 0.99)]
    + [("goal", 1e4, 0.99, goal) for goal in (1.0, 10.0, 100.0, 1e4)]
    + [("goal", 1.0, 0.99, goal) for goal in (1.0, 1e4)]
)
KINDS = ("grid", "alpha", "gamma", "goal")


def timed_update(explorer, alpha, discount, goal_reward, grid_name):
    """(wall seconds, CPU seconds, PNG bytes, whether the update built the panels)."""
    first = explorer.updates == 0
    wall, cpu = time.perf_counter(), time.process_time()
    png = explorer.update(alpha, discount, goal_reward, grid_name)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, len(png), first


def main() -> None:
    rows = []
    for repeat in range(REPEATS):
        explorer = LiveExplorer()
        for grid_name in sorted(GRIDS):
            # the grid is chosen at the last setting of the previous grid
            first = ("grid", 1e4 if repeat % 2 else 1e-2, 0.99, GOAL_REWARD)
            for kind, alpha, discount, goal_reward in (first, *RELEASES):
                wall, cpu, size, built = timed_update(
                    explorer, alpha, discount, goal_reward, grid_name
                )
                rows.append(
                    {
                        "grid": grid_name,
                        "repeat": repeat,
                        "slider": kind,
                        "alpha": alpha,
                        "discount": discount,
                        "goal_reward": goal_reward,
                        "built": built,
                        "wall_seconds": wall,
                        "cpu_seconds": cpu,
                        "png_bytes": size,
                    }
                )
    medians = {}
    print(f"{'control':<8} {'updates':>7} {'built':>7} {'median s':>9} {'worst s':>8}")
    for kind in KINDS:
        mine = [r for r in rows if r["slider"] == kind]
        for key in ("wall_seconds", "cpu_seconds"):
            medians[f"{kind} {key}"] = statistics.median(r[key] for r in mine)
            medians[f"worst {kind} {key}"] = max(r[key] for r in mine)
        print(
            f"{kind:<8} {len(mine):>7} {sum(r['built'] for r in mine):>7} "
            f"{medians[f'{kind} cpu_seconds']:>9.3f} "
            f"{medians[f'worst {kind} cpu_seconds']:>8.3f}"
        )
    for key in ("wall_seconds", "cpu_seconds"):
        medians[f"update {key}"] = statistics.median(r[key] for r in rows)
        medians[f"worst update {key}"] = max(r[key] for r in rows)
        medians[f"updates over 0.5 s, {key}"] = sum(r[key] > 0.5 for r in rows)
    load = os.getloadavg()[0]
    for name in ("update", "worst update"):
        print(
            f"{name:<14} cpu {medians[f'{name} cpu_seconds']:.3f} s, "
            f"wall {medians[f'{name} wall_seconds']:.3f} s"
        )
    print(
        f"{len(rows)} updates; over 0.5 s: "
        f"{medians['updates over 0.5 s, cpu_seconds']} (cpu), "
        f"{medians['updates over 0.5 s, wall_seconds']} (wall)"
    )
    print(f"load average (1 min) during the run: {load:.1f}")
    record = make_record(
        [],  # no randomness: the explorer solves exactly
        rows,
        medians,
        description="seconds per live explorer update (solve, draw and the PNG "
        f"the widget shows, at {LIVE_DPI} dpi): {REPEATS} repeats of every grid "
        "chosen, then releases of the alpha, gamma and goal sliders; medians and "
        "worst cases per slider and overall",
        load_average=load,
    )
    print(f"wrote {save_result('explorer', record)}")


if __name__ == "__main__":
    main()
