"""Readers run the book where they are: Colab, Binder, JupyterLab; CI publishes it.

- Every chapter starts with the setup cell that `tools/sync_setup_cells.py` writes.
- Colab: a fresh virtual environment with what Colab has (PyTorch, NumPy, Matplotlib, a
  kernel) but not `maxent_tutorial` runs a chapter under nbval; its setup cell installs
  the package from the install source, pointed at a copy of this checkout with
  MAXENT_TUTORIAL_SOURCE, and leaves the installed PyTorch alone.
- Binder: a fresh virtual environment gets `binder/requirements.txt` (no book builder,
  no test tools, CPU PyTorch, JupyterLab) and runs a chapter under nbval.
- JupyterLab is installed by the README's set-up; the package declares ranges; the
  GitHub workflow is valid against GitHub's schema.

The two fresh environments take about a minute each (pip reuses its cache of wheels).
"""

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from helpers import assert_tool_check_passes

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
sys.path.insert(0, str(ROOT / "tools"))
import sync_setup_cells  # noqa: E402

COLAB_CHAPTER = BOOK / "01_policy.ipynb"
BINDER_CHAPTER = BOOK / "02_grid_world.ipynb"
CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
# What a Colab runtime has before the chapter runs (plus pytest and nbval, to check it).
COLAB_PREINSTALLED = [
    "torch==2.13.0",
    "numpy",
    "matplotlib",
    "ipykernel",
    "ipywidgets",
    "pytest",
    "nbval",
]


# --no-compile: no .pyc for PyTorch's thousands of modules (half the install time).
PIP_INSTALL = ["pip", "install", "--quiet", "--no-compile"]


def run(command, **kwargs):
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, **kwargs
    )
    assert result.returncode == 0, (
        " ".join(map(str, command))
        + "\n"
        + result.stdout[-3000:]
        + result.stderr[-3000:]
    )
    return result.stdout


def fresh_venv(path: Path) -> Path:
    """A new virtual environment (no packages but pip); returns its bin folder."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin"


def copy_package_source(destination: Path) -> Path:
    """The files pip needs to install the package, copied (no build files in ours)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ["pyproject.toml", "README.md", "constraints.txt"]:
        shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(
        ROOT / "maxent_tutorial",
        destination / "maxent_tutorial",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return destination


def nbval(bin_dir: Path, notebook: Path, env=None):
    """Run a notebook under nbval with the environment's own pytest and kernel."""
    return run(
        [
            bin_dir / "python",
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            ROOT / "tests" / "nbval_sanitize.cfg",
            "-p",
            "no:cacheprovider",
            "-q",
            notebook.name,
        ],
        cwd=notebook.parent,
        env=env,
        timeout=600,
    )


def installed(bin_dir: Path) -> dict:
    listing = run([bin_dir / "python", "-m", "pip", "list", "--format", "json"])
    return {p["name"].lower(): p["version"] for p in json.loads(listing)}


# The setup cell
# --------------------------------------------------------------------------


def test_every_chapter_starts_with_the_generated_setup_cell():
    """`python tools/sync_setup_cells.py --check`: each chapter's first code cell is the
    setup cell for the repository named in _config.yml; run here, it printed nothing."""
    assert_tool_check_passes("sync_setup_cells")
    for path in sorted(BOOK.glob("*.ipynb")):
        cell = sync_setup_cells.first_code_cell(json.loads(path.read_text()))
        assert cell["outputs"] == [], f"{path.name}: the setup cell printed something"


def test_install_source_comes_from_the_repository_url_in_config(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["repository"] = {"url": "https://github.com/someone/book/", "branch": "main"}
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    source = sync_setup_cells.install_source(tmp_path / "_config.yml")
    assert source == "git+https://github.com/someone/book.git@main"
    assert source in sync_setup_cells.cell_source(source)
    config["repository"]["url"] = ""
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    assert sync_setup_cells.install_source(tmp_path / "_config.yml") == ""


def test_sync_inserts_the_cell_once_and_keeps_the_rest(tmp_path):
    notebook = json.loads(COLAB_CHAPTER.read_text())
    original = [c for c in notebook["cells"] if c.get("id") != sync_setup_cells.CELL_ID]
    path = tmp_path / COLAB_CHAPTER.name
    path.write_text(json.dumps(notebook))
    for _ in range(2):  # a second run changes nothing
        assert sync_setup_cells.main([str(path)]) == 0
    synced = json.loads(path.read_text())
    assert sync_setup_cells.main(["--check", str(path)]) == 0
    cells = synced["cells"]
    assert [c for c in cells if c.get("id") != sync_setup_cells.CELL_ID] == original
    assert sum(c.get("id") == sync_setup_cells.CELL_ID for c in cells) == 1
    cell = sync_setup_cells.first_code_cell(synced)
    assert {"hide-cell", "nbval-ignore-output"} <= set(cell["metadata"]["tags"])


# Colab
# -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def colab(tmp_path_factory):
    """A Colab-like environment: PyTorch and friends, but not maxent_tutorial."""
    root = tmp_path_factory.mktemp("colab")
    bin_dir = fresh_venv(root / "venv")
    run(
        [bin_dir / "python", "-m", *PIP_INSTALL]
        + COLAB_PREINSTALLED
        + ["-c", ROOT / "constraints.txt"],
        timeout=900,
    )
    assert "maxent-tutorial" not in installed(bin_dir)
    return root, bin_dir


def test_colab_setup_cell_without_a_repository_says_how_to_install(colab):
    root, bin_dir = colab
    env = {k: v for k, v in os.environ.items() if k != sync_setup_cells.ENV_VARIABLE}
    result = subprocess.run(
        [bin_dir / "python", "-c", sync_setup_cells.cell_source("")],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,  # not the checkout, whose package `python -c` would find
    )
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr
    assert "pip install -r requirements.txt" in result.stderr
    assert sync_setup_cells.ENV_VARIABLE in result.stderr


def test_colab_chapter_installs_the_package_and_passes_nbval(colab):
    root, bin_dir = colab
    torch_before = installed(bin_dir)["torch"]
    notebook = root / COLAB_CHAPTER.name
    shutil.copy2(COLAB_CHAPTER, notebook)
    assert sync_setup_cells.main([str(notebook)]) == 0
    source = copy_package_source(root / "checkout")
    env = {**os.environ, sync_setup_cells.ENV_VARIABLE: str(source)}
    nbval(bin_dir, notebook, env=env)
    after = installed(bin_dir)
    assert "maxent-tutorial" in after, "the setup cell did not install the package"
    assert after["torch"] == torch_before, "installing the package replaced PyTorch"
    requires = run(
        [
            bin_dir / "python",
            "-c",
            "import importlib.metadata as m; print(m.requires('maxent-tutorial'))",
        ]
    )
    assert "torch>=" in requires and "torch==" not in requires, requires
    # The chapters' stored benchmark results come with the installed package.
    stored = run(
        [
            bin_dir / "python",
            "-c",
            "from maxent_tutorial.results import load_result; "
            "print(sorted(load_result('a2c')))",
        ]
    )
    assert "runs" in stored, stored


# Binder
# ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def binder(tmp_path_factory):
    """binder/requirements.txt, installed from the root as repo2docker does."""
    root = tmp_path_factory.mktemp("binder")
    checkout = copy_package_source(root / "checkout")
    (checkout / "binder").mkdir()
    requirements = (ROOT / "binder" / "requirements.txt").read_text()
    # PyTorch's CPU index is not reachable from here (pip would retry it for every
    # package); the CPU build comes from pip's local wheel instead. Everything else is
    # as on Binder.
    assert CPU_INDEX in requirements.splitlines()
    offline = "\n".join(line for line in requirements.splitlines() if line != CPU_INDEX)
    (checkout / "binder" / "requirements.txt").write_text(offline + "\n")
    bin_dir = fresh_venv(root / "venv")
    run(
        [bin_dir / "python", "-m", *PIP_INSTALL] + ["-r", "binder/requirements.txt"],
        cwd=checkout,
        timeout=900,
    )
    return root, bin_dir


def test_binder_environment_has_what_notebooks_need_and_nothing_else(binder):
    _, bin_dir = binder
    packages = installed(bin_dir)
    for needed in ["maxent-tutorial", "torch", "jupyterlab", "ipywidgets", "ipykernel"]:
        assert needed in packages, needed
    for unwanted in [
        "jupyter-book",
        "sphinx",
        "playwright",
        "pytest",
        "nbval",
        "myst-nb",
    ]:
        assert unwanted not in packages, f"Binder installs {unwanted}"
    assert "+cpu" in packages["torch"] or not any(
        p.startswith("nvidia-") for p in packages
    )
    assert (
        "cuda"
        not in run(
            [bin_dir / "python", "-c", "import torch; print(torch.version.cuda)"]
        ).lower()
    )
    run([bin_dir / "jupyter", "lab", "--version"])


def test_binder_chapter_passes_nbval(binder):
    root, bin_dir = binder
    # The test tools come after the check above that Binder itself does not install
    # them.
    run(
        [bin_dir / "python", "-m", *PIP_INSTALL, "pytest", "nbval"]
        + ["-c", ROOT / "constraints.txt"],
        timeout=600,
    )
    notebook = root / BINDER_CHAPTER.name
    shutil.copy2(BINDER_CHAPTER, notebook)
    nbval(bin_dir, notebook)


# JupyterLab, dependencies, publishing
# -----------------------------------------------------


def test_readme_setup_installs_jupyterlab():
    requirements = (ROOT / "requirements.txt").read_text().split()
    assert "jupyterlab" in requirements
    jupyter = Path(sys.executable).parent / "jupyter"
    assert "4." in run([jupyter, "lab", "--version"])


def test_package_declares_ranges_and_the_environment_files_pin_them():
    requires = importlib.metadata.requires("maxent-tutorial") or []
    torch = [r for r in requires if r.startswith("torch")]
    assert torch and ">=" in torch[0] and "==" not in torch[0], requires
    pins = dict(
        line.split("==")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert pins["torch"] == "2.13.0"
    for name in ["numpy", "matplotlib", "gymnasium", "tqdm", "jupyterlab", "nbval"]:
        assert name in pins, f"{name} is not pinned in constraints.txt"
    for path in [ROOT / "requirements.txt", ROOT / "binder" / "requirements.txt"]:
        lines = path.read_text().splitlines()
        assert any(
            line.startswith("-c ") and "constraints.txt" in line for line in lines
        )
        assert "torch==2.13.0" in lines


def test_github_workflow_is_valid_against_githubs_schema():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows, "no GitHub workflow"
    check = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert check, "check-jsonschema is not installed (pip install -r requirements.txt)"
    run([check, "--builtin-schema", "vendor.github-workflows", *workflows])
    workflow = yaml.safe_load(workflows[0].read_text())
    steps = [
        s.get("uses", "") + s.get("run", "")
        for job in workflow["jobs"].values()
        for s in job.get("steps", [])
    ]
    assert any(".ci/run" in s for s in steps), "the workflow does not run the tests"
    assert any("deploy-pages" in s for s in steps), "the workflow does not publish"
