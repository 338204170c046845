"""The HTML reader on real pages (Mozilla Readability's test pages) and on broken input.

The 130 pages in ``../shared/data/html-pages`` come with Readability's expected metadata; the
title is held to it (exact after normalisation), the rest to what the pages declare. Offsets are
checked by reading the markup back: every mapped segment must be the article text.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from claimscope.errors import InputError
from claimscope.ingest.dates import parse_date
from claimscope.ingest.html import declared_charset, decode_page, read_html, read_html_file
from claimscope.ingest.html_meta import headline_from_title, page_title, title_from_document
from claimscope.ingest.normalize import TextBuilder, normalize
from claimscope.model import Article

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "html-pages"
TITLE_RATE = 0.90
COVERAGE = 0.90


@dataclass
class Page:
    name: str
    markup: str  # the decoded HTML source the offset map points into
    expected: dict[str, Any]
    article: Article


def _page_dirs() -> list[Path]:
    if not PAGES.is_dir():
        message = f"{PAGES} is not present (the shared data folder sits beside the repository)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return sorted(p for p in PAGES.iterdir() if (p / "source.html").is_file())


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    """Every page read once (the tests below share the articles)."""
    out: list[Page] = []
    failures: list[str] = []
    for d in _page_dirs():
        data = (d / "source.html").read_bytes()
        try:
            article = read_html(data, source=d.name)
        except Exception as e:  # collected, so that one bad page does not hide the others
            failures.append(f"{d.name}: {type(e).__name__}: {e}")
            continue
        markup, _ = decode_page(data, d.name)
        expected = json.loads((d / "expected-metadata.json").read_text(encoding="utf-8"))
        out.append(Page(d.name, markup, expected, article))
    assert not failures, "pages that failed to ingest:\n" + "\n".join(failures)
    return out


def _norm(s: str | None) -> str:
    return normalize(" ".join((s or "").split()))


def _norm_keep_space(s: str) -> str:
    """Normalised as article text is, with white space kept (``normalize`` strips it)."""
    b = TextBuilder()
    b.add(s, 0, len(s))
    return b.text()


# ---------------------------------------------------------------------------------------------
# The real pages


def test_every_page_ingests(pages: list[Page]) -> None:
    assert len(pages) == len(_page_dirs()) >= 100
    for p in pages:
        a = p.article
        assert a.reader == "html" and a.source == p.name
        assert a.text.strip(), p.name
        assert a.offset_map is not None and a.offset_map.original == "html"


def test_title_matches_readability(pages: list[Page], report_figure: Any) -> None:
    with_title = [p for p in pages if p.expected.get("title")]  # three pages have an empty one
    exact = [p for p in with_title if _norm(p.article.title) == _norm(p.expected["title"])]
    loose = [
        p
        for p in with_title
        if re.sub(r"\W+", "", _norm(p.article.title).casefold())
        == re.sub(r"\W+", "", _norm(p.expected["title"]).casefold())
    ]
    rate = len(exact) / len(with_title)
    figure = (
        f"title match: {len(exact)}/{len(with_title)} = {rate:.1%} exact after normalisation; "
        f"{len(loose)}/{len(with_title)} ignoring case and punctuation"
    )
    report_figure(f"html-pages {figure}")
    misses = [
        f"{p.name}: {p.article.title!r} != {p.expected['title']!r}"
        for p in with_title
        if p not in exact
    ]
    assert rate >= TITLE_RATE, figure + "\n" + "\n".join(misses)


def test_metadata_flows_into_the_article(pages: list[Page], report_figure: Any) -> None:
    """Byline, site name and date the page declares reach ``author``, ``outlet``, ``published``."""

    def agreeing(field: str, key: str, conv: Any) -> list[str]:
        return [
            p.name
            for p in pages
            if p.expected.get(key) and getattr(p.article, field) == conv(p.expected[key])
        ]

    authors = agreeing("author", "byline", _norm)
    outlets = agreeing("outlet", "siteName", _norm)
    dates = agreeing("published", "publishedTime", parse_date)
    report_figure(
        f"html-pages metadata agreeing with Readability: author {len(authors)}, outlet {len(outlets)}, "
        f"published {len(dates)}"
    )
    assert authors and outlets and dates
    # one page where all three are declared and all three arrive
    complete = sorted(set(authors) & set(outlets) & set(dates))
    assert complete, "no page carries byline, site name and date through"
    p = next(p for p in pages if p.name == complete[0])
    assert p.article.author == _norm(p.expected["byline"])
    assert p.article.outlet == _norm(p.expected["siteName"])
    assert p.article.published == parse_date(p.expected["publishedTime"])
    # every declared date is read (the pages' dates are all in their metadata)
    declared = [p for p in pages if parse_date(p.expected.get("publishedTime"))]
    assert len(dates) >= 0.9 * len(declared)


def test_caller_metadata_wins(pages: list[Page]) -> None:
    p = next(p for p in pages if p.article.outlet and p.article.published)
    data = (PAGES / p.name / "source.html").read_bytes()
    a = read_html(data, source=p.name, outlet="Given Outlet", published="2001-02-03", id="x1")
    assert (a.outlet, a.published, a.id) == ("Given Outlet", "2001-02-03", "x1")


def test_sections_and_offsets_point_into_the_page(pages: list[Page], report_figure: Any) -> None:
    mapped = total = 0
    for p in pages:
        a, markup = p.article, p.markup
        assert a.offset_map is not None
        for s in a.sections:
            assert 0 <= s.start <= s.end <= len(a.text), (p.name, s)
        previous_end = 0
        for seg in a.offset_map.segments:
            assert previous_end <= seg.start < seg.end <= len(a.text), (p.name, seg)
            assert 0 <= seg.orig_start < seg.orig_end <= len(markup), (p.name, seg)
            previous_end = seg.end
            source = _norm_keep_space(unescape(markup[seg.orig_start : seg.orig_end]))
            assert source == a.text[seg.start : seg.end], (p.name, seg)
            if seg.end - seg.start == seg.orig_end - seg.orig_start:
                # one-to-one: every offset inside maps to the same character
                mid = (seg.start + seg.end) // 2
                orig = a.offset_map.to_original(mid)
                assert orig is not None
                assert _norm_keep_space(markup[orig]) == a.text[mid], (p.name, seg)
        headline = a.sections[0].end if a.sections and a.sections[0].kind == "headline" else 0
        covered = sum(s.end - s.start for s in a.offset_map.segments if s.start >= headline)
        mapped += covered
        total += len(a.text[headline:].replace("\n\n", ""))
    coverage = mapped / total
    report_figure(
        f"html-pages offset map covers {coverage:.1%} of the article text after the headline"
    )
    assert coverage >= COVERAGE


def test_file_reader_and_its_size_cap(tmp_path: Path) -> None:
    page = max(_page_dirs(), key=lambda d: (d / "source.html").stat().st_size) / "source.html"
    size = page.stat().st_size
    with pytest.raises(InputError, match="size limit"):
        read_html_file(page, max_bytes=size - 1)
    article = read_html_file(page)
    assert article.source == str(page)


# ---------------------------------------------------------------------------------------------
# Bad and unusual input

ARTICLE = (
    "<p>The minister said on Tuesday that the talks would resume next week, according to two "
    "officials who spoke on condition of anonymity.</p>"
    "<p>Opposition leaders called the announcement “wishful thinking” and said they would not "
    "attend until prisoners were released.</p>"
)


def _page(body: str, head: str = "<title>Talks to resume next week, minister says</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


def test_no_main_text_is_a_clear_error() -> None:
    with pytest.raises(InputError, match=r"^page\.html: HTML has no main text$"):
        read_html("<html><body><script>x</script></body></html>", source="page.html")
    with pytest.raises(InputError, match="empty"):
        read_html(b"   ", source="blank.html")
    with pytest.raises(InputError, match="not text"):
        read_html(b"%PDF-1.4\n...", source="doc.pdf")


def test_truncated_html_still_ingests() -> None:
    whole = _page(ARTICLE)
    cut = whole[: whole.index("attend until")]
    article = read_html(cut, source="cut.html")
    assert "talks would resume next week" in article.text
    assert article.title == "Talks to resume next week, minister says"


@pytest.mark.parametrize(
    "markup",
    [
        "<<<>>><html><<body>>&&&;;<p>Hello there, this is a paragraph.</p></x></y><![CDATA[ x",
        "<p>A bare fragment: the minister said the talks would resume next week.</p>",
        "Plain text that someone pasted where HTML was expected. It has two sentences.",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>'
        + "Text. " * 20
        + "</p></body></html>",
        "<html><body><table><tr><td>" * 50
        + "Deeply nested text in cells."
        + "</td></tr></table>" * 5,
        "<html><body><p>Unclosed <b>bold <i>italic <a href='x'>link",
        "<html><body>" + "<div>" * 2000 + "Deep." + "</div>" * 3,
        "\x00\x01<html>\ud800</html>",
    ],
)
def test_malformed_html_raises_only_input_error(markup: str) -> None:
    try:
        article = read_html(markup, source="odd.html")
    except InputError:
        return
    assert article.text.strip()


def test_undeclared_windows_1252_is_decoded_with_a_note() -> None:
    body = "".join(
        f"<p>Paragraph {i}: the minister’s office said “the talks will resume” next week — a claim "
        "the opposition disputed. Café owners in the capital weren’t convinced.</p>"
        for i in range(6)
    )
    data = _page(body).encode("windows-1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    article = read_html(data, source="cp1252.html")
    assert any("decoded as" in n and "detected" in n for n in article.ingest_notes)
    assert "the minister’s office said “the talks will resume” next week —" in article.text
    assert "Café owners" in article.text


def test_declared_latin1_is_read_as_windows_1252() -> None:
    """As browsers do: pages labelled iso-8859-1 use windows-1252's curly quotes."""
    head = (
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><title>T</title>'
    )
    data = _page("<p>“Quoted words” from a page that says it is Latin-1.</p>" * 5, head)
    data_bytes = data.encode("windows-1252")
    assert declared_charset(data_bytes) == "windows-1252"
    article = read_html(data_bytes, source="latin1.html")
    assert "“Quoted words”" in article.text
    assert "decoded as windows-1252 (declared)" in article.ingest_notes


def test_utf8_bytes_win_over_a_stale_declaration() -> None:
    head = '<meta charset="gb2312"><title>T</title>'
    data = _page("<p>宇航员在太空中喝酒会怎么样？后果很严重。</p>" * 5 + ARTICLE, head).encode()
    article = read_html(data, source="stale.html")
    assert "宇航员在太空中喝酒会怎么样" in article.text
    assert "declared encoding 'gb18030' ignored: the bytes are UTF-8" in article.ingest_notes
    assert declared_charset(b'<meta charset="Shift_JIS">') == "cp932"


def test_over_max_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(_page(ARTICLE * 50), encoding="utf-8")
    limit = path.stat().st_size - 1
    with pytest.raises(InputError, match="size limit"):
        read_html_file(path, max_bytes=limit)
    with pytest.raises(InputError, match="size limit"):
        read_html(path.read_bytes(), max_bytes=limit)
    with pytest.raises(InputError, match="size limit"):
        read_html(path.read_text(encoding="utf-8"), max_bytes=limit)
    assert read_html_file(path, max_bytes=limit + 1).text


def test_script_and_style_never_reach_the_text() -> None:
    markup = _page(
        "<script>var SECRET_SCRIPT = 'talks would resume';</script>"
        "<style>.STYLE_RULE { color: red }</style>" + ARTICLE + "<noscript></noscript>",
        head="<title>Talks</title><script>HEAD_SCRIPT()</script><style>HEAD_STYLE{}</style>",
    )
    article = read_html(markup, source="s.html")
    for marker in ("SECRET_SCRIPT", "STYLE_RULE", "HEAD_SCRIPT", "HEAD_STYLE", "color: red"):
        assert marker not in article.text
    assert "talks would resume next week" in article.text


def test_markup_added_by_the_extractor_is_not_text() -> None:
    """List dashes and table pipes are trafilatura's rendering, not the page's words."""
    markup = _page(
        "<ul><li>First point made by the minister.</li><li>Second point.</li></ul>"
        "<table><thead><tr><th>City</th><th>Votes</th></tr></thead>"
        "<tr><td>Aleppo</td><td>1,200</td></tr></table>" + ARTICLE
    )
    article = read_html(markup, source="l.html")
    text = article.text
    assert "\n\nFirst point made by the minister.\n\nSecond point.\n\n" in text
    assert "\n\nCity | Votes\n\nAleppo | 1,200\n\n" in text
    assert "- First" not in text and "|---" not in text and "| " not in text.replace(" | ", "")
    assert article.offset_map is not None
    row = text.index("Aleppo | 1,200")
    assert article.offset_map.to_original(row) == markup.index("Aleppo")


def test_layout_table_keeps_its_paragraphs() -> None:
    """An article laid out in a table cell keeps one paragraph per <p>, not one line per cell."""
    cell = "".join(
        f"<p>Paragraph number {i} of the story, which is long enough to count.</p>"
        for i in range(8)
    )
    markup = _page(f"<table><tr><td>{cell}</td><td><p>Side</p><p>bar</p></td></tr></table>")
    article = read_html(markup, source="t.html")
    assert "Paragraph number 0 of the story, which is long enough to count.\n\n" in article.text


def test_offsets_across_entities_quotes_and_inline_tags() -> None:
    markup = _page(
        "<p>Fish &amp; chips &mdash; the <em>minister</em>&#8217;s ``favourite'' dish, "
        "he said on Tuesday in a long interview.</p>" + ARTICLE
    )
    article = read_html(markup, source="e.html")
    assert article.offset_map is not None
    start = article.text.index("Fish & chips — the minister’s “favourite” dish")
    covered = [s for s in article.offset_map.segments if s.start >= start]
    assert covered and covered[0].start == start
    for seg in article.offset_map.segments:
        piece = _norm_keep_space(unescape(markup[seg.orig_start : seg.orig_end]))
        assert piece == article.text[seg.start : seg.end]
    i = article.text.index("minister’s")
    orig = article.offset_map.to_original(i)
    assert orig is not None and markup[orig : orig + 8] == "minister"


# ---------------------------------------------------------------------------------------------
# Title rules


def _tree(markup: str) -> Any:
    from claimscope.ingest.html import _parse

    tree = _parse(markup)
    assert tree is not None
    return tree


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        # the site name after the last separator goes
        (
            "Talks to resume next week, says minister | Daily News",
            "",
            "Talks to resume next week, says minister",
        ),
        ("Talks to resume next week – Daily News", "", "Talks to resume next week"),
        # too little left: the first part goes instead
        ("Daily News | Talks to resume next week", "", "Talks to resume next week"),
        # "Site: Headline", unless a heading shows the colon is the headline's
        ("Daily News: Talks to resume next week at last", "", "Talks to resume next week at last"),
        (
            "Minister: talks resume next week",
            "<h1>Minister: talks resume next week</h1>",
            "Minister: talks resume next week",
        ),
        # a useless <title> gives way to the only <h1>
        ("Home", "<h1>Talks to resume next week</h1>", "Talks to resume next week"),
        # four words or fewer after cutting: probably the site name, keep the whole title
        ("Talks resume | Daily News", "", "Talks resume | Daily News"),
    ],
)
def test_title_from_document(title: str, body: str, expected: str) -> None:
    assert title_from_document(_tree(_page(body + ARTICLE, f"<title>{title}</title>"))) == expected


def test_metadata_titles_come_first() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "JSON-LD headline of the article",
        "author": [{"@type": "Person", "name": "A. Writer"}, {"name": "B. Writer"}],
        "publisher": {"@type": "Organization", "name": "Daily News"},
        "datePublished": "2019-04-28T06:01:00-07:00",
    }
    head = (
        "<title>Document title | Site</title>"
        '<meta property="og:title" content="Open Graph title">'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    )
    markup = _page(ARTICLE, head)
    assert page_title(_tree(markup)) == "JSON-LD headline of the article"
    article = read_html(markup, source="ld.html")
    assert article.title == "JSON-LD headline of the article"
    assert (article.author, article.outlet, article.published) == (
        "A. Writer, B. Writer",
        "Daily News",
        "2019-04-28",
    )
    head = '<title>Document title | Site</title><meta property="og:title" content="OG &amp;amp; title">'
    assert page_title(_tree(_page(ARTICLE, head))) == "OG & title"


def test_headline_drops_the_site_name_but_title_keeps_it() -> None:
    head = (
        '<meta property="og:title" content="Talks to resume next week - Daily News">'
        '<meta property="og:site_name" content="Daily News">'
    )
    markup = _page(ARTICLE, head)
    assert headline_from_title(
        _tree(markup), "Talks to resume next week - Daily News", "Daily News"
    ) == ("Talks to resume next week")
    article = read_html(markup, source="h.html")
    assert article.title == "Talks to resume next week - Daily News"
    assert article.sections[0].kind == "headline"
    assert article.text.startswith("Talks to resume next week\n\n")
    # the on-page <h1> repeating the title is the headline, not written twice
    markup = _page("<h1>Talks to resume next week</h1>" + ARTICLE, head)
    article = read_html(markup, source="h1.html")
    assert article.text.count("Talks to resume next week") == 1
