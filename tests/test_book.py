"""The book: its table of contents, its HTML build, its pages in a headless browser, its
PDF.

The build runs once per session, with warnings as errors, into a temporary folder. The
browser check needs Debian's `chromium` (at /usr/bin/chromium) and the `playwright`
package; the PDF checks also need Debian's `poppler-utils` (pdftotext, pdfimages,
pdftoppm). They are skipped where these are missing, except in CI (CI=true), where a
missing tool is a failure. The browser blocks all network: the book must read offline,
MathJax included.
"""

import functools
import html.parser
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import build_pdf  # noqa: E402  (tools/ is not a package: the PDF command's own settings)
from test_notebooks import PAGE_RULES_PENDING  # noqa: E402

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
    pages = {
        str(p.relative_to(ROOT).with_suffix(""))
        for p in BOOK.rglob("*")
        if p.suffix in (".md", ".ipynb") and ".ipynb_checkpoints" not in p.parts
    }
    listed = toc_files()
    assert len(listed) == len(set(listed)), "a page is listed twice in _toc.yml"
    assert pages == set(listed)


def test_every_chapter_ends_with_a_try_it_section_with_hidden_answers():
    for path in notebooks():
        markdown = [
            ("".join(c["source"]))
            for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "markdown"
        ]
        text = "\n".join(markdown)
        assert "## Try it" in text, path.name
        assert ":class: dropdown" in text.split("## Try it")[-1], path.name


def test_notebooks_are_committed_with_outputs_and_in_order():
    for path in notebooks():
        cells = [
            c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"
        ]
        assert any(c["outputs"] for c in cells), f"{path.name} has no stored outputs"
        counts = [c["execution_count"] for c in cells if c["source"]]
        assert counts == list(range(1, len(counts) + 1)), (
            f"{path.name} was not run top to bottom"
        )


@pytest.fixture(scope="session")
def built_html(tmp_path_factory):
    jupyter_book = shutil.which(
        "jupyter-book", path=str(Path(sys.executable).parent)
    ) or shutil.which("jupyter-book")
    assert jupyter_book, (
        "jupyter-book is not installed (pip install -r requirements.txt)"
    )
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [
            jupyter_book,
            "build",
            "-W",
            "-n",
            "--keep-going",
            "--path-output",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return out / "_build" / "html"


def page_path(html_root, name):
    return html_root / f"{name}.html"


def test_book_builds_with_warnings_as_errors_and_has_every_page(built_html):
    for name in toc_files():
        assert page_path(built_html, name).is_file(), name


def test_glued_numbers_read_as_prose_not_in_e_notation(built_html):
    # book/_ext/html_fixes.py: 5.3e-07 pasted by {glue:text} reads 5.3 × 10⁻⁷, and a
    # pasted number and its per cent sign stay on one line
    pasted = re.compile(r'<span class="pasted-text">([^<]*)</span>')
    split_percent = re.compile(r'<span class="pasted-text">([^<]*)</span> %')
    e_notation = re.compile(r"\d[eE][-+]?\d")
    in_e_notation, split, as_prose, kept = {}, {}, 0, 0
    for name in toc_files():
        html = page_path(built_html, name).read_text()
        texts = pasted.findall(html)
        if found := [text for text in texts if e_notation.search(text)]:
            in_e_notation[name] = found
        if found := split_percent.findall(html):
            split[name] = found
        as_prose += sum("\u00a0×\u00a010" in text for text in texts)
        kept += html.count("</span>\u00a0%")
    assert in_e_notation == {}, f"glued numbers in e-notation: {in_e_notation}"
    assert as_prose > 20, f"only {as_prose} numbers written as a × 10ⁿ"
    assert split == {}, f"glued numbers whose % may start the next line: {split}"
    assert kept > 100, f"only {kept} glued numbers keep their % sign"


def test_pages_show_no_nbval_text_and_no_control_characters(built_html):
    control = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
    for name in toc_files():
        html = page_path(built_html, name).read_text()
        assert "NBVAL" not in html, f"{name}: nbval directives belong in cell tags"
        found = control.search(html)
        assert found is None, f"{name}: control character {found.group()!r}"


class _PageText(html.parser.HTMLParser):
    """The text a reader sees outside code cells (``pre``), scripts and styles:
    ``shown`` holds all of it, inline code included; ``prose`` what is neither inline
    code nor the math MathJax typesets (``class="math"``)."""

    SKIPPED = {"script", "style", "pre"}
    VOID = {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
        *("source", "track", "wbr", "param"),
    }

    def __init__(self):
        super().__init__()
        self.stack, self.shown, self.prose = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        kind = "skipped" if tag in self.SKIPPED else None
        if tag == "code" or "math" in classes:
            kind = kind or "code"
        self.stack.append((tag, kind))

    def handle_endtag(self, tag):
        # close up to the matching tag, so an unclosed element cannot shift the rest
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        kinds = {kind for _, kind in self.stack}
        if "skipped" not in kinds:
            self.shown.append(data)
            if "code" not in kinds:
                self.prose.append(data)


# A MyST role or directive that did not render (inside backticks a role stays literal)
RAW_ROLE = re.compile(
    r"\{(?:[a-z]+:[a-z:-]+|eq|doc|numref|ref|term|cite|glue|admonition)\}|^\s*:::",
    re.MULTILINE,
)
# TeX outside math: a dollar sign, \( or \[, or a backslash command (a line of inline
# math that Markdown read as a list item, say)
RAW_TEX = re.compile(r"\$|\\[()[\]]|\\[A-Za-z]{2,}(?![A-Za-z])")


def leaks(page_html: str) -> list[str]:
    """The raw roles in a page's text (inline code included), and the TeX in its
    prose."""
    parser = _PageText()
    parser.feed(page_html)
    return RAW_ROLE.findall("".join(parser.shown)) + RAW_TEX.findall(
        "".join(parser.prose)
    )


def test_the_leak_check_finds_a_raw_role_and_tex_outside_math():
    page = (
        '<p>with <code class="literal">{glue:text}</code> <span class="math">'
        "\\(\\alpha_t\\)<wbr></span></p><ul><li>\\pi_\\theta V(s)</li></ul>"
        "<p>see {prf:ref}</p>\n<p>:::{admonition} Answer</p><p>$x</p>"
        "<pre>x = f'{alpha:g} \\pi'</pre><script>var s = '{eq}';</script>"
    )
    assert leaks(page) == [
        "{glue:text}",
        "{prf:ref}",
        ":::",
        "{admonition}",
        "\\pi",
        "\\theta",
        "$",
    ]


def test_pages_show_no_raw_role_and_no_tex_outside_math(built_html):
    leaked = {}
    for name in toc_files():
        if found := leaks(page_path(built_html, name).read_text()):
            leaked[name] = found
    assert leaked == {}, f"raw MyST roles, or TeX outside math, on the page: {leaked}"


def test_every_chapter_page_shows_its_figures(built_html):
    for path in notebooks():
        n_figures = sum(
            1
            for c in json.loads(path.read_text())["cells"]
            for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})
        )
        html = page_path(built_html, f"book/{path.stem}").read_text()
        sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
        local = [s for s in sources if not s.startswith(("http:", "https:", "data:"))]
        figures = [s for s in local if "_images/" in s]
        assert n_figures >= 1, f"{path.name} has no figure"
        assert len(figures) >= n_figures, (
            f"{path.name}: {len(figures)} of {n_figures} figures in the page"
        )
        for source in local:
            assert (
                (page_path(built_html, f"book/{path.stem}").parent / source)
                .resolve()
                .is_file()
            ), source
        # each figure's alt text is its description, not its file name
        alts = re.findall(r'<img[^>]+alt="([^"]*)"[^>]+src="[^"]*_images/', html)
        assert len(alts) == len(figures), f"{path.name}: a figure without alt"
        named = [alt for alt in alts if alt.endswith((".png", ".svg")) or len(alt) < 40]
        assert named == [], f"{path.name}: figures without a description: {named}"


def test_math_is_in_the_pages_as_mathjax_markup_with_mathjax_served_by_the_book(
    built_html,
):
    for name in toc_files():
        html = page_path(built_html, name).read_text()
        if not re.search(r'class="math[^"]*"', html):
            assert name.endswith(("references", "notation")), (
                f"{name} has no math markup"
            )
            continue
        # MathJax 3 from the book's own _static folder (book/_ext/offline_mathjax.py),
        # not a CDN.
        scripts = re.findall(
            r'<script[^>]+src="([^"]*mathjax[^"]*)"', html, re.IGNORECASE
        )
        assert len(scripts) == 1 and "://" not in scripts[0], f"{name}: {scripts}"
        script = (
            page_path(built_html, name).parent / scripts[0].split("?")[0]
        ).resolve()
        assert script.is_file() and script.name == "tex-chtml.js", script


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
            executable_path=str(CHROMIUM), args=build_pdf.CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served(built_html):
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=built_html)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


# Every element that offers search: the theme's buttons and fields, Sphinx's own search
# box.
SEARCH_BOXES = (
    ".search-button, .search-button-field, #searchbox, form[role=search], "
    "input[type=search]"
)

PAGE_STATE = """() => {
  const visible = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                         return r.width > 0 && r.height > 0 && s.visibility !==
                         "hidden"; };
  const math = Array.from(document.querySelectorAll(".math"));
  return {
    math: math.length,
    typeset: math.filter(m => m.querySelector("mjx-container")).length,
    raw: math.filter(m => !m.querySelector("mjx-container")).map(m =>
    m.textContent.slice(0, 80)),
    errors: Array.from(document.querySelectorAll("mjx-merror, [data-mjx-error]")).map(
      e => (e.getAttribute("data-mjx-error") || e.textContent).slice(0, 120)),
    search: Array.from(document.querySelectorAll(SEARCH_BOXES)).filter(visible).length,
    broken: Array.from(document.images).filter(i => !i.complete || i.naturalWidth ===
    0).map(i => i.src),
  };
}""".replace("SEARCH_BOXES", json.dumps(SEARCH_BOXES))


def test_every_page_works_offline_math_typeset_one_search_box_no_missing_image(
    browser, served, built_html
):
    """Network blocked: every formula typesets (MathJax is served by the book), with no
    MathJax error; the page shows one search box, every image loads, and no script
    fails."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems = []

    # No network: a request that leaves this machine is refused and is itself a failure
    # (the book must read offline: MathJax, fonts and images come from its own files).
    def route(route):
        if route.request.url.startswith(served):
            route.continue_()
        else:
            problems.append(f"network request: {route.request.url}")
            route.abort("internetdisconnected")

    page.route("**/*", route)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(
                f"console {message.type}: {message.text} "
                f"({message.location.get('url')})"
            )
            if message.type == "error"
            else None
        ),
    )
    page.on(
        "requestfailed",
        lambda request: (
            problems.append(f"missing: {request.url}")
            if request.url.startswith(served)
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )
    n_formulas = 0
    for name in toc_files():
        problems.clear()
        html = page_path(built_html, name).read_text()
        math_in_html = len(re.findall(r'<(?:span|div) class="math[ "]', html))
        response = page.goto(served + f"{name}.html", wait_until="load")
        assert response is not None and response.ok, name
        if math_in_html:
            page.wait_for_function(
                "window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=30_000,
            )
            page.evaluate("MathJax.startup.promise")
        state = page.evaluate(PAGE_STATE)
        assert state["math"] == math_in_html, (
            f"{name}: {state['math']} math nodes, {math_in_html} in the HTML"
        )
        assert state["raw"] == [], (
            f"{name}: formulas MathJax did not typeset: {state['raw']}"
        )
        assert state["typeset"] == state["math"], name
        assert state["errors"] == [], (
            f"{name}: MathJax errors (the LaTeX does not typeset): {state['errors']}"
        )
        assert state["search"] == 1, (
            f"{name}: {state['search']} search boxes on the page"
        )
        assert state["broken"] == [], (
            f"{name}: images that did not load: {state['broken']}"
        )
        assert problems == [], f"{name}: {problems}"
        n_formulas += state["typeset"]
    assert n_formulas > 100, f"only {n_formulas} formulas in the whole book"
    page.close()


# Unfold what the page folds (dropdown admonitions, <details>), as a reader does.
OPEN_FOLDED = """() => {
  document.querySelectorAll('.toggle-hidden')
    .forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('details').forEach(d => { d.open = true; });
}"""
# The column's right edge, in JavaScript: where the prose ends (the article's box spans
# its padding, some 16 to 32 px more).
COLUMN_RIGHT = "document.querySelector('article p').getBoundingClientRect().right"

# Display equations wider than the article column are cut off on the page.
TOO_WIDE = (
    """() => {
  const right = """
    + COLUMN_RIGHT
    + """;
  return Array.from(document.querySelectorAll('mjx-container[display="true"]'))
    .filter(e => e.scrollWidth > e.clientWidth + 2
                 || e.getBoundingClientRect().right > right + 2)
    .map(e => (e.closest('.math') || e).id || e.textContent.slice(0, 60));
}"""
)


def test_every_display_equation_fits_the_page_column(browser, served):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(served)
            else route.abort("internetdisconnected")
        ),
    )
    too_wide = {}
    for name in toc_files():
        page.goto(served + f"{name}.html", wait_until="load")
        if page.evaluate("!!(window.MathJax && MathJax.startup)"):
            page.evaluate("MathJax.startup.promise")
        page.evaluate(OPEN_FOLDED)  # the Try it answers too
        if found := page.evaluate(TOO_WIDE):
            too_wide[name] = found
    page.close()
    assert too_wide == {}, f"display equations wider than the column: {too_wide}"


# What a reader sees at 1280 px (a laptop) and 390 px (a phone): every figure at its own
# aspect ratio, code and tables that fit the column without a sideways scroll (at
# 1280 px), no inline formula wider than the column, no line that starts with the comma
# after a formula, and a page never wider than the screen (display equations and, on a
# phone, tables scroll inside their own box, and fade out at the side they go on past).
LAYOUT = (
    """() => {
  const article = document.querySelector('article');
  const images = Array.from(article.querySelectorAll('img'))
    .filter(i => i.naturalWidth > 0 && i.getBoundingClientRect().width > 0)
    .map(i => { const r = i.getBoundingClientRect();
                return {src: i.src.split('/').pop().slice(0, 24),
                        ratio: (r.width / r.height) /
                               (i.naturalWidth / i.naturalHeight)}; });
  const scrolling = Array.from(article.querySelectorAll(
      'div.cell div.highlight pre, div.cell_output pre'))
    .filter(p => p.getBoundingClientRect().width > 0
                 && p.scrollWidth > p.clientWidth + 1)
    .map(p => p.textContent.split('\\n').reduce(
      (a, l) => l.length > a.length ? l : a, '').slice(0, 90));
  const tables = Array.from(article.querySelectorAll('table'))
    .filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
    .map(t => t.querySelector('tr').textContent.trim().slice(0, 60));
  // a name (code without a space) over two lines is broken mid-word
  const brokenCode = Array.from(article.querySelectorAll('table code.literal'))
    .filter(c => !/\\s/.test(c.textContent.trim()) && c.getClientRects().length > 1)
    .map(c => c.textContent.slice(0, 40));
  // a display equation wider than its box scrolls, with shadows at its edges as a cue
  const uncuedMath = Array.from(
      article.querySelectorAll('mjx-container[display="true"]'))
    .filter(m => m.scrollWidth > m.clientWidth + 1
                 && !getComputedStyle(m).backgroundImage.includes('gradient'))
    .map(m => m.textContent.slice(0, 40));
  // a table wider than its box scrolls and, scrolled to its start, fades out on the
  // right only (_static/scroll-cue.js, _static/book.css); a table that fits does not
  // fade (TABLE_CUE checks the fade as a table scrolls)
  const uncuedTables = Array.from(
      article.querySelectorAll('.pst-scrollable-table-container'))
    .filter(b => {
      const faded = getComputedStyle(b).maskImage.includes('gradient');
      const scrolls = b.scrollWidth > b.clientWidth + 1;
      const marks = [...b.classList].filter(c => c.startsWith('more-')).join(' ');
      return scrolls ? !(faded && marks === 'more-right') : faded || marks !== '';
    })
    .map(b => b.querySelector('tr').textContent.trim().slice(0, 40));
  const right = """
    + COLUMN_RIGHT
    + """;
  // inline math never scrolls (a scroll bar would stand under it)
  const scrollingInline = Array.from(article.querySelectorAll('span.math'))
    .filter(m => ['auto', 'scroll'].includes(getComputedStyle(m).overflowX))
    .map(m => m.textContent.slice(0, 40));
  // an animation's player (its slider and buttons) stays inside the column
  const wideAnimations = Array.from(article.querySelectorAll('.animation'))
    .filter(a => Array.from(a.querySelectorAll('*')).some(
      e => e.getBoundingClientRect().right > right + 1))
    .map(a => a.closest('.cell').id || 'an animation');
  const inlineMath = Array.from(
      article.querySelectorAll('mjx-container:not([display="true"])'))
    .filter(m => !m.closest('.pst-scrollable-table-container')
                 && m.getBoundingClientRect().right > right + 1)
    .map(m => m.textContent.slice(0, 60));
  // a comma or full stop after an inline formula stays on the formula's line
  const splitPunctuation = Array.from(
      article.querySelectorAll('mjx-container:not([display="true"])'))
    .filter(m => {
      const after = (m.closest('span.math') || m).nextSibling;
      if (!after || after.nodeType !== 3 || !/^[.,;:!?)\\]]/.test(after.textContent))
        return false;
      const mark = document.createRange();
      mark.setStart(after, 0);
      mark.setEnd(after, 1);
      const box = mark.getBoundingClientRect();
      return box.height > 0 && box.top > m.getBoundingClientRect().bottom - 2;
    })
    .map(m => m.textContent.slice(0, 40));
  return {images, scrolling, tables, brokenCode, uncuedMath, uncuedTables,
          wideAnimations,
          scrollingInline, inlineMath, splitPunctuation,
          page: document.documentElement.scrollWidth, screen: window.innerWidth};
}"""
)


@pytest.mark.parametrize("width", [1280, 390])
def test_figures_keep_their_shape_code_fits_and_the_page_fits_the_screen(
    browser, served, width
):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(served)
            else route.abort("internetdisconnected")
        ),
    )
    misshapen, scrolling, wide_tables, too_wide, n_images = {}, {}, {}, {}, 0
    cut_math, broken_code, uncued_math, wide_animations = {}, {}, {}, {}
    split_punctuation, uncued_tables = {}, {}
    for name in toc_files():
        page.goto(served + f"{name}.html", wait_until="load")
        if page.evaluate("!!(window.MathJax && MathJax.startup)"):
            page.evaluate("MathJax.startup.promise")
        page.evaluate(OPEN_FOLDED)  # measure the Try it answers too
        layout = page.evaluate(LAYOUT)
        n_images += len(layout["images"])
        if bad := [i for i in layout["images"] if abs(i["ratio"] - 1) > 0.02]:
            misshapen[name] = bad
        # (chapters still to rework to the page rules are named in test_notebooks)
        pending = Path(name).name + ".ipynb" in PAGE_RULES_PENDING
        if width >= 1280 and layout["scrolling"] and not pending:
            scrolling[name] = layout["scrolling"]
        if layout["wideAnimations"]:
            wide_animations[name] = layout["wideAnimations"]
        if layout["uncuedMath"]:
            uncued_math[name] = layout["uncuedMath"]
        if layout["uncuedTables"]:
            uncued_tables[name] = layout["uncuedTables"]
        if layout["splitPunctuation"]:
            split_punctuation[name] = layout["splitPunctuation"]
        scrolls = [f"scrolls: {m}" for m in layout["scrollingInline"][:3]]
        if cut := layout["inlineMath"] + scrolls:
            cut_math[name] = cut
        # (at 1280 px the notation page's long names break to fit its tables)
        if width < 1280 and layout["brokenCode"]:
            broken_code[name] = layout["brokenCode"]
        if width >= 1280 and layout["tables"]:
            wide_tables[name] = layout["tables"]
        if layout["page"] > layout["screen"] + 1:
            too_wide[name] = layout["page"]
    page.close()
    assert n_images > 20, f"only {n_images} figures measured"
    assert misshapen == {}, f"figures drawn at another aspect ratio: {misshapen}"
    assert scrolling == {}, f"code or output that scrolls sideways: {scrolling}"
    assert wide_tables == {}, f"tables that scroll sideways: {wide_tables}"
    assert broken_code == {}, f"code names broken over lines in tables: {broken_code}"
    # inline math cannot scroll: wider than the column, it is cut (make it display math)
    assert cut_math == {}, f"inline math cut at the column's edge: {cut_math}"
    assert uncued_math == {}, f"equations that scroll with no cue: {uncued_math}"
    assert uncued_tables == {}, (
        f"tables that scroll with no cue, or fade but fit: {uncued_tables}"
    )
    assert split_punctuation == {}, (
        f"lines that start with the punctuation after a formula: {split_punctuation}"
    )
    assert wide_animations == {}, f"animations wider than the column: {wide_animations}"
    assert too_wide == {}, f"pages wider than a {width} px screen: {too_wide}"


# A table that scrolls fades out towards each side it goes on past, over no more than
# lies past that side, and not while it has the keyboard's focus (the mask would cut
# off the focus ring): measured on the notation page's first table at 390 px.
TABLE_CUE = """async ([scrollTo, width]) => {
  const box = document.querySelector('article .pst-scrollable-table-container');
  if (width) box.style.width = width === 'nearly' ? (box.scrollWidth - 12) + 'px' : '';
  box.scrollLeft = scrollTo === 'end' ? box.scrollWidth : scrollTo;
  await new Promise(done => setTimeout(done, 100));  // the events, then a paint
  const style = getComputedStyle(box);
  return {marks: [...box.classList].filter(c => c.startsWith('more-')).sort(),
          mask: style.maskImage, fade: style.getPropertyValue('--fade').trim(),
          overflow: box.scrollWidth - box.clientWidth};
}"""


def test_a_table_that_scrolls_fades_out_towards_the_sides_it_goes_on_past(
    browser, served
):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(served + "book/notation.html", wait_until="load")
    page.evaluate("MathJax.startup.promise")
    start = page.evaluate(TABLE_CUE, [0, None])
    middle = page.evaluate(TABLE_CUE, [100, None])
    end = page.evaluate(TABLE_CUE, ["end", None])
    assert start["overflow"] > 100, "the notation page's first table fits a phone"
    assert start["marks"] == ["more-right"] and end["marks"] == ["more-left"]
    assert middle["marks"] == ["more-left", "more-right"]
    assert all("gradient" in state["mask"] for state in (start, middle, end))
    assert start["fade"] == "32px"
    # a box a little narrower than its table: the fade spans only what is out of sight
    nearly = page.evaluate(TABLE_CUE, [0, "nearly"])
    assert 1 < nearly["overflow"] < 32 and nearly["marks"] == ["more-right"], nearly
    assert nearly["fade"] == f"{nearly['overflow']}px", nearly
    page.evaluate(TABLE_CUE, [0, "reset"])
    # the keyboard's focus: the box shows its focus ring, unmasked
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.matches('.pst-scrollable-table-container')"
        ):
            break
    focused = page.evaluate(
        "[document.activeElement.className, "
        "getComputedStyle(document.activeElement).maskImage]"
    )
    page.close()
    assert "more-right" in focused[0] and focused[1] == "none", focused


# The PDF (tools/build_pdf.py)
# ----------------------------------------------------------------


def poppler(tool):
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is missing: .ci/run installs Debian's poppler-utils")
        pytest.skip(f"{tool} (Debian's poppler-utils) is not installed")
    return path


@pytest.fixture(scope="session")
def book_pdf(browser, built_html):
    """The README's PDF command, run into the folder of the session's HTML build."""
    path_output = built_html.parents[1]
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_pdf.py"),
            "--path-output",
            str(path_output),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    pdf = path_output / "_build" / "pdf" / "book.pdf"
    assert pdf.is_file()
    return pdf


def pdf_pages_text(pdf):
    text = subprocess.run(
        [poppler("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.split("\f")


def test_pdf_has_every_chapter_typeset_math_and_the_figures(book_pdf):
    pages = pdf_pages_text(book_pdf)
    text = "\n".join(pages)
    for path in [ROOT / f"{name}.ipynb" for name in toc_files()]:
        if not path.exists():  # a Markdown page
            continue
        title = next(
            line[2:].strip()
            for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "markdown"
            for line in "".join(c["source"]).splitlines()
            if line.startswith("# ")
        )
        assert title in text, f"{path.name}: {title!r} is not in the PDF"
    # Typeset math leaves no TeX delimiters behind, and its symbols are glyphs in the
    # text (code cells may show LaTeX in plot labels, so macros alone prove nothing).
    # tools/build_pdf.py also refuses to print a page with a formula left untypeset.
    leftovers = re.findall(r"\\\(.{0,40}|\\\[.{0,40}|\\begin\{.{0,40}", text)
    assert leftovers == [], f"raw LaTeX in the PDF: {leftovers[:10]}"
    assert "π" in text and "α" in text, "no typeset Greek letters in the PDF"
    n_figures = sum(
        1
        for path in notebooks()
        for c in json.loads(path.read_text())["cells"]
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    )
    listing = subprocess.run(
        [poppler("pdfimages"), "-list", str(book_pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    images = [line for line in listing if line.split()[2] == "image"]
    assert len(images) >= n_figures, (
        f"{len(images)} images in the PDF, {n_figures} figures in the notebooks"
    )
    # A figure printed at its own shape has the same resolution across and down.
    stretched = [
        line
        for line in images
        if abs(float(line.split()[12]) / float(line.split()[13]) - 1) > 0.02
    ]
    assert stretched == [], f"figures printed at another aspect ratio: {stretched}"


def test_pdf_prints_no_folded_code_toggles(book_pdf):
    text = "\n".join(pdf_pages_text(book_pdf))
    assert "Show code cell" not in text, "folded-code toggles are printed"


# In the print layout (tools/build_pdf.py's PRINT_CSS), an equation's number sits beside
# it, on its right and within its height, and the two cannot be split across pages.
EQUATION_NUMBERS = """() => Array.from(document.querySelectorAll('div.math'))
  .filter(m => m.querySelector('.eqno') && m.querySelector('mjx-container'))
  .map(m => { const n = m.querySelector('.eqno').getBoundingClientRect(),
                    e = m.querySelector('mjx-container').getBoundingClientRect(),
                    middle = (n.top + n.bottom) / 2;
              return {id: m.id, beside: n.left >= e.right - 1 && middle >= e.top
                      && middle <= e.bottom,
                      together: getComputedStyle(m).breakInside === 'avoid'}; })
  .filter(r => !(r.beside && r.together)).map(r => r.id)"""


def test_print_layout_keeps_equation_numbers_beside_their_equations(browser, served):
    page = browser.new_page(viewport={"width": 800, "height": 1100})
    page.emulate_media(media="print")
    apart, n_numbered = {}, 0
    for name in toc_files():
        page.goto(served + f"{name}.html", wait_until="load")
        if not page.evaluate("!!(window.MathJax && MathJax.startup)"):
            continue
        page.evaluate("MathJax.startup.promise")
        page.add_style_tag(content=build_pdf.PRINT_CSS)
        n_numbered += page.evaluate(
            "document.querySelectorAll('div.math .eqno').length"
        )
        if found := page.evaluate(EQUATION_NUMBERS):
            apart[name] = found
    page.close()
    assert n_numbered > 50, f"only {n_numbered} numbered equations"
    assert apart == {}, f"equation numbers apart from their equations: {apart}"


def test_pdf_first_chapter_page_renders_and_is_not_blank(book_pdf, tmp_path):
    import matplotlib.image

    first_chapter = notebooks()[0]
    title = next(
        line[2:].strip()
        for c in json.loads(first_chapter.read_text())["cells"]
        if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines()
        if line.startswith("# ")
    )
    pages = pdf_pages_text(book_pdf)
    # Each chapter starts a page, its numbered title first ("1. The policy").
    starts = [
        i
        for i, page in enumerate(pages, start=1)
        if re.match(rf"\s*\d+\.\s+{re.escape(title)}", page)
    ]
    assert starts, f"no page starts with the first chapter's title {title!r}"
    number = starts[0]
    subprocess.run(
        [
            poppler("pdftoppm"),
            "-png",
            "-r",
            "50",
            "-f",
            str(number),
            "-l",
            str(number),
            "-singlefile",
            str(book_pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    # grey, 0 (black) to 1
    pixels = matplotlib.image.imread(tmp_path / "page.png")[..., :3].mean(axis=-1)
    inked = (pixels < 0.8).mean()
    # an A4 page at 50 dpi
    assert pixels.shape[0] > 500 and pixels.shape[1] > 350, pixels.shape
    assert 0.01 < inked < 0.5, f"page {number}: {inked:.1%} of the page is inked"
