"""Helpers shared by the tests (fixtures live in conftest.py)."""

import torch

# A small non-square grid used across the tests: 2 rows x 3 columns.
SMALL_REWARDS = [[0.0, 1.0, -1.0], [-0.5, 0.0, 2.0]]
SMALL_START = (1, 0)


def random_tabular_(policy, seed: int, scale: float = 1.0):
    """Give a tabular policy seeded random logits (in place) and return it."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        policy.table.copy_(scale * torch.randn(policy.table.shape, generator=generator))
    return policy
