"""The highlighted article of the HTML report (and of the web app's article page): every layer
marked, a toggle per layer, attributions linked to their cards, a section nav, all without scripts
and with article strings escaped in marks, titles and cards."""

from __future__ import annotations

from html.parser import HTMLParser

import lxml.html
import pytest

from claimscope.model import Analysis, Article, Attribution, Claim, Relay, Section, Span, Speaker
from claimscope.report import render

NEW_CLASSES = (
    "attr-source",
    "attr-cue",
    "attr-content",
    "claim-outlet",
    "claim-attributed",
    "claim-unattributed",
    "hedge",
    "entity",
    "time",
    "finding",
)
TOGGLES = ("entity", "time", "finding", "attr-source", "attr-cue", "attr-content", "claim", "hedge")
SCRIPT = "<script>alert(1)</script>"
ATTR = '" onmouseover="alert(1)'


class _Tags(HTMLParser):
    """Every start tag and attribute, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def example_html(example_analysis: Analysis) -> str:
    return render(example_analysis, "html")


def test_example_marks_every_layer(example_html: str) -> None:
    doc = lxml.html.document_fromstring(example_html)
    article = doc.get_element_by_id("text")
    for cls in NEW_CLASSES:
        assert article.find_class(cls), cls
    assert all(m.get("title") for m in article.iter("mark"))


def test_example_layer_toggles(example_html: str) -> None:
    doc = lxml.html.document_fromstring(example_html)
    for layer in TOGGLES:
        box = doc.get_element_by_id(f"show-{layer}")
        assert (
            box.tag == "input" and box.get("type") == "checkbox" and box.get("checked") is not None
        )
        labels = [lab for lab in doc.iter("label") if lab.get("for") == f"show-{layer}"]
        assert len(labels) == 1 and labels[0].text_content().strip()
        # Unchecking the box removes the layer's styling, by CSS alone.
        assert f"body:has(#show-{layer}:not(:checked))" in example_html


def test_example_attribution_links_and_cards(example_analysis: Analysis, example_html: str) -> None:
    a3 = next(a for a in example_analysis.attributions if a.id == "A3")
    assert a3.speaker is not None and a3.speaker.name == "Russia’s Defense Ministry"
    assert [r.name for r in a3.via] == ["SANA"]
    doc = lxml.html.document_fromstring(example_html)
    links = [
        a for a in doc.iter("a") if a.get("class") == "attr-link" and a.get("href") == "#attr-A3"
    ]
    assert links and all(link.find("mark") is not None for link in links)
    assert all(not list(a.iterancestors("a")) for a in doc.iter("a"))
    section = doc.get_element_by_id("attributions")
    assert section.tag == "section"
    card = doc.get_element_by_id("attr-A3")
    assert card.get("class") == "attr-card" and card.getparent().getparent() is section
    shown = card.text_content()
    for expected in ("Russia’s Defense Ministry", "via SANA", a3.cue.text, "reported speech"):
        assert expected in shown, expected
    # Issue 18: no internal words on a reader's card (the JSON keeps the rule and confidence).
    for internal in ("Rule", "Confidence", "relay_quote", a3.kind):
        assert internal not in shown, internal
    assert len(section.find_class("attr-card")) == len(example_analysis.attributions)
    assert ".attr-card:target" in example_html


def test_example_nav_and_anchors(example_html: str) -> None:
    doc = lxml.html.document_fromstring(example_html)
    nav = [n for n in doc.iter("nav") if n.get("aria-label") == "Sections"]
    assert len(nav) == 1
    hrefs = {a.get("href") for a in nav[0].iter("a")}
    assert {"#attributions", "#timeline", "#plots", "#plot-map", "#sourcing"} <= hrefs
    for href in hrefs:
        assert doc.get_element_by_id(href[1:]) is not None, href
    assert doc.get_element_by_id("plot-map").find(
        ".//svg"
    ) is not None or "<svg" in lxml.html.tostring(
        doc.get_element_by_id("plot-map"), encoding="unicode"
    )


def test_example_still_has_no_script(example_html: str) -> None:
    assert "<script" not in example_html.lower()
    assert "script-src" not in example_html and "default-src 'none'" in example_html
    assert not any(
        attr.lower().startswith("on") for _, attrs in _tags(example_html) for attr, _ in attrs
    )


def _hostile_analysis() -> Analysis:
    hostile = f"{SCRIPT}{ATTR}"
    text = f"{hostile} told {hostile} that {hostile} perhaps staged it."
    first = text.index(hostile)
    cue_start = text.index(hostile, first + 1) - len(" told ") + 1
    second = text.index(hostile, first + 1)
    third = text.index(hostile, second + 1)
    perhaps = text.index("perhaps")
    end = len(text) - 1
    return Analysis(
        article=Article(
            id="hostile",
            title=hostile,
            text=text,
            sections=[Section(kind="body", start=0, end=len(text))],
        ),
        attributions=[
            Attribution(
                id="A1",
                kind=hostile,
                cue=Span.of(text, cue_start, second + len(hostile)),
                source=Span.of(text, first, first + len(hostile)),
                speaker=Speaker(name=hostile, type=hostile),
                content=[Span.of(text, third, end)],
                via=[Relay(name=hostile)],
                confidence=0.9,
                rule=hostile,
            ),
            Attribution(
                id="A2",
                kind="indirect",
                cue=Span.of(text, perhaps, perhaps + 7),
                source=Span.of(text, first, first + len(hostile)),
                content=[Span.of(text, third, end)],
                confidence=0.5,
            ),
        ],
        claims=[
            Claim(
                id="C1",
                start=third,
                end=end,
                text=text[third:end],
                voice="attributed",
                attribution="A1",
                hedges=[Span.of(text, perhaps, perhaps + 7)],
                checkworthiness=0.9,
            )
        ],
    )


def test_hostile_strings_escaped_in_marks_titles_and_cards() -> None:
    analysis = _hostile_analysis()
    html = render(analysis, "html")
    tags = _tags(html)
    assert not any(tag == "script" for tag, _ in tags)
    assert not any(attr.lower().startswith("on") for _, attrs in tags for attr, _ in attrs)
    doc = lxml.html.document_fromstring(html)
    assert not list(doc.iter("script"))
    hostile = f"{SCRIPT}{ATTR}"
    # Shown as text, character for character.
    assert doc.get_element_by_id("text").text_content().count(hostile) == 3
    assert doc.find(".//h1").text_content() == hostile
    titles = [m.get("title") for m in doc.iter("mark")]
    assert any(hostile in (t or "") for t in titles)
    card = doc.get_element_by_id("attr-A1").text_content()
    assert card.count(hostile) >= 5  # speaker, via, what was said, cue, kind
    unresolved = doc.get_element_by_id("attr-A2").text_content()
    assert "unresolved" in unresolved and hostile in unresolved
    # The first attribution covering a run is its link (A2 lies inside A1); links never nest.
    assert all(not list(a.iterancestors("a")) for a in doc.iter("a"))
    assert {a.get("href") for a in doc.find_class("attr-link")} == {"#attr-A1"}
