"""Why discrete SAC peaked and fell on CartPole-v1: an ablation with its diagnostics.

Chapter 14 shows this script's stored result. Every arm trains discrete SAC
(``maxent_tutorial.deep.sac.train_deep_sac``) on ``CartPole-v1`` for 150 000
environment steps; the arms differ only in the settings listed in ``ARMS`` (every
other setting is the ``DeepSACConfig`` default, written into each row):

* updates per environment step, ``gradient_steps / n_envs``: 1/16 (the settings the
  chapter used before: 16 copies, one update per vector step), 1/4, and 1, the last
  both with 16 copies (16 updates per vector step) and with one copy (the stored
  result has one seed of the first, five of the second: not enough to separate the
  number of updates from the number of copies);
* the target entropy, 0.1 and 0.5 nats beside 0.3, at 1/16 updates per step (does
  the temperature explain the fall?); ``ARMS`` also defines them at one update per
  step, which the stored result does not include (15 minutes of one core a seed);
* the Polyak rate of the target critics at 1/16 updates per step, 16 x 0.005 = 0.08:
  the critics' estimate can rise by about a fraction tau (1 - gamma) of the way to the
  soft value per update, so this gives 1/16 of the updates the pace of 1 update per
  step with tau = 0.005.

Each time training passes another 10 000 environment steps the run keeps a snapshot of
its actor, critics and alpha (``record_every``); after training, every snapshot plays
the same 100 evaluation episodes (environment seeds 10 000 + i), sampling its actions
(generator seeded with the run's seed) and taking the most probable one. The sampled
episodes also give the diagnostics (``critic_against_returns``): the policy's mean
entropy on the states it visits, and the critics' estimate min_i Q_i(s, a) against the
Monte-Carlo discounted soft return of the same (s, a), averaged over the first 100 steps
of each episode. Reported per run: the evaluations, the steps and training seconds
(evaluations excluded) to the first evaluation averaging 475 or more, the training
curve, alpha and the last minibatch's entropy at each snapshot.

One torch thread. Runs are saved one by one (``<output>_partial`` until the end);
``--append NAME ...`` starts from the rows of stored results (made by earlier
invocations, on the same machine) and keeps their commands in ``commands``. The stored
result merges the runs of four processes: ``cartpole_sac_first`` (the arms 1/16 and
1/4, seeds 0 to 3 of 1/4; the process was stopped there), ``cartpole_sac_copies16``
(seed 0 of "1, 16 copies"; stopped after it), ``cartpole_sac_tau`` and
``cartpole_sac_more`` (seed 4 of 1/4, the two target entropies). The machine was
shared and loaded differently for each, so compare seconds only within an arm of one
process; environment steps and evaluations do not depend on the load (a run with the
same seed and settings repeats them exactly on this machine):

    python benchmarks/bench_cartpole_sac.py --plan "1/4=4" \
        "1/16, H 0.1=0,1,2,3,4" "1/16, H 0.5=0,1,2,3,4" --output cartpole_sac_more
    python benchmarks/bench_cartpole_sac.py --append cartpole_sac_first \
        cartpole_sac_copies16 cartpole_sac_tau cartpole_sac_more --plan

The arm "1, 1 copy" (one update per environment step with one copy, the defaults of
``DeepSACConfig``) has no runs here: its five seeds are the ``deep_sac`` rows of
``benchmarks/bench_cartpole.py``, which records the same evaluations and diagnostics.

Writes ``maxent_tutorial/results/cartpole_sac.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np
import torch

from maxent_tutorial.deep.common import evaluate, policy_actor
from maxent_tutorial.deep.sac import critic_against_returns, train_deep_sac
from maxent_tutorial.results import (
    add_append_option,
    make_record,
    result_path,
    save_result,
    stored_rows,
)

ENV_ID, BUDGET, LEVEL = "CartPole-v1", 150_000, 475
EVALUATE_EVERY, EVALUATION_EPISODES, EVALUATION_SEED = 10_000, 100, 10_000
# the arms: name -> the settings that differ between arms (the rest: defaults)
ARMS = {
    "1/16": {"n_envs": 16, "gradient_steps": 1, "target_entropy": 0.3},
    "1/4": {"n_envs": 16, "gradient_steps": 4, "target_entropy": 0.3},
    "1, 16 copies": {"n_envs": 16, "gradient_steps": 16, "target_entropy": 0.3},
    "1, 1 copy": {"n_envs": 1, "gradient_steps": 1, "target_entropy": 0.3},
    "1/16, H 0.1": {"n_envs": 16, "gradient_steps": 1, "target_entropy": 0.1},
    "1/16, H 0.5": {"n_envs": 16, "gradient_steps": 1, "target_entropy": 0.5},
    "1, 1 copy, H 0.1": {"n_envs": 1, "gradient_steps": 1, "target_entropy": 0.1},
    "1, 1 copy, H 0.5": {"n_envs": 1, "gradient_steps": 1, "target_entropy": 0.5},
    "1/16, tau 0.08": {
        "n_envs": 16,
        "gradient_steps": 1,
        "target_entropy": 0.3,
        "tau": 0.08,
    },
}


def first_reaching(evaluations: list[dict], key: str = "return_sampled"):
    """The first evaluation whose mean return is at least LEVEL (None if none)."""
    return next((e for e in evaluations if e[key] >= LEVEL), None)


def evaluate_snapshots(history, seed: int) -> list[dict]:
    """Every snapshot of a SAC run: its 100-episode evaluation (sampled and greedy)
    and its diagnostics."""
    evaluations = []
    for index, steps in enumerate(history.record_steps):
        actor, critics = history.load_snapshot(index)
        alpha = float(history.record_alpha[index])
        check = critic_against_returns(
            ENV_ID,
            actor,
            critics,
            alpha,
            history.settings.discount,
            EVALUATION_EPISODES,
            EVALUATION_SEED,
            action_seed=seed,
        )
        greedy = evaluate(
            ENV_ID,
            policy_actor(actor, greedy=True),
            EVALUATION_EPISODES,
            EVALUATION_SEED,
        )
        evaluations.append(
            {
                "env_steps": int(steps),
                "train_seconds": float(history.record_seconds[index]),
                "return_sampled": float(check["returns"].mean()),
                "return_greedy": float(greedy.mean()),
                "alpha": alpha,
                "batch_entropy": float(history.record_entropy[index]),
                "entropy": check["entropy"],
                "critic": check["critic"],
                "monte_carlo": check["monte_carlo"],
            }
        )
    return evaluations


def run_sac(seed: int, overrides: dict, method: str = "deep_sac") -> dict:
    """Train one SAC run for BUDGET steps with ``overrides``; evaluate its
    snapshots. The row of the record."""
    start = time.perf_counter()
    history = train_deep_sac(
        ENV_ID,
        seed=seed,
        total_timesteps=BUDGET,
        record_every=EVALUATE_EVERY,
        **overrides,
    )
    seconds = time.perf_counter() - start
    evaluations = evaluate_snapshots(history, seed)
    first = first_reaching(evaluations)
    first_greedy = first_reaching(evaluations, "return_greedy")
    final = evaluations[-1]
    return {
        "method": method,
        "seed": seed,
        "overrides": overrides,
        "settings": dataclasses.asdict(history.settings),
        "env_steps": history.num_timesteps,
        "n_updates": history.n_updates,
        "seconds": seconds,
        "return_sampled": final["return_sampled"],
        "return_greedy": final["return_greedy"],
        "steps_to_475": first and first["env_steps"],
        "seconds_to_475": first and first["train_seconds"],
        "greedy_steps_to_475": first_greedy and first_greedy["env_steps"],
        "evaluations": evaluations,
        "curve_steps": history.env_steps.tolist(),
        "curve_return": history.episode_return.tolist(),
    }


def medians_by(rows: list[dict], key: str) -> dict:
    """Per group (``key`` of the rows): medians over seeds of the final returns, the
    steps and seconds to 475 (None if any seed never reached it), and the seeds."""
    groups = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    medians = {}
    for name, mine in groups.items():
        medians[name] = {
            k: statistics.median(r[k] for r in mine)
            for k in ("return_sampled", "return_greedy", "env_steps", "seconds")
        }
        for k in ("steps_to_475", "seconds_to_475"):
            values = [r[k] for r in mine]
            reached = [v for v in values if v is not None]
            # an unreached seed counts as never: the median is None if half never do
            ordered = sorted(reached) + [np.inf] * (len(values) - len(reached))
            median = float(np.median(ordered))
            medians[name][k] = median if np.isfinite(median) else None
            medians[name]["reached_475"] = len(reached)
        medians[name]["seeds"] = [r["seed"] for r in mine]
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--plan",
        nargs="*",
        default=[
            "1/16=0,1,2,3,4",
            "1/4=0,1,2,3,4",
            "1/16, H 0.1=0,1,2,3,4",
            "1/16, H 0.5=0,1,2,3,4",
            "1, 16 copies=0,1,2",
            "1/16, tau 0.08=0,1,2,3,4",
        ],
        help="runs, each ARM=SEED,SEED,... (ARM one of ARMS)",
    )
    add_append_option(parser)
    parser.add_argument("--output", default="cartpole_sac", help="result name")
    args = parser.parse_args()
    torch.set_num_threads(1)
    plan = []
    for item in args.plan:
        arm, seeds = item.rsplit("=", 1)
        if arm not in ARMS:
            parser.error(f"unknown arm {arm!r}; the arms are {list(ARMS)}")
        plan += [(arm, int(seed)) for seed in seeds.split(",")]
    rows, commands = stored_rows(args.append)

    def save(name: str) -> None:
        record = make_record(
            sorted({r["seed"] for r in rows}),
            rows,
            medians_by(rows, "arm"),
            arms=ARMS,
            settings={
                "env_id": ENV_ID,
                "budget": BUDGET,
                "level": LEVEL,
                "evaluate_every": EVALUATE_EVERY,
                "evaluation_episodes": EVALUATION_EPISODES,
                "evaluation_seed": EVALUATION_SEED,
                "critic_first_steps": 100,
            },
            note="one torch thread; shared machine: compare seconds within a run",
        )
        record["commands"] = commands + [record["command"]]
        save_result(name, record)

    for arm, seed in plan:
        row = {"arm": arm} | run_sac(seed, ARMS[arm])
        rows.append(row)
        save(f"{args.output}_partial")  # a partial result survives a crash
        print(
            f"{arm} seed {seed}: final return {row['return_sampled']:.1f} sampled, "
            f"{row['return_greedy']:.1f} greedy; 475 at {row['steps_to_475']} "
            f"steps; {row['seconds']:.0f} s",
            flush=True,
        )
    save(args.output)
    result_path(f"{args.output}_partial").unlink(missing_ok=True)
    print(f"wrote {result_path(args.output)}")


if __name__ == "__main__":
    main()
