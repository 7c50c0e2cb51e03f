"""Sphinx extension with two small fixes for the book's HTML (registered in `_config.yml`).

1. Launch buttons wait for the repository URL. sphinx-book-theme builds the Binder and Colab links
   from `repository.url` and fails when launch buttons are configured but the URL is empty. All of
   the button configuration lives in `_config.yml`; this switches the buttons off while the URL is
   blank, so that setting the URL is the one step that turns them on.
2. No script twice. sphinx-thebe registers its inline configuration script each time Sphinx reads
   sources; a page that carries it twice re-declares `const THEBE_JS_URL` and the browser reports
   a JavaScript error. Each page keeps the first copy of every script.
"""

from sphinx.util import logging

logger = logging.getLogger(__name__)


def hold_launch_buttons_without_repository(app, config):
    options = config.html_theme_options
    if options.get("launch_buttons") and not options.get("repository_url"):
        options["launch_buttons"] = {}
        logger.info("launch buttons off: set repository.url in _config.yml to turn them on")


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # An inline script is registered with filename None or "": compare what the page gets.
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("config-inited", hold_launch_buttons_without_repository)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
