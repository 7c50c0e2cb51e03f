"""Sphinx extension: the book typesets its math with MathJax 3 from its own files.

Sphinx loads MathJax from a CDN by default, so a reader offline sees raw LaTeX. This
copies MathJax 3 from the PyPI package `django-static-mathjax` (MathJax 3.2.2,
Apache-2.0, no Django needed: it is only the files) into the build's `_static/mathjax/`
and points Sphinx's `mathjax_path` at it. Only what the pages use is copied (about 2.5
MB): the `tex-chtml` component, the TeX extensions MathJax loads on demand
(`\\boldsymbol`, `\\cancel`, ...), the CommonHTML fonts, and the menu and accessibility
components; not the speech-rule engine (4 MB), which only the menu's optional explorer
uses.

The extension also removes MathJax's `noundefined` package (which prints an unknown
macro in red and reports nothing), so a typo such as `\\alpah` becomes a MathJax error
node that `tests/test_book.py` finds.
"""

import shutil
from importlib import metadata
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

COMPONENT = "tex-chtml.js"
TARGET = "mathjax"  # under _static/
PARTS = [COMPONENT, "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y"]


def mathjax_source() -> Path:
    """The `es5` folder (MathJax's built components) of django-static-mathjax."""
    try:
        dist = metadata.distribution("django-static-mathjax")
    except metadata.PackageNotFoundError as error:
        raise ExtensionError(
            "offline MathJax needs `pip install django-static-mathjax` "
            "(listed in requirements.txt)"
        ) from error
    source = Path(dist.locate_file("mathjax/static/mathjax/es5"))
    if not (source / COMPONENT).is_file():
        raise ExtensionError(f"MathJax's {COMPONENT} is missing from {source}")
    return source


def use_local_mathjax(app, config):
    mathjax_source()  # a missing package fails at start-up, not after the build
    config.mathjax_path = (
        f"{TARGET}/{COMPONENT}"  # Sphinx prefixes _static/ to a relative path
    )
    mathjax3 = dict(config.mathjax3_config or {})
    tex = dict(mathjax3.get("tex", {}))
    tex.setdefault("packages", {"[-]": ["noundefined"]})
    mathjax3["tex"] = tex
    config.mathjax3_config = mathjax3


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / TARGET
    for part in PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
    licence = Path(
        metadata.distribution("django-static-mathjax").locate_file(
            "mathjax/static/mathjax/LICENSE"
        )
    )
    if licence.is_file():
        shutil.copy2(licence, target / "LICENSE")
    logger.info(f"MathJax 3 copied to {target}")


def setup(app):
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
