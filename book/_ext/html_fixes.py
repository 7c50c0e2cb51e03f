"""Sphinx extension: small fixes for the book's HTML (registered in `_config.yml`).

1. Launch buttons wait for the repository URL. sphinx-book-theme builds the Binder and
Colab links from `repository.url` and fails when launch buttons are configured but the
URL is empty. All of the button configuration lives in `_config.yml`; this switches the
buttons off while the URL is blank, so that setting the URL is the one step that turns
them on.
2. No script twice. sphinx-thebe registers its inline configuration script each time
Sphinx reads sources; a page that carries it twice re-declares `const THEBE_JS_URL` and
the browser reports a JavaScript error. Each page keeps the first copy of every script.
3. No stylesheet from a CDN in a notebook's output. Matplotlib's JavaScript animations
(`Animation.to_jshtml`) link Font Awesome 4 from a CDN for their play buttons, so
offline the page requests it and the buttons lose their icons. The theme already ships
Font Awesome (6, which knows the version-4 names), so the link is dropped from the
outputs.
4. Punctuation stays with its formula. A browser may break a line between an inline
formula and the comma or full stop after it, so that a line starts with ", an". The
formula and the punctuation that follows it are wrapped in one
``<span class="math-nowrap">`` (``white-space: nowrap`` in ``_static/book.css``).
5. Numbers read as prose writes them. A glued number that MyST-NB pastes in
e-notation (5.3e-07, from a float or a format such as ``:.1e``) is shown as
5.3 × 10⁻⁷ (:func:`page_number`); the notebook keeps the number, so a format in the
prose still applies to it. A glued number keeps its per cent sign: the space between
them does not break ("3.4 %" never ends a line at "3.4").
"""

import re

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def hold_launch_buttons_without_repository(app, config):
    options = config.html_theme_options
    if options.get("launch_buttons") and not options.get("repository_url"):
        options["launch_buttons"] = {}
        logger.info(
            "launch buttons off: set repository.url in _config.yml to turn them on"
        )


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # An inline script has filename None or "": compare what the page gets.
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


CDN_STYLESHEET = re.compile(
    r"<link[^>]*href=[\"']https?://[^\"']*font-awesome[^\"']*[\"'][^>]*>\s*",
    re.IGNORECASE,
)


def drop_cdn_stylesheets(app, doctree, docname):
    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split() and CDN_STYLESHEET.search(
            node.astext()
        ):
            text = CDN_STYLESHEET.sub("", node.astext())
            node.replace(node[0], nodes.Text(text))


# the punctuation that must not start a line: what follows a formula in a sentence
TRAILING_PUNCTUATION = re.compile(r"^[.,;:!?)\]]+")


def keep_punctuation_with_math(app, doctree, docname):
    for formula in list(doctree.findall(nodes.math)):
        parent = formula.parent
        after = formula.next_node(descend=False, siblings=True)
        if not isinstance(after, nodes.Text):
            continue
        punctuation = TRAILING_PUNCTUATION.match(after.astext())
        if punctuation is None:
            continue
        rest = after.astext()[punctuation.end() :]
        joined = nodes.inline(classes=["math-nowrap"])
        parent.replace(formula, joined)
        joined += [formula, nodes.Text(punctuation.group())]
        if rest:
            parent.replace(after, nodes.Text(rest))
        else:
            parent.remove(after)


# a number in e-notation, as repr(float) or f"{x:.1e}" writes it: mantissa, exponent
E_NOTATION = re.compile(r"(-?\d+(?:\.\d+)?)e([-+]?\d+)")
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def page_number(text: str) -> str:
    """``text`` as prose writes it: a number in e-notation (5.3e-07, as a float's repr
    or ``f"{x:.1e}"`` writes it) as "5.3 × 10⁻⁷" (non-breaking spaces; "10⁻⁵" for
    1e-05), the mantissa's digits as they were; any other text unchanged."""
    match = E_NOTATION.fullmatch(text)
    if match is None:
        return text
    mantissa, exponent = match.groups()
    if int(exponent) == 0:  # 3.7e+00: "3.7"
        return mantissa
    power = "10" + str(int(exponent)).translate(SUPERSCRIPTS)
    if mantissa.lstrip("-") in ("1", "1.0"):  # 1e-05: "10⁻⁵", not "1 × 10⁻⁵"
        return ("-" if mantissa.startswith("-") else "") + power
    return f"{mantissa}\u00a0×\u00a0{power}"


def quote_pasted_numbers(app, doctree, docname):
    """Each number pasted by ``{glue:text}``: written as prose writes it, and kept on
    one line with a per cent sign that follows it."""
    for pasted in list(doctree.findall(nodes.inline)):
        if "pasted-text" not in pasted["classes"]:
            continue
        text = pasted.astext()
        if len(pasted) == 1 and (quoted := page_number(text)) != text:
            pasted.replace(pasted[0], nodes.Text(quoted))
        after = pasted.next_node(descend=False, siblings=True)
        if isinstance(after, nodes.Text) and after.astext().startswith(" %"):
            after.parent.replace(after, nodes.Text("\u00a0" + after.astext()[1:]))


def setup(app):
    app.connect("config-inited", hold_launch_buttons_without_repository)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("doctree-resolved", drop_cdn_stylesheets)
    app.connect("doctree-resolved", keep_punctuation_with_math)
    app.connect("doctree-resolved", quote_pasted_numbers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
