from __future__ import annotations

from claimscope.ingest.text import read_text
from claimscope.model import Analysis, Failure
from claimscope.pipeline import analyze, analyze_many


def _entity(analysis: Analysis, name: str):  # type: ignore[no-untyped-def]
    return next(e for e in analysis.entities if e.name == name)


def test_example_is_a_valid_contract_document(example_analysis: Analysis) -> None:
    a = example_analysis
    again = Analysis.from_json(a.to_json())  # validation re-checks every span against the text
    assert again == a
    assert a.article.title and a.article.title.endswith(": Russia")
    assert {s.kind for s in a.article.sections} == {"headline", "caption", "body"}
    names = {e.name for e in a.entities}
    assert {"Russia", "Syria", "Idlib", "Damascus", "Walid al-Muallem"} <= names
    for e in a.entities:
        assert e.mentions and all(a.article.text[m.start : m.end] == m.text for m in e.mentions)


def test_surname_and_acronym_mentions_join_their_entity(example_analysis: Analysis) -> None:
    muallem = _entity(example_analysis, "Walid al-Muallem")
    assert [m.text for m in muallem.mentions] == ["Walid al-Muallem", "Muallem"]
    opcw = _entity(example_analysis, "Organization for the Prohibition of Chemical Weapons")
    assert "OPCW" in [m.text for m in opcw.mentions]


def test_missing_publication_date_is_noted_with_a_lower_bound(example_analysis: Analysis) -> None:
    (note,) = [n for n in example_analysis.notes if "publication date" in n]
    assert "2018-09-12" in note
    assert any(t.value == "2018-09-12" and t.basis == "explicit" for t in example_analysis.times)


def test_given_publication_date_removes_the_note(example_text: str, nlp) -> None:  # type: ignore[no-untyped-def]
    a = analyze(read_text(example_text, published="2018-09-26"), nlp=nlp)
    assert a.article.published == "2018-09-26"
    assert not [n for n in a.notes if "publication date" in n]


def test_plain_string_input(nlp) -> None:  # type: ignore[no-untyped-def]
    a = analyze(
        "Syria's foreign minister Walid al-Muallem said on Tuesday that talks had failed.", nlp=nlp
    )
    assert any(e.name == "Walid al-Muallem" for e in a.entities)


def test_non_english_article_is_reported_not_analysed(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "El Ministerio de Defensa ruso afirma que los militantes secuestraron a niños para "
        "escenificar un ataque químico en la provincia de Idlib, según la agencia oficial."
    )
    a = analyze(read_text(text), nlp=nlp)
    assert a.article.language == "es"
    assert a.entities == []
    assert any("not English" in n for n in a.notes)


def test_batch_keeps_failures_in_place(nlp) -> None:  # type: ignore[no-untyped-def]
    items = [
        read_text("Reuters reported that the talks in Geneva had failed on Monday.", id="one"),
        Failure(source="corpus.csv#row 2", reason="empty text"),
        read_text(
            "Le ministère russe de la Défense affirme que des militants ont enlevé des enfants "
            "dans la province d'Idleb, selon l'agence officielle.",
            id="two",
        ),
        read_text("The United Nations said aid convoys reached Aleppo on Friday.", id="three"),
    ]
    out = list(analyze_many(items, nlp=nlp, batch_size=2))
    assert [type(o).__name__ for o in out] == ["Analysis", "Failure", "Analysis", "Analysis"]
    assert [o.article.id for o in out if isinstance(o, Analysis)] == ["one", "two", "three"]
    assert out[2].entities == []  # French: not analysed, noted


def test_package_front_door(nlp) -> None:  # type: ignore[no-untyped-def]
    import claimscope

    a = claimscope.analyze(
        "Reuters reported that talks in Geneva failed on Monday, officials said."
    )
    assert isinstance(a, claimscope.Analysis)
    assert a.article.text.startswith("Reuters reported")
