import pytest
from helpers import SMALL_REWARDS, SMALL_START

from maxent_tutorial import GridWorld


@pytest.fixture
def small_grid():
    return GridWorld(SMALL_REWARDS, SMALL_START)


@pytest.fixture
def default_grid():
    return GridWorld()
