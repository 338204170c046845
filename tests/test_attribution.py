"""Attribution engine: the example article's statements, quote robustness, and offsets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimscope.analyzers.attribution.quotes import find_quotes
from claimscope.model import Analysis, Article, Attribution
from claimscope.pipeline import analyze


def _by_content(analysis: Analysis, words: str) -> Attribution:
    hits = [a for a in analysis.attributions if any(words in c.text for c in a.content)]
    assert hits, f"no attribution whose content has {words!r}"
    return hits[0]


@pytest.mark.parametrize(
    "words, speaker, kind",
    [
        ("Takfiri militants have abducted children", "Russia’s Defense Ministry", "indirect"),
        ("terrorists kidnapped 22 children", "Russia’s Defense Ministry", "indirect"),
        ("toxic substances made of chlorine", "Russia’s Defense Ministry", "indirect"),
        ("met in Idlib earlier this month", "Russia’s military", "indirect"),
        ("false-flag chemical attack in Idlib was being prepared", "Bashar Ja'afari", "indirect"),
        ("sought to lay the blame", "Bashar Ja'afari", "indirect"),  # "He said ..."
        ("gearing up for a new military attack", "Damascus and Moscow", "indirect"),
        ("internationally-banned chemical weapons", "Walid al-Muallem", "indirect"),
        ("not the first time that chemical attack claims", "Walid al-Muallem", "indirect"),
    ],
)
def test_example_statements_and_speakers(
    example_analysis: Analysis, words: str, speaker: str, kind: str
) -> None:
    a = _by_content(example_analysis, words)
    assert a.speaker is not None and a.speaker.name == speaker
    assert a.kind == kind


def test_example_relay_agentless_headline_and_scare_quotes(example_analysis: Analysis) -> None:
    sana = _by_content(example_analysis, "terrorists kidnapped 22 children")
    assert [r.name for r in sana.via] == ["SANA"]
    assert sana.source is not None and sana.source.text == "the defense ministry"
    # the relay's own participle ("as saying") is not a second statement by SANA
    same = [a for a in example_analysis.attributions if a.content[-1].end == sana.content[-1].end]
    assert same == [sana], [(a.id, a.rule, a.cue.text) for a in same]
    accused = [a for a in example_analysis.attributions if a.cue.text == "stands accused of"]
    assert len(accused) == 1 and accused[0].kind == "agentless" and accused[0].source is None
    (headline,) = [a for a in example_analysis.attributions if a.kind == "headline"]
    assert headline.cue.text == ":" and headline.speaker is not None
    assert headline.speaker.name == "Russia"
    assert headline.content[0].text.startswith("Militants kidnap kids")
    # the scare-quoted label is not speech
    assert not any(
        c.text.strip('“”"') == "aid group" for a in example_analysis.attributions for c in a.content
    )
    assert not any(a.cue.text in ("“", "”") for a in example_analysis.attributions)


def test_example_voices(example_analysis: Analysis) -> None:
    voices = {v.speaker: v for v in example_analysis.voices}
    assert len(voices["Walid al-Muallem"].attributions) == 2
    assert len(voices["Bashar Ja'afari"].attributions) == 2
    every = {i for v in example_analysis.voices for i in v.attributions}
    assert every == {a.id for a in example_analysis.attributions if a.speaker is not None}


def test_direct_quotes_continuations_and_discontinuous_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "“We will not accept this,” Defense Minister John Smith said, “and we will respond.” "
        "“Our patience has limits and the world must know it.”\n\n"
        "According to Reuters, the talks collapsed on Monday. It is alleged that the convoy was attacked."
    )
    a = analyze(Article(id="t", text=text), nlp=nlp)
    smith = [x for x in a.attributions if x.speaker and x.speaker.name == "John Smith"]
    assert len(smith) == 1  # one statement, three quoted pieces
    assert smith[0].kind == "direct"
    assert [c.text for c in smith[0].content] == [
        "“We will not accept this,”",
        "“and we will respond.”",
        "“Our patience has limits and the world must know it.”",
    ]
    reuters = [x for x in a.attributions if x.kind == "according_to"]
    assert reuters and reuters[0].speaker is not None and reuters[0].speaker.name == "Reuters"
    assert any(x.kind == "agentless" and x.cue.text == "is alleged" for x in a.attributions)


def test_unresolvable_pronoun_has_no_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    a = analyze(Article(id="t", text="He said the talks had failed in Geneva."), nlp=nlp)
    (attr,) = a.attributions
    assert attr.speaker is None and attr.source is not None and attr.source.text == "He"


@pytest.mark.parametrize(
    "text",
    [
        'He said "unbalanced and never closed',
        "She said “one” “two” ” ” “ and ‘single’ it's the 1990s’ «guillemets» »reversed«",
        '"\n\n"\n\n“”‘’\'\'""',
        "’’’ ‘‘ ” “ said",
    ],
)
def test_quote_scanner_never_fails_and_stays_in_bounds(text: str) -> None:
    for q in find_quotes(text):
        assert 0 <= q.start < q.end <= len(text)


QUOTES = st.sampled_from(list("\"'“”‘’«»„"))
WORDS = st.sampled_from(
    ["he", "said", "the", "minister", "told", "reporters", "that", "Syria", "according", "to",
     "Reuters", ",", ".", ":", "\n\n", "is", "alleged", "accused", "of", "reportedly"]
)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(WORDS, QUOTES), min_size=1, max_size=40))
def test_random_text_with_random_quotes_never_crashes(nlp, parts: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(parts).strip() or "x"
    analysis = analyze(Article(id="h", text=text), nlp=nlp)
    # validation re-checks every span against the text; a round trip proves the offsets hold
    assert Analysis.from_json(analysis.to_json()) == analysis
    for a in analysis.attributions:
        assert a.content and all(c.end > c.start for c in a.content)


@pytest.mark.parametrize(
    ("text", "rule", "source", "content"),
    [
        (
            "Some Democrats are concerned that the tactics could divide the party.",
            "adjective_clause",
            "Some Democrats",
            "that the tactics could divide the party",
        ),
        (
            "Her decision to open the borders to refugees divided the party.",
            "noun_intention",
            "Her",
            "to open the borders to refugees",
        ),
        (
            "The administration expressed confidence that the deal would hold.",
            "verb_attitude",
            "The administration",
            "that the deal would hold",
        ),
        (
            "Sanders called on Governor Snyder to resign over the crisis.",
            "verb_appeal",
            "Sanders",
            "to resign over the crisis",
        ),
        (
            "The senator defended the bill by saying it would create jobs in Ohio.",
            "verb_clause",
            "The senator",
            "it would create jobs in Ohio",
        ),
    ],
)
def test_stances_and_intentions(nlp, text: str, rule: str, source: str, content: str) -> None:  # type: ignore[no-untyped-def]
    a = analyze(Article(id="s", text=text), nlp=nlp)
    found = [x for x in a.attributions if x.rule == rule]
    assert found, [(x.rule, x.cue.text) for x in a.attributions]
    assert found[0].source is not None and found[0].source.text == source
    assert " ".join(c.text for c in found[0].content) == content


@pytest.mark.parametrize(
    "text",
    [
        "The room was so loud that nobody heard the bell.",  # a result clause, not a belief
        "Obama helped Democrats win the state.",  # causing is not saying
        "Trump told reporters on Tuesday.",  # an addressee is not content
        "Clinton spoke on Tuesday in Iowa.",  # when and where, not what
    ],
)
def test_not_attributions(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    a = analyze(Article(id="n", text=text), nlp=nlp)
    assert a.attributions == [], [
        (x.rule, x.cue.text, [c.text for c in x.content]) for x in a.attributions
    ]


def test_two_mark_double_quotes() -> None:
    text = "''I hate the term 'Manhattan poor,' '' she said. ``Wow,'' he said. Open ''here"
    quotes = find_quotes(text)
    inner = [text[slice(*q.inner)] for q in quotes]
    assert inner == ["I hate the term 'Manhattan poor,' ", "Wow,", "here"]
    assert [q.closed for q in quotes] == [True, True, False]
