"""Time expressions: finding, resolving (basis recorded, nothing guessed) and the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimscope.analyzers.time import time_expressions
from claimscope.model import Analysis, Article, Span, TimeExpression, TimelineEvent
from claimscope.report import render
from tests.conftest import EXAMPLE

PUB = "2018-09-26"  # a Wednesday


@pytest.fixture(scope="module")
def bare():  # type: ignore[no-untyped-def]
    """The bare English model: the time analyzer needs only its entities and parse."""
    from claimscope.nlp import load_model

    return load_model()


def times(bare, text: str, published: str | None = PUB) -> list[TimeExpression]:  # type: ignore[no-untyped-def]
    found = time_expressions(bare(text), published)
    for t in found:  # the contract's offset rule, for every span emitted
        assert text[t.start : t.end] == t.text
        if t.anchor:
            assert text[t.anchor.start : t.anchor.end] == t.anchor.text
        assert (t.value is None) == (t.basis == "unresolved")
    return found


def one(bare, text: str, published: str | None = PUB) -> TimeExpression:  # type: ignore[no-untyped-def]
    found = times(bare, text, published)
    assert len(found) == 1, found
    return found[0]


def by_text(analysis: Analysis) -> dict[str, TimeExpression]:
    return {t.text: t for t in analysis.times}


# --- the example article --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_published(example_text, nlp):  # type: ignore[no-untyped-def]
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    return analyze(read_text(example_text, source=str(EXAMPLE), published=PUB), nlp=nlp)


def test_example_with_publication_date(example_published: Analysis) -> None:
    t = by_text(example_published)
    assert (t["April 14"].value, t["April 14"].basis) == ("2018-04-14", "publication")
    wednesday = t["Wednesday"]
    assert wednesday.basis == "publication" and wednesday.value
    day = dt.date.fromisoformat(wednesday.value)
    assert day.weekday() == 2 and dt.timedelta(0) <= dt.date.fromisoformat(PUB) - day
    assert day.isoformat() == PUB  # same day allowed: wire copy names the day
    assert (t["Tuesday"].value, t["Last week"].value) == ("2018-09-25", "2018-09")
    assert (t["Last week"].earliest, t["Last week"].latest) == ("2018-09-17", "2018-09-23")
    assert t["earlier this month"].value == "2018-09"
    assert (t["September 12, 2018"].value, t["September 12, 2018"].basis) == (
        "2018-09-12",
        "explicit",
    )
    assert (t["2013"].value, t["2013"].basis) == ("2013", "explicit")
    anchored = t["one week after"]
    assert anchored.basis == "unresolved" and anchored.value is None
    assert anchored.anchor and anchored.anchor.text.startswith("an alleged gas attack")
    assert not any("No publication date" in n for n in example_published.notes)


def test_example_timeline(example_published: Analysis) -> None:
    events = example_published.timeline
    # time order; a period ("earlier this month", from the 1st) sorts where it begins
    assert [e.time.text for e in events] == [
        "2013",
        "April 14",
        "earlier this month",
        "September 12, 2018",
        "Last week",
        "Tuesday",
        "Wednesday",
    ]
    claims = {c.id for c in example_published.claims}
    assert all(e.claim is None or e.claim in claims for e in events)
    april = next(e for e in events if e.time.text == "April 14")
    assert april.relation == "contains" and "missile strike" in april.text
    assert {e.time.text for e in events} >= {"2013", "April 14", "Wednesday", "Last week"}
    Analysis.model_validate(example_published.to_dict())  # offsets checked, timeline included


def test_example_without_publication_date(example_analysis: Analysis) -> None:
    assert any("2018-09-12" in n and "on or after" in n for n in example_analysis.notes)
    t = by_text(example_analysis)
    assert t["Wednesday"].basis == "unresolved" and t["Wednesday"].value is None
    assert t["Last week"].basis == "unresolved"
    # before the text's latest explicit date, so in its year
    assert (t["April 14"].value, t["April 14"].basis) == ("2018-04-14", "context")


def test_reports_show_the_timeline(example_published: Analysis) -> None:
    md = render(example_published, "md")
    assert "## Timeline" in md and "| 2018-04-14 | publication | April 14 |" in md
    assert '<section id="timeline"' in render(example_published, "html")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_timeline_escapes_article_text(fmt: str) -> None:
    text = "<script>alert(1)</script> *struck* on 2018-09-12."
    start = text.index("2018")
    time = Span.of(text, start, start + 10)
    analysis = Analysis(
        article=Article(id="x", text=text),
        times=[
            TimeExpression(**time.model_dump(), value="2018-09-12", basis="explicit", kind="date")
        ],
        timeline=[
            TimelineEvent(
                value="2018-09-12",
                basis="explicit",
                time=time,
                relation="sentence",
                start=0,
                end=len(text),
                text=text,
            )
        ],
    )
    out = render(analysis, fmt)
    assert "<script>" not in out and "&lt;script&gt;" in out


# --- expression types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("The talks resumed on April 14 in Geneva.", "April 14", "2018-04-14"),
        ("Fighting broke out on 3 September near the border.", "3 September", "2018-09-03"),
        ("Officials met on Monday to discuss the plan.", "Monday", "2018-09-24"),
        ("Tuesday's attack killed five people.", "Tuesday", "2018-09-25"),
        ("The minister spoke on Wednesday.", "Wednesday", "2018-09-26"),
        ("The minister spoke last Wednesday.", "last Wednesday", "2018-09-19"),
        ("The council will vote on Friday.", "Friday", "2018-09-28"),
        ("The council is due to vote on Friday.", "Friday", "2018-09-28"),
        ("The convoy arrived yesterday.", "yesterday", "2018-09-25"),
        ("The convoy arrives today.", "today", "2018-09-26"),
        ("Rebels retreated last week.", "last week", "2018-09"),
        ("Rebels met earlier this month.", "earlier this month", "2018-09"),
        ("The talks failed last year.", "last year", "2017"),
        ("The talks resume next month.", "next month", "2018-10"),
        ("Aid arrived this week.", "this week", "2018-09"),
        ("Aid arrived two days ago.", "two days ago", "2018-09-24"),
        ("The offensive began a month ago.", "a month ago", "2018-08"),
        ("The town fell in April after a siege.", "April", "2018-04"),
        ("The group has fought since 2011.", "2011", "2011"),
        ("The report came out on September 12, 2018.", "September 12, 2018", "2018-09-12"),
    ],
)
def test_expression_types(bare, sentence: str, text: str, value: str) -> None:  # type: ignore[no-untyped-def]
    t = one(bare, sentence)
    assert (t.text, t.value) == (text, value)
    assert t.basis == ("explicit" if text[-4:].isdigit() else "publication")


def test_week_has_exact_days(bare) -> None:  # type: ignore[no-untyped-def]
    t = one(bare, "Rebels retreated last week.", "2018-09-05")  # a week across two months
    assert (t.value, t.earliest, t.latest) == ("2018", "2018-08-27", "2018-09-02")


def test_year_rollover(bare) -> None:  # type: ignore[no-untyped-def]
    assert one(bare, "The strike came on December 30.", "2019-01-02").value == "2018-12-30"
    # a few days after publication is still the same year
    assert one(bare, "The vote is on January 5.", "2019-01-02").value == "2019-01-05"
    # a future verb looks forward
    assert one(bare, "Talks will resume on January 20.", "2018-12-20").value == "2019-01-20"


def test_anchored(bare) -> None:  # type: ignore[no-untyped-def]
    t = one(bare, "The raid came one week after the strike.")
    assert (t.text, t.basis, t.value, t.kind) == ("one week after", "unresolved", None, "anchored")
    assert t.anchor and t.anchor.text == "the strike" and "the strike" in (t.note or "")
    later = one(bare, "Three days later, the army withdrew.")
    assert later.basis == "unresolved" and later.kind == "anchored"
    counted = times(bare, "The raid came two days after April 14.")
    assert [(t.text, t.value, t.basis) for t in counted] == [
        ("two days after", "2018-04-16", "publication"),
        ("April 14", "2018-04-14", "publication"),
    ]
    explicit = times(bare, "The raid came two days after September 12, 2018.", None)
    assert (explicit[0].value, explicit[0].basis) == ("2018-09-14", "context")
    # counted from a date in the anchor's own clause, not from one in a clause nested in it
    saturday = times(bare, "Talks resumed four days after a warplane on Saturday hit a hospital.")
    assert (saturday[0].value, saturday[0].basis) == ("2018-09-26", "publication")
    nested = times(
        bare,
        "The raid came a day after the coalition said that its strikes last week killed nobody.",
    )
    assert [t.basis for t in nested] == ["unresolved", "publication"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The war has lasted for three years.",
        "Prices rose over the past week.",
        "Aid fell in the last week.",
        "A 22-year-old man was among the dead.",
        "They met every Wednesday and on Sundays.",
        "The ministry counted 2013 people and $2018 in aid.",
        "No dates are mentioned here.",
        "Palmyra is famous for its 2000-year-old Roman colonnade.",
        "According to the Halab Today TV station, the shelling went on.",
    ],
)
def test_not_points_in_time(bare, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert times(bare, sentence) == []


def test_without_publication_date(bare) -> None:  # type: ignore[no-untyped-def]
    for sentence in ("Rebels retreated last week.", "Officials met on Monday."):
        t = one(bare, sentence, None)
        assert t.basis == "unresolved" and "publication date" in (t.note or "")
    # no explicit date to take a year from
    assert one(bare, "The talks resumed on April 14.", None).basis == "unresolved"
    # after the latest explicit date: that year or the one before, so not resolved
    found = times(bare, "On September 12, 2018 they met; on December 3 they fought.", None)
    assert [t.basis for t in found] == ["explicit", "unresolved"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n",
        "\u200b\u202eWednesday\u202c 😀",
        "April 31 and February 29",
        "2018年9月26日",
    ],
)
def test_odd_input_never_crashes(bare, text: str) -> None:  # type: ignore[no-untyped-def]
    times(bare, text)
    times(bare, text, None)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            ["on", "Wednesday", "April", "14", "2013", "last", "week", "two", "days", "ago",
             "after", "the", "strike", ",", ".", "since", "December", "30", "yesterday", "é", "\n"]
        ),
        max_size=14,
    ),
    st.sampled_from([None, "2019-01-02", "2016-02-29"]),
)  # fmt: skip
def test_random_text_keeps_the_offset_rule(bare, words: list[str], published: str | None) -> None:  # type: ignore[no-untyped-def]
    times(bare, " ".join(words), published)


# A small hand-made set of bare weekdays in context: which way a day goes depends on its verb.
# Published on Friday 2015-07-24.
DIRECTION = [
    ("The minister travels on to Brussels on Sunday.", "2015-07-26", True),
    ("The minister travelled to Brussels on Sunday.", "2015-07-19", False),
    ("The vote is on Tuesday, the commission said.", "2015-07-28", True),
    ("Talks will resume on Monday.", "2015-07-27", True),
    ("He will speak to reporters when he arrives in Nairobi on Saturday.", "2015-07-25", True),
    ("They are meeting on Monday to discuss the plan.", "2015-07-27", True),
    ("The ministry said on Wednesday that the talks had failed.", "2015-07-22", False),
    ("Police say the suspect was arrested on Monday.", "2015-07-20", False),
    ("The president lands in Kenya later on Friday.", "2015-07-24", True),
    ("Residents fled the town on Thursday as the fighting spread.", "2015-07-23", False),
]


@pytest.mark.parametrize(("text", "value", "forward"), DIRECTION)
def test_weekday_direction_in_context(bare, text: str, value: str, forward: bool) -> None:  # type: ignore[no-untyped-def]
    t = one(bare, text, "2015-07-24")
    assert (t.kind, t.value, t.basis) == ("weekday", value, "publication")
    # a day counted forward says why, so that a reader can check the reading
    assert (t.note is not None and t.note.startswith("on or after publication")) == forward


def test_a_headline_present_tense_tells_of_the_past(nlp) -> None:  # type: ignore[no-untyped-def]
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    text = (
        "Army retakes border town on Sunday\n\nThe army retook the town after a week of fighting."
    )
    analysis = analyze(read_text(text, source="<test>", published="2015-07-24"), nlp=nlp)
    sunday = next(t for t in analysis.times if t.text == "Sunday")
    assert sunday.value == "2015-07-19"


def test_bbc_sunday_is_the_coming_one(nlp) -> None:  # type: ignore[no-untyped-def]
    """Issue 21: bbc-1 (published 2015-07-24) says Mr Obama "will address the African Union when
    he travels on to Ethiopia on Sunday": the Sunday after publication."""
    from claimscope.ingest.auto import read
    from claimscope.pipeline import analyze
    from tests.conftest import shared

    article = next(iter(read(str(shared("data/html-pages/bbc-1/source.html")))))
    assert isinstance(article, Article) and article.published == "2015-07-24"
    sunday = next(t for t in analyze(article, nlp=nlp).times if t.text == "Sunday")
    assert sunday.value == "2015-07-26" and sunday.note and "travels" in sunday.note


def test_the_articles_dateline_wins_over_the_texts_dates(nlp) -> None:  # type: ignore[no-untyped-def]
    """With no metadata, the dateline under the headline is the publication date, and relative
    dates count from it, not from the latest date the text gives (2017 here)."""
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    analysis = analyze(
        read_text(
            "Rebels retake town in the north\n\nMarch 3, 2018\n\nRebels said on Wednesday they "
            "had retaken the town they lost on September 12, 2017. Talks resume on April 2.",
            source="test",
        ),
        nlp=nlp,
    )
    assert analysis.article.published == "2018-03-03"
    got = {t.text: (t.value, t.basis) for t in analysis.times}
    assert got["Wednesday"] == ("2018-02-28", "publication")
    assert got["April 2"] == ("2018-04-02", "publication")
    assert got["September 12, 2017"] == ("2017-09-12", "explicit")
