"""The web app in a real browser: Playwright driving Debian's chromium (headless) against the app
served by uvicorn on a free localhost port.

Skipped with a message when chromium or playwright is missing on a user's machine; under CI (env
``CI`` set) a missing browser is a failure. Screenshots go to ``$CLAIMSCOPE_ARTIFACTS`` or
``tests/artifacts/``; with ``CLAIMSCOPE_README_SCREENSHOT=PATH`` the article page is also saved at
PATH (how docs/img/article-page.png is made).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, shared


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)


try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    _missing("playwright is not installed (pip install playwright, or make test-extras)")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:  # pragma: no cover - depends on the machine
    _missing("no chromium on PATH (Debian: apt-get install chromium)")

import uvicorn  # noqa: E402

from claimscope.web.app import create_app  # noqa: E402

LAYERS = ["entity", "time", "finding", "attr-source", "attr-cue", "attr-content", "claim", "hedge"]
SLOW = 180_000  # ms: the first analysis loads the spaCy model
XSS_TITLE = "Talks <script>window.__xss=1</script> resume \u202egnp.exe\u202c"
XSS_BODY = (
    'GENEVA - An official said <img src=x onerror="window.__xss=2"> on Tuesday that '
    'talks would resume, and linked <a href="javascript:window.__xss=3">x</a> for '
    "details.\u200b Zero\u200dwidth and \u2066isolated\u2069 text.\n"
)


def _artifacts() -> Path:
    path = Path(os.environ.get("CLAIMSCOPE_ARTIFACTS") or ROOT / "tests" / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser") / "analyses.duckdb"


@pytest.fixture(scope="module")
def base_url(app_db: Path) -> Iterator[str]:
    db = app_db
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the app did not start under uvicorn")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture(scope="module")
def article_url(browser: Browser, base_url: str) -> str:
    """Submit the example article through the home page's form; the article page's URL."""
    text = shared("examples/presstv-2018-idlib.txt").read_text(encoding="utf-8")
    context = browser.new_context()
    pg = context.new_page()
    try:
        pg.goto(base_url + "/")
        pg.fill("textarea#text", text)
        pg.fill("#outlet", "Press TV")  # as a user would: the outlet's raters lead the digest
        with pg.expect_navigation(url="**/a/**", timeout=SLOW):
            pg.click("form[action='/analyze'] [type=submit]")
        return pg.url
    finally:
        context.close()


def _hook(page: Page, selector: str, what: str) -> None:
    """Fail with a clear message when one of the report's hooks is absent."""
    if page.locator(selector).count() == 0:
        pytest.fail(f"the article page has no {selector} ({what})")


def test_submit_example_shows_highlighted_attributions(
    page: Page, article_url: str, base_url: str
) -> None:
    assert article_url.startswith(base_url + "/a/")
    page.goto(article_url)
    assert page.locator("article").first.is_visible()
    assert page.locator("mark.attr-cue").count() > 0
    page.screenshot(path=str(_artifacts() / "article-page.png"), full_page=True)


def _box(page: Page, selector: str) -> dict[str, float]:
    _hook(page, selector, "part of the digest or the reading area")
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not rendered"
    return box


def test_digest_reads_at_a_glance(browser: Browser, article_url: str) -> None:
    """Issue 18, at 1400 px: who said what, how each side is framed and the claims to check are
    all within the first 1,600 px, and the column beside the text ends near the text."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(article_url)
        for part in ("#who-said-what", "#framing-by-side", "#check-first"):
            box = _box(page, part)
            assert box["y"] + box["height"] <= 1600, (part, box)
        assert "SANA" in page.inner_text("#who-said-what")
        assert "Wikipedia perennial sources" in page.inner_text("#digest")
        # The side column beside the text: no element of it ends more than 600 px below the
        # text column's last element.
        main_end = page.evaluate(
            "Math.max(...[...document.querySelectorAll('#text > *')]"
            ".map(e => e.getBoundingClientRect().bottom))"
        )
        side_end = page.evaluate(
            "Math.max(0, ...[...document.querySelectorAll('.reading aside *')]"
            ".map(e => e.getBoundingClientRect().bottom))"
        )
        assert side_end <= main_end + 600, (side_end, main_end)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1400
        page.screenshot(path=str(_artifacts() / "digest-1400.png"))
        page.screenshot(path=str(_artifacts() / "article-1400.png"), full_page=True)
        readme_shot = os.environ.get("CLAIMSCOPE_README_SCREENSHOT")
        if readme_shot:
            page.screenshot(path=readme_shot, full_page=False)
    finally:
        context.close()


def test_phone_width_has_no_horizontal_overflow(browser: Browser, article_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(article_url)
        assert page.locator("#digest").is_visible()
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # No element sticks out to the right (scrolling boxes such as wide plots hold theirs).
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => {"
            " const r = e.getBoundingClientRect();"
            " return r.width > 0 && r.right > document.documentElement.clientWidth + 1"
            " && !e.closest('.table-wrap, figure.plot'); }).map(e => e.tagName + '.' + e.className)"
        )
        assert wide == []
        page.screenshot(path=str(_artifacts() / "article-390.png"), full_page=True)
    finally:
        context.close()


def test_prints_cleanly(browser: Browser, article_url: str) -> None:
    """Print CSS: navigation and layer toggles are not printed, the reading area is one column
    that fits the page, and chromium makes a PDF of it."""
    context = browser.new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page = context.new_page()
    try:
        page.goto(article_url)
        page.emulate_media(media="print")
        for selector in ("nav", ".toolbar"):
            assert not page.locator(selector).first.is_visible(), selector
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        text, aside = _box(page, "#text"), _box(page, ".reading aside")
        assert aside["y"] >= text["y"] + text["height"] - 1  # below the text, not beside it
        pdf = page.pdf(path=str(_artifacts() / "article.pdf"), format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    finally:
        context.close()


def test_click_attribution_shows_resolved_speaker(page: Page, article_url: str) -> None:
    page.goto(article_url)
    link = 'a.attr-link[href="#attr-A3"]'
    _hook(page, link, "links from the highlighted text to the attribution cards")
    page.locator(link).first.click()
    card = page.locator("#attr-A3")
    assert card.is_visible()
    assert "Russia\u2019s Defense Ministry" in card.inner_text()
    assert page.evaluate("location.hash") == "#attr-A3"


def test_toggle_layer_hides_findings(page: Page, article_url: str) -> None:
    page.goto(article_url)
    for layer in LAYERS:
        _hook(page, f"input[type=checkbox]#show-{layer}", f"the toggle for the {layer} layer")
    _hook(page, "mark.finding", "a highlighted framing finding")
    # The first finding whose background no other layer paints (attribution content has a fill).
    index = page.evaluate(
        "[...document.querySelectorAll('mark.finding')].findIndex("
        "m => !m.classList.contains('attr-content'))"
    )
    mark = page.locator("mark.finding").nth(max(index, 0))
    paint = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).boxShadow]"
    before = mark.evaluate(paint)
    toggle = page.locator("#show-finding")
    assert toggle.is_checked()
    toggle.uncheck()
    after = mark.evaluate(paint)
    assert after != before
    # Nothing of the finding layer is painted any more: no fill and no highlight shadow.
    assert after[0] in ("rgba(0, 0, 0, 0)", "transparent")
    assert after[1] == "none"
    toggle.check()
    assert mark.evaluate(paint) == before


def test_open_map_and_timeline(page: Page, article_url: str) -> None:
    page.goto(article_url)
    nav = 'nav[aria-label="Sections"]'
    _hook(page, nav, "the section navigation")
    for target in ("#attributions", "#timeline", "#plots", "#plot-map"):
        _hook(page, f'{nav} a[href="{target}"]', f"a link to {target}")
    page.locator(f'{nav} a[href="#plot-map"]').click()
    assert page.evaluate("location.hash") == "#plot-map"
    map_svg = page.locator("#plot-map svg, svg#plot-map").first
    assert map_svg.is_visible()
    map_svg.screenshot(path=str(_artifacts() / "map.png"))
    page.locator(f'{nav} a[href="#timeline"]').click()
    assert page.evaluate("location.hash") == "#timeline"
    assert page.locator("#timeline").is_visible()


def test_hostile_text_is_shown_as_text(page: Page, base_url: str) -> None:
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto(base_url + "/")
    page.fill("textarea#text", XSS_TITLE + "\n\n" + XSS_BODY)
    page.fill("#title", '<script>window.__xss=4</script><img src=x onerror="window.__xss=5">')
    page.fill("#outlet", '<a href="javascript:window.__xss=6">outlet</a>')
    with page.expect_navigation(url="**/a/**", timeout=SLOW):
        page.click("form[action='/analyze'] [type=submit]")
    page.wait_for_load_state("load")
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.querySelectorAll('img[src=x], img[onerror]').length") == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\" i]').length") == 0
    for script in page.evaluate("[...document.scripts].map(s => s.textContent)"):
        assert "__xss" not in script
    body = page.inner_text("body")
    assert "<script>window.__xss=1</script>" in body or "<script>window.__xss=4</script>" in body
    assert "onerror=" in body
    assert "javascript:window.__xss=" in body
    page.screenshot(path=str(_artifacts() / "xss-page.png"), full_page=True)


def test_cluster_page_draws_its_timeline_without_errors(
    page: Page, base_url: str, app_db: Path
) -> None:
    """Two outlets carry the same article (so its claims cluster); the cluster page's SVG shows
    a mark per claim, and nothing the page loads is refused (CSP) or fails."""
    import json
    import urllib.request

    from claimscope.corpus.corpus_store import open_corpus
    from claimscope.corpus.stories.stored import build_clusters

    text = shared("examples/presstv-2018-idlib.txt").read_text(encoding="utf-8")
    for outlet in ("Outlet A", "Outlet B"):
        body = json.dumps({"text": text, "outlet": outlet, "published": "2018-09-26"}).encode()
        request = urllib.request.Request(
            base_url + "/api/analyze", body, {"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=SLOW / 1000) as r:
            assert r.status == 200
    with open_corpus(app_db) as store:  # the server's own database (one per process)
        _, clusters = build_clusters(store)
    assert clusters, "the same article from two outlets made no cluster"
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{base_url}/corpus/clusters/{clusters[0].id}")
    svg = page.locator("#plot-cluster svg")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300
    members = clusters[0].members
    assert page.locator("table.members tbody tr").count() == len(members)
    # The example submitted through the form earlier (no date) is in the table, not the plot.
    dated = [m for m in members if m.published]
    assert len(dated) >= 2
    assert page.locator("#plot-cluster svg g.claim").count() == len(dated)
    assert page.locator("table.members tr.first").count() == 1
    # The app's stylesheet applied (CSP allows 'self'): the first appearance is highlighted.
    highlight = page.locator("table.members tr.first").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert highlight not in ("rgba(0, 0, 0, 0)", "transparent")
    assert problems == []
    page.screenshot(path=str(_artifacts() / "cluster-page.png"), full_page=True)
