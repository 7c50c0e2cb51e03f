"""Seconds per temperature-explorer update, per grid: the exact solve and the drawing
commands (``explorer_view``), then rendering the figure to a PNG as Jupyter's inline
backend does for the notebooks' retina figures (twice the figure's dpi, tight bounding
box), which a reader waits for too.

Run:  python benchmarks/bench_explorer.py     Target: well under 0.5 s per update.
Writes maxent_tutorial/results/explorer.json (``save_result``: one row per grid and
alpha, the median update per grid). Timings on a shared machine are noisy.
"""

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from maxent_tutorial.book.explorer import (  # noqa: E402
    EXPLORER_FIGSIZE,
    GRIDS,
    MAX_EXPLORER_DISCOUNT,
    explorer_view,
)
from maxent_tutorial.results import make_record, save_result  # noqa: E402

ALPHAS = (0.0, 1.0, 100.0, 10000.0)
GOAL_REWARD = 1000.0
REPEATS = 5


def main() -> None:
    fig = plt.figure(figsize=EXPLORER_FIGSIZE, layout="constrained")
    retina_dpi = 2 * fig.dpi  # IPython's print_figure for the "retina" format
    rows, medians = [], {}
    print(
        f"{'grid':<10} {'alpha':>8} {'solve+plot s':>12} {'render s':>9} {'total s':>8}"
    )
    for grid_name in sorted(GRIDS):
        for alpha in ALPHAS:
            update, render = [], []
            for _ in range(REPEATS):
                start = time.perf_counter()
                explorer_view(
                    alpha, MAX_EXPLORER_DISCOUNT, GOAL_REWARD, grid_name, fig=fig
                )
                drawn = time.perf_counter()
                fig.savefig(
                    io.BytesIO(), format="png", dpi=retina_dpi, bbox_inches="tight"
                )
                update.append(drawn - start)
                render.append(time.perf_counter() - drawn)
            row = {
                "grid": grid_name,
                "alpha": alpha,
                "solve_and_plot_seconds": statistics.median(update),
                "render_seconds": statistics.median(render),
                "total_seconds": statistics.median(
                    u + r for u, r in zip(update, render, strict=True)
                ),
                "worst_total_seconds": max(
                    u + r for u, r in zip(update, render, strict=True)
                ),
            }
            rows.append(row)
            print(
                f"{grid_name:<10} {alpha:>8g} {row['solve_and_plot_seconds']:>12.3f} "
                f"{row['render_seconds']:>9.3f} {row['total_seconds']:>8.3f}"
            )
        medians[grid_name] = statistics.median(
            row["total_seconds"] for row in rows if row["grid"] == grid_name
        )
    record = make_record(
        [],  # no randomness: the explorer solves exactly
        rows,
        medians,
        description="seconds per explorer update (solve, plot and render at "
        f"{retina_dpi:g} dpi), median of {REPEATS}; medians: total per grid",
        discount=MAX_EXPLORER_DISCOUNT,
        goal_reward=GOAL_REWARD,
    )
    print(f"wrote {save_result('explorer', record)}")


if __name__ == "__main__":
    main()
