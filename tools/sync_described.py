"""Record each chapter's default settings (its `parameters` cell) for its checks.

A chapter's prose describes the run with the values its `parameters` cell holds as
committed. Its hidden checks (`maxent_tutorial.book.checks.TextChecks`) need those
defaults even after a reader has changed the cell, so this script reads every
`book/*.ipynb`'s `parameters` cell (executing its assignments alone) and writes the
values to `maxent_tutorial/book/described.json`, one entry per chapter:

    python tools/sync_described.py          # rewrite the file from the notebooks
    python tools/sync_described.py --check  # exit 1 if the file is stale

A chapter then builds its checks with `TextChecks.for_chapter("<notebook stem>",
globals())`: the parameters cell is the one place a setting is written.
"""

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "maxent_tutorial" / "book" / "described.json"


def parameters_source(notebook: Path) -> str | None:
    """The source of the notebook's cell tagged `parameters`, or None."""
    for cell in json.loads(notebook.read_text())["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return "".join(cell["source"])
    return None


def assigned_names(source: str) -> list[str]:
    """The names a parameters cell assigns, in order (tuple targets included)."""
    names = []
    for statement in ast.parse(source).body:
        if not isinstance(statement, ast.Assign):
            raise ValueError(f"a parameters cell holds assignments only: {statement}")
        for target in statement.targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            names += [element.id for element in elements]
    return names


def described_settings() -> dict:
    """{notebook stem: {setting: default value}} for every chapter with parameters."""
    described = {}
    for notebook in sorted((ROOT / "book").glob("*.ipynb")):
        source = parameters_source(notebook)
        if source is None:
            continue
        namespace: dict = {}
        exec(source, {}, namespace)  # the cell's own assignments, nothing else
        values = {name: namespace[name] for name in assigned_names(source)}
        json.dumps(values)  # a setting must be a number, string, bool or tuple
        described[notebook.stem] = values
    return described


def render(described: dict) -> str:
    return json.dumps(described, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 if stale"
    )
    args = parser.parse_args()
    text = render(described_settings())
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            name = TARGET.relative_to(ROOT)
            print(f"{name} is stale: run python tools/sync_described.py")
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
