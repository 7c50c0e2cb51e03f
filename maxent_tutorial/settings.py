"""One settings base for every method: :class:`Settings`.

Every method's config is a frozen dataclass derived from :class:`Settings`, and every
field is declared with :func:`setting`: its default, its one-line meaning, and its
check (a :class:`Range` or a tuple of choices); a field that several configs declare
alike takes its meaning and check from the shared vocabulary :data:`SHARED`
(:func:`shared`), and only its default from the config. The checks run once, when the
config is built, then the rules between fields (:meth:`Settings.check`, with
:meth:`Settings.check_order` for the common one: ``batch_size`` at most
``buffer_size``); the code that reads a config trusts it. The command line is generated
from the same fields, so its help states the ranges the checks enforce.

One vocabulary across methods (the names CleanRL and Stable-Baselines3 readers know):
``total_timesteps`` (the budget, environment steps), ``n_envs`` (copies of the
environment stepped together), ``buffer_size``, ``batch_size``, ``learning_starts``,
``gradient_steps``, ``alpha`` (the temperature, or its starting value) and
``target_entropy`` (None: alpha stays fixed).
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
from dataclasses import dataclass, field
from numbers import Integral, Real


@dataclass(frozen=True)
class Range:
    """A check: a number (an integer if ``integer``) in [low, high], either end open."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    integer: bool = False

    def __str__(self) -> str:
        if self.integer and self.high == math.inf:
            return f"an integer >= {self.low + self.low_open:g}"
        opening = "(" if self.low_open or self.low == -math.inf else "["
        closing = ")" if self.high_open or self.high == math.inf else "]"
        kind = "an integer" if self.integer else "a number"
        return f"{kind} in {opening}{self.low:g}, {self.high:g}{closing}"

    def __call__(self, value, name: str) -> None:
        """Raise ``TypeError``/``ValueError`` naming ``name`` unless ``value`` fits."""
        wanted = Integral if self.integer else Real
        if isinstance(value, bool) or not isinstance(value, wanted):
            raise TypeError(f"{name} must be {self}, got {value!r}")
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        if not (above and below) or (not self.integer and not math.isfinite(value)):
            raise ValueError(f"{name} must be {self}, got {value!r}")


POSITIVE_INT = Range(1, integer=True)
NON_NEGATIVE_INT = Range(0, integer=True)
POSITIVE = Range(0, low_open=True, high_open=True)
NON_NEGATIVE = Range(0, high_open=True)
UNIT_INTERVAL = Range(0, 1)  # [0, 1]
STEP_FRACTION = Range(0, 1, low_open=True)  # (0, 1]: a step part of the way to a target
DISCOUNT = Range(0, 1, high_open=True)  # [0, 1): infinite-horizon values stay finite
FINITE = Range(high_open=True)


def setting(default, help: str, check: Range | tuple | None = None, *, optional=False):
    """A config field: its default, its one-line meaning, and its check (a
    :class:`Range`, or a tuple of allowed values); ``optional``: None is allowed too
    and means "off"."""
    return field(
        default=default, metadata={"help": help, "check": check, "optional": optional}
    )


# The shared vocabulary: the one-line meaning and the check of a field that several
# configs declare alike (with :func:`shared`), each with its own default; a config whose
# field means more spells it out with :func:`setting`.
SHARED = {
    "n_envs": ("walkers stepping the grid together", POSITIVE_INT),
    "discount": ("discount gamma", DISCOUNT),
    "alpha": ("entropy temperature (start value with a target entropy)", POSITIVE),
    "buffer_size": ("replay buffer capacity, transitions", POSITIVE_INT),
    "record_every": ("environment steps between records", POSITIVE_INT),
    "tau": ("Polyak rate of the target critics", STEP_FRACTION),
    "alpha_lr": ("dual step size on log alpha", POSITIVE),
    "actor_lr": ("the actor's Adam learning rate", POSITIVE),
    "lr": ("Adam's learning rate", POSITIVE),
    "seed": ("seed of the one generator", NON_NEGATIVE_INT),
}


def shared(name: str, default, check: Range | None = None):
    """The field ``name`` of the shared vocabulary (:data:`SHARED`) with this config's
    default; ``check`` replaces the shared one where a method allows more (a
    finite-horizon method takes discount = 1)."""
    meaning, shared_check = SHARED[name]
    return setting(default, meaning, check or shared_check)


def describe(item: dataclasses.Field) -> str:
    """The help line of one field: its meaning, what its check allows, its default."""
    check = item.metadata["check"]
    allowed = ""
    if isinstance(check, Range):
        allowed = f"; {check}"
    if item.metadata["optional"]:
        allowed += " or None (off)"
    return f"{item.metadata['help']}{allowed} (default: {item.default})"


@dataclass(frozen=True)
class Settings:
    """Base of every method's config: checks each field once, when it is built (a
    field annotated ``bool`` must be a bool), then the rules that tie fields together
    (:meth:`check`)."""

    def __post_init__(self):
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            check = item.metadata.get("check")
            if value is None and item.metadata.get("optional"):
                continue
            if item.type in (bool, "bool"):  # a flag: True or False, not 1 or 0
                if not isinstance(value, bool):
                    raise TypeError(f"{item.name} must be a bool, got {value!r}")
            elif isinstance(check, tuple):
                if value not in check:
                    raise ValueError(
                        f"{item.name} must be one of {list(check)}, got {value!r}"
                    )
            elif check is not None:
                check(value, item.name)
        self.check()

    def check(self) -> None:
        """Rules between fields (a subclass overrides this); raise ``ValueError``."""

    def check_order(self, low: str, high: str, strict: bool = False, why: str = ""):
        """Raise ``ValueError`` naming both fields unless ``low`` <= ``high`` (``<`` if
        ``strict``); ``why`` ends the message."""
        small, large = getattr(self, low), getattr(self, high)
        if small > large or (strict and small == large):
            relation = "below" if strict else "at most"
            raise ValueError(
                f"{low} ({small}) must be {relation} {high} ({large}){why}"
            )

    @classmethod
    def _check_names(cls, overrides: dict) -> None:
        names = {item.name for item in dataclasses.fields(cls)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise TypeError(
                f"{cls.__name__} has no setting {unknown}; its settings are "
                f"{sorted(names)}"
            )

    def replace(self, **overrides):
        """A copy with some fields changed (checked again); unknown names raise
        ``TypeError`` naming them."""
        self._check_names(overrides)
        return dataclasses.replace(self, **overrides)

    @classmethod
    def from_parameters(cls, namespace: dict, **overrides):
        """The config a chapter's ``parameters`` cell describes: each field whose name
        in capitals is set in ``namespace`` (the chapter's ``globals()``; ``ALPHA`` for
        ``alpha``) takes that value, the others keep their defaults, then
        ``overrides`` apply; the result is checked once. A setting is written once, in
        the parameters cell."""
        cls._check_names(overrides)
        found = {
            item.name: namespace[item.name.upper()]
            for item in dataclasses.fields(cls)
            if item.name.upper() in namespace
        }
        return cls(**{**found, **overrides})

    def table(self, width: int = 80) -> str:
        """Every setting, a row each: its name, this config's value and its meaning,
        the meaning wrapped (never cut) so that rows stay within ``width`` characters
        where the names and values leave 20 for it."""
        POSITIVE_INT(width, "width")
        items = dataclasses.fields(self)
        values = [repr(getattr(self, item.name)) for item in items]
        name_width = max(len(item.name) for item in items)
        value_width = max(len(value) for value in values)
        indent = name_width + value_width + 5  # "name = value  "
        rows = []
        for item, value in zip(items, values, strict=True):
            lines = textwrap.wrap(item.metadata["help"], max(width - indent, 20))
            start = f"{item.name:>{name_width}} = {value:<{value_width}}  "
            rows.append(start + ("\n" + " " * indent).join(lines))
        return "\n".join(rows)


def settings_for(config_class, config=None, **overrides):
    """The config a ``train_<method>`` call runs with: ``config`` (the class's
    defaults when None) with ``overrides`` applied; raises naming a wrong type."""
    if config is None:
        config = config_class()
    elif not isinstance(config, config_class):
        raise TypeError(
            f"config must be a {config_class.__name__}, got {type(config).__name__}"
        )
    return config.replace(**overrides) if overrides else config
