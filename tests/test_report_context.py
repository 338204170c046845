"""The context the reports give beside the article: the outlet's registry entry (every rating on a
row of its own, never blended) and the published fact-checks that match claims, read back the way
a person would see them (Markdown through a renderer, HTML parsed), with every string from the
article, the registry or the fact-check store escaped and only http(s) URLs made links."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement
from markdown_it import MarkdownIt

from claimscope.ingest.text import read_text
from claimscope.model import (
    Analysis,
    Article,
    Attribution,
    Claim,
    FactCheckMatch,
    Section,
    Span,
    Speaker,
)
from claimscope.pipeline import analyze
from claimscope.report import render
from claimscope.report.wording import web_url

FORMATS = ("md", "html")
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
MD_LINK = "[x](javascript:alert(1))"
# Raw HTML, an attribute break-out, a javascript: Markdown link, emphasis and a table pipe.
HOSTILE = f"{SCRIPT} {IMG} {MD_LINK} *em* a | b"
JS_URL = "javascript:alert(1)"
# An http(s) URL is linked, so its markup must stay inside the href, escaped or percent-encoded.
HOSTILE_HTTP = 'https://example.org/r?q="><img/src=x/onerror=alert(1)>&t=[x](javascript:alert(1))|y'


# --- Reading a report back ------------------------------------------------------------------


def _shown(report: str, fmt: str) -> str:
    """The HTML a reader's viewer shows: Markdown rendered (tables on), HTML as it is."""
    return MarkdownIt().enable("table").render(report) if fmt == "md" else report


def _split(html: str, tag: str) -> dict[str, HtmlElement]:
    chunks = re.split(rf"(?=<{tag}>)", html)
    parsed = [lxml.html.fragment_fromstring(c, create_parent="div") for c in chunks[1:]]
    return {" ".join(p.findtext(tag).split()): p for p in parsed}


def _sections(report: str, fmt: str) -> dict[str, HtmlElement]:
    """Each part of the shown report under its ``h2`` title."""
    html = _shown(report, fmt)
    if fmt == "html":
        doc = lxml.html.document_fromstring(html)
        return {s.findtext("h2"): s for s in doc.iter("section")}
    return _split(html, "h2")


def _claim_blocks(report: str, fmt: str) -> dict[str, HtmlElement]:
    """The Fact-checks section's block for each claim, by claim id."""
    section = _sections(report, fmt)["Fact-checks"]
    if fmt == "html":
        blocks = {d.get("id"): d for d in section.find_class("fc-claim")}
        for key, block in blocks.items():
            assert block.findtext("h3").startswith(f"Claim {key.removeprefix('fc-')} ")
        return {k.removeprefix("fc-"): b for k, b in blocks.items()}
    html = lxml.html.tostring(section, encoding="unicode")
    return {h.split()[1]: b for h, b in _split(html, "h3").items()}


def _rows(element: HtmlElement) -> list[list[str]]:
    """Body rows of the tables in ``element``, each as the text of its cells."""
    return [
        [td.text_content() for td in tr.findall("td")]
        for tr in element.iter("tr")
        if tr.findall("td")
    ]


def _row_links(element: HtmlElement) -> list[list[str | None]]:
    """The href of the links in each body row (None in a row without one)."""
    return [
        [a.get("href") for a in tr.iter("a")] or [None]
        for tr in element.iter("tr")
        if tr.findall("td")
    ]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _assert_inert(shown: str) -> None:
    """No script, no image, no event handler, no javascript: link, as a browser would tokenize."""
    parser = _Tags()
    parser.feed(shown)
    assert not [t for t, _ in parser.tags if t in ("script", "img")]
    assert not [a for _, attrs in parser.tags for a, _ in attrs if a.lower().startswith("on")]
    hrefs = [v or "" for _, attrs in parser.tags for a, v in attrs if a == "href"]
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], hrefs
    assert "<em>em</em>" not in shown


# --- Analyses to render ---------------------------------------------------------------------

RATINGS = [
    {
        "rater": "Wikipedia perennial sources",
        "label": "generally unreliable",
        "value": -1,
        "domain": "presstv.com",
        "date": None,
        "source": "idiap/wikipedia_perennial_sources.json",
        "licence": "CC BY-SA 4.0",
    },
    {
        "rater": "Wikipedia perennial sources",
        "label": "deprecated",
        "value": -2,
        "domain": "presstv.ir",
        "date": "2020-01-15",
        "source": "idiap/wikipedia_perennial_sources.json",
        "licence": "CC BY-SA 4.0",
    },
    {
        "rater": "idiap golden truth (mbfc)",
        "label": None,
        "value": -1,
        "domain": "presstv.ir",
        "date": None,
        "source": "idiap/golden_truth_dataset.csv",
        "licence": "Apache-2.0",
    },
    {
        "rater": "idiap graph reliability",
        "label": None,
        "value": {"p-reliability": -0.987, "pagerank": 0.948},
        "domain": "presstv.com",
        "date": None,
        "source": "idiap/reliability_scores.json",
        "licence": "Apache-2.0",
    },
]
EXPECTED_RATING_ROWS = [
    [
        "Wikipedia perennial sources",
        "generally unreliable",
        "presstv.com",
        "no date",
        "idiap/wikipedia_perennial_sources.json",
        "CC BY-SA 4.0",
    ],
    [
        "Wikipedia perennial sources",
        "deprecated",
        "presstv.ir",
        "2020-01-15",
        "idiap/wikipedia_perennial_sources.json",
        "CC BY-SA 4.0",
    ],
    [
        "idiap golden truth (mbfc)",
        "-1",
        "presstv.ir",
        "no date",
        "idiap/golden_truth_dataset.csv",
        "Apache-2.0",
    ],
    [
        "idiap graph reliability",
        "p-reliability -0.987, pagerank 0.948",
        "presstv.com",
        "no date",
        "idiap/reliability_scores.json",
        "Apache-2.0",
    ],
]
OUTLET = {
    "name": "Press TV",
    "domains": ["presstv.ir", "presstv.com"],
    "aliases": ["PressTV"],
    "country": "Iran",
    "typology": "SC",
    "typology_meaning": "State-controlled media",
    "parent": "Islamic Republic of Iran Broadcasting (IRIB)",
    "status": "currently not functional",
    "ratings": RATINGS,
    "matched_from": "outlet “Press TV”",
}


def _match(claim: str, score: float, **fields: Any) -> FactCheckMatch:
    return FactCheckMatch(claim=claim, score=score, **fields)


@pytest.fixture(scope="module")
def context_analysis(example_analysis: Analysis) -> Analysis:
    """The example with a registry entry and matches on two claims (a copy: the fixture is shared)."""
    analysis = example_analysis.model_copy(deep=True)
    analysis.article.outlet = "Press TV"
    analysis.outlet = OUTLET
    by_start = sorted(analysis.claims, key=lambda c: c.start)
    stockpile = next(c for c in by_start if c.text.startswith("Syria surrendered"))
    stockpile.factchecks = [
        _match(
            "Syria handed over its whole chemical arsenal in 2013.",
            0.81234,
            reviewer="Second Check",
            rating="False",
            url="http://second.example/review",
            date=None,
        ),
        _match(
            "Syria handed over its entire chemical weapons stockpile in 2013.",
            0.979,
            reviewer="Example Check",
            rating="Mostly false",
            url="https://example.org/fc/1",
            date="2018-04-20",
        ),
    ]
    strike = next(c for c in by_start if c.text.startswith("On April 14"))
    strike.factchecks = [
        _match("The US struck Syria on April 14, 2018.", 0.7, rating="True", reviewer=None)
    ]
    return analysis


@pytest.fixture(scope="module")
def context_reports(context_analysis: Analysis) -> dict[str, str]:
    return {fmt: render(context_analysis, fmt) for fmt in FORMATS}


def _hostile_analysis() -> Analysis:
    """Every string the outlet panel and the fact-checks show is hostile, and so are the URLs."""
    text = f"Officials said that {HOSTILE} staged it."
    start = text.index(HOSTILE)
    end = len(text) - 1
    said = text.index("said")
    return Analysis(
        article=Article(
            id="hostile",
            title="Hostile",
            outlet=HOSTILE,
            url=HOSTILE_HTTP,
            text=text,
            sections=[Section(kind="body", start=0, end=len(text))],
        ),
        attributions=[
            Attribution(
                id="A1",
                kind="indirect",
                cue=Span.of(text, said, said + 4),
                speaker=Speaker(name=HOSTILE, type="ORG"),
                content=[Span.of(text, start, end)],
                confidence=0.9,
            )
        ],
        claims=[
            Claim(
                id="C1",
                start=start,
                end=end,
                text=text[start:end],
                voice="attributed",
                attribution="A1",
                checkworthiness=0.9,
                factchecks=[
                    _match(HOSTILE, 0.955, reviewer=HOSTILE, rating=HOSTILE, url=HOSTILE_HTTP),
                    _match(HOSTILE, 0.9, reviewer=HOSTILE, rating=HOSTILE, url=JS_URL),
                    _match(HOSTILE, 0.85, reviewer=HOSTILE, rating=HOSTILE, url=IMG),
                    _match(HOSTILE, 0.8, reviewer=HOSTILE, rating=HOSTILE, url=MD_LINK),
                ],
            )
        ],
        outlet={
            "name": HOSTILE,
            "country": HOSTILE,
            "typology": HOSTILE,
            "typology_meaning": HOSTILE,
            "parent": HOSTILE,
            "status": HOSTILE,
            "domains": [HOSTILE],
            "matched_from": HOSTILE,
            "ratings": [
                {
                    "rater": HOSTILE,
                    "label": HOSTILE,
                    "value": 1,
                    "domain": HOSTILE,
                    "date": HOSTILE,
                    "source": HOSTILE,
                    "licence": HOSTILE,
                },
                {"rater": HOSTILE, "label": None, "value": {HOSTILE: HOSTILE}, "source": HOSTILE},
            ],
        },
    )


# --- The outlet panel -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_outlet_panel_lists_every_rating_separately(
    context_reports: dict[str, str], fmt: str
) -> None:
    section = _sections(context_reports[fmt], fmt)["Outlet"]
    # One row per rating, in the registry's order: two verdicts of one rater stay two rows, a
    # value without a label is shown as given, and nothing is averaged into a score of its own.
    assert _rows(section) == EXPECTED_RATING_ROWS
    shown = " ".join(section.text_content().split())
    for expected in (
        "Press TV",
        "Iran",
        "State-controlled media (SC)",
        "Islamic Republic of Iran Broadcasting (IRIB)",
        "currently not functional",
        "presstv.ir, presstv.com",
        "outlet “Press TV”",
        "not combined into one score",
    ):
        assert expected in shown, expected
    # The scales of the bare values, from the packaged registry, so that "-1" can be read.
    assert "1 reliable, 0 mixed or no consensus, -1 unreliable" in shown
    assert "scores in [-1, 1]" in shown


def test_outlet_panel_placement_and_nav(context_reports: dict[str, str]) -> None:
    """The verdict (a line per rater, domains folded) leads the digest; every rating row is in
    the details, reached from the navigation."""
    doc = lxml.html.document_fromstring(context_reports["html"])
    panel = doc.get_element_by_id("outlet")
    assert panel.getparent().tag == "main"  # in the details, not in a side column
    verdicts = doc.get_element_by_id("digest").find_class("verdicts")[0]
    shown = " ".join(verdicts.text_content().split())
    assert shown.startswith("Outlet Press TV: Iran, State-controlled media (SC)")
    raters = [" ".join(li.text_content().split()) for li in verdicts.iter("li")]
    # Wikipedia's two different verdicts stay two lines (never blended into one).
    assert len(raters) == len({(r.rater, r.rating) for r in _rating_rows()}) == 4
    assert sum(r.startswith("Wikipedia perennial sources") for r in raters) == 2
    nav = next(n for n in doc.iter("nav") if n.get("aria-label") == "Sections")
    hrefs = [a.get("href") for a in nav.iter("a")]
    assert hrefs[0] == "#digest" and "#outlet" in hrefs and "#factchecks" in hrefs
    md = context_reports["md"]
    assert md.index("| Outlet | Press TV |") < md.index("**Outlet:** Press TV: Iran")
    assert md.index("## At a glance") < md.index("## Outlet")


def _rating_rows() -> list[Any]:
    from claimscope.report.outlet import outlet_ratings

    return outlet_ratings(OUTLET)


@pytest.mark.parametrize("fmt", FORMATS)
def test_outlet_not_in_registry_is_said_only_when_one_was_named(
    example_analysis: Analysis, fmt: str
) -> None:
    analysis = example_analysis.model_copy(deep=True)
    assert analysis.outlet is None and analysis.article.outlet is None
    assert analysis.article.url is None
    report = render(analysis, fmt)
    assert "Outlet" not in _sections(report, fmt)
    assert "outlet registry" not in report and "#outlet" not in report

    analysis.article.outlet = "Nowhere Gazette"
    report = render(analysis, fmt)
    section = _sections(report, fmt)["Outlet"]
    assert " ".join(section.text_content().split()) == (
        "Outlet “Nowhere Gazette” is not in the outlet registry."
    )
    analysis.article.url = "https://nowhere.example/story"
    section = _sections(render(analysis, fmt), fmt)["Outlet"]
    assert "Neither “Nowhere Gazette” nor “https://nowhere.example/story” is in the outlet" in (
        section.text_content()
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_outlet_from_the_registry_through_the_pipeline(nlp: Any, fmt: str) -> None:
    text = "Talks resume\n\nThe ministry said on Tuesday that talks would resume in Geneva.\n"
    analysis = analyze(read_text(text, source="<t>", outlet="PressTV"), nlp=nlp)
    assert analysis.outlet is not None and len(analysis.outlet["ratings"]) > 1
    section = _sections(render(analysis, fmt), fmt)["Outlet"]
    rows = _rows(section)
    assert len(rows) == len(analysis.outlet["ratings"])
    for row, rating in zip(rows, analysis.outlet["ratings"], strict=True):
        assert row[0] == rating["rater"] and row[4] == rating["source"]
        assert row[5] == rating["licence"] and row[2] == rating["domain"]
    shown = section.text_content()
    assert "State-controlled media (SC)" in shown and "outlet “PressTV”" in shown


# --- Fact-check matches ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_factchecks_under_the_right_claim(
    context_analysis: Analysis, context_reports: dict[str, str], fmt: str
) -> None:
    report = context_reports[fmt]
    blocks = _claim_blocks(report, fmt)
    checked = sorted((c for c in context_analysis.claims if c.factchecks), key=lambda c: c.start)
    assert list(blocks) == [c.id for c in checked]  # reading order
    strike, stockpile = checked
    block = blocks[stockpile.id]
    assert " ".join(block.find(".//blockquote").text_content().split()) == stockpile.text
    # Best match first, the score to two decimals, missing fields said so.
    assert _rows(block) == [
        [
            "Mostly false",
            "Example Check",
            "2018-04-20",
            "Syria handed over its entire chemical weapons stockpile in 2013.",
            "0.98",
            "https://example.org/fc/1",
        ],
        [
            "False",
            "Second Check",
            "no date",
            "Syria handed over its whole chemical arsenal in 2013.",
            "0.81",
            "http://second.example/review",
        ],
    ]
    assert _row_links(block) == [["https://example.org/fc/1"], ["http://second.example/review"]]
    assert _rows(blocks[strike.id]) == [
        ["True", "not given", "no date", "The US struck Syria on April 14, 2018.", "0.70", ""]
    ]
    assert _row_links(blocks[strike.id]) == [[None]]
    if fmt == "html":
        for a in blocks[stockpile.id].iter("a"):
            assert a.get("rel") == "noopener noreferrer nofollow"


@pytest.mark.parametrize("fmt", FORMATS)
def test_claims_table_names_the_matches(
    context_analysis: Analysis, context_reports: dict[str, str], fmt: str
) -> None:
    rows = _rows(_sections(context_reports[fmt], fmt)["Claims ranked for checking"])
    by_claim = {r[4]: r for r in rows}
    assert all(len(r) == 9 for r in rows)
    stockpile = next(t for t in by_claim if t.startswith("Syria surrendered"))
    # Each match with its score in words, so that a 0.70 match does not read like a 0.98 one.
    assert by_claim[stockpile][8] == (
        "Mostly false (Example Check), close match 0.98; False (Second Check), likely match 0.81"
    )
    strike = next(t for t in by_claim if t.startswith("On April 14"))
    assert by_claim[strike][8] == "True, possible match 0.70"
    unchecked = [r for t, r in by_claim.items() if t not in (stockpile, strike)]
    assert unchecked and all(r[8] == "" for r in unchecked)
    if fmt == "html":
        doc = lxml.html.document_fromstring(context_reports["html"])
        links = [a.get("href") for a in doc.get_element_by_id("claims").iter("a")]
        ids = {c.id for c in context_analysis.claims if c.factchecks}
        assert sorted(links) == sorted(f"#fc-{i}" for i in ids)
        assert all(doc.get_element_by_id(h[1:]) is not None for h in links)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_matches_no_factchecks(example_analysis: Analysis, fmt: str) -> None:
    assert not any(c.factchecks for c in example_analysis.claims)
    report = render(example_analysis, fmt)
    sections = _sections(report, fmt)
    assert "Fact-checks" not in sections
    assert "fact-check" not in report.lower()
    assert all(len(r) == 8 for r in _rows(sections["Claims ranked for checking"]))


# --- Escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_outlet_and_factchecks_are_escaped(fmt: str) -> None:
    report = render(_hostile_analysis(), fmt)
    shown = _shown(report, fmt)
    _assert_inert(shown)
    sections = _sections(report, fmt)
    # Shown as text, character for character: nothing became markup, no table cell was split.
    outlet = sections["Outlet"]
    assert _rows(outlet) == [
        [HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE],
        [HOSTILE, f"{HOSTILE} {HOSTILE}", "", "no date", HOSTILE, ""],
    ]
    assert " ".join(outlet.text_content().split()).count(HOSTILE) >= 9  # + 2 rows, 12 cells
    assert f"{HOSTILE} ({HOSTILE})" in outlet.text_content()  # typology with its meaning
    assert not list(outlet.iter("a"))

    block = _claim_blocks(report, fmt)["C1"]
    assert " ".join(block.find(".//blockquote").text_content().split()) == f"{HOSTILE} staged it"
    assert "voice: attributed to" in block.text_content() and HOSTILE in block.findtext(".//h3")
    rows = _rows(block)
    scores = ["0.95", "0.90", "0.85", "0.80"]  # 0.955 rounds to two decimals
    assert [r[:5] for r in rows] == [[HOSTILE, HOSTILE, "no date", HOSTILE, s] for s in scores]
    # Only the http(s) URL is a link, its markup kept inside the href; the others are text.
    assert [r[5] for r in rows] == [HOSTILE_HTTP, JS_URL, IMG, MD_LINK]
    links = _row_links(block)
    assert links[1:] == [[None], [None], [None]]
    (href,) = links[0]
    assert href is not None
    if fmt == "html":
        assert href == HOSTILE_HTTP  # attribute-escaped in the source, intact when parsed
    else:
        assert href.startswith("https://example.org/r?q=%22%3E%3Cimg/src=x/onerror=alert")
        assert not set('"<>()[] |') & set(href)
    claims = _rows(sections["Claims ranked for checking"])
    words = ["close match 0.95", "close match 0.90", "likely match 0.85", "likely match 0.80"]
    assert claims[0][8] == "; ".join(f"{HOSTILE} ({HOSTILE}), {w}" for w in words)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/fc/1", True),
        ("HTTP://EXAMPLE.ORG/x", True),
        (" https://example.org/padded ", True),
        (JS_URL, False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//example.org/no-scheme", False),
        ("https://", False),
        ("https://example.org/a b", False),
        ("https://example.org/\nx", False),
        ("example.org/fc", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_urls_are_links(url: str | None, linked: bool) -> None:
    assert (web_url(url) is not None) is linked
