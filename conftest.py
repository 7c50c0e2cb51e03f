"""Settings for every test run, including the notebook kernels nbval starts (they
inherit the environment), and the test tiers.

One thread per process: on small machines two torch threads fight over two cores
(training ran ten times slower under load), and one thread everywhere also keeps the
stored outputs and the re-run ones computed the same way.

NumPy's AVX-512 kernels off (``NPY_DISABLE_CPU_FEATURES``): NumPy builds some
functions, float64 ``exp`` and ``log`` among them, a second time for AVX-512
processors, with vector code of its own. Chapter 13's tabular SAC keeps its tables in
NumPy. Its stored outputs, made on another machine, did not reproduce on an AVX2
processor (final gaps as much as 8.4 times apart after 1.5 million steps), while every
other chapter's did; NumPy's AVX-512 kernels are the likely cause, not measured (no
AVX-512 machine was at hand). With them off, NumPy runs the same kernels on every
x86-64 processor with AVX2; on an AVX2 machine the setting changed no bit of a SAC run,
nor did turning its AVX2 kernels off too (X86_V3). Readers' own runs are not affected.

Tiers (markers registered in pyproject.toml), given to every collected test here, by
where it lives:

* ``book``: the notebooks under nbval (everything under ``book/``, and any ``.ipynb``)
  and with a learner's changed settings (``tests/test_knobs.py``),
  the book build, its pages in a browser and the PDF (``tests/test_book.py``) and the
  checks of the chapters' sources (``tests/test_notebooks.py``);
* ``install``: fresh installs in new virtual environments
  (``tests/test_run_anywhere.py``);
* ``slow``: tests of the package that take more than a few seconds: marked
  ``@pytest.mark.slow`` in their file, or listed in :data:`SLOW_TESTS`;
* ``unit``: every other test of the package.

``pytest -m unit`` is the fast tier for development (under 2 minutes on 2 cores);
plain ``pytest`` runs every tier.
"""

import os
from pathlib import Path

import pytest

# NumPy's names for AVX-512 and what builds on it (on a processor without them,
# disabling them changes nothing)
NUMPY_FEATURES_OFF = "X86_V4 AVX512_ICL AVX512_SPR"
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", NUMPY_FEATURES_OFF)

ROOT = Path(__file__).resolve().parent
BOOK_FILES = (
    "tests/test_book.py",
    "tests/test_notebooks.py",
    "tests/test_knobs.py",
)
INSTALL_FILES = ("tests/test_run_anywhere.py",)
# Slow tests (over 5 s alone on 2 shared cores) in files whose authors have not marked
# them: substrings of node ids (``tests/test_x.py::test_name[params]``). None today:
# `pytest -m unit --durations=15` lists the slowest.
SLOW_TESTS: set[str] = set()


def tier(item: pytest.Item) -> str:
    """The tier of one collected test: book, install, slow or unit."""
    path = Path(item.path).resolve()
    if path.is_relative_to(ROOT):
        path = path.relative_to(ROOT)
    path = path.as_posix()
    if path.startswith("book/") or path.endswith(".ipynb") or path in BOOK_FILES:
        return "book"
    if path in INSTALL_FILES:
        return "install"
    if item.get_closest_marker("slow") or any(
        part in item.nodeid for part in SLOW_TESTS
    ):
        return "slow"
    return "unit"


def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(tier(item))
