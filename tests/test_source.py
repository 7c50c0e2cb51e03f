"""The source reads as written: no comment left dangling on a lone closing bracket.

An automatic formatter that wraps a long line can leave its trailing comment behind a
lone ``)`` (``)  # the 6x6 grid``), where it no longer sits by what it explains. The
comment belongs on its own line above the statement.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DANGLING = re.compile(r"^\s*[\)\]\}][^#\n]{0,30}\s#")
PYTHON = sorted(
    path
    for folder in ("maxent_tutorial", "tests", "benchmarks", "tools")
    for path in (ROOT / folder).rglob("*.py")
)
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def dangling(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if DANGLING.match(line)]


def test_the_pattern_finds_a_dangling_comment():
    assert dangling("x = f(\n    1\n)  # the comment\n") == [")  # the comment"]
    assert dangling("# the comment\nx = f(1)\n") == []


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_comment_dangles_in_the_code(path):
    assert dangling(path.read_text()) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_comment_dangles_in_a_chapter(path):
    cells = json.loads(path.read_text())["cells"]
    found = [
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in dangling("".join(cell["source"]))
    ]
    assert found == []
