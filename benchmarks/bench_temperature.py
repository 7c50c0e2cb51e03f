"""Chapter 11's table: a fixed alpha = 1 against a target entropy, at reward scales from
1e-3 to 1e3.

Run:  python benchmarks/bench_temperature.py   (about 10 minutes on one core)
      python benchmarks/bench_temperature.py --answers-only   (about 15 s: redo only
      the "Try it" runs and keep the stored table)
Writes maxent_tutorial/results/temperature.json (``save_result``), which
book/11_choosing_temperature.ipynb reads: ``rows`` holds one row per reward scale with
each method's per-seed gaps and learned alphas (in the order of ``seeds``), ``medians``
their medians per scale. For each reward scale c (the default grid's
rewards times c) it solves the exact alpha*(c) whose soft optimum has the target mean
entropy, then trains the tabular policy at the book's default settings (500 iterations x
10 episodes x 300 steps, Adam 0.1, the leave-one-out baseline), seeds 0, 1, 2, three
ways: a fixed alpha = 1; a target entropy with alpha started at the first batch's mean
|reward| (the default); a target entropy with alpha started at 1. Each run's gap to the
soft optimum is measured at alpha*(c). It also makes the chapter's "Try it" answers at
scale 1, seed 0: a target of 1.02 nats (on the flat part of the entropy curve), and dual
step sizes 0.02 and 0.5 at 1.3 nats.
"""

import argparse
import datetime
import json
import math
import time

import numpy as np
import torch

from maxent_tutorial import DEFAULT_REWARDS, GridWorld, start_value_gap, train_pg
from maxent_tutorial.exact_temperature import optimal_temperature
from maxent_tutorial.results import load_result, make_record, save_result

TARGET_ENTROPY = 1.3  # nats, where the entropy curve is steep (chapter 11)
SCALES = [10.0**k for k in range(-3, 4)]
SEEDS = (0, 1, 2)
DISCOUNT, HORIZON = 0.99, 300
METHODS = {  # name -> train_pg's settings
    "fixed alpha = 1": dict(alpha=1.0),
    "target, alpha from reward scale": dict(target_entropy=TARGET_ENTROPY),
    "target, alpha from 1": dict(
        target_entropy=TARGET_ENTROPY, alpha=1.0, alpha_init="alpha"
    ),
}
FLAT_TARGET = 1.02  # nats, on the flat part of the curve (the chapter's Try it 1)
ALPHA_LRS = (0.02, 0.5)  # dual step sizes of the chapter's Try it 2
RESULT = "temperature"


def scaled_grid(scale: float) -> GridWorld:
    """The default grid with every reward multiplied by ``scale``."""
    return GridWorld(torch.tensor(DEFAULT_REWARDS, dtype=torch.float64) * scale)


def answers() -> dict:
    """The "Try it" runs at scale 1, seed 0 (the chapter quotes and re-checks them)."""
    grid = scaled_grid(1.0)
    flat_alpha_star = optimal_temperature(grid, FLAT_TARGET, DISCOUNT, HORIZON)
    history = train_pg(grid, target_entropy=FLAT_TARGET, progress=False)
    result = {
        "flat": {
            "target_entropy": FLAT_TARGET,
            "alpha_star": flat_alpha_star,
            "learned_alpha": float(history.alpha[-1]),
            "gap": start_value_gap(grid, history.policy, flat_alpha_star, DISCOUNT),
        },
        "alpha_lr": {},
    }
    alpha_star = optimal_temperature(grid, TARGET_ENTROPY, DISCOUNT, HORIZON)
    for alpha_lr in ALPHA_LRS:
        history = train_pg(
            grid, target_entropy=TARGET_ENTROPY, alpha_lr=alpha_lr, progress=False
        )
        last = history.alpha[-100:]
        result["alpha_lr"][str(alpha_lr)] = {
            "learned_alpha": float(history.alpha[-1]),
            "alpha_star": alpha_star,
            "gap": start_value_gap(grid, history.policy, alpha_star, DISCOUNT),
            "last_100_spread": float(last.max() / last.min()),  # max / min of alpha
        }
    print(json.dumps(result, indent=1), flush=True)
    return result


def medians_of(rows: list[dict]) -> dict:
    """Per scale and method: the median gap and the median learned alpha / alpha*."""
    return {
        f"scale {row['scale']:g}": {
            name: {
                "gap": float(np.median(row["gaps"][name])),
                "alpha_over_alpha_star": float(np.median(row["alphas"][name]))
                / row["alpha_star"],
            }
            for name in row["gaps"]
        }
        for row in rows
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--answers-only",
        action="store_true",
        help="redo only the Try-it runs; keep the stored table",
    )
    torch.set_num_threads(1)
    if parser.parse_args().answers_only:
        stored = load_result(RESULT)
        stored["answers"] = answers()
        stored["answers_made"] = {  # the table keeps its own command and date
            "command": make_record([], [], {})["command"],
            "date": datetime.date.today().isoformat(),
        }
        print(f"updated the answers in {save_result(RESULT, stored)}")
        return
    began = time.perf_counter()
    rows = []
    for scale in SCALES:
        grid = scaled_grid(scale)
        alpha_star = optimal_temperature(grid, TARGET_ENTROPY, DISCOUNT, HORIZON)
        row = {"scale": scale, "alpha_star": alpha_star, "gaps": {}, "alphas": {}}
        for name, settings in METHODS.items():
            gaps, alphas = [], []
            for seed in SEEDS:
                history = train_pg(grid, seed=seed, progress=False, **settings)
                gaps.append(start_value_gap(grid, history.policy, alpha_star, DISCOUNT))
                alphas.append(float(history.alpha[-1]))
            row["gaps"][name], row["alphas"][name] = gaps, alphas
            print(
                f"scale {scale:g}: alpha* {alpha_star:.4g}, {name}: gaps "
                f"{[f'{100 * g:.2f} %' for g in gaps]}, alpha/alpha* "
                f"{[round(a / alpha_star, 3) for a in alphas]}",
                flush=True,
            )
        rows.append(row)
    seconds = round(time.perf_counter() - began)
    record = make_record(
        SEEDS,
        rows,
        medians_of(rows),
        made_by="python benchmarks/bench_temperature.py",  # chapter 11 prints this
        target_entropy=TARGET_ENTROPY,
        discount=DISCOUNT,
        horizon=HORIZON,
        torch=torch.__version__,
        seconds=seconds,
        answers=answers(),
    )
    path = save_result(RESULT, record)
    print(f"wrote {path} in {seconds} s; log(alpha*) per scale:")
    print([round(math.log(row["alpha_star"]), 4) for row in rows])


if __name__ == "__main__":
    main()
