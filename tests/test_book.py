"""The book: its table of contents, its HTML build, and its pages in a headless browser.

The build runs once per session, with warnings as errors, into a temporary folder. The browser
check needs Debian's `chromium` (at /usr/bin/chromium) and the `playwright` package; it is skipped
where they are missing, except in CI (CI=true), where a missing browser is a failure.
"""

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHROMIUM = Path("/usr/bin/chromium")


def toc_files():
    """Every file named in _toc.yml, as paths relative to the root without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    names = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))
            for part in entry.get("parts", []):
                walk(part.get("chapters", []))

    walk(toc.get("chapters", []))
    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return names


def notebooks():
    return sorted(BOOK.glob("*.ipynb"))


def test_toc_lists_every_page_in_book():
    pages = {str(p.relative_to(ROOT).with_suffix("")) for p in BOOK.rglob("*") if p.suffix in (".md", ".ipynb")
             and ".ipynb_checkpoints" not in p.parts}
    listed = toc_files()
    assert len(listed) == len(set(listed)), "a page is listed twice in _toc.yml"
    assert pages == set(listed)


def test_every_chapter_ends_with_a_try_it_section_with_hidden_answers():
    for path in notebooks():
        markdown = [("".join(c["source"])) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"]
        text = "\n".join(markdown)
        assert "## Try it" in text, path.name
        assert ":class: dropdown" in text.split("## Try it")[-1], path.name


def test_notebooks_are_committed_with_outputs_and_in_order():
    for path in notebooks():
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert any(c["outputs"] for c in cells), f"{path.name} has no stored outputs"
        counts = [c["execution_count"] for c in cells if c["source"]]
        assert counts == list(range(1, len(counts) + 1)), f"{path.name} was not run top to bottom"


@pytest.fixture(scope="session")
def built_html(tmp_path_factory):
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or shutil.which("jupyter-book")
    assert jupyter_book, "jupyter-book is not installed (pip install -r requirements.txt)"
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run([jupyter_book, "build", "-W", "-n", "--keep-going", "--path-output", str(out), str(ROOT)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return out / "_build" / "html"


def page_path(html_root, name):
    return html_root / f"{name}.html"


def test_book_builds_with_warnings_as_errors_and_has_every_page(built_html):
    for name in toc_files():
        assert page_path(built_html, name).is_file(), name


def test_every_chapter_page_shows_its_figures(built_html):
    for path in notebooks():
        n_figures = sum(1 for c in json.loads(path.read_text())["cells"] for o in c.get("outputs", [])
                        if "image/png" in o.get("data", {}))
        html = page_path(built_html, f"book/{path.stem}").read_text()
        sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
        local = [s for s in sources if not s.startswith(("http:", "https:", "data:"))]
        figures = [s for s in local if "_images/" in s]
        assert n_figures >= 1, f"{path.name} has no figure"
        assert len(figures) >= n_figures, f"{path.name}: {len(figures)} of {n_figures} figures in the page"
        for source in local:
            assert (page_path(built_html, f"book/{path.stem}").parent / source).resolve().is_file(), source


def test_math_is_in_the_pages_as_mathjax_markup(built_html):
    for name in toc_files():
        html = page_path(built_html, name).read_text()
        if name.endswith("references"):
            continue
        assert "mathjax" in html.lower(), name
        assert re.search(r'class="math[^"]*"|\\\(', html), f"{name} has no math markup"


@pytest.fixture(scope="session")
def browser():
    in_ci = os.environ.get("CI") == "true"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci:
            raise
        pytest.skip("playwright is not installed")
    if not CHROMIUM.exists():
        if in_ci:
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served(built_html):
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=built_html))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_every_page_loads_in_chromium_with_its_images_and_no_script_error(browser, served):
    page = browser.new_page()
    # No network here: requests that leave this machine fail at once (MathJax and fonts come from
    # a CDN when a reader is online). Errors they cause are expected; any other is a failure.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served)
               else route.abort("internetdisconnected"))
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text} "
                                                       f"({message.location.get('url')})")
            if message.type == "error" and "ERR_INTERNET_DISCONNECTED" not in message.text else None)
    page.on("requestfailed", lambda request: problems.append(f"missing: {request.url}")
            if request.url.startswith(served) else None)
    page.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400 else None)
    for name in toc_files():
        problems.clear()
        response = page.goto(served + f"{name}.html", wait_until="load")
        assert response is not None and response.ok, name
        broken = page.evaluate("Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                               ".map(i => i.src)")
        assert broken == [], f"{name}: images that did not load: {broken}"
        assert problems == [], f"{name}: {problems}"
    page.close()
