"""Stored results of the longer experiments in ``benchmarks/``, shipped in the package.

A chapter that shows a run too long for the page (more than a minute here) reads its
stored result with :func:`load_result`; the benchmark script that made it wrote it with
:func:`save_result`, with the command, machine and versions in the record. Shipping the
files inside the package lets a chapter opened on its own (Colab) show them too.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


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


def save_result(name: str, record: dict) -> Path:
    """Write ``record`` as the result ``name`` (indented JSON) and return its path."""
    path = result_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")
    return path
