"""The CartPole policy gradient and the soft returns, before and after issue 13.

Two hot paths of chapter 14, each measured against the code before the change (the
package at git commit 4ccfb6b, extracted to a temporary folder and run in a
subprocess with ``PYTHONPATH`` pointing there; the new code runs in a subprocess too,
so both start alike; the new code is a copy of the working tree's package, taken when
the script starts):

* **the policy gradient** on ``CartPole-v1`` (default settings of each version, 150 000
  environment steps): before, every update played one episode per copy and stepped all
  copies until the longest episode ended, counting the steps of the copies that had
  already finished; after, an update takes a rollout of fixed length and a finished
  copy starts its next episode. For every seed, both versions are evaluated on one
  schedule: the first time training has taken at least 10 000, 20 000, ... steps, the
  policy of that moment plays 100 evaluation episodes (sampled actions, the same
  seeded episodes for both); reported: the environment steps of the first policy
  whose mean evaluation return is at least 475, the training seconds to that point
  and for the whole budget (evaluations excluded), and their ratios, before / after.
* **the soft returns with episode ends** (``soft_returns_with_ends``): before, a
  Python loop over time; after, one masked discount matrix. Seconds per call on
  [T, B] float32 inputs with random episode ends (T = 128 and 500, B = 16), and the
  ratio.

On a shared machine, compare the seconds within one run (as ratios). One torch thread.

    python benchmarks/bench_deep_speed.py --seeds 0 1 2 3 4 5 6   # about 15 minutes

Writes ``maxent_tutorial/results/deep_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BEFORE_COMMIT = "4ccfb6b"
ENV_ID, BUDGET, LEVEL = "CartPole-v1", 150_000, 475
EVALUATE_EVERY, EVALUATION_EPISODES = 10_000, 100
RETURN_SHAPES = ((128, 16), (500, 16))
REPOSITORY = Path(__file__).resolve().parents[1]


def pg_worker(version: str, seed: int, overrides: dict) -> dict:
    """Train one version's policy gradient with evaluations on the schedule (run in
    the subprocess); the evaluation hooks into the function that collects a batch."""
    import torch

    torch.set_num_threads(1)
    if version == "before":
        from maxent_tutorial import deep_pg as module
        from maxent_tutorial.deep import evaluate, policy_actor

        collect_name = "collect_episodes"

        def train():
            return module.train_maxent_pg(seed=seed, total_steps=BUDGET, **overrides)

        def steps_so_far(args):  # collect_episodes(envs, policy, generator, budget)
            return BUDGET - args[3], args[1]

    else:
        from maxent_tutorial.deep import pg as module
        from maxent_tutorial.deep.common import evaluate, policy_actor

        collect_name = "collect_rollout"

        def train():
            return module.train_deep_pg(
                ENV_ID, seed=seed, total_timesteps=BUDGET, **overrides
            )

        def steps_so_far(args):  # collect_rollout(runner, policy, generator, n_steps)
            return args[0].env_steps, args[1]

    collect = getattr(module, collect_name)
    evaluations, paused = [], [0.0]

    def collect_with_evaluations(*args):
        steps, policy = steps_so_far(args)
        due = (len(evaluations) + 1) * EVALUATE_EVERY
        reached = any(e["return"] >= LEVEL for e in evaluations)
        if steps >= due and not reached:
            start = time.perf_counter()
            train_seconds = start - clock[0] - paused[0]
            returns = evaluate(ENV_ID, policy_actor(policy, seed=seed))
            paused[0] += time.perf_counter() - start
            evaluations.append(
                {
                    "env_steps": int(steps),
                    "return": float(returns.mean()),
                    "train_seconds": train_seconds,
                }
            )
        return collect(*args)

    setattr(module, collect_name, collect_with_evaluations)
    clock = [time.perf_counter()]
    history = train()
    seconds = time.perf_counter() - clock[0] - paused[0]
    first = next((e for e in evaluations if e["return"] >= LEVEL), None)
    return {
        "version": version,
        "seed": seed,
        "steps_to_475": first and first["env_steps"],
        "seconds_to_475": first and first["train_seconds"],
        "seconds": seconds,
        "env_steps": int(history.env_steps[-1]),
        "evaluations": evaluations,
    }


def returns_worker(version: str, repeats: int) -> dict:
    """Seconds per call of ``soft_returns_with_ends`` on random episode ends."""
    import torch

    torch.set_num_threads(1)
    if version == "before":
        from maxent_tutorial.deep import soft_returns_with_ends
    else:
        from maxent_tutorial.deep.common import soft_returns_with_ends
    generator = torch.Generator().manual_seed(0)
    seconds = {}
    for horizon, n_envs in RETURN_SHAPES:
        shape = (horizon, n_envs)
        rewards = torch.rand(shape, generator=generator)
        log_probs = -torch.rand(shape, generator=generator)
        ends = torch.rand(shape, generator=generator)
        terminated, truncated = ends < 0.02, (ends >= 0.02) & (ends < 0.03)
        args = (rewards, log_probs, terminated, truncated, 0.01, 0.99)
        soft_returns_with_ends(*args)  # warm-up
        best = []
        for _ in range(5):  # the best of 5 timings of `repeats` calls
            start = time.perf_counter()
            for _ in range(repeats):
                soft_returns_with_ends(*args)
            best.append((time.perf_counter() - start) / repeats)
        seconds[f"{horizon}x{n_envs}"] = min(best)
    return {"version": version, "seconds_per_call": seconds}


def run_worker(version: str, folder: str, *arguments: str) -> dict:
    """Run this script as ``--worker`` in a fresh interpreter on one version, the
    package of ``folder/version``."""
    environment = dict(os.environ, OMP_NUM_THREADS="1")
    environment["PYTHONPATH"] = str(Path(folder) / version)
    command = [sys.executable, __file__, "--worker", version, *arguments]
    output = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.splitlines()[-1])


def ratio(before, after):
    return None if before is None or after is None else before / after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(7)))
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--output", default="deep_speed", help="result name")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--task", default="pg", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--overrides", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        if args.task == "pg":
            result = pg_worker(args.worker, args.seed, json.loads(args.overrides))
        else:
            result = returns_worker(args.worker, args.repeats)
        print(json.dumps(result))
        return

    from maxent_tutorial.results import make_record, save_result

    with tempfile.TemporaryDirectory() as folder:
        # before: the package at BEFORE_COMMIT; after: a copy of the working tree's,
        # so that edits made while this runs do not reach it
        archive = subprocess.run(
            ["git", "-C", str(REPOSITORY), "archive", BEFORE_COMMIT, "maxent_tutorial"],
            capture_output=True,
            check=True,
        ).stdout
        Path(folder, "before").mkdir()
        subprocess.run(
            ["tar", "-x", "-C", f"{folder}/before"], input=archive, check=True
        )
        shutil.copytree(
            REPOSITORY / "maxent_tutorial",
            Path(folder, "after", "maxent_tutorial"),
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        rows = []
        for seed in args.seeds:
            pair = {}
            for version in ("before", "after"):  # one after the other, per seed
                pair[version] = run_worker(
                    version, folder, "--task", "pg", "--seed", str(seed)
                )
                print(
                    f"seed {seed} {version}: 475 at {pair[version]['steps_to_475']} "
                    f"steps, {pair[version]['seconds']:.1f} s",
                    flush=True,
                )
            rows.append(
                {
                    "seed": seed,
                    "before": pair["before"],
                    "after": pair["after"],
                    "steps_to_475_ratio": ratio(
                        pair["before"]["steps_to_475"], pair["after"]["steps_to_475"]
                    ),
                    "seconds_to_475_ratio": ratio(
                        pair["before"]["seconds_to_475"],
                        pair["after"]["seconds_to_475"],
                    ),
                    "seconds_ratio": ratio(
                        pair["before"]["seconds"], pair["after"]["seconds"]
                    ),
                }
            )
        # fmt: skip
        calls = {
            version: run_worker(
                version,
                folder,
                "--task",
                "returns",
                "--repeats",
                str(args.repeats),
            )["seconds_per_call"]
            for version in ("before", "after")
        }

    def median(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else None

    medians = {
        key: median(row[key] for row in rows)
        for key in ("steps_to_475_ratio", "seconds_to_475_ratio", "seconds_ratio")
    }
    for version in ("before", "after"):
        for key in ("steps_to_475", "seconds_to_475", "seconds"):
            medians[f"{version}_{key}"] = median(row[version][key] for row in rows)
    for shape in calls["before"]:
        medians[f"returns_{shape}_ratio"] = (
            calls["before"][shape] / calls["after"][shape]
        )
    settings = {
        "env_id": ENV_ID,
        "budget": BUDGET,
        "level": LEVEL,
        "evaluate_every": EVALUATE_EVERY,
        "evaluation_episodes": EVALUATION_EPISODES,
        "before_commit": BEFORE_COMMIT,
        "return_shapes": [list(shape) for shape in RETURN_SHAPES],
    }
    record = make_record(
        args.seeds, rows, medians, settings=settings, returns_seconds_per_call=calls
    )
    print(json.dumps(medians, indent=1))
    print(f"wrote {save_result(args.output, record)}")


if __name__ == "__main__":
    main()
