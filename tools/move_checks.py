"""Move a chapter's checks off the page: the top-level ``assert`` and ``glue(...)``
statements of chosen code cells go into a new cell tagged ``remove-cell`` right after
each, opening with a comment line that says what it keeps true.

    python tools/move_checks.py book/NAME.ipynb 5="what it keeps true" 9="..."

Cell numbers count every cell from 0. Statements are found with ``ast`` (a multi-line
assert moves whole, with the comment lines right above it); statements inside a loop or
a function stay where they are, and the script names the cells that still hold one. The
notebook's outputs are kept; re-run the chapter afterwards.
"""

from __future__ import annotations

import ast
import json
import sys
import uuid
from pathlib import Path


def is_check(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assert):
        return True
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "glue"
    )


def split(source: str) -> tuple[str, str]:
    """(what stays, the checks) of one cell's source."""
    lines = source.split("\n")
    body = "\n".join(
        "pass  # magic" if line.lstrip().startswith(("%", "!")) else line
        for line in lines
    )
    tree = ast.parse(body)
    moved = set()
    for node in tree.body:
        if is_check(node):
            first = node.lineno - 1
            while first > 0 and lines[first - 1].lstrip().startswith("#"):
                first -= 1
            moved.update(range(first, node.end_lineno))
    stay = [line for i, line in enumerate(lines) if i not in moved]
    checks = [line for i, line in enumerate(lines) if i in moved]
    while stay and not stay[-1].strip():
        stay.pop()
    return "\n".join(stay), "\n".join(checks)


def as_lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    notebook = json.loads(path.read_text())
    wanted = {int(k): v for k, v in (arg.split("=", 1) for arg in argv[1:])}
    for index in sorted(wanted, reverse=True):
        cell = notebook["cells"][index]
        stay, checks = split("".join(cell["source"]))
        if not checks:
            print(f"cell {index}: no top-level check to move")
            continue
        cell["source"] = as_lines(stay)
        check_cell = {
            "cell_type": "code",
            "execution_count": None,
            "id": uuid.uuid4().hex[:8],
            "metadata": {"tags": ["remove-cell"]},
            "outputs": [],
            "source": as_lines(f"# {wanted[index]}\n{checks}"),
        }
        notebook["cells"].insert(index + 1, check_cell)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
