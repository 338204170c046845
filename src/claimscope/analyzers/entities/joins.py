"""Joins: what the model missed, joined to the one entity it can refer to.

A bare surname joins the person named in full before; a definite description, "the minister",
the only earlier person titled minister, "the ministry" the only earlier ministry. When two could
be meant, neither gets the mention: a wrong merge is worse than a missed one.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from claimscope.analyzers.entities.grouping import OWNED, Group
from claimscope.analyzers.entities.mentions import Mention
from claimscope.analyzers.entities.names import ORG_WORDS, country_of, head_word, surname
from claimscope.analyzers.entities.titles import TITLE_NOUNS


def _description(doc: Doc, t: Token, taken: set[int]) -> tuple[int, int, list[str]] | None:
    """ "the (Syrian) (foreign) minister (of defense)": its token span and its modifiers, if ``t``
    heads one."""
    if t.i in taken or t.pos_ not in ("NOUN", "PROPN"):
        return None
    if t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN" and doc[t.i + 1].text[:1].isupper():
        return None  # a title before a name: "the minister Walid al-Muallem"
    mods: list[str] = []
    end = t.i + 1
    if end + 1 < len(doc) and doc[end].lower_ in ("of", "for"):  # "the minister of defense"
        j = end + 1
        while j < len(doc) and j - end <= 3 and doc[j].pos_ in ("NOUN", "PROPN", "ADJ", "DET"):
            if doc[j].pos_ != "DET":
                mods.append(doc[j].lower_)
            j += 1
        if j < len(doc) and doc[j].pos_ in ("NOUN", "PROPN", "ADJ"):
            return None  # a longer phrase than a description: "the chairwoman of the ..."
        if mods:
            end = j
    k = t.i - 1
    while k >= 0 and len(mods) < 5 and k not in taken:
        w = doc[k]
        if w.lower_ == "the":
            return k, end, mods
        if w.pos_ in ("ADJ", "NOUN", "PROPN") and (w.text.islower() or w.ent_type_ == "NORP"):
            mods.append(w.lower_)
            k -= 1
            continue
        return None
    return None


def _compatible(mods: list[str], name: str) -> bool:
    low = name.casefold()
    for w in mods:
        country = country_of(w)
        if w not in low and not (country and country.casefold() in low):
            return False
    return True


def _join_surnames(doc: Doc, groups: list[Group], taken: set[int]) -> None:
    """A surname the model did not tag ("Muallem later left") joins the one person it ends."""
    people: dict[str, list[Group]] = {}
    for g in groups:
        if g.label == "PERSON" and len(g.name.split()) > 1:
            people.setdefault(surname(g.name), []).append(g)
    for t in doc:
        owners = people.get(t.lower_)
        if not owners or len(owners) > 1 or t.i in taken or t.pos_ != "PROPN":
            continue
        if not t.text[:1].isupper() or not any(m.start < t.i for m in owners[0].mentions):
            continue
        if any(0 <= j < len(doc) and doc[j].pos_ == "PROPN" for j in (t.i - 1, t.i + 1)):
            continue  # part of another name: "Hafez Assad", "Muallem Street"
        owners[0].mentions.append(Mention(t.i, t.i + 1, "PERSON"))
        taken.add(t.i)


def join_descriptions(doc: Doc, groups: list[Group]) -> None:
    taken = {i for g in groups for m in g.mentions for i in range(m.start, m.end)}
    _join_surnames(doc, groups, taken)
    for t in doc:
        low = t.lower_
        if low in TITLE_NOUNS and t.text.islower():
            label = "PERSON"  # "the minister": the one earlier person titled minister
        elif t.lemma_.lower() in ORG_WORDS or low in OWNED:
            label = "ORG"  # "the ministry": the one earlier ministry
        else:
            continue
        found = _description(doc, t, taken)
        if found is None:
            continue
        start, end, mods = found
        if label == "PERSON":
            candidates = [
                g
                for g in groups
                if g.label == "PERSON"
                and any(m.start < start for m in g.mentions)
                and any(
                    low in r.casefold().replace("-", " ").split() and _compatible(mods, r)
                    for r in g.roles
                )
            ]
        else:
            candidates = [
                g
                for g in groups
                if g.label == "ORG"
                and any(m.start < start and not m.anaphor for m in g.mentions)
                and head_word(g.name) in (low, t.lemma_.lower())
                and _compatible(mods, g.name)
            ]
        if len(candidates) == 1:
            candidates[0].mentions.append(Mention(start, end, label, anaphor=True))
            taken.update(range(start, end))
