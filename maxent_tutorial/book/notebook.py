"""``glue``: hand a computed value to the book's prose (MyST-NB's ``{glue:text}`` role).

It writes exactly the record ``myst_nb.glue`` writes (a display output carrying the
value's text, tagged with the name), so chapters run where the book builder is not
installed (Binder, Colab) and the built page still quotes the number the cell computed.
A bound the prose quotes ("at most 0.42", "at least 1.3") is rounded outwards, so
that it stays true: :func:`round_up`, :func:`round_down`.
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


def round_up(value: float, decimals: int):
    """The smallest number with ``decimals`` decimals that is >= ``value`` (an int for
    0 decimals): the bound to quote for "at most". A value already on the grid, to
    within 1e-9 of a unit of the last decimal, stays."""
    rounded = math.ceil(value * 10**decimals - 1e-9) / 10**decimals
    return round(rounded, decimals) if decimals else int(rounded)


def round_down(value: float, decimals: int):
    """The largest number with ``decimals`` decimals that is <= ``value`` (an int for
    0 decimals): the bound to quote for "at least"."""
    rounded = math.floor(value * 10**decimals + 1e-9) / 10**decimals
    return round(rounded, decimals) if decimals else int(rounded)
