"""The book's methods against Stable-Baselines3 PPO and A2C on CartPole-v1, one budget.

Chapter 14 shows this script's stored table. On ``CartPole-v1`` (registered by
Gymnasium) and a budget of 150 000 environment steps it trains

* the maximum-entropy policy gradient (``maxent_tutorial.deep.pg.train_deep_pg``,
  default ``DeepPGConfig``: 64-unit MLP, rollouts of 16 copies x 128 steps per update,
  alpha = 0.01, leave-one-out baseline),
* discrete SAC (``maxent_tutorial.deep.sac.train_deep_sac``, default
  ``DeepSACConfig``),
* Stable-Baselines3 PPO and A2C with every setting at its default (``MlpPolicy``),

then scores each trained policy by its mean return over 100 fresh evaluation episodes,
acting by sampling from the policy and by taking its most probable action. Wall times
(training only, evaluation excluded) are measured in one process, one after the other,
on one torch thread: on a shared machine compare them within one run (as ratios), not
across runs. The book's methods stop before a rollout (or vector step) that would
overrun the budget; SB3's PPO rounds it up to whole rollouts of 2048 steps (151 552
steps). The record has the one schema of :mod:`maxent_tutorial.results`: one row per
run (method and seed), and the medians over seeds per method.

Stable-Baselines3 lives in its own environment (see benchmarks/requirements.txt); the
stored result was made with (about 15 minutes on one thread)

    python benchmarks/bench_cartpole.py --seeds 0 1 2 --sb3-seeds 0 1 2

Writes ``maxent_tutorial/results/cartpole.json``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from stable_baselines3 import A2C, PPO

from maxent_tutorial.deep.common import evaluate, policy_actor
from maxent_tutorial.deep.pg import train_deep_pg
from maxent_tutorial.deep.sac import train_deep_sac
from maxent_tutorial.results import make_record, result_path, save_result

ENV_ID, BUDGET = "CartPole-v1", 150_000


def score(act_sampled, act_greedy) -> dict:
    """Mean return over 100 evaluation episodes, sampled and greedy actions."""
    return {
        "return_sampled": float(evaluate(ENV_ID, act_sampled).mean()),
        "return_greedy": float(evaluate(ENV_ID, act_greedy).mean()),
    }


def run_book(method: str, seed: int) -> dict:
    train = train_deep_pg if method == "maxent_pg" else train_deep_sac
    start = time.perf_counter()
    history = train(ENV_ID, seed=seed, total_timesteps=BUDGET)
    seconds = time.perf_counter() - start
    record = {
        "method": method,
        "seed": seed,
        "env_steps": history.num_timesteps,
        "seconds": seconds,
        "curve_steps": history.env_steps.tolist(),
        "curve_return": history.episode_return.tolist(),
    }
    record.update(
        score(
            policy_actor(history.policy, seed=seed),
            policy_actor(history.policy, greedy=True),
        )
    )
    return record


def run_sb3(method: str, seed: int) -> dict:
    algorithm = {"sb3_ppo": PPO, "sb3_a2c": A2C}[method]
    model = algorithm("MlpPolicy", ENV_ID, seed=seed, device="cpu")
    start = time.perf_counter()
    model.learn(total_timesteps=BUDGET)
    seconds = time.perf_counter() - start
    record = {
        "method": method,
        "seed": seed,
        "env_steps": int(model.num_timesteps),
        "seconds": seconds,
    }
    record.update(
        score(
            lambda obs: model.predict(obs, deterministic=False)[0],
            lambda obs: model.predict(obs, deterministic=True)[0],
        )
    )
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--sb3-seeds", type=int, nargs="+", default=[0])
    parser.add_argument(
        "--methods", nargs="+", default=["maxent_pg", "sb3_ppo", "sb3_a2c", "deep_sac"]
    )
    parser.add_argument("--output", default="cartpole", help="result name")
    args = parser.parse_args()
    torch.set_num_threads(1)
    runs = []

    def save(name: str) -> None:
        medians = {}
        for method in args.methods:
            mine = [r for r in runs if r["method"] == method]
            if mine:
                medians[method] = {
                    key: statistics.median(r[key] for r in mine)
                    for key in (
                        "return_sampled",
                        "return_greedy",
                        "env_steps",
                        "seconds",
                    )
                } | {"seeds": [r["seed"] for r in mine]}
        record = make_record(
            sorted({r["seed"] for r in runs}),
            runs,
            medians,
            settings={"env_id": ENV_ID, "budget": BUDGET, "eval_episodes": 100},
            note="shared machine: compare seconds within this run",
        )
        save_result(name, record)

    for method in args.methods:
        sb3 = method.startswith("sb3")
        for seed in args.sb3_seeds if sb3 else args.seeds:
            run = (run_sb3 if sb3 else run_book)(method, seed)
            runs.append(run)
            save(f"{args.output}_partial")  # a partial result survives a crash
            print(
                f"{method} seed {seed}: return {run['return_sampled']:.1f} sampled, "
                f"{run['return_greedy']:.1f} greedy, {run['env_steps']} steps, "
                f"{run['seconds']:.1f} s",
                flush=True,
            )
    save(args.output)
    result_path(f"{args.output}_partial").unlink()
    print(f"wrote {result_path(args.output)}")


if __name__ == "__main__":
    main()
