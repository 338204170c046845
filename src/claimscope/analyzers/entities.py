"""Entities, first pass: spaCy's named entities grouped into canonical entities with mentions.

A reader wants "Walid al-Muallem" once, with both of its mentions ("Walid al-Muallem",
"Muallem"), not two unrelated names. This pass groups mentions by normalised name, folds a lone
surname into the one full name that ends with it, and folds an acronym given in parentheses
("... Chemical Weapons (OPCW)") into the name it abbreviates. Correcting the small model's labels
with gazetteers is later work (issue 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimscope.analyzers import results
from claimscope.model import Entity, Span

# Labels that name things; numbers, dates and quantities are other analyzers' business.
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"\s*['’]s?$")


def normalise_name(text: str) -> str:
    """'the United States' -> 'United States'; "Syria's" -> 'Syria'; white space collapsed."""
    s = " ".join(text.split())
    s = _LEADING.sub("", s)
    return _POSSESSIVE.sub("", s)


@dataclass
class _Group:
    label: str
    names: list[str] = field(default_factory=list)
    mentions: list[SpacySpan] = field(default_factory=list)

    @property
    def name(self) -> str:
        # The fullest form used in the article: most words, then most characters, then first seen.
        return max(self.names, key=lambda n: (len(n.split()), len(n), -self.names.index(n)))


def group_entities(doc: Doc) -> list[Entity]:
    """Group ``doc.ents`` into entities; ids E1, E2, ... in order of first mention."""
    groups: dict[tuple[str, str], _Group] = {}
    order: list[_Group] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        name = normalise_name(ent.text)
        if not name:
            continue
        key = (ent.label_, name.casefold())
        g = groups.get(key)
        if g is None:
            g = groups[key] = _Group(ent.label_)
            order.append(g)
        g.names.append(name)
        g.mentions.append(ent)
    order = _fold_surnames(order)
    order = _fold_acronyms(doc, order)
    entities = []
    for i, g in enumerate(sorted(order, key=lambda g: min(m.start_char for m in g.mentions)), 1):
        mentions = sorted(g.mentions, key=lambda m: m.start_char)
        entities.append(
            Entity(
                id=f"E{i}",
                name=g.name,
                type=g.label,
                mentions=[Span.of(doc.text, m.start_char, m.end_char) for m in mentions],
            )
        )
    return entities


def _fold_surnames(groups: list[_Group]) -> list[_Group]:
    """A one-word name that is the last word of exactly one multi-word PERSON joins that person.

    The small model often tags a lone surname ("Muallem") with the wrong label, so the one-word
    group may have any label; its mentions take the person's.
    """
    people = [g for g in groups if g.label == "PERSON" and len(g.name.split()) > 1]
    kept = []
    for g in groups:
        if len(g.name.split()) == 1 and g.label in {"PERSON", "ORG", "NORP", "GPE"}:
            word = g.name.casefold()
            owners = [p for p in people if surname(p.name) == word]
            if len(owners) == 1 and owners[0] is not g:
                owners[0].names.extend(g.names)
                owners[0].mentions.extend(g.mentions)
                continue
        kept.append(g)
    return kept


def surname(name: str) -> str:
    """The last word of a name, case-folded, without an Arabic article: "al-Muallem" -> "muallem"."""
    last = name.split()[-1].casefold()
    return re.sub(r"^(al|el|ad|ash|as|an|ar|at|az|ud|ul|bin|ibn)-", "", last)


def _fold_acronyms(doc: Doc, groups: list[_Group]) -> list[_Group]:
    """ "Organization for the Prohibition of Chemical Weapons (OPCW)": OPCW joins the long name."""
    by_mention = {(m.start_char, m.end_char): g for g in groups for m in g.mentions}
    merged: set[int] = set()
    for g in groups:
        for m in list(g.mentions):
            after = doc.text[m.end_char : m.end_char + 20]
            match = re.match(r"\s*\(([A-Z][A-Za-z&.]{1,11})\)", after)
            if not match:
                continue
            a_start = m.end_char + match.start(1)
            target = by_mention.get((a_start, a_start + len(match.group(1))))
            if target is None or target is g or id(target) in merged:
                continue
            if not _is_acronym_of(match.group(1), g.name):
                continue
            g.mentions.extend(target.mentions)
            merged.add(id(target))
    return [g for g in groups if id(g) not in merged]


def _is_acronym_of(acronym: str, name: str) -> bool:
    letters = acronym.replace(".", "").replace("&", "").upper()
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper())
    return bool(letters) and (letters == initials or (len(letters) >= 2 and letters in initials))


@Language.component("claimscope_entities")
def entities_component(doc: Doc) -> Doc:
    results(doc)["entities"] = group_entities(doc)
    return doc
