"""The words of a name: its normalised form, surname, head noun and country."""

from __future__ import annotations

import re

from claimscope.knowledge import countries

_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"\s*['’]s?$")
# Nouns that head an organisation's name; a "name" containing one is not a person's.
ORG_WORDS = frozenset(
    {
        "ministry", "agency", "council", "committee", "organization", "organisation", "department",
        "commission", "government", "army", "forces", "force", "navy", "command", "front",
        "brigade", "brigades", "battalion", "militia", "party", "movement", "union", "corps",
        "institute", "university", "company", "group", "service", "radio", "news", "tv",
        "television", "times", "post", "network", "channel", "magazine", "newspaper", "media",
        "office", "embassy", "parliament", "assembly", "court", "tribunal", "bank", "fund",
        "foundation", "observatory", "coalition", "alliance", "authority", "administration",
        "guard", "guards", "police", "bureau", "center", "centre", "association", "federation",
    }
)  # fmt: skip


def normalise_name(text: str) -> str:
    """'the United States' -> 'United States'; "Syria's" -> 'Syria'; white space collapsed."""
    s = " ".join(text.split())
    s = _LEADING.sub("", s)
    return _POSSESSIVE.sub("", s)


def surname(name: str) -> str:
    """The last word of a name, case-folded, without an Arabic article: "al-Muallem" -> "muallem"."""
    last = name.split()[-1].casefold()
    return re.sub(r"^(al|el|ad|ash|as|an|ar|at|az|ud|ul|bin|ibn)-", "", last)


def head_word(name: str) -> str:
    """The noun that heads a name: "Ministry of Defense" -> "ministry"; "Defense Ministry" too."""
    words = normalise_name(name).split()
    for i, w in enumerate(words):
        if i and w.lower() in ("of", "for", "on", "to", "against"):
            return words[i - 1].lower()
    return words[-1].lower() if words else ""


def country_of(word: str) -> str | None:
    return countries().names.get(normalise_name(word).lower())
