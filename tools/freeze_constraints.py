"""Write constraints.txt: the exact version of every package in the current environment.

    .venv/bin/python tools/freeze_constraints.py

requirements.txt and binder/requirements.txt name what to install (with the ranges in
pyproject.toml); constraints.txt pins the versions, so CI, the README's set-up and
Binder run the notebooks with the libraries that produced their stored outputs. Run it
from the venv that the README's set-up made, after changing what it installs. The
editable package itself is left out, and the local-version suffix of PyTorch's CPU build
(`+cpu`) is dropped: `torch==2.13.0` accepts both the CPU build and PyPI's default
build.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# Exact versions of everything CI, the README's set-up and Binder install (Python 3.11,
# Linux), so nbval's stored outputs reproduce. requirements.txt and
# binder/requirements.txt name what is installed; this file only pins versions.
# pyproject.toml declares the ranges the package accepts. Regenerate after changing an
# environment: .venv/bin/python tools/freeze_constraints.py
"""


def main() -> None:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    pins = sorted(
        (line.split("+")[0] for line in frozen if "==" in line), key=str.lower
    )
    (ROOT / "constraints.txt").write_text(HEADER + "\n".join(pins) + "\n")
    print(f"constraints.txt: {len(pins)} pins")


if __name__ == "__main__":
    main()
