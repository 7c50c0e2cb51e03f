"""Helpers shared by the tests (fixtures live in conftest.py)."""

import subprocess
import sys
from pathlib import Path

import torch

TOOLS = Path(__file__).resolve().parents[1] / "tools"

# A small non-square grid used across the tests: 2 rows x 3 columns.
SMALL_REWARDS = [[0.0, 1.0, -1.0], [-0.5, 0.0, 2.0]]
SMALL_START = (1, 0)


def random_tabular_(policy, seed: int, scale: float = 1.0):
    """Give a tabular policy seeded random logits (in place) and return it."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        policy.table.copy_(scale * torch.randn(policy.table.shape, generator=generator))
    return policy


def assert_tool_check_passes(name: str) -> None:
    """Run ``python tools/<name>.py --check`` (a generated part, or a rule over the
    chapters) and fail with what it printed unless it exits 0."""
    result = subprocess.run(
        [sys.executable, str(TOOLS / f"{name}.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def assert_drawn_inside(figure) -> None:
    """Fail if anything ``figure`` draws (a label, a tick, a colour bar) reaches past
    its edges."""
    drawn = figure.get_tightbbox()  # inches, around all that is drawn
    width, height = figure.get_size_inches()
    assert drawn.x0 >= 0 and drawn.y0 >= 0, f"cut at the left or bottom: {drawn}"
    assert drawn.x1 <= width and drawn.y1 <= height, f"cut at the right or top: {drawn}"
