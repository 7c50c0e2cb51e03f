"""Lift comments left dangling on a lone closing bracket to their own line.

A formatter that wraps a long line leaves its trailing comment behind the closing
bracket (``)  # the grid``). This moves each such comment to its own line above the
statement it explains (same indentation), in Python files and in the code cells of
notebooks; run ``ruff format`` afterwards, which re-joins what now fits on one line.
``tests/test_source.py`` checks that none is left.

    python tools/lift_comments.py FILE [FILE ...]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

DANGLING = re.compile(r"^(\s*)([\)\]\}][^#\n]{0,30}?)\s+#\s?(.*)$")


def lift(text: str) -> str:
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        match = DANGLING.match(lines[i])
        if match:
            indent, code, comment = match.groups()
            start = i - 1  # the statement's first line: the last one at this indent
            while start > 0 and (
                not lines[start].strip()
                or len(lines[start]) - len(lines[start].lstrip()) != len(indent)
            ):
                start -= 1
            lines[i] = indent + code.rstrip()
            lines.insert(start, f"{indent}# {comment}")
            i += 1
        i += 1
    return "\n".join(lines)


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        if path.suffix == ".ipynb":
            notebook = json.loads(path.read_text())
            for cell in notebook["cells"]:
                if cell["cell_type"] == "code":
                    text = lift("".join(cell["source"]))
                    parts = text.split("\n")
                    cell["source"] = [p + "\n" for p in parts[:-1]] + (
                        [parts[-1]] if parts[-1] else []
                    )
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        else:
            path.write_text(lift(path.read_text()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
