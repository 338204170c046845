from __future__ import annotations

import pytest

from claimscope.errors import InputError
from claimscope.ingest.text import read_text


def _section(article, kind):  # type: ignore[no-untyped-def]
    return [article.text[s.start : s.end] for s in article.sections if s.kind == kind]


def test_example_structure(example_text: str) -> None:
    a = read_text(example_text)
    assert (
        a.title == "Militants kidnap kids to stage chemical weapons attack in Syria’s Idlib: Russia"
    )
    assert _section(a, "headline") == [a.title]
    (caption,) = _section(a, "caption")
    assert caption.startswith("Um Majid (L) tries an improvised gas mask")
    assert "(Photo by AFP)" not in a.text
    removed = {r.kind: [] for r in a.removed}
    for r in a.removed:
        removed[r.kind].append(r.text)
    assert removed["credit"] == ["(Photo by AFP)"]
    assert any("alternate addresses" in t for t in removed["boilerplate"])
    assert "alternate addresses" not in a.text and "Roku" not in a.text
    assert removed["navigation"] and "Syria" in removed["navigation"][0]
    (body,) = _section(a, "body")
    assert body.startswith("Russia’s Defense Ministry says")
    assert body.endswith("(OPCW) and the UN.")
    # the offset map points back into the input
    i = a.text.index("Bashar Ja'afari")
    j = a.offset_map.to_original(i)
    assert example_text[j : j + 15] == "Bashar Ja'afari"


GENERIC = """Home > World > Europe

Minister denies report on pension cuts

By Jane Doe and John Roe

Published: 3 March 2021 10:42 GMT

The finance minister on Tuesday denied a newspaper report that pensions would be cut.

"There is no such plan," she told reporters in the capital.

Reporting by Jane Doe; Editing by Sam Poe

Follow us on Twitter
"""


def test_generic_page_byline_dateline_and_footer() -> None:
    a = read_text(GENERIC)
    assert a.title == "Minister denies report on pension cuts"
    assert a.published == "2021-03-03"
    assert a.author == "Jane Doe and John Roe"
    assert a.text.endswith("she told reporters in the capital.")
    kinds = [r.kind for r in a.removed]
    assert kinds == ["navigation", "byline", "dateline", "boilerplate", "boilerplate"]
    assert any("dateline" in n for n in a.ingest_notes)


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = "Headline here\n\nThe first line of a paragraph\nthat wraps onto a second line.\n\nAnother one.\n"
    a = read_text(text)
    assert "paragraph that wraps" in a.text
    assert a.title == "Headline here"


def test_single_paragraph_has_no_headline() -> None:
    a = read_text("The talks failed.")
    assert a.title is None
    assert [s.kind for s in a.sections] == ["body"]
    assert any("too short" in n for n in a.ingest_notes)


def test_article_ending_on_short_lines_keeps_them() -> None:
    # short final lines without a boilerplate marker are cut only in small numbers
    lines = ["A headline", "A real first paragraph of the story, with a full stop."]
    lines += [f"Item {i}" for i in range(6)]
    a = read_text("\n\n".join(lines))
    assert "Item 5" in a.text


@pytest.mark.parametrize("text", ["", "  \n\n  "])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        read_text(text)


def test_only_boilerplate_is_refused() -> None:
    with pytest.raises(InputError, match="no article text"):
        read_text("Menu\n\nAll rights reserved.")


def test_non_english_is_detected() -> None:
    text = (
        "Le ministère russe de la Défense affirme que des militants ont enlevé des enfants "
        "pour mettre en scène une attaque chimique dans la province d'Idleb."
    )
    assert read_text(text).language == "fr"


@pytest.mark.parametrize(
    ("body", "removed_kinds", "starts"),
    [
        (
            "Posted on April 4 2017 by Example Wire 58 Killed in Suspected Gas Attack in Idlib "
            "Dozens of people were killed on Tuesday in a suspected chemical attack.",
            ["byline", "repeated_headline"],
            "Dozens of people",
        ),
        (
            "Wednesday 07 December 2016 58 Killed in Suspected Gas Attack in Idlib. Dozens of "
            "people were killed on Tuesday in a suspected chemical attack.",
            ["dateline", "repeated_headline"],
            "Dozens of people",
        ),
        (
            "58 Killed in Suspected Gas Attack in Idlib 6 October 2016 Idlib SANA - Dozens of "
            "people were killed.",
            ["repeated_headline"],
            "6 October 2016",
        ),
    ],
)
def test_a_title_repeated_at_the_start_of_the_body_is_cut(
    body: str, removed_kinds: list[str], starts: str
) -> None:
    """Scraped rows often repeat the headline (after a date or byline) at the start of the body,
    with no line break: it is cut, so that the lead sentence stands alone."""
    article = read_text(body, title="58 Killed in Suspected Gas Attack in Idlib")
    assert [r.kind for r in article.removed] == removed_kinds
    first_body = next(s for s in article.sections if s.kind == "body")
    assert article.text[first_body.start :].startswith(starts)
    assert article.text.startswith("58 Killed in Suspected Gas Attack in Idlib\n\n")


def test_a_title_quoted_later_in_the_body_stays() -> None:
    body = (
        "The agency published a report on Monday. Its first page read: 58 Killed in Suspected "
        "Gas Attack in Idlib, and the ministry disputed it."
    )
    article = read_text(body, title="58 Killed in Suspected Gas Attack in Idlib")
    assert article.removed == []
    assert "Its first page read: 58 Killed" in article.text
