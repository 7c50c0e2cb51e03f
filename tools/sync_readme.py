"""Write the README's generated blocks: the package map and the list of methods.

The README must not drift from the code, so two of its blocks are generated:

* the package map (between ``<!-- modules:start -->`` and ``<!-- modules:end -->``):
  one row per module of ``maxent_tutorial``, grouped by its place in the layout, with
  the first sentence of the module's docstring;
* the methods (between ``<!-- methods:start -->`` and ``<!-- methods:end -->``): one row
  per entry of ``maxent_tutorial.registry.METHODS``, the table the command line and the
  benchmarks read too.

    python tools/sync_readme.py          # rewrite both blocks
    python tools/sync_readme.py --check  # exit 1 if either is stale (a test runs this)
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "maxent_tutorial"
README = ROOT / "README.md"
GROUPS = (
    ("", "the problem, its exact answers, and the parts every method shares"),
    ("tabular", "methods on the grid, where every state can be enumerated"),
    ("deep", "methods with neural networks on Gymnasium tasks"),
    ("book", "the book's helpers: figures, the explorer, `glue`"),
)


def first_sentence(path: Path) -> str:
    """The first sentence of a module's docstring, on one line."""
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    text = " ".join(docstring.split())
    # :class:`~a.B` -> `B`
    text = re.sub(r":\w+:`~?(?:[\w.]+\.)?([\w]+)`", r"`\1`", text)
    text = text.replace("``", "`")
    match = re.match(r"(.+?\.)(\s|$)", text)
    return (match.group(1) if match else text).rstrip(".") + "."


def modules_block() -> str:
    rows = ["| module | what it holds |", "| --- | --- |"]
    for folder, meaning in GROUPS:
        where = PACKAGE / folder
        label = f"`{folder}/`" if folder else "top level"
        rows.append(f"| **{label}** | *{meaning}* |")
        for path in sorted(where.glob("*.py")):
            if path.name in ("__main__.py", "__init__.py"):
                continue
            name = f"{folder}/{path.name}" if folder else path.name
            rows.append(f"| `{name}` | {first_sentence(path)} |")
    return "\n".join(rows)


def methods_block() -> str:
    sys.path.insert(0, str(ROOT))
    from maxent_tutorial.registry import METHODS

    rows = [
        "| command | trainer | settings | runs on | chapter | what it is |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for method in METHODS.values():
        problem = "the grid" if method.problem == "grid" else "a Gymnasium id"
        rows.append(
            f"| `{method.name}` | `{method.train.__name__}` | "
            f"`{method.config.__name__}` | {problem} | {method.chapter} | "
            f"{method.summary} |"
        )
    return "\n".join(rows)


def gap(value: float) -> str:
    """A relative gap; one below rounding (|gap| < 1e-9) reads 0."""
    return "0 (exact to rounding)" if abs(value) < 1e-9 else f"{value:.1e}"


# The README's results: (what, stored result, key path into its medians, format, how).
RESULTS = [
    (
        "Tabular SAC on the grid: relative gap to the soft optimum at alpha*, "
        "median of seeds",
        "sac_grid",
        ("sac_final_gap",),
        "{:.1e}",
        "benchmarks/bench_sac_grid.py",
    ),
    (
        "Tabular SAC: learned alpha against the exact alpha* (relative error, median)",
        "sac_grid",
        ("sac_alpha_error",),
        "{:.2%}",
        "benchmarks/bench_sac_grid.py",
    ),
    (
        "Soft Q-learning on the grid, same budget: relative gap (median)",
        "sac_grid",
        ("soft_q_final_gap",),
        gap,
        "benchmarks/bench_sac_grid.py",
    ),
    (
        "Policy gradient on the grid, same budget, at alpha*: relative gap (median)",
        "sac_grid",
        ("policy_gradient_final_gap",),
        "{:.2%}",
        "benchmarks/bench_sac_grid.py",
    ),
    (
        "SAC on the linear-quadratic problem: learned mean gain against the exact "
        "soft-optimal gain (relative error, median)",
        "lqr_sac",
        ("gain_error",),
        "{:+.2%}",
        "benchmarks/bench_lqr_sac.py",
    ),
    (
        "SAC on the linear-quadratic problem: learned standard deviation against the "
        "exact one (relative error, median)",
        "lqr_sac",
        ("std_error",),
        "{:+.2%}",
        "benchmarks/bench_lqr_sac.py",
    ),
    (
        "SAC on the linear-quadratic problem: learned alpha against the exact alpha* "
        "(relative error, median)",
        "lqr_sac",
        ("alpha_error",),
        "{:+.2%}",
        "benchmarks/bench_lqr_sac.py",
    ),
    (
        "CartPole-v1: environment steps until a 100-episode evaluation averages 475 "
        "(median of seeds), the book's policy gradient",
        "cartpole",
        ("maxent_pg", "steps_to_475"),
        "{:,.0f}",
        "benchmarks/bench_cartpole.py",
    ),
    (
        "The same for the book's discrete SAC (one update per environment step)",
        "cartpole",
        ("deep_sac", "steps_to_475"),
        "{:,.0f}",
        "benchmarks/bench_cartpole.py",
    ),
    (
        "The same for Stable-Baselines3 PPO at rl-baselines3-zoo's tuned settings",
        "cartpole",
        ("sb3_ppo_zoo", "steps_to_475"),
        "{:,.0f}",
        "benchmarks/bench_cartpole.py",
    ),
    (
        "Pendulum-v1, 20 000 steps: the book's SAC's final evaluation return (median)",
        "pendulum",
        ("book_sac", "final_return"),
        "{:.1f}",
        "benchmarks/bench_pendulum.py",
    ),
    (
        "The same for Stable-Baselines3 SAC at rl-baselines3-zoo's settings",
        "pendulum",
        ("sb3_sac", "final_return"),
        "{:.1f}",
        "benchmarks/bench_pendulum.py",
    ),
    (
        "Pendulum-v1: the book's SAC's processor time over SB3 SAC's (ratio of the "
        "medians)",
        "pendulum",
        ("comparison", "cpu_seconds_ratio"),
        "{:.2f}",
        "benchmarks/bench_pendulum.py",
    ),
    (
        "Temperature explorer: processor time of one update after a slider is "
        "released (alpha, gamma, goal or grid), rendering included (median, seconds)",
        "explorer",
        ("update cpu_seconds",),
        "{:.2f}",
        "benchmarks/bench_explorer.py",
    ),
    (
        "Temperature explorer: slowest update of the run (processor seconds)",
        "explorer",
        ("worst update cpu_seconds",),
        "{:.2f}",
        "benchmarks/bench_explorer.py",
    ),
    (
        "Tabular SAC: speed-up per step over the previous implementation",
        "sac_speed",
        ("ratio",),
        "{:.1f}x",
        "benchmarks/bench_sac_speed.py",
    ),
    (
        "CartPole policy gradient: soft returns with episode ends, speed-up of the "
        "vectorised form (16 x 500 steps)",
        "deep_speed",
        ("returns_500x16_ratio",),
        "{:.0f}x",
        "benchmarks/bench_deep_speed.py",
    ),
]


def lookup(record: dict, path: tuple):
    value = record["medians"]
    for key in path:
        value = value[key]
    return value


def results_block() -> str:
    sys.path.insert(0, str(ROOT))
    from maxent_tutorial.results import load_result

    rows = ["| result | value | seeds | made by |", "| --- | --- | --- | --- |"]
    for what, name, path, fmt, how in RESULTS:
        record = load_result(name)
        value = lookup(record, path)
        value = fmt(value) if callable(fmt) else fmt.format(value)
        seeds = len(record["seeds"]) or "-"
        rows.append(f"| {what} | {value} | {seeds} | `{how}` |")
    return "\n".join(rows)


def synced(text: str) -> str:
    for name, block in (
        ("modules", modules_block()),
        ("methods", methods_block()),
        ("results", results_block()),
    ):
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start not in text or end not in text:
            raise SystemExit(f"README.md lacks the markers {start} ... {end}")
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{block}\n{end}{tail}"
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report staleness")
    args = parser.parse_args(argv)
    text = README.read_text()
    new = synced(text)
    if args.check:
        if new != text:
            print("README.md is stale: run python tools/sync_readme.py")
            return 1
        return 0
    README.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
