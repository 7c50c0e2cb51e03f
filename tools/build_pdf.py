"""Build a PDF of the whole book, with typeset math and the figures:

    .venv/bin/python tools/build_pdf.py            # writes _build/pdf/book.pdf

Jupyter Book builds the book as one HTML page (`--builder singlehtml`, into
`_build/singlehtml`); headless Chromium, driven by Playwright, opens it from a server on
this machine with every other address blocked, waits until MathJax (served by the book
itself) has typeset every formula and every figure has loaded, and prints it to PDF,
each chapter from a new page. It needs what requirements.txt installs and Debian's
`chromium` (`apt-get install chromium`; Playwright's own browser is used where Debian's
is missing).

`--path-output DIR` builds into `DIR/_build/` instead of the repository's `_build/` (the
tests pass the folder of their HTML build, whose parsed pages the single-page build
reuses).
"""

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Print layout: no navigation, the text the full width, each chapter (a top-level
# section of the single page, after its `document-` anchor) from a new page, code that
# wraps instead of running off the page.
PRINT_CSS = """
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article,
.bd-header-article,
.prev-next-area, .bd-footer, .bd-footer-content, .bd-footer-article, .headerlink,
.copybtn, .toggle-button, .skip-link, #pst-back-to-top, .sbt-scroll-pixel-helper
  { display: none !important; }
.bd-article-container, .bd-page-width { max-width: none !important; }
span[id^="document-"] + section { break-before: page; }
pre { white-space: pre-wrap !important; word-break: break-word; }
img { max-width: 100% !important; height: auto !important; break-inside: avoid; }
mjx-container { break-inside: avoid; }
/* Folded code (hide-input, hide-cell) is folded on paper too: neither the toggle nor
   the code is printed, and a cell with nothing left to show leaves no empty frame. */
.cell details.hide, .cell.tag_hide-cell { display: none !important; }
.cell_output:empty, .cell_input:empty { display: none !important; }
/* A display equation keeps its number beside it, on the same page. */
div.math { display: flex !important; flex-direction: row-reverse; align-items: center;
           break-inside: avoid; }
div.math > .eqno { float: none !important; margin-left: 1em; white-space: nowrap; }
div.math > mjx-container { flex: 1 1 auto; }
"""


def build_singlehtml(path_output: Path) -> Path:
    jupyter_book = shutil.which(
        "jupyter-book", path=str(Path(sys.executable).parent)
    ) or shutil.which("jupyter-book")
    if not jupyter_book:
        sys.exit("jupyter-book is not installed: pip install -r requirements.txt")
    result = subprocess.run(
        [
            jupyter_book,
            "build",
            "--builder",
            "singlehtml",
            "--keep-going",
            "--path-output",
            str(path_output),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(
            "the single-page build failed:\n"
            + result.stdout[-4000:]
            + result.stderr[-4000:]
        )
    return path_output / "_build" / "singlehtml"


def serve(directory: Path):
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=directory)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def entry_page(html_dir: Path) -> str:
    """The single page, at the top of `html_dir`.

    Jupyter Book writes index.html as a redirect to the root document (book/intro.html),
    but Sphinx's single-page builder writes every link in that page relative to the top
    (`_static/...`, `_images/...`), so the page is copied there before it is opened.
    """
    index = (html_dir / "index.html").read_text()
    match = re.search(
        r'http-equiv="Refresh" content="0; url=([^"]+)"', index, re.IGNORECASE
    )
    if not match:
        return "index.html"
    shutil.copy2(html_dir / match.group(1), html_dir / "book.html")
    return "book.html"


def print_pdf(html_dir: Path, pdf_path: Path, timeout_s: float = 120) -> dict:
    """Print the single page in `html_dir` to `pdf_path` once its math and images are
    done; return what the page held (formulas, images)."""
    from playwright.sync_api import sync_playwright

    server, base = serve(html_dir)
    try:
        with sync_playwright() as playwright:
            launch = {"args": CHROMIUM_ARGS}
            if CHROMIUM.exists():
                launch["executable_path"] = str(CHROMIUM)
            browser = playwright.chromium.launch(**launch)
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            # Offline: the PDF must not depend on anything but the book's own files.
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(base)
                    else route.abort("internetdisconnected")
                ),
            )
            page.goto(
                base + entry_page(html_dir), wait_until="load", timeout=timeout_s * 1000
            )
            page.add_style_tag(content=PRINT_CSS)
            page.wait_for_function(
                "window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=timeout_s * 1000,
            )
            page.evaluate("MathJax.startup.promise")
            page.evaluate("document.fonts.ready.then(() => true)")
            deadline = time.monotonic() + timeout_s
            while page.evaluate("Array.from(document.images).some(i => !i.complete)"):
                if time.monotonic() > deadline:
                    raise TimeoutError("images still loading")
                time.sleep(0.2)
            counts = page.evaluate("""() => ({
                math: document.querySelectorAll('.math').length,
                typeset: document.querySelectorAll('.math mjx-container').length,
                errors: Array.from(
                  document.querySelectorAll('mjx-merror, [data-mjx-error]')).map(
                    e => (e.getAttribute('data-mjx-error') || e.textContent) + ' in '
                         + (e.closest('.math') || e).textContent.slice(0, 80)),
                images: document.images.length,
                broken: Array.from(document.images).filter(i => i.naturalWidth === 0)
                  .map(i => i.src),
            })""")
            if (
                counts["errors"]
                or counts["broken"]
                or counts["typeset"] < counts["math"]
            ):
                raise RuntimeError(f"the page is not ready to print: {counts}")
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(
                path=str(pdf_path),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template='<div style="font-size:8px;width:100%;'
                'text-align:center">'
                '<span class="pageNumber"></span></div>',
                margin={
                    "top": "16mm",
                    "bottom": "16mm",
                    "left": "14mm",
                    "right": "14mm",
                },
                scale=0.85,
            )
            browser.close()
    finally:
        server.shutdown()
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Build a PDF of the whole book.")
    parser.add_argument(
        "--path-output",
        type=Path,
        default=ROOT,
        help="build into PATH_OUTPUT/_build (default: the repository root)",
    )
    parser.add_argument(
        "--output", type=Path, help="the PDF to write (default: _build/pdf/book.pdf)"
    )
    args = parser.parse_args(argv)
    start = time.monotonic()
    html_dir = build_singlehtml(args.path_output.resolve())
    pdf_path = args.output or args.path_output / "_build" / "pdf" / "book.pdf"
    counts = print_pdf(html_dir, pdf_path)
    print(
        f"{pdf_path}: {counts['typeset']} formulas, {counts['images']} images, "
        f"{time.monotonic() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
