"""The notebook-editing and duplicate-scan tools do what their docstrings say."""

import importlib.util

import pytest
from helpers import TOOLS


def load(name):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cells(*sources):
    return [{"cell_type": "code", "source": s.splitlines(True)} for s in sources]


def test_replace_once_edits_the_one_cell_holding_the_text():
    replace_once = load("replace_in_cells").replace_once
    notebook = cells("x = 1\ny = 2\n", "z = 3\n")
    assert replace_once(notebook, "y = 2", "y = 20") == 0
    assert "".join(notebook[0]["source"]) == "x = 1\ny = 20\n"
    assert "".join(notebook[1]["source"]) == "z = 3\n"


@pytest.mark.parametrize(
    "sources, old",
    [
        (("x = 1\n", "z = 3\n"), "y = 2"),  # in no cell
        (("x = 1\n", "x = 1\n"), "x = 1"),  # in two cells
        (("x = 1\nx = 1\n",), "x = 1"),  # twice in one cell
    ],
)
def test_replace_once_refuses_text_not_in_exactly_one_place(sources, old):
    notebook = cells(*sources)
    with pytest.raises(ValueError, match="exactly one|times in cell"):
        load("replace_in_cells").replace_once(notebook, old, "new")
    assert [c["source"] for c in notebook] == [c["source"] for c in cells(*sources)]


def test_without_imports_blanks_every_import_and_keeps_line_numbers():
    without_imports = load("extract_chapter_code").without_imports
    source = (
        "import math\n"
        "from os import (\n"
        "    path,\n"
        "    sep,\n"
        ")\n"
        "x = math.pi\n"
        "def f():\n"
        "    import json\n"
        "    return json\n"
    )
    lines = without_imports(source).splitlines()
    assert lines == [
        "",
        "",
        "",
        "",
        "",
        "x = math.pi",
        "def f():",
        "",
        "    return json",
    ]


def test_use_page_figure_rewrites_page_wide_figures_only():
    rewrite_cell = load("use_page_figure").rewrite_cell
    source = (
        '%config InlineBackend.figure_formats = ["retina"]\n'
        "fig, axes = plt.subplots(\n"
        '    2, 2, figsize=(FIGURE_WIDTH, 5), sharex=True, layout="constrained"\n'
        ")\n"
        'fig = plt.figure(figsize=(style.FIGURE_WIDTH, 4.6), layout="constrained")\n'
        "axes = fig.subplots(1, 2, sharey=True)\n"
        "fig, ax = plt.subplots(figsize=(MAP_SIZE, MAP_SIZE))\n"
        'fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3), layout="tight")\n'
    )
    new, count = rewrite_cell(source)
    assert count == 2
    assert new.splitlines() == [
        '%config InlineBackend.figure_formats = ["retina"]',
        "fig, axes = page_figure(2, 2, height=5, sharex=True)",
        "fig, axes = page_figure(1, 2, height=4.6, sharey=True)",
        "fig, ax = plt.subplots(figsize=(MAP_SIZE, MAP_SIZE))",
        'fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3), layout="tight")',
    ]
    assert rewrite_cell(new) == (new, 0)


def test_every_chapter_starts_its_page_wide_figures_from_page_figure():
    # the width and layout rule stands in one place (plotting.page_figure)
    import json

    rewrite_cell = load("use_page_figure").rewrite_cell
    book = TOOLS.parent / "book"
    for path in sorted(book.glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                assert rewrite_cell("".join(cell["source"]))[1] == 0, path.name


def figure_notebook():
    png = {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}}
    text = {"output_type": "stream", "name": "stdout", "text": ["1\n"]}
    return {
        "cells": [
            {"cell_type": "code", "id": "fig", "metadata": {}, "outputs": [png]},
            {"cell_type": "code", "id": "txt", "metadata": {}, "outputs": [text]},
            {"cell_type": "markdown", "id": "md", "metadata": {}, "source": []},
        ]
    }


def test_figure_alt_sets_the_alt_text_of_figure_cells_only():
    tool = load("figure_alt")
    notebook = figure_notebook()
    assert [cell["id"] for cell in tool.figure_cells(notebook)] == ["fig"]
    assert tool.problems(notebook) == ["cell fig: no alt text"]
    text = "A grid map with an arrow per cell for the most likely action."
    tool.set_alt_texts(notebook, {"fig": text})
    assert notebook["cells"][0]["metadata"] == {"mystnb": {"image": {"alt": text}}}
    assert tool.problems(notebook) == []
    with pytest.raises(ValueError, match="txt"):
        tool.set_alt_texts(notebook, {"txt": text})  # prints, draws no figure


@pytest.mark.parametrize(
    "text, problem",
    [
        ("Too short.", "10 characters"),
        ("A heatmap of $V^*$ over the grid, one number per cell, in thousands.", "TeX"),
    ],
)
def test_figure_alt_names_a_text_out_of_length_or_with_tex(text, problem):
    tool = load("figure_alt")
    notebook = figure_notebook()
    tool.set_alt_texts(notebook, {"fig": text})
    (found,) = tool.problems(notebook)
    assert problem in found
