"""Draw the README's figure: the grid world and its soft-optimal policy at two
temperatures, computed exactly (soft value iteration).

    python tools/readme_figure.py   # writes images/soft_optimum.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from maxent_tutorial import GridWorld, soft_value_iteration  # noqa: E402
from maxent_tutorial.book.plotting import plot_probs, plot_rewards  # noqa: E402
from maxent_tutorial.book.style import FIGURE_WIDTH  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "images" / "soft_optimum.png"


def main() -> None:
    grid = GridWorld()
    fig, axes = plt.subplots(
        1, 3, figsize=(FIGURE_WIDTH * 1.3, 3.3), layout="constrained"
    )
    plot_rewards(grid, ax=axes[0], title="The grid: reward per cell")
    for ax, alpha in zip(axes[1:], (1.0, 2000.0), strict=True):
        probs = soft_value_iteration(grid, alpha, 0.99).probs
        plot_probs(grid, probs, ax=ax, title=f"Soft optimum at alpha = {alpha:g}")
    OUTPUT.parent.mkdir(exist_ok=True)
    fig.savefig(OUTPUT, dpi=110)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
