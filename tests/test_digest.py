"""The digest at the top of both reports (issue 18): the verdict lines, who said what, how each
side is framed and the claims to check first; built from the analysis, then shown as text in the
HTML and Markdown reports, every article string escaped."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement
from markdown_it import MarkdownIt

from claimscope.ingest.text import read_text
from claimscope.knowledge import outlets
from claimscope.model import (
    ActorFraming,
    Analysis,
    Article,
    Attribution,
    Claim,
    FactCheckMatch,
    Finding,
    RankReason,
    Relay,
    Section,
    Sourcing,
    Span,
    Speaker,
    Voice,
)
from claimscope.pipeline import analyze
from claimscope.report import render
from claimscope.report.digest import digest, sides
from claimscope.report.outlet import outlet_ratings, rater_lines

FORMATS = ("md", "html")
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(2)) *bold* a | b"


@pytest.fixture(scope="module")
def example_digest(example_analysis: Analysis) -> Any:
    return digest(example_analysis)


def test_example_who_said_what(example_analysis: Analysis, example_digest: Any) -> None:
    lines = {v.speaker: v for v in example_digest.voices}
    ministry = lines["Russia’s Defense Ministry"]
    assert ministry.relays == ("SANA",)  # "SANA quoted the defense ministry as saying"
    assert (ministry.category, ministry.affiliation) == ("military", "Russia")
    assert ministry.count == 3 and len(ministry.statements) == 2 and ministry.more == 1
    assert all(len(words) <= 110 for _, words in ministry.statements)
    assert "SANA" not in lines  # a relay with no words of its own is no line
    counts = [v.count for v in example_digest.voices]
    assert counts == sorted(counts, reverse=True)
    assert {"White Helmets", "militants"} <= set(example_digest.unheard)
    assert example_digest.verdicts.one_sided


def test_example_sides(example_digest: Any) -> None:
    by_side = {s.side: s for s in example_digest.sides}
    heard = [s for s in example_digest.sides if s.statements]
    assert {s.side for s in heard} == {"Russia", "Syria"}  # by affiliation
    assert list(example_digest.sides[: len(heard)]) == heard  # heard sides first
    assert "Russia’s Defense Ministry" in by_side["Russia"].actors
    assert dict(by_side["Syria"].cues)["say"] >= 2
    assert by_side["White Helmets"].labels == ("Western-backed", "“aid group”")
    # "foreign-backed Takfiri militants": the label "Takfiri" is no side of its own
    assert "Takfiri" not in by_side and set(by_side["militants"].labels) == {
        "foreign-backed",
        "Takfiri",
    }
    # the US, Britain and France share one doubt ("purported goal"): one side
    (allies,) = [s for s in example_digest.sides if "purported goal" in s.hedges]
    assert allies.side == "United States, Britain, France" and allies.statements == 0


def test_example_claims_to_check(example_analysis: Analysis, example_digest: Any) -> None:
    ranked = sorted(example_analysis.claims, key=lambda c: (-(c.priority or 0), c.start))
    assert [c.id for c in example_digest.claims] == [c.id for c in ranked[:5]]
    april = next(c for c in example_digest.claims if c.text.startswith("On April 14"))
    assert april.hedges == ("purported",) and april.voice == "outlet"
    assert april.why.startswith("raised by a date (April 14)")


def test_raters_fold_domains_never_verdicts() -> None:
    """Press TV's registry entry: a rater's one verdict on four domains is one line; a rater's
    different verdicts stay apart."""
    entry = outlets.lookup("Press TV")
    assert entry is not None
    rows = outlet_ratings(entry.to_dict())
    lines = rater_lines(rows)
    assert len(lines) == len({(r.rater, r.rating, r.source) for r in rows}) < len(rows)
    wiki = next(line for line in lines if line.rater == "Wikipedia perennial sources")
    assert set(wiki.domains) == {r.domain for r in rows if r.rater == wiki.rater}
    split = rater_lines(
        outlet_ratings(
            {
                "ratings": [
                    {"rater": "R", "label": "reliable", "domain": "a.example"},
                    {"rater": "R", "label": "unreliable", "domain": "b.example"},
                ]
            }
        )
    )
    assert [(x.rating, x.domains) for x in split] == [
        ("reliable", ("a.example",)),
        ("unreliable", ("b.example",)),
    ]


def test_sides_merge_only_identical_unheard_framing() -> None:
    table = [
        ActorFraming(actor="A", affiliation="X", statements=2, cues={"say": 2}),
        ActorFraming(actor="B", statements=0, hedged=["alleged strike"], findings=["F1"]),
        ActorFraming(actor="C", statements=0, hedged=["alleged strike"], findings=["F1"]),
        ActorFraming(actor="D", statements=0, hedged=["alleged raid"], findings=["F2"]),
        ActorFraming(actor="E", statements=0),  # named, neither heard nor framed
    ]
    got = [(s.side, s.statements, s.hedges) for s in sides(table)]
    assert got == [
        ("X", 2, ()),
        ("B, C", 0, ("alleged strike",)),
        ("D", 0, ("alleged raid",)),
    ]


def test_sides_group_a_country_s_officials_not_its_journalists() -> None:
    table = [
        ActorFraming(actor="The ministry", affiliation="X", statements=2, cues={"say": 2}),
        ActorFraming(actor="The army", affiliation="X", statements=1, cues={"warn": 1}),
        ActorFraming(actor="A reporter", affiliation="X", statements=1, cues={"say": 1}),
    ]
    voices = [
        Voice(speaker="The ministry", category="government/official", affiliation="X"),
        Voice(speaker="The army", category="military", affiliation="X"),
        Voice(speaker="A reporter", category="media", affiliation="X"),
    ]
    got = [(s.side, s.actors, s.statements) for s in sides(table, voices)]
    assert got == [("X", ("The ministry", "The army"), 3), ("A reporter", (), 1)]


def test_digest_leads_both_reports(example_analysis: Analysis) -> None:
    html = render(example_analysis, "html")
    doc = lxml.html.document_fromstring(html)
    body = list(doc.find("body").iter())
    digest_el = doc.get_element_by_id("digest")
    assert body.index(digest_el) < body.index(doc.get_element_by_id("text"))
    for part in ("who-said-what", "framing-by-side", "check-first"):
        assert digest_el.get_element_by_id(part) is not None
    # a legend for every colour and mark in the text, the three claim colours each named
    legend = " ".join(doc.find_class("legend")[0].text_content().split())
    for words in ("outlet's voice", "attributed", "no source named", "Hedge", "Speech verb"):
        assert words in legend, words
    md = render(example_analysis, "md")
    order = ["## At a glance", "### Who said what", "### How each side is framed"]
    order += ["### Claims to check first", "## Attributions", "## Text"]
    assert [md.index(h) for h in order] == sorted(md.index(h) for h in order)


def test_example_findings_say_whose_words(example_analysis: Analysis) -> None:
    by_id = {a.id: a for a in example_analysis.attributions}
    for f in example_analysis.findings:
        if f.attribution is not None:
            a = by_id[f.attribution]
            assert any(c.start <= f.start and f.end <= c.end for c in a.content), f
    purported = next(f for f in example_analysis.findings if f.text == "purported")
    assert purported.attribution is None  # the outlet's own hedge
    false_flag = [f for f in example_analysis.findings if f.text == "false-flag"]
    assert {by_id[f.attribution].speaker.name for f in false_flag if f.attribution} >= {  # type: ignore[union-attr]
        "Bashar Ja'afari"
    }


# --- Escaping: every field the digest shows ---------------------------------------------------


def _hostile_analysis() -> Analysis:
    """Every string the digest shows, from the article, the registry or the fact-check store, is
    hostile: outlet, raters, domains, sourcing, speakers, categories, affiliations, statements,
    relays, the unheard, sides, actors, cue words, labels, hedges, claims and their matches."""
    text = f"Officials said that {HOSTILE} staged it, the agency reported."
    start = text.index(HOSTILE)
    content = Span.of(text, start, start + len(HOSTILE) + len(" staged it"))
    return Analysis(
        article=Article(
            id="hostile-digest",
            title=HOSTILE,
            outlet=HOSTILE,
            author=HOSTILE,
            text=text,
            sections=[Section(kind="body", start=0, end=len(text))],
        ),
        attributions=[
            Attribution(
                id="A1",
                kind="indirect",
                cue=Span.of(text, 10, 14),
                source=Span.of(text, 0, 9),
                speaker=Speaker(name=HOSTILE, type="ORG"),
                content=[content],
                via=[Relay(name=HOSTILE)],
                confidence=0.8,
            )
        ],
        claims=[
            Claim(
                id="C1",
                start=content.start,
                end=content.end,
                text=content.text,
                voice="attributed",
                attribution="A1",
                hedges=[Span.of(text, start, start + 8)],
                checkworthiness=0.9,
                priority=0.92,
                reasons=[RankReason(feature="place", effect=0.3, text=HOSTILE)],
                factchecks=[
                    FactCheckMatch(claim=HOSTILE, score=0.61, rating=HOSTILE, reviewer=HOSTILE)
                ],
            )
        ],
        findings=[
            Finding(
                id="F1",
                technique="name_calling",
                start=start,
                end=start + len(HOSTILE),
                text=HOSTILE,
                target="Officials",
                explanation=f"“{HOSTILE}” labels “Officials”.",
                confidence=0.6,
                attribution="A1",
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
            one_sided=True,
            reason=f"One-sided: {HOSTILE}",
            unheard=[HOSTILE],
        ),
        framing_by_actor=[
            ActorFraming(actor=HOSTILE, affiliation=HOSTILE, statements=1, cues={HOSTILE: 1}),
            ActorFraming(actor=HOSTILE + " 2", labels=[HOSTILE], hedged=[HOSTILE]),
        ],
        outlet={
            "name": HOSTILE,
            "country": HOSTILE,
            "typology": HOSTILE,
            "typology_meaning": HOSTILE,
            "ratings": [
                {"rater": HOSTILE, "label": HOSTILE, "domain": HOSTILE, "source": HOSTILE},
                {"rater": HOSTILE, "label": HOSTILE, "domain": HOSTILE + ".b", "source": HOSTILE},
            ],
        },
    )


def _digest_part(report: str, fmt: str) -> HtmlElement:
    if fmt == "html":
        return lxml.html.document_fromstring(report).get_element_by_id("digest")
    shown = MarkdownIt().enable("table").render(report)
    start = shown.index("<h2>At a glance</h2>")
    end = shown.index("<h2>", start + 1)
    return lxml.html.fragment_fromstring(shown[start:end], create_parent="div")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_digest_field_is_escaped(fmt: str) -> None:
    report = render(_hostile_analysis(), fmt)
    part = _digest_part(report, fmt)
    # nothing became markup: no script, no emphasis, no link, no handler attribute
    assert not list(part.iter("script")) and not list(part.iter("em"))
    assert all(not (a.get("href") or "").startswith("javascript") for a in part.iter("a"))
    assert not any(k.startswith("on") for el in part.iter() for k in el.attrib)
    shown = " ".join(part.text_content().split())
    # outlet name, country, typology and meaning; rater, rating and both domains (folded);
    # sourcing reason; speaker, category, affiliation, statement, relay; the unheard; two sides,
    # cue word, label, hedge; the claim, its hedge, the match's rating and reviewer
    assert shown.count(HOSTILE) >= 20, shown
    assert f"({HOSTILE}, {HOSTILE}.b)" in shown  # the domains folded on one rater line
    assert f"{HOSTILE} ({HOSTILE}), possible match 0.61" in shown
    cells = [" ".join(td.text_content().split()) for td in part.iter("td")]
    if fmt == "md":  # no table cell was split by the "|" in the strings
        assert all(
            len(tr.findall("td")) in (4, 5, 6, 7) for tr in part.iter("tr") if tr.findall("td")
        )
    assert f"raised by a place ({HOSTILE})" in shown  # the ranking's reason, as text
    assert any(c == f"{HOSTILE} 1" for c in cells)  # the cue word and its count, as text


def test_hostile_article_through_the_pipeline(nlp: Any) -> None:
    """Markup in an article's words reaches the digest as text, in both formats."""
    text = (
        "Officials said the <b onmouseover=alert(1)>rebels</b> staged an alleged attack in "
        "Idlib on 12 September 2018, SANA reported.\n"
    )
    analysis = analyze(read_text(text, source="<test>"), nlp=nlp)
    for fmt in FORMATS:
        part = _digest_part(render(analysis, fmt), fmt)
        assert not list(part.iter("b"))
        assert not any(k.startswith("on") for el in part.iter() for k in el.attrib)
