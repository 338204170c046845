"""Entities: the small model's span errors corrected, mentions grouped, roles and subtypes kept."""

from __future__ import annotations

import pytest

from claimscope.analyzers.entities import group_entities
from claimscope.knowledge.aliases import aliases
from claimscope.model import Analysis, Entity


def _by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.name: e for e in entities}


def _entities(nlp, text: str) -> dict[str, Entity]:  # type: ignore[no-untyped-def]
    return _by_name(group_entities(nlp(text)))


def _mentions(e: Entity) -> list[str]:
    return [m.text for m in e.mentions]


# ---- the example article


def test_example_people_with_roles(example_analysis: Analysis) -> None:
    ents = _by_name(example_analysis.entities)
    muallem = ents["Walid al-Muallem"]
    assert muallem.type == "PERSON"
    assert muallem.roles == ["Syrian Foreign Minister"]
    assert _mentions(muallem) == ["Walid al-Muallem", "Muallem"]
    jaafari = ents["Bashar Ja'afari"]
    assert jaafari.type == "PERSON"
    assert jaafari.roles == ["Syria’s Ambassador to the UN"]


def test_example_un_split_from_the_ambassador(example_analysis: Analysis) -> None:
    ents = example_analysis.entities
    assert not any("Ja'afari" in e.name and e.type == "ORG" for e in ents)
    un = _by_name(ents)["UN"]
    assert un.type == "ORG" and un.subtype == "international_org"
    assert _mentions(un) == ["the UN", "UN"]  # "the UN Bashar Ja'afari" and the last sentence
    assert _mentions(_by_name(ents)["Bashar Ja'afari"]) == ["Bashar Ja'afari"]


def test_example_defense_ministry_grouped(example_analysis: Analysis) -> None:
    ministry = _by_name(example_analysis.entities)["Russia’s Defense Ministry"]
    assert ministry.type == "ORG" and ministry.subtype == "military"
    assert _mentions(ministry) == ["Defense Ministry", "the defense ministry", "The ministry"]
    # attribution speaker resolution agrees: all three statements are the ministry's
    voices = {v.speaker: v for v in example_analysis.voices}
    assert len(voices["Russia’s Defense Ministry"].attributions) == 3
    assert "defense ministry" not in voices


def test_example_opcw_and_us_grouped(example_analysis: Analysis) -> None:
    ents = _by_name(example_analysis.entities)
    opcw = ents["Organization for the Prohibition of Chemical Weapons"]
    assert opcw.subtype == "international_org"
    assert "OPCW" in _mentions(opcw)
    us = ents["United States"]
    assert us.type == "GPE"
    assert _mentions(us) == ["US", "the United States", "US"]
    assert "US" not in ents


def test_example_known_organisations(example_analysis: Analysis) -> None:
    ents = _by_name(example_analysis.entities)
    assert (ents["SANA"].type, ents["SANA"].subtype) == ("ORG", "media")  # missed by the model
    assert (ents["White Helmets"].type, ents["White Helmets"].subtype) == ("ORG", "ngo")  # FAC
    assert ents["Jabhat an-Nusra"].subtype == "armed_group"
    assert ents["al-Hayat"].subtype == "media"  # "al-Hayat magazine"
    assert ents["UN Security Council"].subtype == "international_org"


def test_example_offsets_hold(example_analysis: Analysis) -> None:
    text = example_analysis.article.text
    for e in example_analysis.entities:
        for m in e.mentions:
            assert text[m.start : m.end] == m.text


# ---- rules, on invented texts


def test_organisation_prefix_split_from_person(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(nlp, "Syria's Ambassador to the UN Bashar Ja'afari said the talks failed.")
    assert ents["Bashar Ja'afari"].type == "PERSON"
    assert ents["Bashar Ja'afari"].roles == ["Syria's Ambassador to the UN"]
    assert ents["UN"].type == "ORG"


def test_organisation_name_is_not_split(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(nlp, "The BBC World Service and the UN Security Council said nothing.")
    assert ents["BBC World Service"].subtype == "media"
    assert ents["UN Security Council"].type == "ORG"
    assert not any(e.type == "PERSON" for e in ents.values())


def test_titles_before_and_after_the_name(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(
        nlp,
        "NATO Secretary General Jens Stoltenberg spoke. US Secretary of State Mike Pompeo "
        "agreed. Walid al-Muallem, Syria's foreign minister, disagreed.",
    )
    assert ents["Jens Stoltenberg"].roles == ["NATO Secretary General"]
    assert ents["Mike Pompeo"].roles == ["US Secretary of State"]
    assert ents["Walid al-Muallem"].roles == ["Syria's foreign minister"]
    assert "State" not in ents  # part of the title, not an organisation


def test_the_minister_joins_the_one_minister(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(
        nlp,
        "Syrian Foreign Minister Walid al-Muallem arrived in Moscow. The minister said the "
        "talks went well. Muallem later left.",
    )
    assert _mentions(ents["Walid al-Muallem"]) == ["Walid al-Muallem", "The minister", "Muallem"]


def test_two_ministers_do_not_merge(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(
        nlp,
        "Foreign Minister Sergei Lavrov said talks would resume. Defense Minister Sergei Shoigu "
        "said the army was ready. The minister added that more troops would come. The defense "
        "minister later said the drills were over.",
    )
    lavrov, shoigu = ents["Sergei Lavrov"], ents["Sergei Shoigu"]
    assert lavrov is not shoigu
    assert _mentions(lavrov) == ["Sergei Lavrov"]  # "The minister" could be either: left alone
    assert _mentions(shoigu) == ["Sergei Shoigu", "The defense minister"]


def test_minister_of_another_portfolio_is_not_joined(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(nlp, "Walid al-Muallem, Syria's foreign minister, said the minister of "
                          "defense agreed.")  # fmt: skip
    assert _mentions(ents["Walid al-Muallem"]) == ["Walid al-Muallem"]


def test_the_ministry_joins_the_one_ministry(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(
        nlp,
        "The Russian Defense Ministry said the drills ended. The defense ministry also said "
        "troops were back.",
    )
    ministry = ents["Russian Defense Ministry"]
    assert (ministry.type, ministry.subtype) == ("ORG", "military")
    assert _mentions(ministry) == ["The Russian Defense Ministry", "The defense ministry"]


def test_two_ministries_stay_apart(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(
        nlp,
        "Russia’s Defense Ministry says so. The ministry added that Syria’s Foreign Ministry "
        "agreed. The ministry said no.",
    )
    russia, syria = ents["Russia’s Defense Ministry"], ents["Syria’s Foreign Ministry"]
    assert _mentions(russia) == ["Defense Ministry", "The ministry"]  # the first: only one so far
    assert _mentions(syria) == ["Foreign Ministry"]  # the second could be either
    assert syria.subtype == "government"


def test_same_institution_of_two_countries_stays_apart(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(
        nlp, "Russia's Defense Ministry denied it. Syria's Defense Ministry confirmed it."
    )
    assert "Russia's Defense Ministry" in ents and "Syria's Defense Ministry" in ents


def test_country_and_organisation_aliases(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(
        nlp,
        "The U.S. and America and the United States of America met the UK and Britain. "
        "The United Nations and the UN agreed.",
    )
    assert _mentions(ents["United States of America"]) == [
        "U.S.",
        "America",
        "the United States of America",
    ]
    assert _mentions(ents["Britain"]) == ["UK", "Britain"]
    assert ents["United Nations"].subtype == "international_org"
    assert len(ents["United Nations"].mentions) == 2


def test_person_named_like_a_country_is_not_grouped(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(
        nlp, "Jordan Henderson said the team would win. Jordan's King Abdullah agreed."
    )
    henderson = ents["Jordan Henderson"]
    assert henderson.type == "PERSON" and _mentions(henderson) == ["Jordan Henderson"]
    assert ents["Abdullah"].roles == ["Jordan's King"]


def test_person_with_an_acronym_name_is_not_split(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _entities(nlp, "Author J.K. Rowling and AJ Styles met.")
    assert not any(e.type == "ORG" and e.name in ("AJ", "J.K.") for e in ents.values())


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("US", "United States"), ("the U.S.", "United States"), ("Britain", "United Kingdom"),
     ("OPCW", "Organization for the Prohibition of Chemical Weapons"), ("us", None),
     ("Daesh", "Islamic State")],
)  # fmt: skip
def test_alias_table(name: str, canonical: str | None) -> None:
    hit = aliases().lookup(name)
    assert (hit.canonical if hit else None) == canonical
