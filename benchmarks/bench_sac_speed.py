"""Tabular SAC's seconds per step, before and after the vectorised rewrite, in one run.

"Before" is ``maxent_tutorial/sac.py`` at git commit 4ccfb6b (many small torch
operations, autograd and ``torch.optim.Adam`` on a [36, 5] table); "after" is
``maxent_tutorial.tabular.sac`` (the tables in NumPy, the gradient of the actor's loss
and Adam's step written out, only the stored pairs read from the replay buffer). Both
run the default settings (250 walkers x 6000 steps = 1.5 M environment steps, seed 0)
in their own process with one thread, alternately, ``--rounds`` times each; the
package at 4ccfb6b is extracted with ``git archive`` into a temporary directory.
Seconds per step are the processor time of a whole run over its 6000 steps (one step:
250 environment steps and one update); the wall time is stored beside it. On a machine
shared with other work the processor time is the steadier of the two.

    python benchmarks/bench_sac_speed.py             # about 2 minutes on one core
    python benchmarks/bench_sac_speed.py --steps 1500 --rounds 1 --no-save

Writes ``maxent_tutorial/results/sac_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from maxent_tutorial.results import make_record, save_result

REPO = Path(__file__).resolve().parent.parent
BEFORE = "4ccfb6b"
N_ENVS, STEPS, WARMUP = 250, 6000, 1000  # the defaults, in steps of the walkers

# One timed run in a fresh process: a short untimed run first (imports, first calls),
# then a garbage collection, so that neither version's timed run pays for the one full
# collection of the objects its imports left behind (about 0.1 s, a one-off).
CHILD = """
import gc, json, sys, time
import torch
torch.set_num_threads(1)
from maxent_tutorial import GridWorld
steps, warmup, version = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
if version == "before":
    from maxent_tutorial.sac import train_sac
    def run(n, w):
        return train_sac(GridWorld(), steps=n, warmup_steps=w)
else:
    from maxent_tutorial.tabular.sac import train_sac
    def run(n, w):
        return train_sac(GridWorld(), total_timesteps=n * 250, warmup_steps=w * 250)
run(20, 10)
gc.collect()
wall, cpu = time.perf_counter(), time.process_time()
result = run(steps, warmup)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({
    "seconds_per_step": cpu / steps, "wall_seconds_per_step": wall / steps,
    "alpha": result.alpha,
}))
"""


def extract_before(directory: Path) -> Path:
    """The package at commit ``BEFORE``, extracted under ``directory``."""
    archive = directory / "before.tar"
    with archive.open("wb") as out:
        subprocess.run(
            ["git", "-C", str(REPO), "archive", BEFORE, "maxent_tutorial"],
            stdout=out,
            check=True,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(directory / "before", filter="data")
    return directory / "before"


def time_one(version: str, pythonpath: Path, steps: int, warmup: int) -> dict:
    """Seconds per step of one run of ``version`` in its own one-thread process."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run(  # from pythonpath: `python -c` puts its directory first
        [sys.executable, "-c", CHILD, str(steps), str(warmup), version],
        cwd=pythonpath,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {version} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each version")
    parser.add_argument("--steps", type=int, default=STEPS, help="steps per run")
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args()
    warmup = min(WARMUP, args.steps // 6)
    load_before = os.getloadavg()  # other work on the machine, 1/5/15-minute means
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        paths = {"before": extract_before(Path(directory)), "after": REPO}
        for round_ in range(args.rounds):
            for version in ("before", "after"):
                timing = time_one(version, paths[version], args.steps, warmup)
                rows.append({"seed": 0, "round": round_, "version": version, **timing})
                print(
                    f"round {round_} {version:>6}: "
                    f"{1e3 * timing['seconds_per_step']:.3f} ms per step",
                    flush=True,
                )
    medians = {
        version: statistics.median(
            row["seconds_per_step"] for row in rows if row["version"] == version
        )
        for version in ("before", "after")
    }
    medians["ratio"] = medians["before"] / medians["after"]
    print(f"after is {medians['ratio']:.1f}x faster per step")
    load = {"before_the_runs": load_before, "after_the_runs": os.getloadavg()}
    if args.no_save:
        return
    record = make_record(
        seeds=[0],
        rows=rows,
        medians=medians,
        description=(
            "processor seconds per step of tabular SAC (250 walkers, one update), "
            "median over rounds (each row also holds its wall time); before: "
            "maxent_tutorial/sac.py at git commit 4ccfb6b, after: "
            "maxent_tutorial.tabular.sac; each in its own process, one thread, "
            "alternately"
        ),
        settings={
            "before": BEFORE,
            "steps": args.steps,
            "n_envs": N_ENVS,
            "warmup_steps": warmup,
            "rounds": args.rounds,
        },
        load_average=load,
    )
    print(f"wrote {save_result('sac_speed', record)}")


if __name__ == "__main__":
    main()
