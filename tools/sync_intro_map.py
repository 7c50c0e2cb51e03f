"""Write the introduction's map of the chapters: for each chapter its title, what it
needs and an estimate of its reading time, taken from the chapter itself.

The map sits between ``<!-- chapters:start -->`` and ``<!-- chapters:end -->`` in
``book/intro.md``. For each notebook in ``_toc.yml`` order: the title (its first
``#`` heading), the "**You need**" sentence of its opening (every chapter has one), and
the reading time: its prose at 200 words a minute plus its visible code at 10 lines a
minute plus about a minute to run it, rounded up to 5 minutes.

    python tools/sync_intro_map.py          # rewrite the map
    python tools/sync_intro_map.py --check  # exit 1 if it is stale (a test runs this)
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
INTRO = ROOT / "book" / "intro.md"
START, END = "<!-- chapters:start -->", "<!-- chapters:end -->"
HIDDEN = {"remove-cell", "remove-input", "hide-cell", "hide-input"}


def chapters() -> list[tuple[str, Path]]:
    """(part caption, notebook) for every numbered chapter, in the book's order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = []
    for part in toc["parts"]:
        if not part.get("numbered"):
            continue
        for chapter in part["chapters"]:
            path = ROOT / f"{chapter['file']}.ipynb"
            if path.exists():
                found.append((part["caption"], path))
    return found


def describe(path: Path) -> tuple[str, str, int]:
    """Title, what the chapter needs, and its reading time in minutes."""
    cells = json.loads(path.read_text())["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    title = next(
        line[2:].strip()
        for text in markdown
        for line in text.splitlines()
        if line.startswith("# ")
    )
    opening = " ".join(markdown[0].split())
    match = re.search(r"\*\*You need\*\* (.+?\.)(\s|$)", opening)
    if not match:
        raise SystemExit(f"{path.name}: its opening has no '**You need**' sentence")
    needs = match.group(1)
    words = sum(len(text.split()) for text in markdown)
    code = sum(
        len("".join(c["source"]).splitlines())
        for c in cells
        if c["cell_type"] == "code"
        and not HIDDEN & set(c.get("metadata", {}).get("tags", []))
    )
    minutes = 5 * math.ceil((words / 200 + code / 10 + 1) / 5)
    return title, needs, minutes


def map_block() -> str:
    rows = []
    caption = None
    for number, (part, path) in enumerate(chapters(), start=1):
        if part != caption:
            rows += [
                "",
                f"**{part}**",
                "",
                "| | chapter | you need | reading |",
                "| --- | --- | --- | --- |",
            ]
            caption = part
        title, needs, minutes = describe(path)
        rows.append(
            f"| {number} | {{doc}}`{title} <{path.stem}>` | {needs} | "
            f"about {minutes} min |"
        )
    return "\n".join(rows).strip()


def synced(text: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"book/intro.md lacks the markers {START} ... {END}")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{map_block()}\n{END}{tail}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report staleness")
    args = parser.parse_args(argv)
    text = INTRO.read_text()
    new = synced(text)
    if args.check:
        if new != text:
            print("book/intro.md's map is stale: run python tools/sync_intro_map.py")
            return 1
        return 0
    INTRO.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
