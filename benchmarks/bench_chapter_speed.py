"""Milliseconds per call of the two fast paths chapters 8-10 spend their time in,
against the plain versions they replace, on the same inputs in the same run.

* ``GridWorld.rollout``: every step a lookup in tables built once per batch
  (``GridWorld._walk_by_lookup``) against one inverse-CDF draw per step and episode
  (``GridWorld._walk_step_by_step``, what a grid too large for the tables uses).
* ``log_probability_jacobian`` (inside ``episode_scores``, every natural-gradient
  iteration): the closed forms against ``torch.func.jacrev``.

Each pair is first checked to give the same numbers to the bit (the same episodes, the
same Jacobian), so the timings compare one computation done two ways. Timings on a
shared machine are noisy: the rounds are interleaved, each figure is a median, and the
ratio measured in one run is the number to quote.

Run:  python benchmarks/bench_chapter_speed.py [--save]   (about ten seconds)
With ``--save`` it writes maxent_tutorial/results/chapter_speed.json (``save_result``:
one row per round).
"""

import argparse
import statistics
import time

import torch

from maxent_tutorial import (
    GridWorld,
    LinearSoftmaxPolicy,
    TabularSoftmaxPolicy,
    episode_scores,
)
from maxent_tutorial import grid as grid_module
from maxent_tutorial.results import make_record, save_result
from maxent_tutorial.tabular.natural import (
    _jacobian_by_autograd,
    log_probability_jacobian,
)

RESULT = "chapter_speed"
HORIZON, N_EPISODES = 300, 10  # the chapters' batch: 10 episodes of 300 steps
ROUNDS, CALLS = 5, 50  # rounds of CALLS calls of each version


def policies(grid):
    """A tabular and a linear policy with seeded random, non-uniform parameters."""
    made = {"tabular": TabularSoftmaxPolicy(grid), "linear": LinearSoftmaxPolicy(grid)}
    with torch.no_grad():
        for seed, policy in enumerate(made.values()):
            for parameter in policy.parameters():
                parameter.normal_(generator=torch.Generator().manual_seed(seed))
    return made


def rollout(grid, policy, step_by_step: bool, seed: int = 0):
    """One batch of episodes, by the lookup tables or step by step."""
    limit = grid_module.LOOKUP_LIMIT
    grid_module.LOOKUP_LIMIT = 0 if step_by_step else limit
    try:
        generator = torch.Generator().manual_seed(seed)
        return grid.rollout(policy, HORIZON, N_EPISODES, generator)
    finally:
        grid_module.LOOKUP_LIMIT = limit


def check_same_numbers(grid, made) -> None:
    """Both versions of each path give the same numbers, to the bit."""
    for policy in made.values():
        fast, plain = rollout(grid, policy, False), rollout(grid, policy, True)
        assert torch.equal(fast.states, plain.states)
        assert torch.equal(fast.actions, plain.actions)
        closed_form = log_probability_jacobian(policy)
        assert torch.equal(closed_form, _jacobian_by_autograd(policy))
        scores = episode_scores(policy, fast.states, fast.actions)
        assert scores.shape == (N_EPISODES, closed_form.shape[1])


def milliseconds_per_call(function) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        function()
    return 1000 * (time.perf_counter() - start) / CALLS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", action="store_true", help=f"write {RESULT}.json")
    save = parser.parse_args().save
    torch.set_num_threads(1)
    grid = GridWorld()
    made = policies(grid)
    check_same_numbers(grid, made)
    versions = {
        f"rollout_{kind}": (
            lambda p=policy: rollout(grid, p, False),
            lambda p=policy: rollout(grid, p, True),
        )
        for kind, policy in made.items()
    }
    versions.update(
        {
            f"jacobian_{kind}": (
                lambda p=policy: log_probability_jacobian(p),
                lambda p=policy: _jacobian_by_autograd(p),
            )
            for kind, policy in made.items()
        }
    )
    for fast, plain in versions.values():  # warm-up: allocator, kernels
        fast(), plain()
    rows = []
    for index in range(ROUNDS):  # interleaved, so a slow spell hits both
        for name, (fast, plain) in versions.items():
            fast_ms, plain_ms = (
                milliseconds_per_call(fast),
                milliseconds_per_call(plain),
            )
            rows.append(
                {"round": index, "path": name, "fast_ms": fast_ms, "plain_ms": plain_ms}
            )
    medians = {}
    print(f"{'path':<18} {'fast ms':>8} {'plain ms':>9} {'ratio':>6}")
    for name in versions:
        fast = statistics.median(r["fast_ms"] for r in rows if r["path"] == name)
        plain = statistics.median(r["plain_ms"] for r in rows if r["path"] == name)
        medians[name] = {"fast_ms": fast, "plain_ms": plain, "ratio": plain / fast}
        print(f"{name:<18} {fast:8.3f} {plain:9.3f} {plain / fast:6.1f}")
    if save:
        record = make_record(
            range(ROUNDS),
            rows,
            medians,
            description=(
                "milliseconds per call: the rollout's lookup tables against one draw "
                "per step, the closed-form Jacobian against jacrev (10 episodes of "
                "300 steps, default grid)"
            ),
            horizon=HORIZON,
            n_episodes=N_EPISODES,
            calls_per_round=CALLS,
        )
        print(f"-> {save_result(RESULT, record)}")


if __name__ == "__main__":
    main()
