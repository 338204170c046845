"""Packaged knowledge: countries (names, demonyms, capitals) and organisations that speak in news.

Plain data files, loaded once. The package also holds the outlet registry (:mod:`.outlets`), the
GeoNames gazetteer (:mod:`.gazetteer`, :mod:`.placenames`), aliases of bodies named after places
(:mod:`.aliases`) and the fact-check records, store, matching and the CheckThat reader
(:mod:`.factchecks`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Countries:
    """Every way a country is named ("Syria", "Syrian", "Damascus"), mapped to its name."""

    names: dict[str, str]
    pattern: re.Pattern[str]

    def find(self, text: str) -> list[str]:
        """Countries named in ``text``, in order of first mention, without repeats."""
        out: list[str] = []
        for m in self.pattern.finditer(text):
            if len(m.group()) <= 3 and not m.group().isupper():
                continue  # "us" the pronoun is not the US
            country = self.names[m.group().lower()]
            if country not in out:
                out.append(country)
        return out


@lru_cache(maxsize=1)
def countries() -> Countries:
    names: dict[str, str] = {}
    raw = files("claimscope.knowledge").joinpath("countries.tsv").read_text("utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = [*line.split("\t"), "", "", ""][:4]
        country, demonyms, capital, other = cols
        for name in [country, capital, *demonyms.split(","), *other.split(",")]:
            if name.strip():
                names[name.strip().lower()] = country
    alternatives = sorted((re.escape(n) for n in names), key=len, reverse=True)
    # case-sensitive start: "US" the country, not "us" the pronoun
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)
    return Countries(names=names, pattern=pattern)


@dataclass(frozen=True)
class Actors:
    organisations: dict[str, tuple[str, str]]  # lower-cased name -> (category, affiliation)
    roles: list[tuple[str, re.Pattern[str]]]  # category -> words, in priority order


@lru_cache(maxsize=1)
def actors() -> Actors:
    raw = tomllib.loads(files("claimscope.knowledge").joinpath("actors.toml").read_text("utf-8"))
    orgs = {k.lower(): (v[0], v[1]) for k, v in raw["organisations"].items()}
    order = [
        "state media",
        "military",
        "international organisation",
        "NGO/humanitarian",
        "government/official",
        "party/politician",
        "expert/academic",
        "witness/citizen",
        "media",
    ]
    roles = []
    for category in order:
        words = sorted(raw["roles"][category], key=len, reverse=True)
        body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
        roles.append((category, re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)))
    return Actors(organisations=orgs, roles=roles)
