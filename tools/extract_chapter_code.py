"""Write every chapter's code cells out as one .py file each, for a duplicate-code scan.

The `duplicates` command reads source files, not notebooks. This script writes the code
of `book/*.ipynb` into a folder (one `<chapter>.py` per notebook, cells in order, each
headed by a comment naming its cell index), leaving out the generated setup cell (id
`install-maxent-tutorial`, written by `tools/sync_setup_cells.py`) and IPython magics.
It can copy the package beside them, so that chapter code repeating the package is
found too:

    python tools/extract_chapter_code.py /tmp/chapter_code --with-package
    duplicates --repo /tmp/chapter_code --min-lines 5 --most 200

With ``--without-imports`` every import statement (a parenthesised name list
included) is blanked, line numbers kept: the scan then measures the bar of issue 13
("the generated setup cell and import blocks aside"), which `duplicates` alone cannot,
since it passes over one-line imports but reads the names of a multi-line one.
"""

import argparse
import ast
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUP_CELL_ID = "install-maxent-tutorial"


def chapter_code(notebook: Path) -> str:
    """The code cells of one notebook as one Python source text."""
    cells = json.loads(notebook.read_text())["cells"]
    parts = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code" or cell.get("id") == SETUP_CELL_ID:
            continue
        source = "".join(cell["source"])
        lines = [
            line for line in source.splitlines() if not line.startswith(("%", "!"))
        ]
        parts.append(f"# cell {index}\n" + "\n".join(lines) + "\n")
    return "\n".join(parts)


def without_imports(source: str) -> str:
    """``source`` with each import statement's lines left empty (line numbers kept)."""
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for number in range(node.lineno - 1, node.end_lineno):
                lines[number] = ""
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the .py files")
    parser.add_argument(
        "--with-package",
        action="store_true",
        help="copy maxent_tutorial/ (its .py files) into the folder too",
    )
    parser.add_argument(
        "--without-imports",
        action="store_true",
        help="blank every import statement (line numbers kept)",
    )
    args = parser.parse_args()
    if args.folder.exists():
        shutil.rmtree(args.folder)
    args.folder.mkdir(parents=True)
    for notebook in sorted((ROOT / "book").glob("*.ipynb")):
        (args.folder / f"{notebook.stem}.py").write_text(chapter_code(notebook))
    if args.with_package:
        shutil.copytree(
            ROOT / "maxent_tutorial",
            args.folder / "maxent_tutorial",
            ignore=shutil.ignore_patterns("__pycache__", "*.json", "*.pyc"),
        )
    if args.without_imports:
        for path in args.folder.rglob("*.py"):
            path.write_text(without_imports(path.read_text()))
    print(f"wrote {len(list(args.folder.glob('*.py')))} chapters to {args.folder}")


if __name__ == "__main__":
    main()
