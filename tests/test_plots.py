"""Plots: SVG that parses, one mark per datum, labels shown, and article strings kept as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pytest

from claimscope.model import (
    Analysis,
    Article,
    Attribution,
    Claim,
    Place,
    Relay,
    Sourcing,
    Span,
    Speaker,
    TimelineEvent,
)
from claimscope.report import render
from claimscope.report.plots import (
    all_svgs,
    attribution_graph_svg,
    map_svg,
    sourcing_svg,
    timeline_svg,
    write_plots,
)
from tests.conftest import EXAMPLE

NS = "{http://www.w3.org/2000/svg}"
PUB = "2018-09-26"
HOSTILE = ["<script>alert(1)</script>", '" onload="alert(1)', "x' onmouseover='alert(1)"]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.find(f"{NS}title") is not None and root.find(f"{NS}desc") is not None
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def all_text(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root)


def assert_inert(root: ET.Element) -> None:
    for el in root.iter():
        assert el.tag.removeprefix(NS) not in {"script", "foreignObject", "a", "image", "use"}
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert "javascript:" not in value.lower()


@pytest.fixture(scope="module")
def published(example_text, nlp):  # type: ignore[no-untyped-def]
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    return analyze(read_text(example_text, source=str(EXAMPLE), published=PUB), nlp=nlp)


def test_sourcing_bars(example_analysis: Analysis) -> None:
    s = example_analysis.sourcing
    assert s is not None
    root = parse(sourcing_svg(example_analysis))
    bars = root.findall(f".//{NS}g[@class='bar']")
    assert len(bars) == len(s.by_category) + len(s.by_affiliation)
    shown = texts(root)
    for key in [*s.by_category, *s.by_affiliation]:
        assert key in shown
    # government/official: 6 of 10 statements ("Damascus and Moscow" share one, counted once)
    assert "60%" in shown
    assert_inert(root)


def test_timeline_points(published: Analysis) -> None:
    root = parse(timeline_svg(published))
    events = root.findall(f".//{NS}g[@class='event']")
    distinct = {(e.value, e.claim, e.start) for e in published.timeline}
    assert len(events) == len(distinct) >= 5
    assert len(root.findall(f".//{NS}circle")) == len(distinct)
    shown = texts(root)
    assert shown.index("2013") < shown.index("2018-09-26")  # earliest first
    stockpile = next(c for c in published.claims if c.text.startswith("Syria surrendered"))
    assert any(t.startswith(f"{stockpile.id}: Syria surrendered") for t in shown)
    assert all(len(t) <= 100 for t in shown)  # long claims are cut
    assert_inert(root)


def test_map_points(example_analysis: Analysis) -> None:
    places = example_analysis.places
    local = [p for p in places if p.kind != "country"]
    countries = [p for p in places if p.kind == "country"]
    assert len(local) >= 10 and countries
    root = parse(map_svg(example_analysis))
    assert len(root.findall(f".//{NS}circle")) == len(local)
    shown = " ".join(texts(root))
    for p in places:
        assert p.name in shown
    assert "36°E" in shown and "35°N" in shown  # graticule labels: zoomed on Syria
    marks = root.findall(f".//{NS}g[@class='place place-country']")
    assert len(marks) == len(countries)
    assert_inert(root)


def test_empty_analysis_gives_empty_states() -> None:
    empty = Analysis(article=Article(id="a", text="Nothing here."))
    for name, svg in all_svgs(empty).items():
        root = parse(svg)
        assert "No " in " ".join(texts(root)), name
        assert root.find(f".//{NS}circle") is None


def _hostile() -> Analysis:
    text = " ".join(HOSTILE) + " happened on 2018-09-12.\x00\u202e"
    date = text.index("2018-09-12")
    return Analysis(
        article=Article(id="h", text=text),
        places=[
            Place(entity="E1", name=h, country=h, admin1=h, lat=35.0 + i, lon=36.0 + i, kind=h)
            for i, h in enumerate(HOSTILE)
        ]
        + [Place(entity="E2", name=HOSTILE[0], country=HOSTILE[1], lat=1, lon=1, kind="country")],
        timeline=[
            TimelineEvent(
                value="2018-09-12",
                basis="explicit",
                time=Span.of(text, date, date + 10),
                claim=HOSTILE[1],
                relation="sentence",
                start=0,
                end=len(text),
                text=text,
            )
        ],
        attributions=[
            Attribution(
                id=f"A{i}",
                kind="indirect" if i < 2 else "according_to",
                cue=Span.of(text, 0, 1),
                source=Span.of(text, 0, len(HOSTILE[0])),
                speaker=Speaker(name=h, type="PERSON") if i < 2 else None,
                via=[Relay(name=HOSTILE[(i + 1) % 3])],
                confidence=0.5,
            )
            for i, h in enumerate(HOSTILE)
        ],
        claims=[
            Claim(
                id=f"C{i}",
                start=text.index(h),
                end=text.index(h) + len(h),
                text=h,
                voice="attributed",
                attribution=f"A{i}",
                checkworthiness=0.5,
            )
            for i, h in enumerate(HOSTILE)
        ],
        sourcing=Sourcing(
            voices=1,
            attributions=1,
            by_category={h: 0.5 for h in HOSTILE},
            by_affiliation={HOSTILE[0]: 1.0},
            reason=HOSTILE[0],
        ),
    )


def test_hostile_strings_stay_text() -> None:
    analysis = _hostile()
    for name, svg in all_svgs(analysis).items():
        root = parse(svg)  # parses: no control character or lone markup broke the XML
        assert_inert(root)
        assert "\x00" not in svg and "\u202e" not in svg
        shown = all_text(root)
        assert "<script>alert(1)</script>" in shown, name
    assert '" onload="alert(1)' in all_text(parse(timeline_svg(analysis)))
    map_root = parse(map_svg(analysis))
    for g in map_root.iter(f"{NS}g"):  # a hostile kind lands inside one class value
        assert set(g.attrib) <= {"class", "stroke", "fill"}


def test_html_report_embeds_four_plots(example_analysis: Analysis) -> None:
    html = render(example_analysis, "html")
    doc = lxml.html.document_fromstring(html)
    svgs = doc.xpath("//svg")
    assert len(svgs) == 4
    assert {s.get("class") for s in svgs} == {
        "plot plot-sourcing",
        "plot plot-timeline",
        "plot plot-map",
        "plot plot-graph",
    }
    for s in svgs:
        assert s.get("aria-labelledby")
        for ref in s.get("aria-labelledby").split():
            assert len(doc.xpath(f"//*[@id='{ref}']")) == 1
    headings = [h.text_content() for h in doc.xpath("//h2")]
    assert {"Sourcing plot", "Timeline plot", "Map of places", "Attribution graph"} <= set(headings)
    figure = doc.get_element_by_id("plot-graph")
    assert figure.get("aria-labelledby") == "plot-graph-heading"
    assert figure.xpath(".//svg") and "#plot-graph" in [
        a.get("href") for a in doc.xpath("//nav//a")
    ]
    assert not doc.xpath("//script") and "<script" not in html
    assert "default-src 'none'" in html  # the CSP is kept


def test_html_report_hostile_plots() -> None:
    html = render(_hostile(), "html")
    doc = lxml.html.document_fromstring(html)
    assert len(doc.xpath("//svg")) == 4
    assert not doc.xpath("//script")
    assert not [a for el in doc.iter() for a in el.attrib if a.lower().startswith("on")]


def test_write_plots(tmp_path: Path, example_analysis: Analysis) -> None:
    written = write_plots(example_analysis, tmp_path / "plots")
    assert sorted(p.name for p in written) == [
        "graph.svg",
        "map.svg",
        "sourcing.svg",
        "timeline.svg",
    ]
    for p in written:
        parse(p.read_text(encoding="utf-8").split("\n", 1)[1])
        ET.parse(p)  # with its XML declaration, as a viewer reads it


def test_cli_plots_option(tmp_path: Path, example_text: str) -> None:
    from typer.testing import CliRunner

    from claimscope.cli import app

    src = tmp_path / "a.txt"
    src.write_text(example_text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            str(src),
            "--published",
            PUB,
            "-o",
            str(tmp_path / "a.json"),
            "--plots",
            str(tmp_path / "p"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "graph.svg",
        "map.svg",
        "sourcing.svg",
        "timeline.svg",
    ]


# --- attribution graph ----------------------------------------------------------------------------


def _nodes(root: ET.Element, kind: str) -> dict[str, ET.Element]:
    return {
        g.get("data-key", ""): g
        for g in root.iter(f"{NS}g")
        if (g.get("class") or "").startswith(f"node node-{kind}")
    }


def _edges(root: ET.Element, kind: str) -> list[tuple[str, str]]:
    return [
        (g.get("data-from", ""), g.get("data-to", ""))
        for g in root.iter(f"{NS}g")
        if g.get("class") == f"edge edge-{kind}"
    ]


def test_attribution_graph_example(example_analysis: Analysis) -> None:
    svg = attribution_graph_svg(example_analysis)
    root = parse(svg)
    assert_inert(root)
    speakers, relays = _nodes(root, "speaker"), _nodes(root, "relay")
    ministry, sana = "speaker:Russia’s Defense Ministry", "relay:SANA"
    assert ministry in speakers and sana in relays
    assert "Russia’s Defense Ministry" in "".join(speakers[ministry].itertext())
    assert "SANA" in "".join(relays[sana].itertext())
    relay_edges = _edges(root, "relay")
    assert (sana, ministry) in relay_edges
    edge = next(
        g for g in root.iter(f"{NS}g") if (g.get("data-from"), g.get("data-to")) == (sana, ministry)
    )
    path = edge.find(f"{NS}path")
    assert path is not None and path.get("stroke-dasharray")
    assert "via" in "".join(edge.itertext())
    ids = {a.id for a in example_analysis.attributions}
    linked = [c for c in example_analysis.claims if c.attribution in ids]
    attributed = [c for c in example_analysis.claims if c.voice == "attributed"]
    assert attributed and all(c in linked for c in attributed)
    claim_edges = _edges(root, "claim")
    assert sorted(to for _, to in claim_edges) == sorted(f"claim:{c.id}" for c in linked)
    assert set(_nodes(root, "claim")) == {f"claim:{c.id}" for c in linked}
    # every claim node carries its full text as a tooltip
    for c in linked:
        tip = _nodes(root, "claim")[f"claim:{c.id}"].find(f"{NS}title")
        assert tip is not None and " ".join(c.text.split()) in (tip.text or "")
    assert all(float(t.get("font-size", "12")) >= 11 for t in root.iter(f"{NS}text"))
    assert svg == attribution_graph_svg(example_analysis)  # deterministic


def test_attribution_graph_groups_unresolved_and_sourceless() -> None:
    text = "Officials said it rained. It was said to snow."
    analysis = Analysis(
        article=Article(id="u", text=text),
        attributions=[
            Attribution(
                id="A1",
                kind="indirect",
                cue=Span.of(text, 10, 14),
                source=Span.of(text, 0, 9),
                confidence=0.5,
            ),
            Attribution(id="A2", kind="agentless", cue=Span.of(text, 33, 37), confidence=0.5),
        ],
        claims=[
            Claim(
                id="C1",
                start=15,
                end=24,
                text="it rained",
                voice="attributed",
                attribution="A1",
                checkworthiness=0.5,
            ),
            Claim(
                id="C2",
                start=26,
                end=45,
                text="It was said to snow",
                voice="unattributed",
                attribution="A2",
                checkworthiness=0.5,
            ),
        ],
    )
    root = parse(attribution_graph_svg(analysis))
    assert set(_nodes(root, "speaker")) == {"speaker:unresolved: Officials", "speaker:no source"}
    assert sorted(_edges(root, "claim")) == [
        ("speaker:no source", "claim:C2"),
        ("speaker:unresolved: Officials", "claim:C1"),
    ]


def test_attribution_graph_hostile_strings() -> None:
    svg = attribution_graph_svg(_hostile())
    root = parse(svg)
    assert_inert(root)
    assert not [el for el in root.iter() if el.tag.removeprefix(NS) == "script"]
    assert not [a for el in root.iter() for a in el.attrib if a.lower().startswith("on")]
    shown = all_text(root)
    assert "<script>alert(1)</script>" in shown and '" onload="alert(1)' in shown
    assert _nodes(root, "relay") and _edges(root, "relay")
    assert "\x00" not in svg and "\u202e" not in svg


def test_attribution_graph_empty() -> None:
    root = parse(attribution_graph_svg(Analysis(article=Article(id="a", text="Nothing here."))))
    assert "No attributed statements" in " ".join(texts(root))
    assert not _nodes(root, "speaker") and not _edges(root, "claim")


def test_png_export(tmp_path: Path, example_analysis: Analysis) -> None:
    written = write_plots(example_analysis, tmp_path / "plots", png=True)
    pngs = [p for p in written if p.suffix == ".png"]
    assert sorted(p.stem for p in pngs) == ["graph", "map", "sourcing", "timeline"]
    for p in pngs:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width >= 400 and height >= 100  # drawn at twice the SVG size, not an empty canvas


def test_an_uncertain_place_is_listed_not_drawn() -> None:
    """Issue 21: a link below the map's confidence bar is a guess; it is named beside the map
    with a question mark and not drawn as a point."""
    text = "Fighting near Saraqib and in Fallston."

    def place(name: str, lat: float, lon: float, confidence: float) -> Place:
        start = text.index(name)
        return Place(
            entity=name[:2],
            name=name,
            country="Syria",
            lat=lat,
            lon=lon,
            kind="city",
            confidence=confidence,
            mentions=[Span.of(text, start, start + len(name))],
        )

    analysis = Analysis(
        article=Article(id="u", text=text),
        places=[place("Saraqib", 35.86, 36.8, 0.95), place("Fallston", 39.51, -76.41, 0.21)],
    )
    root = parse(map_svg(analysis))
    circles = list(root.iter(f"{NS}circle"))
    assert len(circles) == 1  # Saraqib only
    shown = all_text(root)
    assert "Uncertain links (not drawn)" in shown and "Fallston? (1)" in shown
    assert "Fallston" in root.findtext(f"{NS}desc") and "not drawn" in root.findtext(f"{NS}desc")
