"""Other names of countries and major organisations (``aliases.toml``), loaded once.

Grouping needs to know that "the US" and "the United States" are one actor although they share
no word, and that "OPCW" is an international organisation although nothing in the acronym says
so. The table is small on purpose: a few dozen actors that recur in international news.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

SUBTYPES = ("government", "military", "media", "ngo", "armed_group", "international_org")

# The sourcing categories of ``actors.toml`` as entity subtypes.
CATEGORY_SUBTYPES = {
    "government/official": "government",
    "military": "military",
    "state media": "media",
    "media": "media",
    "NGO/humanitarian": "ngo",
    "international organisation": "international_org",
}


@dataclass(frozen=True)
class Alias:
    canonical: str
    kind: str  # "country" | "organisation"
    subtype: str | None = None


@dataclass(frozen=True)
class Aliases:
    by_name: dict[str, Alias]  # an exact name as written (case kept) -> its canonical entry
    organisations: re.Pattern[str]  # every organisation name, to find mentions the model missed

    def lookup(self, name: str) -> Alias | None:
        """The entry for a name as written ("US", "the United Nations"), or None."""
        s = re.sub(r"^the\s+", "", " ".join(name.split()), flags=re.I)
        s = s.replace("’", "'")
        hit = self.by_name.get(s)
        if hit is None and not s.isupper():  # "Islamic state" in a headline-cased line
            hit = self.by_name.get(s.title()) or self.by_name.get(s.casefold())
        return hit


# Organisation names too short or too common to look for in running text ("WHO", "IS").
_NOT_SEARCHED = frozenset({"WHO", "IS", "General Assembly", "Security Council", "Red Cross"})


@lru_cache(maxsize=1)
def aliases() -> Aliases:
    raw = tomllib.loads(files("claimscope.knowledge").joinpath("aliases.toml").read_text("utf-8"))
    by_name: dict[str, Alias] = {}
    for canonical, names in raw["countries"].items():
        entry = Alias(canonical, "country")
        for n in [canonical, *names]:
            by_name[n] = entry
    org_names = []
    for canonical, spec in raw["organisations"].items():
        entry = Alias(canonical, "organisation", spec["subtype"])
        for n in [canonical, *spec["aliases"]]:
            by_name[n] = entry
            if not n.isupper() and n.casefold() not in by_name:
                by_name[n.casefold()] = entry
            if n not in _NOT_SEARCHED:
                org_names.append(n)
    body = "|".join(re.escape(n) for n in sorted(org_names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")
    return Aliases(by_name=by_name, organisations=pattern)
