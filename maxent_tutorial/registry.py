"""Every method of the book in one table: :data:`METHODS`.

Each entry names a method's ``train_<method>`` function, its settings class, the
problem it runs on and the chapter that teaches it. The command line makes one
subcommand per entry, the benchmarks look methods up here, and a test checks that the
README lists exactly these; a new method is one more entry.

Every trainer has one shape: ``train_<method>(problem, config=None, **overrides)``
returns a history whose ``.settings`` is the config the run used. The problem is a
:class:`~maxent_tutorial.grid.GridWorld` for the grid methods and a Gymnasium id
(``"CartPole-v1"``) for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .deep.continuous_sac import ContinuousSACConfig, train_continuous_sac
from .deep.pg import DeepPGConfig, train_deep_pg
from .deep.sac import DeepSACConfig, train_deep_sac
from .tabular.pg import PGConfig, train_pg
from .tabular.sac import SACConfig, train_sac
from .tabular.soft_q import SoftQConfig, train_soft_q


@dataclass(frozen=True)
class Method:
    """One method: its name on the command line, its trainer and settings, where it
    runs (``"grid"`` or ``"gymnasium"``), its chapter, a one-line summary and, for a
    Gymnasium method, the task it is taught on (the command line's default)."""

    name: str
    train: Callable
    config: type
    problem: str
    chapter: int
    summary: str
    env_id: str | None = None


METHODS = {
    method.name: method
    for method in (
        Method(
            "pg",
            train_pg,
            PGConfig,
            "grid",
            4,
            "maximum-entropy policy gradient (REINFORCE with the soft reward-to-go)",
        ),
        Method(
            "soft-q",
            train_soft_q,
            SoftQConfig,
            "grid",
            12,
            "tabular soft Q-learning from a replay buffer",
        ),
        Method(
            "sac",
            train_sac,
            SACConfig,
            "grid",
            13,
            "tabular discrete soft actor-critic, temperature learned",
        ),
        Method(
            "deep-pg",
            train_deep_pg,
            DeepPGConfig,
            "gymnasium",
            14,
            "maximum-entropy policy gradient with an MLP policy",
            "CartPole-v1",
        ),
        Method(
            "deep-sac",
            train_deep_sac,
            DeepSACConfig,
            "gymnasium",
            14,
            "discrete soft actor-critic with MLP actor and twin critics",
            "CartPole-v1",
        ),
        Method(
            "continuous-sac",
            train_continuous_sac,
            ContinuousSACConfig,
            "gymnasium",
            15,
            "soft actor-critic for continuous actions: squashed Gaussian actor, "
            "twin critics, temperature learned",
            "Pendulum-v1",
        ),
    )
}
