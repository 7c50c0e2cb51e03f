"""``glue``: hand a computed value to the book's prose (MyST-NB's ``{glue:text}`` role).

It writes exactly the record ``myst_nb.glue`` writes (a display output carrying the
value's text, tagged with the name), so chapters run where the book builder is not
installed (Binder, Colab) and the built page still quotes the number the cell computed.
A bound the prose quotes ("at most 0.42", "at least 1.3") is rounded outwards, so
that it stays true: :func:`round_up`, :func:`round_down`, :func:`round_up_significant`,
and :func:`glue_range` (or :func:`glue_min_max`) for a range of measured values.
"""

from __future__ import annotations

import math

from IPython import get_ipython
from IPython.display import display

GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, display_value: bool = False) -> None:
    """Record ``value`` under ``name`` for ``{glue:text}`name` `` in the chapter's
    Markdown.

    Glue rounded numbers (or formatted strings): the record is part of the notebook's
    outputs, which ``pytest --nbval`` compares. With ``display_value=True`` the value is
    also shown.
    """
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()  # a NumPy or torch scalar: shown as a plain number
    shell = get_ipython()
    # plain Python (a script, a test): there is no notebook to record into
    if shell is None:
        return
    bundle, metadata = shell.display_formatter.format(value)
    prefix = "" if display_value else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    display(
        {prefix + key: data for key, data in bundle.items()},
        raw=True,
        metadata=metadata,
    )


def glue_range(
    low_name: str,
    high_name: str,
    values,
    decimals: int,
    scale: float = 1.0,
    outward: bool = True,
) -> tuple:
    """Glue the smallest and largest of ``values`` (each times ``scale``, 100 for a
    percentage) as ``low_name`` and ``high_name``, with ``decimals`` decimals: rounded
    outwards (``round_down``, ``round_up``) so that "from low to high" holds, or to
    the nearest with ``outward=False`` (for a range quoted as measured). Returns the
    (low, high) glued."""
    if len(values) == 0:
        raise ValueError("values must hold at least one number")
    low, high = scale * min(values), scale * max(values)
    if outward:
        low, high = round_down(low, decimals), round_up(high, decimals)
    else:
        low, high = round(low, decimals), round(high, decimals)
        if decimals == 0:
            low, high = int(low), int(high)
    glue(low_name, low)
    glue(high_name, high)
    return low, high


def glue_min_max(
    name: str, values, decimals: int, scale: float = 1.0, outward: bool = True
) -> tuple:
    """:func:`glue_range` under two names made from one: ``name``'s ``{}`` filled with
    ``min`` and with ``max`` (``"gap_{}_pct"`` glues ``gap_min_pct`` and
    ``gap_max_pct``). Returns the (low, high) glued."""
    if name.count("{}") != 1:
        raise ValueError(f"name must hold one '{{}}' for min and max, got {name!r}")
    low_name, high_name = name.format("min"), name.format("max")
    return glue_range(low_name, high_name, values, decimals, scale, outward)


def round_up(value: float, decimals: int):
    """The smallest number with ``decimals`` decimals that is >= ``value`` (an int for
    0 decimals): the bound to quote for "at most". A value already on the grid, to
    within 1e-9 of a unit of the last decimal, stays."""
    rounded = math.ceil(value * 10**decimals - 1e-9) / 10**decimals
    return round(rounded, decimals) if decimals else int(rounded)


def round_up_significant(value: float, figures: int = 2) -> float:
    """The smallest number of ``figures`` significant digits that is >= ``value``
    (nonzero): the bound to quote for "at most" on a number of any size. A value
    already of that many digits, to within 1e-9 of a unit of the last, stays."""
    exponent = math.floor(math.log10(abs(value))) - figures + 1
    rounded = math.ceil(value / 10**exponent - 1e-9) * 10**exponent
    return float(f"{rounded:.{figures - 1}e}")


def round_down(value: float, decimals: int):
    """The largest number with ``decimals`` decimals that is <= ``value`` (an int for
    0 decimals): the bound to quote for "at least"."""
    rounded = math.floor(value * 10**decimals + 1e-9) / 10**decimals
    return round(rounded, decimals) if decimals else int(rounded)
