"""Entities: spaCy's named entities corrected by rules and grouped into canonical entities.

A reader wants each actor once, with every place the article names it: "Walid al-Muallem",
"Muallem" and "the minister" are one person; "Russia's Defense Ministry", "the defense ministry"
and "the ministry" one organisation; "the US" and "the United States" one country. So this pass

1. corrects the small model's systematic span errors: an organisation run into the person after
   it ("the UN Bashar Ja'afari" -> the UN + Bashar Ja'afari) and a title inside a person's span
   ("Foreign Minister Sergei Lavrov" tagged ORG); known organisations it tagged as places or people
   become ORG, and ones it missed ("SANA") are added (:mod:`claimscope.knowledge.aliases`)
   (:mod:`.mentions`);
2. groups mentions by name, by alias ("US" / "United States"), by owner ("Russia's Defense
   Ministry" apart from "Syria's Defense Ministry"), folds a lone surname into the one full name
   ending with it and an acronym in parentheses into the name it abbreviates (:mod:`.grouping`);
3. keeps each person's titles (``roles``: "Syria's Ambassador to the UN", from the words before the
   name or an apposition after it, :mod:`.titles`) and each organisation's kind (``subtype``)
   (:mod:`.roles`);
4. joins what the model missed to the one entity it can refer to: a bare surname to the person
   named in full before; definite descriptions, "the minister" to the only earlier person titled
   minister, "the ministry" to the only earlier ministry. When two could be meant, neither gets
   the mention: a wrong merge is worse than a missed one (:mod:`.joins`).

How a name is read (normalised form, surname, head noun, country) is in :mod:`.names`. Place types
(Jisr tagged PERSON, Aleppo NORP) are corrected by the places analyzer, not here.
"""

from __future__ import annotations

from spacy.tokens import Doc

from claimscope.analyzers import text_of
from claimscope.analyzers.entities.grouping import group_mentions
from claimscope.analyzers.entities.joins import join_descriptions
from claimscope.analyzers.entities.mentions import NAME_LABELS, corrected_mentions
from claimscope.analyzers.entities.names import normalise_name, surname
from claimscope.analyzers.entities.roles import roles_of, subtype_of
from claimscope.analyzers.results import Results, component
from claimscope.model import Entity, Span

__all__ = ["NAME_LABELS", "entities_component", "group_entities", "normalise_name", "surname"]


def group_entities(doc: Doc) -> list[Entity]:
    """Group ``doc.ents`` into entities; ids E1, E2, ... in order of first mention."""
    groups = group_mentions(doc, corrected_mentions(doc))
    for g in groups:
        if g.label == "PERSON":
            g.roles = roles_of(doc, g)
    join_descriptions(doc, groups)
    text = text_of(doc)
    entities = []
    for i, g in enumerate(sorted(groups, key=lambda g: min(m.start for m in g.mentions)), 1):
        mentions = sorted(g.mentions, key=lambda m: m.start)
        spans = [doc[m.start : m.end] for m in mentions]
        entities.append(
            Entity(
                id=f"E{i}",
                name=g.name,
                type=g.label,
                mentions=[Span.of(text, s.start_char, s.end_char) for s in spans],
                subtype=subtype_of(doc, g) if g.label == "ORG" else None,
                roles=g.roles,
            )
        )
    return entities


@component(
    "claimscope_entities",
    writes=["entities"],
    requires=["doc.ents", "token.ent_type", "token.lemma", "token.tag"],
)
def entities_component(doc: Doc) -> Doc:
    Results.of(doc).entities = group_entities(doc)
    return doc
