"""Seconds per temperature-explorer update (solve exactly + redraw both panels), per
grid.

Run:  python benchmarks/bench_explorer.py     Target: well under 0.5 s per update.
"""

import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from maxent_tutorial.explorer import GRIDS, MAX_EXPLORER_DISCOUNT, explorer_view  # noqa: E402


def main() -> None:
    fig = plt.figure()
    print(f"{'grid':<10} {'alpha':>8} {'median s':>9} {'max s':>7}")
    for grid_name in sorted(GRIDS):
        for alpha in (0.0, 1.0, 100.0, 10000.0):
            times = []
            for _ in range(5):
                start = time.perf_counter()
                explorer_view(alpha, MAX_EXPLORER_DISCOUNT, 1000.0, grid_name, fig=fig)
                times.append(time.perf_counter() - start)
            median, worst = statistics.median(times), max(times)
            print(f"{grid_name:<10} {alpha:>8g} {median:>9.3f} {worst:>7.3f}")


if __name__ == "__main__":
    main()
