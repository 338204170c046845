"""Roles and subtypes: each person's titles and each organisation's kind."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from claimscope.analyzers.entities.grouping import Group
from claimscope.analyzers.entities.titles import apposition_after, title_before
from claimscope.knowledge import actors
from claimscope.knowledge.aliases import CATEGORY_SUBTYPES, aliases

# Subtypes from an organisation's own words, in priority order (first match wins).
_SUBTYPE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (subtype, re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.I))
    for subtype, words in (
        ("armed_group", r"brigades?|battalions?|militias?|jaish|jabhat|liwa|ahrar|mujahideen"),
        ("ngo", r"amnesty|watch|red cross|red crescent|charity|foundation|relief|rights|"
                r"humanitarian|observatory|helmets|without borders|ngo|aid group"),
        ("media", r"news|press agency|tv|television|radio|times|post|magazine|newspaper|daily|"
                  r"channel|broadcast\w*|network|tribune|herald|gazette|journal|media"),
        ("international_org", r"un|u\.n\.|united nations|international|european union|"
                              r"african union|nato|organi[sz]ation for"),
        ("military", r"army|military|armed forces|forces|navy|air force|command|corps|guards?|"
                     r"defen[cs]e ministry|ministry of defen[cs]e|pentagon"),
        ("government", r"ministry|government|department|cabinet|presidency|embassy|parliament|"
                       r"senate|congress|administration|foreign office|agency|council|kremlin|"
                       r"police|authority"),
    )
)  # fmt: skip


def roles_of(doc: Doc, g: Group) -> list[str]:
    roles: list[str] = []
    for m in g.mentions:
        if m.anaphor:
            continue
        for found in (title_before(doc, m.start), apposition_after(doc, m.end)):
            if found is not None:
                role = " ".join(doc[found[0] : found[1]].text.split())
                if role.casefold() not in {r.casefold() for r in roles}:
                    roles.append(role)
    return roles


def subtype_of(doc: Doc, g: Group) -> str | None:
    if g.alias is not None and g.alias.subtype:
        return g.alias.subtype
    orgs = actors().organisations
    for n in g.names:
        known = orgs.get(n.lower())
        if known is not None and known[0] in CATEGORY_SUBTYPES:
            return CATEGORY_SUBTYPES[known[0]]
    for n in g.names:  # a known organisation's part: "BBC World Service", "UN Security Council"
        first = aliases().lookup(n.split()[0])
        if first is not None and first.subtype:
            return first.subtype
        known = orgs.get(n.split()[0].lower())
        if known is not None and known[0] in CATEGORY_SUBTYPES:
            return CATEGORY_SUBTYPES[known[0]]
    # the model's span and the noun after it: "al-Hayat magazine", "the Syrian army"
    words = " ".join(
        [*g.names, *(doc[m.end].text for m in g.mentions if m.end < len(doc) and not m.anaphor)]
    )
    for subtype, pattern in _SUBTYPE_WORDS:
        if pattern.search(words):
            return subtype
    return None
