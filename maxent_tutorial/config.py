"""Every training setting in one place: :class:`TrainingConfig`.

``train`` takes one, the command line is generated from its fields (``--n-episodes`` for
``n_episodes``), and ``TrainingHistory.settings`` is the one a run used. One *iteration*
is one batch of ``n_episodes`` episodes and one update of the policy.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from ._validation import check_alpha, check_discount, check_number, check_positive_int
from .temperature import check_target_entropy

BASELINE_NAMES = (
    "none",
    "running_mean",
    "leave_one_out",
    "critic_tabular",
    "critic_linear",
)
OPTIMIZER_NAMES = ("adam", "natural")


def _setting(default, help: str, choices: tuple | None = None):
    """A dataclass field with its one-line meaning and allowed values as metadata."""
    return field(default=default, metadata={"help": help, "choices": choices})


@dataclass(frozen=True)
class TrainingConfig:
    """Settings of one training run; every field is checked when the object is built."""

    iterations: int = _setting(
        500, "number of iterations (batch of episodes + one update)"
    )
    horizon: int = _setting(300, "steps per episode, T")
    n_episodes: int = _setting(10, "episodes per iteration, B")
    discount: float = _setting(0.99, "discount gamma in [0, 1]")
    alpha: float = _setting(1.0, "entropy temperature alpha >= 0")
    entropy_sign: float = _setting(
        1.0,
        "+1: soft reward-to-go; -1: the original post's sign (chapter 8)",
        (1.0, -1.0),
    )
    lr: float = _setting(0.1, "Adam's learning rate")
    baseline: str = _setting(
        "leave_one_out", "baseline b_t (chapter 9)", BASELINE_NAMES
    )
    optimizer: str = _setting(
        "adam", "adam, or natural gradient (chapter 10)", OPTIMIZER_NAMES
    )
    max_kl: float = _setting(0.05, "natural gradient: trust region, KL per episode")
    damping: float = _setting(0.1, "natural gradient: added to the Fisher's diagonal")
    cg_iterations: int = _setting(10, "natural gradient: conjugate-gradient iterations")
    seed: int = _setting(0, "seed of the generator that draws every episode")
    progress: bool = _setting(True, "show a progress bar")
    track_value: bool = _setting(
        False, "record the exact soft value V(start) per iteration"
    )
    target_entropy: float | None = _setting(
        None,
        "learn alpha for this mean entropy in nats (chapter 11); None: fixed alpha",
    )
    alpha_lr: float = _setting(0.1, "target entropy: dual step size on log alpha")
    alpha_init: str = _setting(
        "reward_scale",
        "target entropy: start alpha at the first batch's mean |reward|, or at alpha",
        ("reward_scale", "alpha"),
    )

    def __post_init__(self):
        for name in ("iterations", "horizon", "n_episodes", "cg_iterations"):
            check_positive_int(getattr(self, name), name)
        check_discount(self.discount, infinite_horizon=self.track_value)
        check_alpha(self.alpha)
        for name in ("lr", "max_kl", "damping"):
            value = check_number(
                getattr(self, name), name, 0.0, math.inf, high_open=True
            )
            if value == 0:
                raise ValueError(f"{name} must be positive, got 0")
        for item in dataclasses.fields(self):
            choices = item.metadata["choices"]
            if choices is not None and getattr(self, item.name) not in choices:
                raise ValueError(
                    f"{item.name} must be one of {list(choices)}, "
                    f"got {getattr(self, item.name)!r}"
                )
        if self.baseline == "leave_one_out" and self.n_episodes < 2:
            raise ValueError("the leave-one-out baseline needs n_episodes >= 2")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise TypeError(f"seed must be an integer, got {self.seed!r}")
        if self.target_entropy is not None:
            check_target_entropy(self.target_entropy)
            if check_number(self.alpha_lr, "alpha_lr", 0.0, math.inf) == 0:
                raise ValueError("alpha_lr must be positive, got 0")
            if self.alpha_init == "alpha" and self.alpha == 0:
                raise ValueError(
                    "alpha must be positive to start a target entropy's "
                    "dual steps from it (alpha_init='alpha')"
                )
