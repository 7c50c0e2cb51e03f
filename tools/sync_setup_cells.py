"""Give every chapter the same first code cell: install `maxent_tutorial` if missing.

A chapter opened on its own (Colab, a lab machine's Jupyter) has no `maxent_tutorial`.
Its first code cell installs it from the book's public repository, whose address is set
in ONE place: the block marked `PUBLIC REPOSITORY URL` in `_config.yml`
(`repository.url` and `repository.branch`), which also turns on the Binder and Colab
launch buttons. This script writes that address into the cell of every `book/*.ipynb`,
so run it after changing the block:

    python tools/sync_setup_cells.py          # insert or update every notebook's cell
    python tools/sync_setup_cells.py --check  # exit 1 if a cell is missing or stale

Where the package imports (locally, under nbval, on Binder), the cell does nothing and
prints nothing. The environment variable MAXENT_TUTORIAL_SOURCE, if set, replaces the
install source (any pip requirement: a path, a `git+https://...` URL): the tests point
it at the local checkout. While `repository.url` is empty the cell stops with a message
that says how to install.

The cell is found again by its id (`install-maxent-tutorial`); it is inserted just
before the first code cell and tagged `hide-cell` (folded in the HTML) and
`nbval-ignore-output` (pip's output on Colab is not part of the chapter). Only that cell
changes; outputs it stored are kept (the lead re-executes the notebooks after a change
anyway).
"""

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CELL_ID = "install-maxent-tutorial"
TAGS = ["hide-cell", "nbval-ignore-output"]
ENV_VARIABLE = "MAXENT_TUTORIAL_SOURCE"

TEMPLATE = """\
# Setup: make `maxent_tutorial` importable. Does nothing where it is
# installed (locally, Binder); installs it on Colab. Written by
# tools/sync_setup_cells.py from _config.yml.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("maxent_tutorial") is None:
    SOURCE = os.environ.get(
        "{env}",
        "{source}",
    )
    if not SOURCE:
        raise ModuleNotFoundError(
            "maxent_tutorial is not installed, and this copy of the book "
            "names no public repository to install it from. Clone the "
            "book's repository and run `pip install -r requirements.txt` "
            "in its root (see its README), or set {env} "
            "to a pip requirement (a path or a git+https URL)."
        )
    pip = [sys.executable, "-m", "pip", "install", "--quiet", SOURCE]
    subprocess.run(pip, check=True)
    importlib.invalidate_caches()"""


def install_source(config_path: Path = ROOT / "_config.yml") -> str:
    """The pip requirement for the repository in `_config.yml` ("" while unset)."""
    repository = yaml.safe_load(config_path.read_text()).get("repository") or {}
    url = (repository.get("url") or "").strip().rstrip("/")
    if not url:
        return ""
    if url.endswith(".git"):
        url = url[: -len(".git")]
    branch = (repository.get("branch") or "").strip()
    return f"git+{url}.git" + (f"@{branch}" if branch else "")


def cell_source(source: str) -> str:
    for character in '"\\\n':
        if character in source:
            raise ValueError(f"the install source {source!r} contains {character!r}")
    return TEMPLATE.format(env=ENV_VARIABLE, source=source)


def setup_cell(source: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": CELL_ID,
        "metadata": {"tags": list(TAGS)},
        "outputs": [],
        "source": cell_source(source).splitlines(keepends=True),
    }


def find_cell(cells: list) -> int | None:
    for index, cell in enumerate(cells):
        if cell.get("id") == CELL_ID:
            return index
    return None


def first_code_cell(notebook: dict) -> dict | None:
    return next((c for c in notebook["cells"] if c["cell_type"] == "code"), None)


def is_current(notebook: dict, source: str) -> bool:
    """Whether the notebook's first code cell is the setup cell this script writes."""
    cell = first_code_cell(notebook)
    return (
        cell is not None
        and cell.get("id") == CELL_ID
        and "".join(cell["source"]) == cell_source(source)
        and all(tag in cell.get("metadata", {}).get("tags", []) for tag in TAGS)
    )


def sync(notebook: dict, source: str) -> dict:
    """Insert the setup cell before the first code cell, or update the existing one."""
    cells, wanted = notebook["cells"], setup_cell(source)
    index = find_cell(cells)
    if index is not None:
        cell = cells.pop(index)
        cell["source"] = wanted["source"]
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        tags.extend(tag for tag in TAGS if tag not in tags)
    else:
        cell = wanted
    position = next(
        (i for i, c in enumerate(cells) if c["cell_type"] == "code"), len(cells)
    )
    cells.insert(position, cell)
    notebook["nbformat"], notebook["nbformat_minor"] = (
        4,
        max(notebook.get("nbformat_minor", 0), 5),
    )
    return notebook


def write(path: Path, notebook: dict) -> None:
    # The layout Jupyter and nbformat write: one-space indent, non-ASCII kept, final
    # newline.
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to update (default: every book/*.ipynb)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a notebook's setup cell is missing or stale",
    )
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml")
    args = parser.parse_args(argv)
    source = install_source(args.config)
    paths = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    stale = []
    for path in paths:
        notebook = json.loads(path.read_text())
        if is_current(notebook, source):
            continue
        stale.append(path)
        if not args.check:
            write(path, sync(notebook, source))
    if args.check:
        for path in stale:
            print(
                f"{path}: first code cell is not the setup cell "
                "(run python tools/sync_setup_cells.py)"
            )
        return 1 if stale else 0
    for path in stale:
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
