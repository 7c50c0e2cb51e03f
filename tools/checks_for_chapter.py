"""Rewrite the chapters' check cells to read their defaults from the parameters cell.

Until December 2026 every chapter's hidden check cell typed its described settings a
second time (`TextChecks(described=dict(SEED=0, ...), chosen=dict(SEED=SEED, ...))`).
This script replaces that construction with `TextChecks.for_chapter("<stem>",
globals())`, which reads the defaults that `tools/sync_described.py` records from the
`parameters` cell, and points later uses of the removed names (`DESCRIBED`,
`DEFAULTS`, `chosen`) at `text.described` and `text.chosen`. It first checks that the
typed defaults agree with the recorded ones, and stops if they do not. Chapters 13 and
15 also kept their own rounding and checking helpers; they are replaced by the
package's (`round_up_significant`, `TextChecks.claim`). Run once after
`tools/sync_described.py`; a chapter already rewritten is left as it is:

    python tools/checks_for_chapter.py
"""

import ast
import io
import json
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDED = json.loads((ROOT / "maxent_tutorial/book/described.json").read_text())
REMOVED = {"DESCRIBED": "text.described", "DEFAULTS": "text.described"}
REMOVED["chosen"] = "text.chosen"


# Chapter 15's own checks (a DEFAULTS dict, CHANGED, check_default) and the local
# rounding helpers of chapters 13 and 15: the code they become.
CH15_CHECKS = """\
# Keeps the checks strict for the run the text describes; with other parameters
# they print what differs and the chapter goes on.
from maxent_tutorial.book.checks import TextChecks
from maxent_tutorial.book.notebook import round_up, round_up_significant

text = TextChecks.for_chapter("15_continuous_sac", globals())"""
LOCAL_HELPERS = {
    "13_soft_actor_critic": [
        (
            "from maxent_tutorial.book.notebook import round_down, round_up\n",
            "from maxent_tutorial.book.notebook import (\n"
            "    round_down,\n    round_up,\n    round_up_significant,\n)\n",
        ),
        (
            """def up_significant(value, digits=2):
    # value > 0 rounded up to `digits` significant digits (for "at most")
    exponent = math.floor(math.log10(value)) - digits + 1
    rounded = math.ceil(value / 10**exponent - 1e-9) * 10**exponent
    return float(f"{rounded:.{digits - 1}e}")


""",
            "",
        ),
        ("up_significant(", "round_up_significant("),
        ("round_round_up_significant(", "round_up_significant("),
    ],
    "15_continuous_sac": [
        ("check_default(", "text.claim("),
        (" or CHANGED", " or text.changed"),
        (
            'percent_up(worst["gain_error"], 1)',
            'round_up(abs(worst["gain_error"]) * 100, 1)',
        ),
        (
            'percent_up(worst["std_error"], 1)',
            'round_up(abs(worst["std_error"]) * 100, 1)',
        ),
        (
            'percent_up(worst["alpha_error"], 1)',
            'round_up(abs(worst["alpha_error"]) * 100, 1)',
        ),
        ('percent_up(errors["W"], 2)', 'round_up(abs(errors["W"]) * 100, 2)'),
        ('percent_up(errors["sigma"], 2)', 'round_up(abs(errors["sigma"]) * 100, 2)'),
        ('percent_up(errors["alpha"], 2)', 'round_up(abs(errors["alpha"]) * 100, 2)'),
        ("round_up(bellman_error, 1)", "round_up_significant(bellman_error, 1)"),
        ('round_up(grid_errors["V"])', 'round_up_significant(grid_errors["V"])'),
        ("round_up(max(grid_errors", "round_up_significant(max(grid_errors"),
        ("round_up(max(bias_sizes))", "round_up_significant(max(bias_sizes))"),
        (
            "round_up(float(np.median(values)))",
            "round_up_significant(float(np.median(values)))",
        ),
        ("round_up(of_medians[kind])", "round_up_significant(of_medians[kind])"),
    ],
}


def as_recorded(value):
    return json.loads(json.dumps(value))  # tuples as lists, as the file holds them


def rewrite(source: str, stem: str) -> str:
    tree = ast.parse(source)
    lines = source.splitlines()
    drop, typed = set(), None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        names += [t.value.id for t in targets if isinstance(t, ast.Subscript)]
        call = node.value if isinstance(node, ast.Assign) else None
        is_checks = (
            names == ["text"]
            and isinstance(call, ast.Call)
            and getattr(call.func, "id", None) == "TextChecks"
        )
        if is_checks:
            keywords = {k.arg: k.value for k in call.keywords}
            if isinstance(keywords.get("described"), ast.Dict | ast.Call):
                typed = keywords["described"]
            first = node.lineno - 1
            lines[first] = f'text = TextChecks.for_chapter("{stem}", globals())'
            drop |= set(range(first + 1, node.end_lineno))
        elif names and set(names) <= set(REMOVED):
            if names == ["DESCRIBED"] or names == ["DEFAULTS"]:
                typed = node.value
            drop |= set(range(node.lineno - 1, node.end_lineno))
    if typed is not None:
        values = eval(compile(ast.Expression(typed), stem, "eval"), {"dict": dict})
        recorded = RECORDED[stem]
        differ = {
            name: (value, recorded.get(name))
            for name, value in values.items()
            if as_recorded(value) != recorded.get(name)
        }
        if differ:
            sys.exit(
                f"{stem}: typed defaults differ from the parameters cell: {differ}"
            )
    kept = [line for index, line in enumerate(lines) if index not in drop]
    tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(kept)).readline))
    uses = [  # a removed name, not an attribute (``text.chosen`` stays)
        token
        for previous, token in zip([None, *tokens[:-1]], tokens, strict=True)
        if token.type == tokenize.NAME
        and token.string in REMOVED
        and not (previous and previous.string == ".")
    ]
    for token in reversed(uses):  # from the end, so earlier positions hold
        (row, start), (_, end) = token.start, token.end
        line = kept[row - 1]
        kept[row - 1] = line[:start] + REMOVED[token.string] + line[end:]
    return "\n".join(kept)


def main() -> None:
    for notebook in sorted((ROOT / "book").glob("*.ipynb")):
        data = json.loads(notebook.read_text())
        for cell in data["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code":
                continue
            new = source
            if "TextChecks(" in source:
                new = rewrite(source, notebook.stem)
            elif notebook.stem == "15_continuous_sac" and "CHANGED = {" in source:
                new = CH15_CHECKS
            for old, replacement in LOCAL_HELPERS.get(notebook.stem, []):
                new = new.replace(old, replacement)
            if new == source:
                continue
            cell["source"] = [line + "\n" for line in new.split("\n")]
            cell["source"][-1] = cell["source"][-1].rstrip("\n")
            print(f"{notebook.name}: rewrote a cell")
        notebook.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
