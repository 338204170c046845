"""Claims, framing findings and sourcing: the example article's structure, and generic texts."""

from __future__ import annotations

import pytest

from claimscope.analyzers.framing.lexicon import pattern
from claimscope.ingest.jsonl_csv import FieldMap, read_csv
from claimscope.model import Analysis, Article, Claim, Finding
from claimscope.pipeline import analyze

from .conftest import shared


def _claim(analysis: Analysis, words: str) -> Claim:
    hits = [c for c in analysis.claims if words in c.text]
    assert hits, f"no claim with {words!r}: {[c.text for c in analysis.claims]}"
    return hits[0]


def _findings(analysis: Analysis, text: str) -> list[Finding]:
    return [f for f in analysis.findings if f.text.strip('“”"') == text]


@pytest.mark.parametrize(
    "words",
    [
        "On April 14, the US, Britain and France launched",
        "alleged gas attack hit the Damascus suburb town of Douma",
        "Syria surrendered its entire chemical stockpile in 2013",
    ],
)
def test_example_outlet_claims(example_analysis: Analysis, words: str) -> None:
    assert _claim(example_analysis, words).voice == "outlet"


def test_example_attributed_claims_link_their_attribution(example_analysis: Analysis) -> None:
    claim = _claim(example_analysis, "terrorists kidnapped 22 children")
    assert claim.voice == "attributed"
    attribution = next(a for a in example_analysis.attributions if a.id == claim.attribution)
    assert attribution.speaker is not None
    assert attribution.speaker.name == "Russia’s Defense Ministry"
    assert not claim.text.startswith("that ")
    agentless = [c for c in example_analysis.claims if c.text == "working with Takfiri militants"]
    assert agentless and agentless[0].voice == "unattributed"


def test_example_ranks_specific_facts_first(example_analysis: Analysis) -> None:
    """Issue 20: the three claims to check first are specific factual ones, not the photo caption
    or the vague "it was not the first time ..." that the sentence score alone put first."""
    ranked = sorted(example_analysis.claims, key=lambda c: -(c.priority or 0))
    top = [c.text for c in ranked[:3]]
    assert any("surrendered its entire chemical stockpile in 2013" in t for t in top), top
    assert any(t.startswith("On April 14") for t in top), top
    assert not any("Um Majid" in t or "not the first time" in t for t in top), top
    caption = _claim(example_analysis, "Um Majid")
    assert "caption" in [r.feature for r in caption.reasons]
    assert caption.priority is not None and caption.priority < caption.checkworthiness
    vague = _claim(example_analysis, "not the first time")
    assert "vague" in [r.feature for r in vague.reasons]
    kidnap = _claim(example_analysis, "kidnapped 22 children")
    assert ("number", "22") in [(r.feature, r.text) for r in kidnap.reasons]


@pytest.mark.parametrize(
    ("text", "words", "feature"),
    [
        (
            "Should the government raise taxes on imported steel next year?",
            "raise taxes",
            "question",
        ),
        (
            "The minister said the country should spend more on its schools and hospitals.",
            "spend more",
            "opinion",
        ),
        ("This is a very important issue for all of us here today.", "important issue", "vague"),
        (
            "Police arrested 14 protesters outside the parliament in Ankara on Tuesday.",
            "arrested 14",
            "number",
        ),
    ],
)
def test_ranking_reasons_on_generic_sentences(text: str, words: str, feature: str) -> None:
    claim = _claim(analyze(text), words)
    features = {r.feature: r.effect for r in claim.reasons}
    assert feature in features, claim.reasons
    moved = claim.priority is not None and claim.priority - claim.checkworthiness
    assert moved and (moved > 0) == (features[feature] > 0)


def test_a_scraped_row_keeps_its_headline_figure() -> None:
    """FA-KES row 1918150030 repeats its title in the body after a byline, with no line break:
    the headline claim keeps "58", and the lead sentence is a claim of its own."""
    fields = FieldMap(id="unit_id", title="article_title", text="article_content")
    rows = read_csv(shared("data/fa-kes/FA-KES-Dataset.csv"), fields)
    article = next(a for a in rows if isinstance(a, Article) and a.id == "1918150030")
    claims = [c.text for c in analyze(article).claims]
    assert "58 Killed in Suspected Gas Attack in Syrias Idlib" in claims, claims
    assert not any(c.startswith(("Killed", "Posted on")) for c in claims), claims
    assert any(c.startswith("Dozens of people have been killed") for c in claims), claims


def test_headline_claims_keep_their_figures() -> None:
    """Headlines drop the auxiliary ("58 Killed in ..." is "58 were killed"): the headline is a
    claim, with its number."""
    text = (
        "58 Killed in Suspected Gas Attack in Northern Province\n\n"
        "Dozens of people were killed on Tuesday in a suspected chemical attack, a monitor said."
    )
    claims = [c.text for c in analyze(text).claims]
    assert "58 Killed in Suspected Gas Attack in Northern Province" in claims, claims
    assert not any(c.startswith("Killed") for c in claims), claims


def test_example_hedges_and_doubt(example_analysis: Analysis) -> None:
    assert [h.text for h in _claim(example_analysis, "April 14").hedges] == ["purported"]
    assert [h.text for h in _claim(example_analysis, "Douma").hedges] == ["alleged"]
    for word, target in (("purported", "goal"), ("alleged", "gas attack")):
        hits = [f for f in _findings(example_analysis, word) if f.technique == "doubt"]
        assert hits and hits[0].target == target


@pytest.mark.parametrize(
    "text, technique, target",
    [
        ("Takfiri", "name_calling", "militants"),
        ("terrorists", "name_calling", None),  # "the terrorists": the label is the only name
        ("Western-backed", "name_calling", "White Helmets"),
        ("aid group", "scare_quotes", "White Helmets"),
    ],
)
def test_example_labels_target_the_actor(
    example_analysis: Analysis, text: str, technique: str, target: str | None
) -> None:
    hits = [f for f in _findings(example_analysis, text) if f.technique == technique]
    assert hits, f"no {technique} finding on {text!r}"
    assert hits[0].target == target
    assert text in hits[0].explanation


def test_example_voices_are_one_sided_state_sources(example_analysis: Analysis) -> None:
    assert example_analysis.voices
    for v in example_analysis.voices:
        assert v.category in ("government/official", "military", "state media"), v
        assert v.affiliation is not None
        assert set(v.affiliation.split(", ")) <= {"Russia", "Syria"}, v
    sourcing = example_analysis.sourcing
    assert sourcing is not None and sourcing.one_sided
    assert "one-sided" in sourcing.reason.lower()
    assert "White Helmets" in sourcing.unheard
    assert any("one-sided" in n.lower() for n in example_analysis.notes)


def test_example_asymmetry_table(example_analysis: Analysis) -> None:
    rows = {r.actor: r for r in example_analysis.framing_by_actor}
    ministry = rows["Russia’s Defense Ministry"]
    assert ministry.statements == 3 and not ministry.labels
    helmets = rows["White Helmets"]
    assert helmets.statements == 0 and "“aid group”" in helmets.labels
    assert "purported goal" in rows["United States"].hedged  # "the US", grouped


def test_balanced_text_is_not_one_sided(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The health ministry said 40 people were killed in the flood. "
        "Amnesty International said the toll was higher. "
        "Professor Jane Smith, a hydrologist at Leeds University, said the dam had been neglected. "
        "A resident, Tom Brown, said water reached the roof within an hour."
    )
    analysis = analyze(text, nlp=nlp)
    assert analysis.sourcing is not None
    assert not analysis.sourcing.one_sided
    assert analysis.sourcing.independent_share > 0


def test_distancing_cue_is_a_hedge_and_quote_is_not_a_scare_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The mayor claimed that the new bridge will cut traffic by 30 percent. "
        "Critics called the plan “a total waste of money,” according to the local paper."
    )
    analysis = analyze(text, nlp=nlp)
    claim = _claim(analysis, "new bridge will cut traffic")
    assert claim.voice == "attributed"
    assert "claimed" in [h.text for h in claim.hedges]
    assert not [f for f in analysis.findings if f.technique == "scare_quotes"]


def test_findings_and_claims_respect_offsets(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“Traitors!” they shouted. The so-called experts clearly failed; it is a total disaster."
    analysis = analyze(text, nlp=nlp)
    for f in analysis.findings:
        assert analysis.article.text[f.start : f.end] == f.text
    assert any(f.technique == "doubt" and f.text == "so-called" for f in analysis.findings)
    assert any(b.text == "clearly" for c in analysis.claims for b in c.boosters)


def test_lexicon_pattern_stems_and_boundaries() -> None:
    p = pattern(["terroris*", "war crime*", "so-called"])
    assert [m.group() for m in p.finditer("Terrorists, war crimes and so-called aid")] == [
        "Terrorists",
        "war crimes",
        "so-called",
    ]
    assert not p.search("counterterrorism")


def test_no_finding_is_aimed_at_its_own_words(example_analysis: Analysis, nlp) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: "“terrorists” labels “terrorists”" said nothing. A label that is itself the noun
    has no target; the group it names is still an actor of the framing table."""
    other = analyze(
        "The terrorists attacked the village on Monday. The army said the liberation of the "
        "town was near, and the rebels called it a massacre.",
        nlp=nlp,
    )
    for analysis in (example_analysis, other):
        for f in analysis.findings:
            if f.target is not None:
                assert f.target.strip("“”").lower() != f.text.strip("“”").lower(), f
                assert f"labels “{f.text}”" not in f.explanation, f
    terrorists = [f for f in example_analysis.findings if f.text == "terrorists"]
    assert terrorists and all(f.target is None for f in terrorists)
    assert "those called “terrorists”" in example_analysis.sourcing.unheard  # type: ignore[union-attr]


def test_one_voice_is_said_to_be_one(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "A new report called the safety net ineffective. The report also said that poverty "
        "was higher than in other wealthy countries."
    )
    sourcing = analyze(text, nlp=nlp).sourcing
    assert sourcing is not None and sourcing.voices == 1
    assert "one voice" in sourcing.reason.lower() and "1 voices" not in sourcing.reason
