"""Stored results of the longer experiments in ``benchmarks/``, shipped in the package.

A chapter that shows a run too long for the page (more than a minute here) reads its
stored result with :func:`load_result`; the benchmark script that made it wrote it with
:func:`save_result`. Every record has one schema (:data:`REQUIRED_KEYS`): the command
that made it, the date, the package versions, the machine, the seeds, one row per run
(``rows``, each naming its seed) and the medians over seeds; a benchmark may add its
own keys (``settings``, a description) beside them. Shipping the files inside the
package lets a chapter opened on its own (Colab) show them too.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import platform
import shlex
import sys
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
REQUIRED_KEYS = ("command", "date", "versions", "machine", "seeds", "rows", "medians")
PACKAGES = ("maxent-tutorial", "torch", "numpy", "gymnasium", "stable_baselines3")


def result_path(name: str) -> Path:
    """Where the result ``name`` lives: ``maxent_tutorial/results/<name>.json``."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"name must be a plain file name such as 'a2c', got {name!r}")
    return RESULTS_DIR / f"{name}.json"


def load_result(name: str) -> dict:
    """The stored record ``name`` (``"a2c"``, ``"temperature"``, ``"cartpole"`` ...)."""
    path = result_path(name)
    if not path.is_file():
        stored = sorted(p.stem for p in RESULTS_DIR.glob("*.json"))
        raise FileNotFoundError(f"no stored result {name!r}; stored: {stored}")
    return json.loads(path.read_text())


def add_append_option(parser) -> None:
    """A benchmark's ``--append NAME ...``: start from stored results' rows."""
    parser.add_argument(
        "--append",
        nargs="+",
        default=[],
        metavar="NAME",
        help="start from the rows of these stored results (their commands are kept)",
    )


def stored_rows(names: list[str]) -> tuple[list, list]:
    """The rows of the stored results ``names``, and the commands that made them
    (a merged record lists its ``commands``; a single run, its ``command``)."""
    rows, commands = [], []
    for name in names:
        stored = load_result(name)
        rows += stored["rows"]
        commands += stored.get("commands", [stored["command"]])
    return rows, commands


def versions() -> dict:
    """The installed versions of Python and the packages a benchmark may use."""
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def machine() -> dict:
    """What the runs ran on: system, processor (its model too, where Linux names it),
    cores and torch threads, and the vector instructions of the kernels torch and
    NumPy's float64 ``exp`` use (``{"torch": "AVX2", "numpy": "X86_V3"}``): long runs
    whose kernels differ can end in different last bits (CONTRIBUTING.md,
    "Processors")."""
    import torch

    return {
        "system": platform.system(),
        "processor": platform.machine(),
        "model": _processor_model(),
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "vector_instructions": {
            "torch": torch.backends.cpu.get_cpu_capability(),
            "numpy": _numpy_exp_kernel(),
        },
        "numpy_features_off": os.environ.get("NPY_DISABLE_CPU_FEATURES", ""),
    }


def _numpy_exp_kernel() -> str:
    """The instructions NumPy's float64 exp runs on ("X86_V3"; NumPy 2 tells)."""
    try:
        from numpy.lib.introspect import opt_func_info
    except ImportError:  # NumPy 1.x
        return "unknown"
    info = opt_func_info(func_name="^exp$", signature="float64")["exp"]
    (kernel,) = info.values()
    return kernel["current"]


def _processor_model() -> str:
    """The processor's model name from /proc/cpuinfo ("AMD EPYC"), else what Python
    knows (often only the architecture)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def command_line(argv: list[str] | None = None) -> str:
    """``argv`` (default: this process's ``sys.argv``) as a command to paste into a
    shell at the repository's root: the script's path from the root when it lies in
    the repository (``benchmarks/bench_a2c.py``, from whatever folder it ran in), its
    absolute path otherwise, and every argument quoted where a shell would split it."""
    script, *arguments = sys.argv if argv is None else argv
    path = Path(script).resolve()
    root = RESULTS_DIR.parents[1]
    script = (
        path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    )
    return shlex.join(["python", script, *arguments])


def make_record(seeds, rows, medians, **extra) -> dict:
    """A record in the one schema: the command line of this process, today's date,
    :func:`versions`, :func:`machine`, ``seeds``, ``rows`` (a list of dicts, one per
    run) and ``medians`` (a dict), plus any ``extra`` keys."""
    return {
        "command": command_line(),
        "date": datetime.date.today().isoformat(),
        "versions": versions(),
        "machine": machine(),
        "seeds": list(seeds),
        "rows": list(rows),
        "medians": dict(medians),
        **extra,
    }


def save_result(name: str, record: dict) -> Path:
    """Write ``record`` as the result ``name`` (indented JSON) and return its path;
    raises ``ValueError`` naming the keys of :data:`REQUIRED_KEYS` it lacks."""
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        raise ValueError(f"record lacks the keys {missing} (see make_record)")
    path = result_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")
    return path
