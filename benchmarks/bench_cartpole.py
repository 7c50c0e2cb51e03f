"""The book's methods against Stable-Baselines3 PPO and A2C on CartPole-v1, each at its
best, in one process.

Chapter 14 shows this script's stored table. In one process, one torch thread, on the
CPU, for every seed in turn it trains on ``CartPole-v1`` (registered by Gymnasium):

* ``maxent_pg``: the book's maximum-entropy policy gradient
  (``maxent_tutorial.deep.pg.train_deep_pg``, default ``DeepPGConfig``), 150 000
  environment steps;
* ``deep_sac``: the book's discrete SAC (``train_deep_sac``, default ``DeepSACConfig``,
  the settings ``benchmarks/bench_cartpole_sac.py`` chose), 150 000 steps;
* ``sb3_ppo`` and ``sb3_a2c``: Stable-Baselines3's PPO and A2C with every setting at
  its default (``MlpPolicy``, one environment), 150 000 steps;
* ``sb3_ppo_zoo`` and ``sb3_a2c_zoo``: the same at rl-baselines3-zoo's settings for
  CartPole-v1 (``hyperparams/ppo.yml`` and ``a2c.yml``, in ``ZOO``; no normalisation
  there). PPO runs the zoo's own budget, 100 000 steps, over which its learning rate
  and clip range fall linearly to 0; A2C's zoo budget is 500 000 steps, of which it
  runs the first 150 000 (its settings do not depend on the budget).

Every run keeps a snapshot of its policy the first time training has taken at least
10 000, 20 000, ... environment steps (at the start of the next rollout or vector step,
so the snapshot has trained on every step counted) and one at the end; after training,
each snapshot plays the same 100 evaluation episodes (environment seeds 10 000 + i),
sampling its actions and taking the most probable one. Reported per run: the
evaluations, the environment steps to the first evaluation averaging 475 or more and
the wall time of training to that point (evaluations and snapshots excluded), and the
final evaluation. The book's SAC also records its diagnostics (alpha, entropy, critic
against Monte-Carlo return; see bench_cartpole_sac.py). Steps to 475 compare sample
efficiency; seconds compare the cost on this machine, one thread, and on a shared
machine compare only within one run (as ratios).

Stable-Baselines3 lives in its own environment (see benchmarks/requirements.txt). The
stored result was made by two processes side by side, each running its seeds in turn
(discrete SAC takes most of the time: one update per environment step, 10-20 minutes a
seed on one thread), then merged (``--append`` starts from stored rows and runs nothing
more when no seeds are given):

    OMP_NUM_THREADS=1 python benchmarks/bench_cartpole.py --seeds 0 1 2 \
        --output cartpole_s012
    OMP_NUM_THREADS=1 python benchmarks/bench_cartpole.py --seeds 3 4 \
        --output cartpole_s34
    python benchmarks/bench_cartpole.py --append cartpole_s012 cartpole_s34 --seeds

Seconds compare only within one process: a seed's methods ran one after the other in
the same process, so the chapter compares them per seed, as ratios.

Writes ``maxent_tutorial/results/cartpole.json``.
"""

from __future__ import annotations

import argparse
import copy
import time

import torch
from bench_cartpole_sac import first_reaching, medians_by, run_sac
from stable_baselines3 import A2C, PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env

from maxent_tutorial.deep import pg
from maxent_tutorial.deep.common import evaluate, policy_actor
from maxent_tutorial.results import (
    add_append_option,
    make_record,
    result_path,
    save_result,
    stored_rows,
)

ENV_ID, BUDGET, LEVEL = "CartPole-v1", 150_000, 475
EVALUATE_EVERY, EVALUATION_EPISODES, EVALUATION_SEED = 10_000, 100, 10_000
METHODS = ("maxent_pg", "deep_sac", "sb3_ppo_zoo", "sb3_a2c_zoo", "sb3_ppo", "sb3_a2c")
# rl-baselines3-zoo, hyperparams/ppo.yml and a2c.yml, entry CartPole-v1 (commit
# 00128b5d of ppo.yml, 02846e4d of a2c.yml); lin_x: x * (fraction of budget left)
ZOO = {
    "sb3_ppo_zoo": {
        "n_envs": 8,
        "n_timesteps": 100_000,
        "n_steps": 32,
        "batch_size": 256,
        "gae_lambda": 0.8,
        "gamma": 0.98,
        "n_epochs": 20,
        "ent_coef": 0.0,
        "learning_rate": "lin_0.001",
        "clip_range": "lin_0.2",
    },
    "sb3_a2c_zoo": {"n_envs": 8, "n_timesteps": 500_000, "ent_coef": 0.0},
}


def linear(start: float):
    """The zoo's ``lin_<start>``: start x the fraction of training left."""
    return lambda progress_remaining: progress_remaining * start


def evaluations_of(snapshots: list[dict], load, actors) -> list:
    """Each snapshot's 100-episode evaluation, sampled and greedy actions;
    ``actors()`` gives a fresh (sampled, greedy) pair of ``act`` for each, so every
    evaluation draws the same random numbers as a separate call would."""
    evaluations = []
    for snapshot in snapshots:
        load(snapshot["state"])
        act_sampled, act_greedy = actors()
        sampled = evaluate(ENV_ID, act_sampled, EVALUATION_EPISODES, EVALUATION_SEED)
        greedy = evaluate(ENV_ID, act_greedy, EVALUATION_EPISODES, EVALUATION_SEED)
        evaluations.append(
            {
                "env_steps": snapshot["env_steps"],
                "train_seconds": snapshot["train_seconds"],
                "return_sampled": float(sampled.mean()),
                "return_greedy": float(greedy.mean()),
            }
        )
    return evaluations


def summary(method: str, seed: int, env_steps: int, seconds: float, evaluations):
    """The row of a run: its evaluations, the final one, and the first at 475."""
    first = first_reaching(evaluations)
    first_greedy = first_reaching(evaluations, "return_greedy")
    return {
        "method": method,
        "seed": seed,
        "env_steps": int(env_steps),
        "seconds": seconds,
        "return_sampled": evaluations[-1]["return_sampled"],
        "return_greedy": evaluations[-1]["return_greedy"],
        "steps_to_475": first and first["env_steps"],
        "seconds_to_475": first and first["train_seconds"],
        "greedy_steps_to_475": first_greedy and first_greedy["env_steps"],
        "evaluations": evaluations,
    }


class Clock:
    """Training time: wall time since ``start`` minus the time spent on snapshots."""

    def __init__(self):
        self.start, self.paused = time.perf_counter(), 0.0
        self.snapshots, self.due = [], EVALUATE_EVERY

    def snapshot(self, env_steps: int, state: dict, last: bool = False) -> None:
        """Keep ``state`` if training passed the next evaluation point (or ``last``)."""
        if env_steps < self.due and not last:
            return
        now = time.perf_counter()
        self.snapshots.append(
            {
                "env_steps": int(env_steps),
                "train_seconds": now - self.start - self.paused,
                "state": copy.deepcopy(state),
            }
        )
        self.due = (env_steps // EVALUATE_EVERY + 1) * EVALUATE_EVERY
        self.paused += time.perf_counter() - now

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start - self.paused


def run_pg(seed: int) -> dict:
    """The book's policy gradient; snapshots at the start of a rollout."""
    collect_rollout = pg.collect_rollout
    clock = Clock()

    def collect_with_snapshots(runner, policy, generator, n_steps):
        clock.snapshot(runner.env_steps, policy.state_dict())
        return collect_rollout(runner, policy, generator, n_steps)

    pg.collect_rollout = collect_with_snapshots
    try:
        history = pg.train_deep_pg(ENV_ID, seed=seed, total_timesteps=BUDGET)
    finally:
        pg.collect_rollout = collect_rollout
    clock.snapshot(history.num_timesteps, history.policy.state_dict(), last=True)
    seconds = clock.snapshots[-1]["train_seconds"]
    policy = history.policy
    evaluations = evaluations_of(
        clock.snapshots,
        policy.load_state_dict,
        lambda: (policy_actor(policy, seed=seed), policy_actor(policy, greedy=True)),
    )
    row = summary("maxent_pg", seed, history.num_timesteps, seconds, evaluations)
    row["curve_steps"] = history.env_steps.tolist()
    row["curve_return"] = history.episode_return.tolist()
    return row


class Snapshots(BaseCallback):
    """SB3 callback: the policy's state at the start of the rollout after each
    evaluation point."""

    def __init__(self, clock: Clock):
        super().__init__()
        self.clock = clock

    def _on_rollout_start(self) -> None:
        self.clock.snapshot(self.num_timesteps, self.model.policy.state_dict())

    def _on_step(self) -> bool:
        return True


def run_sb3(method: str, seed: int) -> dict:
    """SB3's PPO or A2C, at its defaults or at the zoo's settings."""
    algorithm = PPO if method.startswith("sb3_ppo") else A2C
    clock = Clock()  # building the environments and the model counts
    if method in ZOO:
        settings = dict(ZOO[method])
        env = make_vec_env(ENV_ID, n_envs=settings.pop("n_envs"), seed=seed)
        budget = min(settings.pop("n_timesteps"), BUDGET)
        for key in ("learning_rate", "clip_range"):
            if str(settings.get(key, "")).startswith("lin_"):
                settings[key] = linear(float(settings[key][4:]))
        model = algorithm("MlpPolicy", env, seed=seed, device="cpu", **settings)
    else:
        budget = BUDGET
        model = algorithm("MlpPolicy", ENV_ID, seed=seed, device="cpu")
    model.learn(total_timesteps=budget, callback=Snapshots(clock))
    clock.snapshot(model.num_timesteps, model.policy.state_dict(), last=True)
    seconds = clock.snapshots[-1]["train_seconds"]

    def act(deterministic: bool):
        def act(observations):
            return model.predict(observations, deterministic=deterministic)[0]

        return act

    def actors():
        torch.manual_seed(seed)  # SB3 samples with torch's global generator
        return act(False), act(True)

    evaluations = evaluations_of(clock.snapshots, model.policy.load_state_dict, actors)
    row = summary(method, seed, model.num_timesteps, seconds, evaluations)
    row["budget"] = budget
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    add_append_option(parser)
    parser.add_argument("--output", default="cartpole", help="result name")
    args = parser.parse_args()
    torch.set_num_threads(1)
    runs, commands = stored_rows(args.append)

    def save(name: str) -> None:
        record = make_record(
            sorted({run["seed"] for run in runs}),
            runs,
            medians_by(runs, "method"),
            settings={
                "env_id": ENV_ID,
                "budget": BUDGET,
                "level": LEVEL,
                "evaluate_every": EVALUATE_EVERY,
                "evaluation_episodes": EVALUATION_EPISODES,
                "evaluation_seed": EVALUATION_SEED,
                "zoo": ZOO,
            },
            note="one process, one torch thread, seeds in turn; shared machine: "
            "compare seconds within one process (a row's process: its command)",
        )
        record["commands"] = commands + [record["command"]]
        save_result(name, record)

    for seed in args.seeds:  # seed by seed, so a change of load hits every method
        for method in args.methods:
            if method == "maxent_pg":
                run = run_pg(seed)
            elif method == "deep_sac":
                run = run_sac(seed, {})
            else:
                run = run_sb3(method, seed)
            runs.append(run)
            save(f"{args.output}_partial")  # a partial result survives a crash
            print(
                f"{method} seed {seed}: final {run['return_sampled']:.1f} sampled, "
                f"{run['return_greedy']:.1f} greedy; 475 at {run['steps_to_475']} "
                f"steps, {run['seconds_to_475'] or float('nan'):.1f} s; "
                f"{run['env_steps']} steps, {run['seconds']:.1f} s",
                flush=True,
            )
    save(args.output)
    result_path(f"{args.output}_partial").unlink(missing_ok=True)
    print(f"wrote {result_path(args.output)}")


if __name__ == "__main__":
    main()
