"""A learner changes a knob and runs the chapter: it must run to the end.

Each chapter gathers its settings in one cell tagged ``parameters``, and lists in its
metadata (``"maxent": {"variants": [...]}``) the changes a curious learner would try
(another seed, a larger and a smaller alpha, another target). This test injects each
variant right after the parameters cell (as papermill does) and runs the chapter in a
fresh kernel with nbclient: it must run to the end. The checks that keep the prose true
still run; with changed settings they print a note instead of stopping (the default
run, under nbval, keeps them strict).
"""

import json
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
# The test run executes each chapter's first two variants (every chapter runs in about
# a minute, so this is about half an hour); the others are there for the learner.
VARIANTS_RUN = 2


def variants(path):
    metadata = json.loads(path.read_text()).get("metadata", {})
    return metadata.get("maxent", {}).get("variants", [])


CASES = [
    pytest.param(
        path,
        variant,
        id=f"{path.stem}-"
        + "-".join(f"{name}={value}" for name, value in variant.items()),
    )
    for path in NOTEBOOKS
    for variant in variants(path)[:VARIANTS_RUN]
]


def with_variant(path: Path, variant: dict):
    """The notebook with a cell setting ``variant`` inserted after its parameters."""
    notebook = nbformat.read(path, as_version=4)
    index = next(
        i
        for i, cell in enumerate(notebook.cells)
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    )
    lines = [f"{name} = {value!r}" for name, value in variant.items()]
    injected = nbformat.v4.new_code_cell(
        "# Injected by tests/test_knobs.py: a learner's change\n" + "\n".join(lines)
    )
    injected.metadata["tags"] = ["injected-parameters"]
    notebook.cells.insert(index + 1, injected)
    return notebook


def test_every_chapter_lists_variants_a_learner_would_try():
    from test_notebooks import PAGE_RULES_PENDING

    missing = [
        path.name
        for path in NOTEBOOKS
        if len(variants(path)) < 2 and path.name not in PAGE_RULES_PENDING
    ]
    assert missing == [], f"chapters with fewer than two variants: {missing}"


@pytest.mark.parametrize("path, variant", CASES)
def test_a_chapter_runs_to_the_end_with_a_learners_settings(path, variant):
    from nbclient import NotebookClient

    notebook = with_variant(path, variant)
    env_threads = os.environ.setdefault("OMP_NUM_THREADS", "1")
    assert env_threads == "1"
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if a cell fails
    notes = [
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "the text describes the default run" in output.get("text", "")
    ]
    # a changed setting that changes no claim is fine; a note must name the change
    for note in notes:
        assert any(name in note for name in variant), note


def test_chapter_7_at_alpha_zero_stops_at_once_and_says_what_to_try():
    # the message chapter 7 gives a learner who sets ALPHA = 0 (its identities need
    # alpha > 0): it names ALPHA, a temperature that runs, and the way to alpha = 0
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = ROOT / "book" / "07_exact.ipynb"
    notebook = with_variant(path, {"ALPHA": 0})
    for cell in notebook.cells:  # drop the stored outputs: only this run's remain
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    with pytest.raises(CellExecutionError) as stopped:
        client.execute()
    message = str(stopped.value)
    assert "ALPHA must be positive" in message and "ALPHA = 0.01" in message
    assert "soft_value_iteration(grid, 0.0, DISCOUNT)" in message
    ran = [cell for cell in notebook.cells if cell.get("execution_count")]
    assert 0 < len(ran) < 6  # it stopped in the first check cell,
    images = [o for c in ran for o in c.outputs if "image/png" in o.get("data", {})]
    assert images == []  # before any training or figure
