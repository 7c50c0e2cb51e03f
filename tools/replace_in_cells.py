"""Replace one exact piece of text in a notebook's cells, keeping everything else.

    python tools/replace_in_cells.py book/12_soft_q_learning.ipynb OLD.txt NEW.txt

OLD.txt's text must stand in exactly one cell, exactly once (the script stops and
names the cells otherwise), so an edit never lands somewhere unintended. The cell's
outputs are kept: re-execute the notebook afterwards (see CONTRIBUTING.md). Several
edits to one notebook: pass more OLD/NEW pairs, applied in order.
"""

import argparse
import json
from pathlib import Path


def replace_once(cells: list, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in the one cell holding it; returns that cell's
    index. Raises ValueError if no cell, or more than one place, holds ``old``."""
    places = [
        index for index, cell in enumerate(cells) if old in "".join(cell["source"])
    ]
    if len(places) != 1:
        raise ValueError(f"the text stands in cells {places}, not in exactly one")
    cell = cells[places[0]]
    source = "".join(cell["source"])
    if source.count(old) != 1:
        raise ValueError(
            f"the text stands {source.count(old)} times in cell {places[0]}"
        )
    cell["source"] = source.replace(old, new).splitlines(keepends=True)
    return places[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("pairs", nargs="+", type=Path, help="OLD NEW [OLD NEW ...]")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("pairs must come as OLD NEW files")
    notebook = json.loads(args.notebook.read_text())
    for old, new in zip(args.pairs[::2], args.pairs[1::2], strict=True):
        index = replace_once(notebook["cells"], old.read_text(), new.read_text())
        print(f"{args.notebook.name}: cell {index}: {old.name} -> {new.name}")
    args.notebook.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
