"""Seconds per live temperature-explorer update, rendering included: one slider
release as the widget handles it (``LiveExplorer.update``: the exact solve, the
redrawn policy panel and recoloured heatmap, and the PNG the front end receives,
rendered at the widget's own resolution). The first update of each grid builds both
panels (as a change of grid or goal reward does); the others change alpha only.

Run:  python benchmarks/bench_explorer.py     Target: under 0.5 s per update.
Writes maxent_tutorial/results/explorer.json (``save_result``: one row per grid and
alpha, wall-clock and CPU seconds; medians per grid and overall). Wall-clock timings
on a shared machine are noisy and grow with its load; the CPU seconds (this process
only) are close to what a quiet machine takes.
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

ALPHAS = (0.0, 1.0, 100.0, 10000.0)
GOAL_REWARD = 1000.0
REPEATS = 5


def timed_update(explorer, alpha, grid_name):
    """(wall seconds, CPU seconds, PNG bytes) of one update."""
    wall, cpu = time.perf_counter(), time.process_time()
    png = explorer.update(alpha, MAX_EXPLORER_DISCOUNT, GOAL_REWARD, grid_name)
    return time.perf_counter() - wall, time.process_time() - cpu, len(png)


def main() -> None:
    rows = []
    print(f"{'grid':<10} {'alpha':>8} {'kind':<10} {'wall s':>7} {'cpu s':>6}")
    for grid_name in sorted(GRIDS):
        for repeat in range(REPEATS):
            explorer = LiveExplorer()  # a fresh panel: the first update builds it
            for index, alpha in enumerate(ALPHAS):
                wall, cpu, size = timed_update(explorer, alpha, grid_name)
                rows.append(
                    {
                        "grid": grid_name,
                        "alpha": alpha,
                        "repeat": repeat,
                        "kind": "build" if index == 0 else "alpha change",
                        "wall_seconds": wall,
                        "cpu_seconds": cpu,
                        "png_bytes": size,
                    }
                )
        for alpha in ALPHAS:
            mine = [r for r in rows if r["grid"] == grid_name and r["alpha"] == alpha]
            print(
                f"{grid_name:<10} {alpha:>8g} {mine[0]['kind']:<10} "
                f"{statistics.median(r['wall_seconds'] for r in mine):>7.3f} "
                f"{statistics.median(r['cpu_seconds'] for r in mine):>6.3f}"
            )
    medians = {}
    for key in ("wall_seconds", "cpu_seconds"):
        for kind in ("build", "alpha change"):
            values = [r[key] for r in rows if r["kind"] == kind]
            medians[f"{kind} {key}"] = statistics.median(values)
            medians[f"worst {kind} {key}"] = max(values)
        medians[f"worst update {key}"] = max(r[key] for r in rows)
    load = os.getloadavg()[0]
    for name, value in medians.items():
        print(f"{name:<32} {value:.3f}")
    print(f"load average (1 min) during the run: {load:.1f}")
    record = make_record(
        [],  # no randomness: the explorer solves exactly
        rows,
        medians,
        description="seconds per live explorer update (solve, draw and the PNG "
        f"the widget shows, at {LIVE_DPI} dpi), {REPEATS} repeats; medians and "
        "worst cases per kind of update",
        discount=MAX_EXPLORER_DISCOUNT,
        goal_reward=GOAL_REWARD,
        load_average=load,
    )
    print(f"wrote {save_result('explorer', record)}")


if __name__ == "__main__":
    main()
