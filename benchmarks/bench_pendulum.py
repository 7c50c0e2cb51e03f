"""The book's continuous SAC against Stable-Baselines3 SAC on Pendulum-v1, one process.

Chapter 15 shows this script's stored table. For each seed it trains, one after the
other in this process on one torch thread,

* the book's SAC (``maxent_tutorial.deep.continuous_sac.train_continuous_sac``, the
  defaults of ``ContinuousSACConfig``: tanh-squashed Gaussian actor and twin critics,
  two ReLU layers of 64 units, batch 256, Adam at 1e-3, one update per environment step
  after 1000 uniform steps, target entropy -1 nat, alpha learned from 1),
* Stable-Baselines3 SAC at rl-baselines3-zoo's Pendulum-v1 settings
  (``hyperparams/sac.yml``: 20 000 steps, ``MlpPolicy``, learning_rate 1e-3, every other
  setting at SB3's default: two ReLU layers of 256 units, batch 256, one update per
  step after 100 steps, target entropy -dim(A) = -1, alpha learned from 1),

for 20 000 environment steps each. Every 2000 steps each run keeps a copy of its actor;
after training, every copy is scored by the same evaluation: the mean undiscounted
return of 20 episodes (seeds 10 000 to 10 019, the same for both), acting with the
Gaussian's mean (SB3: ``predict(deterministic=True)``). Wall times are training only
(from building the agent to the last step; the copies are included, the evaluations
are not), with the process's CPU time beside it. The machine may be shared: compare
times within one run, as ratios; CPU time moves less with the machine's load.

Stable-Baselines3 lives in its own environment (see benchmarks/requirements.txt); the
stored result was made in ``benchmarks/``, while other jobs (two other benchmarks among
them) shared the machine's two cores, with

    OMP_NUM_THREADS=1 /work/bench_venv/bin/python bench_pendulum.py \\
        --seeds 0 1 2 3 4 --output pendulum_new

and the file it wrote, ``pendulum_new.json``, renamed ``pendulum.json``.

Writes ``maxent_tutorial/results/pendulum.json`` (one row per method and seed).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import statistics
import time

import numpy as np
import torch
from stable_baselines3 import SAC
from stable_baselines3.common.callbacks import BaseCallback

from maxent_tutorial.deep.continuous_sac import (
    ContinuousSACConfig,
    evaluate_continuous,
    mean_actor,
    train_continuous_sac,
)
from maxent_tutorial.results import make_record, save_result

ENV_ID, EVERY = "Pendulum-v1", 2_000
EVAL_EPISODES, EVAL_SEED = 20, 10_000
ZOO = {"learning_rate": 1e-3}  # rl-baselines3-zoo, hyperparams/sac.yml, Pendulum-v1
BOOK_SETTINGS = ContinuousSACConfig(record_every=EVERY)


def scores(snapshots, load, act) -> list:
    """Mean evaluation return of each actor copy (loaded into the agent by ``load``)."""
    returns = []
    for snapshot in snapshots:
        load(snapshot)
        returns.append(evaluate_continuous(ENV_ID, act, EVAL_EPISODES, EVAL_SEED))
    return returns


def row(method, seed, seconds, cpu_seconds, steps, times, returns, alpha) -> dict:
    return {
        "method": method,
        "seed": seed,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "eval_steps": steps,
        "eval_seconds": times,
        "eval_return": [float(r.mean()) for r in returns],
        "final_episode_returns": returns[-1].tolist(),
        "final_return": float(returns[-1].mean()),
        "final_alpha": alpha,
    }


def run_book(seed: int, budget: int) -> dict:
    start, cpu_start = time.perf_counter(), time.process_time()
    history = train_continuous_sac(
        ENV_ID, BOOK_SETTINGS, seed=seed, total_timesteps=budget
    )
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    policy = history.policy
    returns = scores(history.snapshots, policy.load_state_dict, mean_actor(policy))
    return row(
        "book_sac",
        seed,
        seconds,
        cpu_seconds,
        history.env_steps.tolist(),
        history.seconds.tolist(),
        returns,
        float(history.alpha[-1]),
    )


class Snapshots(BaseCallback):
    """Keeps a copy of the actor, and the time, every ``EVERY`` steps."""

    def __init__(self, start: float):
        super().__init__()
        self.start, self.steps, self.times, self.copies = start, [], [], []

    def _on_step(self) -> bool:
        if self.num_timesteps % EVERY == 0:
            self.steps.append(self.num_timesteps)
            self.times.append(time.perf_counter() - self.start)
            self.copies.append(copy.deepcopy(self.model.actor.state_dict()))
        return True


def run_sb3(seed: int, budget: int) -> dict:
    start, cpu_start = time.perf_counter(), time.process_time()
    model = SAC("MlpPolicy", ENV_ID, seed=seed, device="cpu", **ZOO)
    callback = Snapshots(start)
    model.learn(budget, callback=callback)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start

    def act(observations):
        return model.predict(observations, deterministic=True)[0]

    returns = scores(callback.copies, model.actor.load_state_dict, act)
    alpha = float(torch.exp(model.log_ent_coef.detach()).item())
    steps, times = callback.steps, callback.times
    return row("sb3_sac", seed, seconds, cpu_seconds, steps, times, returns, alpha)


def summary(rows: list) -> dict:
    """Medians over seeds per method, and the comparison the chapter states."""
    by_method = {
        m: [r for r in rows if r["method"] == m] for m in ("book_sac", "sb3_sac")
    }
    medians = {
        method: {
            "final_return": statistics.median(r["final_return"] for r in runs),
            "seconds": statistics.median(r["seconds"] for r in runs),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
            "eval_return": np.median([r["eval_return"] for r in runs], 0).tolist(),
            "eval_steps": runs[0]["eval_steps"],
        }
        for method, runs in by_method.items()
    }
    sb3_finals = [r["final_return"] for r in by_method["sb3_sac"]]
    bar = min(sb3_finals)  # SB3's median, within its seed spread: its worst seed
    book = medians["book_sac"]
    pairs = zip(book["eval_steps"], book["eval_return"], strict=True)
    reached = [steps for steps, value in pairs if value >= bar]
    medians["comparison"] = {
        "sb3_final_min": min(sb3_finals),
        "sb3_final_max": max(sb3_finals),
        "book_steps_to_sb3_spread": reached[0] if reached else None,
        "seconds_ratio": book["seconds"] / medians["sb3_sac"]["seconds"],
        "cpu_seconds_ratio": book["cpu_seconds"] / medians["sb3_sac"]["cpu_seconds"],
    }
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--timesteps", type=int, default=20_000, help="the budget")
    parser.add_argument("--output", default="pendulum", help="result name")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for seed in args.seeds:
        for run in (run_book, run_sb3):
            rows.append(run(seed, args.timesteps))
            brief = {k: rows[-1][k] for k in ("method", "seed", "seconds")}
            print(json.dumps(brief | {"eval_return": rows[-1]["eval_return"]}))
            print(json.dumps(rows[-1]), flush=True)
    record = make_record(
        args.seeds,
        rows,
        summary(rows),
        settings={
            "book_sac": dataclasses.asdict(BOOK_SETTINGS),
            "sb3_sac": {"policy": "MlpPolicy", **ZOO},
            "budget": args.timesteps,
            "eval_every": EVERY,
            "eval_episodes": EVAL_EPISODES,
            "eval_seeds": [EVAL_SEED, EVAL_SEED + EVAL_EPISODES - 1],
            "torch_threads": torch.get_num_threads(),
        },
    )
    print(json.dumps(record["medians"]["comparison"]))
    print(f"wrote {save_result(args.output, record)}")


if __name__ == "__main__":
    main()
