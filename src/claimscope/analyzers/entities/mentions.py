"""Mentions: spaCy's entity spans, with the small model's systematic errors corrected.

An organisation run into the person after it is split ("the UN Bashar Ja'afari" -> the UN + Bashar
Ja'afari), a title inside a person's span dropped ("Foreign Minister Sergei Lavrov" tagged ORG),
known organisations tagged as places or people retyped ORG and ones the model missed ("SANA")
added (:mod:`claimscope.knowledge.aliases`).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from claimscope.analyzers import text_of
from claimscope.analyzers.entities.names import ORG_WORDS, head_word, normalise_name
from claimscope.analyzers.entities.titles import TITLE_MODIFIERS, TITLE_NOUNS, title_before
from claimscope.knowledge import actors
from claimscope.knowledge.aliases import aliases

# Labels that name things; numbers, dates and quantities are other analyzers' business.
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
# Arabic and other name particles written in lower case inside a name ("Bashar al-Assad").
_PARTICLES = frozenset({"al", "el", "bin", "ibn", "abu", "van", "von", "de", "da", "del", "le"})


@dataclass
class Mention:
    start: int  # token indices, end exclusive
    end: int
    label: str
    anaphor: bool = False  # "the ministry": joins a group, never names it


def _is_name_token(t: Token) -> bool:
    if t.text in ("-", "'", "’"):
        return True
    if t.lower_ in _PARTICLES:
        return True
    return t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in ORG_WORDS


def _person_run(doc: Doc, start: int, end: int) -> bool:
    """doc[start:end] reads as a person's name: capitalised proper nouns, no organisation word."""
    if end <= start or not all(_is_name_token(t) for t in doc[start:end]):
        return False
    if not (doc[start].text[:1].isupper() and doc[end - 1].text[:1].isupper()):
        return False
    words = doc[start:end].text
    return aliases().lookup(words) is None and words.lower() not in actors().organisations


def _is_title_word(t: Token) -> bool:
    return t.lower_ in TITLE_NOUNS or t.lower_ in TITLE_MODIFIERS


def _known_org(text: str) -> bool:
    hit = aliases().lookup(text)
    if hit is not None:
        return hit.kind == "organisation"
    return normalise_name(text).lower() in actors().organisations


def _split(doc: Doc, m: Mention) -> list[Mention]:
    """Undo the model's run-together spans: "the UN Bashar Ja'afari", "Foreign Minister X"."""
    k = m.start + 1 if doc[m.start].lower_ == "the" else m.start
    if m.end - k < 2:
        return [m]
    # an organisation before a person's name ("the UN Bashar Ja'afari", "NATO Secretary
    # General Jens Stoltenberg"): only in spans not already tagged as a person
    if m.label != "PERSON":
        for j in range(m.end - 1, k, -1):
            prefix = doc[k:j].text
            acronym = j == k + 1 and prefix.isupper() and 2 <= len(prefix) <= 6
            if not (_known_org(prefix) or acronym):
                continue
            n = j
            while n < m.end and _is_title_word(doc[n]):
                n += 1
            titled = n > j or title_before(doc, k) is not None
            if _person_run(doc, n, m.end) and (m.end - n >= 2 or titled):
                return [Mention(m.start, j, "ORG"), Mention(n, m.end, "PERSON")]
    # a title inside the span ("Foreign Minister Sergei Lavrov" as ORG or PERSON)
    n = k
    while n < m.end and _is_title_word(doc[n]):
        n += 1
    titled = n > k and any(doc[i].lower_ in TITLE_NOUNS for i in range(k, n))
    if titled and _person_run(doc, n, m.end):
        return [Mention(n, m.end, "PERSON")]
    return [m]


def _inside_title(doc: Doc, m: Mention) -> bool:
    """ "State" in "Secretary of State", tagged as an organisation: part of a title, not a name."""
    return (
        m.start >= 2
        and all(t.lower_ in TITLE_MODIFIERS for t in doc[m.start : m.end])
        and doc[m.start - 1].lower_ in ("of", "for")
        and doc[m.start - 2].lower_ in TITLE_NOUNS
    )


def _missed_organisations(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Known organisations the model did not tag ("SANA", "Jabhat an-Nusra")."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    added = []
    for match in aliases().organisations.finditer(text_of(doc)):
        span = doc.char_span(match.start(), match.end())
        if span is None or any(i in taken for i in range(span.start, span.end)):
            continue
        added.append(Mention(span.start, span.end, "ORG"))
        taken.update(range(span.start, span.end))
    return added


def _retype(doc: Doc, m: Mention) -> Mention:
    """Known organisations are ORG; a "person" headed by an organisation word is one too."""
    text = doc[m.start : m.end].text
    known = m.label != "ORG" and _known_org(text)
    if known or (m.label == "PERSON" and m.end - m.start >= 2 and head_word(text) in ORG_WORDS):
        m.label = "ORG"
    return m


def corrected_mentions(doc: Doc) -> list[Mention]:
    found = [
        Mention(e.start, e.end, e.label_)
        for e in doc.ents
        if e.label_ in NAME_LABELS and normalise_name(e.text)
    ]
    found = [part for m in found for part in _split(doc, m) if not _inside_title(doc, part)]
    found += _missed_organisations(doc, found)
    return sorted((_retype(doc, m) for m in found), key=lambda m: m.start)
