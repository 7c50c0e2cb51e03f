"""Stable-Baselines3 A2C on the book's grid world, scored exactly against the optimum.

Chapter 10 compares its natural-gradient runs with this script's stored result. It
trains A2C as a new user would (``MlpPolicy``, 10 environments, ``ent_coef=0.01``, every
other setting at SB3's default, 1.5 million environment steps) on
``gymnasium.make("maxent_tutorial/GridWorld-v0")``, then reads the learned policy's
[n_states, 5] action-probability table from SB3's policy network and scores it exactly:
the relative gap (V*(start) - V_pi(start)) / |V*(start)| of its soft value (alpha = 1,
gamma = 0.99) to the soft optimum, as ``start_value_gap`` does for the book's policies.
The gap is also recorded every ``--eval-every`` steps.

A2C's entropy bonus is not the soft return: it adds ``ent_coef * H(pi(.|s_t))`` to the
loss for each visited state, and its critic learns the value of the plain reward. So the
gap measures how close A2C gets to the book's objective, which it does not optimise.

Stable-Baselines3 lives in its own environment (see benchmarks/requirements.txt):

    python3 -m venv .bench
    .bench/bin/pip install -r benchmarks/requirements.txt
    .bench/bin/python benchmarks/bench_a2c.py --seeds 0

One seed takes a few minutes on one CPU thread. The result is written with
``save_result`` to ``maxent_tutorial/results/a2c.json``: how and where it was made, one
row per seed, the medians, and under ``runs`` each seed's full record (its action
probabilities and gap curve), which chapter 10 reads.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import torch
from stable_baselines3 import A2C
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env

from maxent_tutorial import (  # importing it registers maxent_tutorial/GridWorld-v0
    GridWorld,
    soft_policy_values,
    soft_value_iteration,
)
from maxent_tutorial.results import make_record, save_result

ENV_ID = "maxent_tutorial/GridWorld-v0"
ALPHA, DISCOUNT = 1.0, 0.99  # the soft objective the book optimises
RESULT = "a2c"


def action_probs(model: A2C, n_states: int) -> torch.Tensor:
    """[n_states, 5] float64 pi(a|s) of the trained SB3 policy, one row per state."""
    observations = torch.arange(n_states)  # SB3 one-hot encodes Discrete observations
    with torch.no_grad():
        distribution = model.policy.get_distribution(observations)
    return distribution.distribution.logits.double().softmax(dim=-1)  # exact in float64


def relative_gap(grid: GridWorld, probs: torch.Tensor, optimum: float) -> float:
    """(V*(start) - V_pi(start)) / |V*(start)| for the soft value of ``probs``."""
    value = soft_policy_values(grid, probs, ALPHA, DISCOUNT)[grid.start_state].item()
    return (optimum - value) / abs(optimum)


class GapRecorder(BaseCallback):
    """Records the exact relative gap every ``every`` environment steps."""

    def __init__(self, grid: GridWorld, optimum: float, every: int):
        super().__init__()
        self.grid, self.optimum, self.every = grid, optimum, every
        self.steps: list[int] = []
        self.gaps: list[float] = []

    def _on_step(self) -> bool:
        if self.num_timesteps // self.every > len(self.steps) - 1:
            probs = action_probs(self.model, self.grid.n_states)
            self.steps.append(int(self.num_timesteps))
            self.gaps.append(relative_gap(self.grid, probs, self.optimum))
        return True


def run(seed: int, timesteps: int, n_envs: int, ent_coef: float, every: int) -> dict:
    grid = GridWorld()
    optimum = (
        soft_value_iteration(grid, ALPHA, DISCOUNT).values[grid.start_state].item()
    )
    envs = make_vec_env(ENV_ID, n_envs=n_envs, seed=seed)
    model = A2C("MlpPolicy", envs, ent_coef=ent_coef, seed=seed, device="cpu")
    recorder = GapRecorder(grid, optimum, every)
    started = time.perf_counter()
    model.learn(total_timesteps=timesteps, callback=recorder)
    seconds = time.perf_counter() - started
    probs = action_probs(model, grid.n_states)
    return {
        "seed": seed,
        "timesteps": int(model.num_timesteps),
        "seconds": round(seconds, 1),
        "final_gap": relative_gap(grid, probs, optimum),
        "probs": probs.numpy().round(6).tolist(),
        "curve": {"steps": recorder.steps, "gaps": recorder.gaps},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--timesteps", type=int, default=1_500_000)
    parser.add_argument("--n-envs", type=int, default=10)
    parser.add_argument("--ent-coef", type=float, default=0.01)
    parser.add_argument("--eval-every", type=int, default=50_000)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--name", default=RESULT, help="the stored result's name")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    load_at_start = os.getloadavg()  # the machine may be shared: timings depend on it

    runs = []
    for seed in args.seeds:
        result = run(seed, args.timesteps, args.n_envs, args.ent_coef, args.eval_every)
        print(
            f"seed {seed}: gap {100 * result['final_gap']:.3f} % "
            f"after {result['timesteps']:,} steps in {result['seconds']:.0f} s"
        )
        runs.append(result)

    columns = ("seed", "timesteps", "seconds", "final_gap")
    rows = [{name: run[name] for name in columns} for run in runs]
    medians = {
        name: statistics.median(row[name] for row in rows) for name in columns[1:]
    }
    record = make_record(
        args.seeds,
        rows,
        medians,
        settings={
            "env_id": ENV_ID,
            "policy": "MlpPolicy",
            "n_envs": args.n_envs,
            "ent_coef": args.ent_coef,
            "timesteps": args.timesteps,
            "other": "SB3 defaults (n_steps 5, lr 7e-4, RMSprop, gamma 0.99)",
            "alpha": ALPHA,
            "discount": DISCOUNT,
        },
        runs=runs,  # chapter 10 reads these (each with its probabilities and curve)
    )
    record["machine"].update(
        processor=_cpu_name(),
        load_average_at_start=[round(x, 1) for x in load_at_start],
        python=platform.python_version(),
    )
    print(f"wrote {save_result(args.name, record)}")


def _cpu_name() -> str:
    """The CPU model from /proc/cpuinfo (Linux), else platform.processor()."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
