"""The alt text of the chapters' figures: what a screen reader says for each figure.

A figure cell (a code cell whose output holds a PNG) carries its alt text in its
metadata, ``"mystnb": {"image": {"alt": "..."}}``, and MyST-NB writes it into the
page's ``<img alt=...>``; without it the alt text is the image's hashed file name.

    python tools/figure_alt.py --check          # name the figure cells without one
    python tools/figure_alt.py --set alt.json   # {"notebook.ipynb": {"cell id": text}}

An alt text says what is drawn (panels, axes, what each line or colour stands for), not
what the figure shows of the results: the prose states those, and its checks keep them
true. ``--set`` keeps every cell's source and outputs; only the metadata changes.
"""

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MIN_LENGTH, MAX_LENGTH = 40, 400  # characters: a sentence or two


def figure_cells(notebook: dict) -> list[dict]:
    """The code cells of ``notebook`` (a parsed .ipynb) with a PNG among their
    outputs, in order."""
    return [
        cell
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        and any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
    ]


def alt_text(cell: dict) -> str | None:
    """The alt text a figure cell carries, or None."""
    return cell["metadata"].get("mystnb", {}).get("image", {}).get("alt")


def problems(notebook: dict) -> list[str]:
    """What is wrong with the alt texts of ``notebook``'s figures: a figure cell
    without one, or one out of length or with TeX left in it."""
    found = []
    for cell in figure_cells(notebook):
        text = alt_text(cell)
        if text is None:
            found.append(f"cell {cell['id']}: no alt text")
        elif not MIN_LENGTH <= len(text) <= MAX_LENGTH:
            found.append(f"cell {cell['id']}: {len(text)} characters")
        elif any(mark in text for mark in ("$", "\\", "{", "}")):
            found.append(f"cell {cell['id']}: TeX in {text!r}")
    return found


def set_alt_texts(notebook: dict, texts: dict[str, str]) -> None:
    """Give each figure cell named in ``texts`` (cell id -> text) its alt text.
    Raises ValueError naming an id that is not a figure cell of the notebook."""
    cells = {cell["id"]: cell for cell in figure_cells(notebook)}
    unknown = sorted(set(texts) - set(cells))
    if unknown:
        raise ValueError(f"texts names cells that hold no figure: {unknown}")
    for cell_id, text in texts.items():
        metadata = cells[cell_id]["metadata"]
        metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="list the problems")
    action.add_argument("--set", type=Path, help="a JSON file of alt texts")
    args = parser.parse_args()
    if args.set:
        for name, texts in json.loads(args.set.read_text()).items():
            path = BOOK / name
            notebook = json.loads(path.read_text())
            set_alt_texts(notebook, texts)
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
            print(f"{name}: {len(texts)} alt texts")
    found = [
        f"{path.name}: {problem}"
        for path in sorted(BOOK.glob("*.ipynb"))
        for problem in problems(json.loads(path.read_text()))
    ]
    print("\n".join(found) or "every figure has its alt text")
    raise SystemExit(1 if found else 0)


if __name__ == "__main__":
    main()
