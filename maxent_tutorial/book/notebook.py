"""``glue``: hand a computed value to the book's prose (MyST-NB's ``{glue:text}`` role).

It writes exactly the record ``myst_nb.glue`` writes (a display output carrying the
value's text, tagged with the name), so chapters run where the book builder is not
installed (Binder, Colab) and the built page still quotes the number the cell computed.
"""

from __future__ import annotations

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
