"""The framing lexicons (``lexicon.toml``) compiled to patterns, loaded once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from claimscope.analyzers.wordlists import pattern

__all__ = ["FramingLexicon", "lexicon", "pattern"]


@dataclass(frozen=True)
class FramingLexicon:
    name_calling: re.Pattern[str]
    sponsored: re.Pattern[str]  # "Western-backed", "foreign-funded"
    loaded: re.Pattern[str]
    judged_place: re.Pattern[str]  # "conflict-plagued", "war-torn"
    doubt_modifiers: frozenset[str]
    doubt_phrases: re.Pattern[str]
    threats: re.Pattern[str]
    prospective: re.Pattern[str]
    exaggeration: re.Pattern[str]
    flag_waving: re.Pattern[str]
    whataboutism: re.Pattern[str]
    causal: re.Pattern[str]
    naming: re.Pattern[str]


@lru_cache(maxsize=1)
def lexicon() -> FramingLexicon:
    raw = tomllib.loads(
        files("claimscope.analyzers.framing").joinpath("lexicon.toml").read_text("utf-8")
    )
    sponsors = "|".join(re.escape(s) for s in raw["name_calling"]["sponsor_suffixes"])
    judged = "|".join(re.escape(s) for s in raw["loaded_language"]["judgement_suffixes"])
    return FramingLexicon(
        name_calling=pattern(raw["name_calling"]["words"]),
        sponsored=re.compile(rf"(?<![\w-])[A-Za-z][\w.]*-(?:{sponsors})(?![\w-])", re.IGNORECASE),
        loaded=pattern(raw["loaded_language"]["words"]),
        judged_place=re.compile(rf"(?<![\w-])[A-Za-z]+-(?:{judged})(?![\w-])", re.IGNORECASE),
        doubt_modifiers=frozenset(raw["doubt"]["modifiers"]),
        doubt_phrases=pattern(raw["doubt"]["phrases"]),
        threats=pattern(raw["appeal_to_fear"]["threats"]),
        prospective=pattern(raw["appeal_to_fear"]["prospective"]),
        exaggeration=pattern(raw["exaggeration"]["words"]),
        flag_waving=pattern(raw["flag_waving"]["words"]),
        whataboutism=pattern(raw["whataboutism"]["words"]),
        causal=pattern(raw["causal_oversimplification"]["words"]),
        naming=pattern(raw["naming_verbs"]["words"]),
    )
