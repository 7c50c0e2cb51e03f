"""Write every chapter's code cells out as one .py file each, for a duplicate-code scan.

The `duplicates` command reads source files, not notebooks. This script writes the code
of `book/*.ipynb` into a folder (one `<chapter>.py` per notebook, cells in order, each
headed by a comment naming its cell index), leaving out the generated setup cell (id
`install-maxent-tutorial`, written by `tools/sync_setup_cells.py`) and IPython magics.
It can copy the package beside them, so that chapter code repeating the package is
found too:

    python tools/extract_chapter_code.py /tmp/chapter_code --with-package
    duplicates --repo /tmp/chapter_code --min-lines 5 --most 200
"""

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the .py files")
    parser.add_argument(
        "--with-package",
        action="store_true",
        help="copy maxent_tutorial/ (its .py files) into the folder too",
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
    print(f"wrote {len(list(args.folder.glob('*.py')))} chapters to {args.folder}")


if __name__ == "__main__":
    main()
