"""Grouping: mentions into canonical groups, by name, alias and owner, then folded.

A lone surname folds into the one full name ending with it, "the Defense Ministry" into the one
country's ministry named, and an acronym in parentheses into the name it abbreviates.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc

from claimscope.analyzers.entities.mentions import Mention
from claimscope.analyzers.entities.names import country_of, head_word, normalise_name, surname
from claimscope.analyzers.entities.titles import TITLE_NOUNS, title_before
from claimscope.knowledge.aliases import Alias, aliases

# Institutions that belong to a country and are often named without it ("the defense ministry").
OWNED = frozenset(
    {
        "ministry", "government", "army", "military", "forces", "navy", "parliament", "embassy",
        "agency", "department", "office", "council", "committee", "court", "police", "guard",
        "command", "cabinet", "presidency", "senate", "administration", "air force",
    }
)  # fmt: skip


@dataclass
class Group:
    label: str
    names: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    alias: Alias | None = None
    owner: str | None = None  # the country an institution belongs to ("Russia")
    roles: list[str] = field(default_factory=list)
    _name: tuple[int, int, str] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        # The fullest form used in the article: most words, then capitalised, then most
        # characters, then first seen. Names are only ever added: the choice is kept until one is
        # (it is asked for at every comparison, and a group can have thousands of mentions).
        key = (id(self.names), len(self.names))
        if self._name is not None and self._name[:2] == key:
            return self._name[2]
        best = max(
            enumerate(self.names),
            key=lambda p: (len(p[1].split()), p[1][:1].isupper(), len(p[1]), -p[0]),
        )[1]
        self._name = (*key, best)
        return best


def _owner(doc: Doc, m: Mention) -> tuple[str | None, int]:
    """The country an institution belongs to and where its name starts, "Russia's" included."""
    text = doc[m.start : m.end].text
    if m.label != "ORG" or head_word(text) not in OWNED:
        return None, m.start
    k = m.start + 1 if doc[m.start].lower_ == "the" else m.start
    if k < m.end - 1 and (c := country_of(doc[k].text)) is not None:  # "Russian Defense Ministry"
        return c, m.start
    if m.start >= 2 and doc[m.start - 1].tag_ == "POS":  # "Russia's Defense Ministry"
        c = country_of(doc[m.start - 2].text)
        if c is not None:
            return c, m.start - 2
    if m.start >= 1 and doc[m.start - 1].ent_type_ in ("NORP", "GPE"):  # "Russian" + "Ministry"
        c = country_of(doc[m.start - 1].text)
        if c is not None:
            return c, m.start - 1
    return None, m.start


def _base_name(doc: Doc, m: Mention, owned: bool) -> str:
    """The name without its owner: "Russian Defense Ministry" -> "Defense Ministry"."""
    words = normalise_name(doc[m.start : m.end].text).split()
    if owned and len(words) > 1 and country_of(words[0]) is not None:
        words = words[1:]
    return " ".join(words)


def group_mentions(doc: Doc, mentions: list[Mention]) -> list[Group]:
    groups: dict[tuple[str, str], Group] = {}
    order: list[Group] = []
    for m in mentions:
        text = doc[m.start : m.end].text
        alias = aliases().lookup(text)
        owner, name_start = _owner(doc, m)
        if alias is not None:
            key = ("alias", alias.canonical)
        else:
            base = _base_name(doc, m, owner is not None)
            key = (m.label, f"{owner or ''}|{base.casefold()}")
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group(m.label, alias=alias, owner=owner)
            order.append(g)
        g.names.append(normalise_name(doc[name_start : m.end].text))
        g.mentions.append(m)
    order = _fold_owners(doc, order)
    order = _fold_surnames(doc, order)
    order = _fold_acronyms(doc, order)
    for g in order:
        g.label = _label(g)
    return order


def _label(g: Group) -> str:
    if g.alias is not None:
        if g.alias.kind == "organisation":
            return "ORG"
        labels = {m.label for m in g.mentions}
        return (
            "GPE" if "GPE" in labels else Counter(m.label for m in g.mentions).most_common(1)[0][0]
        )
    if g.label == "PERSON":  # a person keeps the label whatever the folded surnames had
        return g.label
    return Counter(m.label for m in g.mentions if not m.anaphor).most_common(1)[0][0]


def _fold_owners(doc: Doc, groups: list[Group]) -> list[Group]:
    """ "the Defense Ministry" joins "Russia's Defense Ministry" when only one country has one."""
    kept = []
    for g in groups:
        if g.owner is None and g.alias is None and g.label == "ORG":
            base = normalise_name(g.names[0]).casefold()
            owned = [
                o
                for o in groups
                if o.owner is not None
                and o.label == "ORG"
                and _base_name(doc, o.mentions[0], True).casefold() == base
            ]
            if len(owned) == 1:
                owned[0].mentions.extend(g.mentions)
                owned[0].names.extend(g.names)
                continue
        kept.append(g)
    return kept


def _fold_surnames(doc: Doc, groups: list[Group]) -> list[Group]:
    """A one-word name that is the last word of exactly one multi-word PERSON joins that person.

    The small model often tags a lone surname ("Muallem") with the wrong label, so the one-word
    group may have any label; its mentions take the person's. Unless the surname carries a title
    the full name never had: "President Clinton" is not the "Hillary Clinton" named in full.
    """
    people = [g for g in groups if g.label == "PERSON" and len(g.name.split()) > 1]
    kept = []
    for g in groups:
        if len(g.name.split()) == 1 and g.label in {"PERSON", "ORG", "NORP", "GPE"} and not g.alias:
            word = g.name.casefold()
            owners = [p for p in people if surname(p.name) == word]
            if (
                len(owners) == 1
                and owners[0] is not g
                and _title_nouns(doc, g) <= _title_nouns(doc, owners[0])
            ):
                owners[0].names.extend(g.names)
                owners[0].mentions.extend(g.mentions)
                continue
        kept.append(g)
    return kept


def _title_nouns(doc: Doc, g: Group) -> set[str]:
    """The title nouns before a group's mentions: {"president"} for "President Clinton"."""
    nouns: set[str] = set()
    for m in g.mentions:
        found = title_before(doc, m.start)
        if found is not None:
            nouns.update(t.lower_ for t in doc[found[0] : found[1]] if t.lower_ in TITLE_NOUNS)
    return nouns


def _fold_acronyms(doc: Doc, groups: list[Group]) -> list[Group]:
    """ "Organization for the Prohibition of Chemical Weapons (OPCW)": OPCW joins the long name."""
    by_mention = {(m.start, m.end): g for g in groups for m in g.mentions}
    merged: set[int] = set()
    for g in groups:
        for m in list(g.mentions):
            if m.end + 2 >= len(doc) or doc[m.end].text != "(" or doc[m.end + 2].text != ")":
                continue
            target = by_mention.get((m.end + 1, m.end + 2))
            if target is None or target is g or id(target) in merged:
                continue
            if not _is_acronym_of(doc[m.end + 1].text, g.name):
                continue
            g.mentions.extend(target.mentions)
            g.names.extend(target.names)
            merged.add(id(target))
    return [g for g in groups if id(g) not in merged]


def _is_acronym_of(acronym: str, name: str) -> bool:
    letters = acronym.replace(".", "").replace("&", "").upper()
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper())
    return bool(letters) and (letters == initials or (len(letters) >= 2 and letters in initials))
