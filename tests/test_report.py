"""The Markdown and HTML reports: the sourcing, voices, per-actor framing, findings and claims
sections, read back the way a person would see them (Markdown through a renderer, HTML parsed),
and article strings escaped in every one of them."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement
from markdown_it import MarkdownIt

from claimscope.ingest.text import read_text
from claimscope.model import (
    ActorFraming,
    Analysis,
    Article,
    Attribution,
    Claim,
    Finding,
    RankReason,
    Section,
    Sourcing,
    Span,
    Speaker,
    Voice,
)
from claimscope.pipeline import analyze
from claimscope.report import render

FORMATS = ("md", "html")
NEW_SECTIONS = (
    "Sourcing",
    "Voices",
    "Framing by actor",
    "Framing findings",
    "Claims ranked for checking",
)
# Raw HTML, a javascript: link, emphasis and a table pipe: each would change what a reader sees.
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(2)) *bold* a | b"


def _shown(report: str, fmt: str) -> str:
    """The HTML a reader's viewer shows: Markdown rendered (tables on), HTML as it is."""
    return MarkdownIt().enable("table").render(report) if fmt == "md" else report


def _sections(report: str, fmt: str) -> dict[str, HtmlElement]:
    """Each part of the shown report under its ``h2`` title, as a parsed element."""
    html = _shown(report, fmt)
    if fmt == "html":
        doc = lxml.html.document_fromstring(html)
        return {s.findtext("h2"): s for s in doc.iter("section")}
    chunks = re.split(r"(?=<h2>)", html)
    parsed = [lxml.html.fragment_fromstring(c, create_parent="div") for c in chunks[1:]]
    return {p.findtext("h2"): p for p in parsed}


def _rows(section: HtmlElement) -> list[list[str]]:
    return [[td.text_content() for td in tr.findall("td")] for tr in section.iter("tr")][1:]


@pytest.fixture(scope="module")
def example_reports(example_analysis: Analysis) -> dict[str, dict[str, HtmlElement]]:
    return {fmt: _sections(render(example_analysis, fmt), fmt) for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_example_sourcing_summary(
    example_analysis: Analysis, example_reports: dict[str, dict[str, HtmlElement]], fmt: str
) -> None:
    s = example_analysis.sourcing
    assert s is not None and s.one_sided
    shown = " ".join(example_reports[fmt]["Sourcing"].text_content().split())
    assert re.search(r"One-sided:? ?yes", shown), shown
    assert s.reason in shown
    assert f"{s.voices}, with {s.attributions} attributed statements" in shown
    assert "government/official" in shown and "Russia" in shown and "Syria" in shown
    assert "White Helmets" in shown  # labelled, never quoted
    voices = _rows(example_reports[fmt]["Voices"])
    assert [r[0] for r in voices] == [v.speaker for v in example_analysis.voices]
    assert all(r[1] in {"government/official", "military", "state media"} for r in voices)


@pytest.mark.parametrize("fmt", FORMATS)
def test_example_framing_by_actor(
    example_analysis: Analysis, example_reports: dict[str, dict[str, HtmlElement]], fmt: str
) -> None:
    rows = {r[0]: r for r in _rows(example_reports[fmt]["Framing by actor"])}
    assert set(rows) == {a.actor for a in example_analysis.framing_by_actor}
    _actor, _aff, statements, cues, _distancing, labels, _doubted = rows["White Helmets"]
    assert statements == "0" and cues == ""
    assert "Western-backed" in labels and "“aid group”" in labels
    quoted = next(a for a in example_analysis.framing_by_actor if a.statements)
    assert rows[quoted.actor][2] == str(quoted.statements)
    assert "say" in rows[quoted.actor][3]
    assert "purported goal" in rows["United States"][6]  # "the US", grouped


@pytest.mark.parametrize("fmt", FORMATS)
def test_example_findings(
    example_analysis: Analysis, example_reports: dict[str, dict[str, HtmlElement]], fmt: str
) -> None:
    """Issue 18: one row per distinct finding with its count, a plain technique name, whose words
    it is in; "false-flag" (three uses, each also a repetition) is one row, not six."""
    rows = _rows(example_reports[fmt]["Framing findings"])
    places = {(f.start, f.end) for f in example_analysis.findings}
    assert sum(int(r[3]) for r in rows) == len(places)  # every occurrence counted once
    false_flag = [r for r in rows if "false-flag" in r[1]]
    assert len(false_flag) == 1
    technique, _words, target, times, whose, _why = false_flag[0]
    assert (technique, target, times) == ("Loaded words", "chemical attack", "3")
    assert "Bashar Ja'afari" in whose and "reporting" in whose  # inside his reported words
    scare = next(r for r in rows if r[0] == "Scare quotes")
    assert scare[1:4] == ["“aid group”", "White Helmets", "1"]
    assert "writer does not accept" in scare[5]
    # the outlet's own hedging is said to be the outlet's
    doubt = next(r for r in rows if r[1] == "purported")
    assert doubt[0] == "Casting doubt" and doubt[4] == "the outlet"
    assert all(r[0][:1].isupper() and "_" not in r[0] for r in rows)  # reader-facing names
    assert all(r[4] for r in rows)
    for r in rows:  # no finding aimed at its own words
        assert not {_plain(w) for w in r[1].split(", ")} & {_plain(t) for t in r[2].split(", ")}


def _plain(word: str) -> str:
    return word.strip("“”").lower().removesuffix("s")


@pytest.mark.parametrize("fmt", FORMATS)
def test_example_claims_ranked_by_priority(
    example_analysis: Analysis, example_reports: dict[str, dict[str, HtmlElement]], fmt: str
) -> None:
    rows = _rows(example_reports[fmt]["Claims ranked for checking"])
    assert len(rows) == min(10, len(example_analysis.claims))
    priorities = [float(r[1]) for r in rows]
    assert priorities == sorted(priorities, reverse=True)
    best = max(example_analysis.claims, key=lambda c: c.priority or 0)
    assert rows[0][4] == best.text
    by_text = {r[4][:30]: r for r in rows}
    stockpile = by_text["Syria surrendered its entire c"]
    assert stockpile[3] == "outlet" and "a date (2013)" in stockpile[5]
    april = by_text["On April 14, the US, Britain a"]
    assert april[3] == "outlet" and april[6] == "purported"
    assert float(april[1]) > float(april[2])  # raised above its sentence score, and says why
    assert april[5].startswith("raised by a date (April 14)")
    assert any(r[3] == "attributed to Walid al-Muallem" for r in rows)


def _hostile_analysis() -> Analysis:
    """Every string the new sections show, from the article or derived from it, is hostile."""
    text = f"Officials of {HOSTILE} said that {HOSTILE} staged it."
    first = text.index(HOSTILE)
    second = text.index(HOSTILE, first + 1)
    hostile_span = Span.of(text, second, second + len(HOSTILE))
    return Analysis(
        article=Article(
            id="hostile",
            title=HOSTILE,
            text=text,
            sections=[Section(kind="body", start=0, end=len(text))],
        ),
        attributions=[
            Attribution(
                id="A1",
                kind="indirect",
                cue=Span.of(text, text.index("said"), text.index("said") + 4),
                speaker=Speaker(name=HOSTILE, type="ORG"),
                content=[Span.of(text, second, len(text) - 1)],
                confidence=0.9,
            )
        ],
        claims=[
            Claim(
                id="C1",
                start=second,
                end=len(text) - 1,
                text=text[second:-1],
                voice="attributed",
                attribution="A1",
                hedges=[hostile_span],
                boosters=[hostile_span],
                checkworthiness=0.9,
                priority=0.92,
                reasons=[RankReason(feature="place", effect=0.3, text=HOSTILE)],
            )
        ],
        findings=[
            Finding(
                id="F1",
                technique="name_calling",
                start=first,
                end=first + len(HOSTILE),
                text=HOSTILE,
                target=HOSTILE,
                explanation=f"“{HOSTILE}” labels “{HOSTILE}”.",
                confidence=0.6,
            )
        ],
        voices=[
            Voice(
                speaker=HOSTILE,
                attributions=["A1"],
                affiliation=HOSTILE,
                category=HOSTILE,
                basis=HOSTILE,
            )
        ],
        sourcing=Sourcing(
            voices=1,
            attributions=1,
            by_category={HOSTILE: 1.0},
            by_affiliation={HOSTILE: 1.0},
            one_sided=True,
            reason=HOSTILE,
            unheard=[HOSTILE],
        ),
        framing_by_actor=[
            ActorFraming(
                actor=HOSTILE,
                affiliation=HOSTILE,
                statements=1,
                cues={HOSTILE: 1},
                labels=[HOSTILE],
                hedged=[HOSTILE],
                findings=["F1"],
            )
        ],
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_new_sections_escape_article_strings(fmt: str) -> None:
    report = render(_hostile_analysis(), fmt)
    shown = _shown(report, fmt)
    assert "<script" not in shown and "<em>bold</em>" not in shown
    assert 'href="javascript:' not in shown
    sections = _sections(report, fmt)
    assert set(NEW_SECTIONS) <= set(sections)
    # Shown as text, character for character: nothing became markup, no table cell was split.
    summary = sections["Sourcing"].text_content()
    assert summary.count(HOSTILE) == 4  # reason, by category, by affiliation, unheard
    assert _rows(sections["Voices"]) == [[HOSTILE, HOSTILE, HOSTILE, "1", HOSTILE]]
    assert _rows(sections["Framing by actor"]) == [
        [HOSTILE, HOSTILE, "1", f"{HOSTILE} 1", "0", HOSTILE, HOSTILE]
    ]
    assert _rows(sections["Framing findings"]) == [
        ["Labelling", HOSTILE, HOSTILE, "1", "the outlet", f"“{HOSTILE}” labels “{HOSTILE}”."]
    ]
    assert _rows(sections["Claims ranked for checking"]) == [
        [
            "1",
            "0.92",
            "0.90",
            f"attributed to {HOSTILE}",
            f"{HOSTILE} staged it",
            f"raised by a place ({HOSTILE})",
            HOSTILE,
            HOSTILE,
        ]
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_claim_from_hostile_article_text_is_escaped(nlp: Any, fmt: str) -> None:
    """Through the real pipeline: the markup in the article's words reaches the claims table as
    text."""
    text = (
        "Russia’s Defense Ministry said the Western-backed <script>alert(1)</script> militants had "
        "staged an alleged gas attack in Idlib on September 12, 2018.\n"
    )
    analysis = analyze(read_text(text, source="<test>"), nlp=nlp)
    report = render(analysis, fmt)
    assert "<script" not in _shown(report, fmt)
    claims = [r[4] for r in _rows(_sections(report, fmt)["Claims ranked for checking"])]
    assert any("<script>alert(1)</script> militants" in c for c in claims), claims


def test_markdown_says_who_said_what_with_relays(
    example_analysis: Analysis, example_reports: dict[str, dict[str, HtmlElement]]
) -> None:
    """Issue 18: the Markdown report had no attributions, so the SANA relay was missing."""
    rows = _rows(example_reports["md"]["Attributions"])
    assert len(rows) == len(example_analysis.attributions)
    for row, a in zip(rows, example_analysis.attributions, strict=True):
        assert row[0] == (a.speaker.name if a.speaker else a.source.text if a.source else row[0])
        assert row[1] == a.cue.text
    relayed = [r for r in rows if r[3] == "SANA"]
    assert relayed and relayed[0][0] == "Russia’s Defense Ministry"


def test_markdown_attributions_escape_article_strings(nlp: Any) -> None:
    text = f'Officials said "{HOSTILE} staged it" on Monday, the {HOSTILE} agency reported.'
    report = render(analyze(read_text(text), nlp=nlp), "md")
    rows = _rows(_sections(report, "md")["Attributions"])
    assert rows and "<script" not in _shown(report, "md")
    assert any(HOSTILE in cell for row in rows for cell in row), rows
