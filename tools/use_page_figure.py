"""Rewrite the chapters' page-wide figures to start from ``page_figure``.

    python tools/use_page_figure.py book/*.ipynb           # rewrite in place
    python tools/use_page_figure.py --check book/*.ipynb   # exit 1 if any is left

A call ``plt.subplots(ROWS, COLS, figsize=(FIGURE_WIDTH, H), layout="constrained",
**rest)`` (``style.FIGURE_WIDTH`` too) becomes ``page_figure(ROWS, COLS, height=H,
**rest)``, the book's one rule for a figure's width and layout
(:func:`maxent_tutorial.book.plotting.page_figure`), and so does a
``plt.figure(figsize=(FIGURE_WIDTH, H), layout="constrained")`` whose next statement
is ``axes = fig.subplots(...)``. Each call is found by parsing the cell, so a call
spread over several lines is rewritten whole and nothing else in the cell moves. The
chapter's imports are not touched: add ``page_figure`` to its plotting import (and
drop ``FIGURE_WIDTH`` where it is no longer used), then format the notebooks
(CONTRIBUTING.md) and re-execute them.
"""

import argparse
import ast
import json
import sys
from pathlib import Path

WIDTH_NAMES = ("FIGURE_WIDTH", "style.FIGURE_WIDTH")


def _page_height(call: ast.Call, source: str):
    """The source of H if ``call`` has ``figsize=(FIGURE_WIDTH, H)`` and
    ``layout="constrained"``, else None; also returns the other keywords' sources."""
    keywords = {k.arg: k for k in call.keywords if k.arg is not None}
    size, layout = keywords.get("figsize"), keywords.get("layout")
    if size is None or layout is None or len(keywords) != len(call.keywords):
        return None, []
    if not (
        isinstance(layout.value, ast.Constant) and layout.value.value == "constrained"
    ):
        return None, []
    if not (isinstance(size.value, ast.Tuple) and len(size.value.elts) == 2):
        return None, []
    width, height = size.value.elts
    if ast.get_source_segment(source, width) not in WIDTH_NAMES:
        return None, []
    rest = [
        ast.get_source_segment(source, k)
        for k in call.keywords
        if k.arg not in ("figsize", "layout")
    ]
    return ast.get_source_segment(source, height), rest


def _offset(lines: list[str], line: int, col: int) -> int:
    """Character offset of (1-based line, 0-based UTF-8 column) in the joined source."""
    before = sum(len(text) for text in lines[: line - 1])
    return before + len(lines[line - 1].encode()[:col].decode())


def rewrite_cell(source: str) -> tuple[str, int]:
    """``source`` with its page-wide ``plt.subplots``/``plt.figure`` calls rewritten;
    returns the new source and the number of calls rewritten."""
    masked = "\n".join(
        "#" + line[1:] if line.startswith("%") else line for line in source.split("\n")
    )
    tree = ast.parse(masked)
    lines = masked.splitlines(keepends=True)
    edits = []  # (start, end, text)
    statements = [node for node in ast.walk(tree) if hasattr(node, "body")]
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "plt"
            and node.func.attr in ("subplots", "figure")
        ):
            continue
        height, rest = _page_height(node, masked)
        if height is None:
            continue
        start = _offset(lines, node.lineno, node.col_offset)
        end = _offset(lines, node.end_lineno, node.end_col_offset)
        positional = [ast.get_source_segment(masked, arg) for arg in node.args]
        if node.func.attr == "figure":
            if positional:
                continue
            follow = _following_subplots(statements, node, masked)
            if follow is None:
                continue
            target, call = follow
            positional = [ast.get_source_segment(masked, a) for a in call.args]
            rest = rest + [ast.get_source_segment(masked, k) for k in call.keywords]
            # `fig = plt.figure(...)` then `axes = fig.subplots(...)` becomes one line
            statement = _statement_of(statements, node)
            start = _offset(lines, statement.lineno, statement.col_offset)
            later = _statement_of(statements, call)
            end = _offset(lines, later.end_lineno, later.end_col_offset)
        arguments = ", ".join([*positional, f"height={height}", *rest])
        call_text = f"page_figure({arguments})"
        if node.func.attr == "figure":
            call_text = f"fig, {target} = {call_text}"
        edits.append((start, end, call_text))
    for start, end, text in sorted(edits, reverse=True):
        masked = masked[:start] + text + masked[end:]
    # IPython magics (masked as comments to parse) stand above every rewritten call
    new_lines = masked.split("\n")
    for index, line in enumerate(source.split("\n")):
        if line.startswith("%"):
            new_lines[index] = line
    return "\n".join(new_lines), len(edits)


def _statement_of(statements, node):
    """The statement (directly in some body) that holds ``node``."""
    for parent in statements:
        for statement in parent.body:
            if any(child is node for child in ast.walk(statement)):
                if isinstance(statement, ast.Assign | ast.Expr):
                    return statement
    raise ValueError("call outside a statement")


def _following_subplots(statements, figure_call, source):
    """For ``fig = plt.figure(...)``, the next statement if it is
    ``NAME = fig.subplots(...)``: returns (NAME source, that call), else None."""
    for parent in statements:
        body = parent.body
        for index, statement in enumerate(body[:-1]):
            if not (
                isinstance(statement, ast.Assign) and statement.value is figure_call
            ):
                continue
            figure_name = ast.get_source_segment(source, statement.targets[0])
            after = body[index + 1]
            if (
                isinstance(after, ast.Assign)
                and isinstance(after.value, ast.Call)
                and isinstance(after.value.func, ast.Attribute)
                and after.value.func.attr == "subplots"
                and ast.get_source_segment(source, after.value.func.value)
                == figure_name
                and figure_name == "fig"
            ):
                return ast.get_source_segment(source, after.targets[0]), after.value
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing")
    args = parser.parse_args()
    left = 0
    for path in args.notebooks:
        notebook = json.loads(path.read_text())
        count = 0
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            new, rewritten = rewrite_cell("".join(cell["source"]))
            if rewritten:
                count += rewritten
                cell["source"] = new.splitlines(keepends=True)
        if count:
            done = "to rewrite" if args.check else "rewritten"
            print(f"{path}: {count} figure(s) {done}")
            left += count
            if not args.check:
                path.write_text(
                    json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
                )
    if args.check and left:
        sys.exit(1)


if __name__ == "__main__":
    main()
