"""Word lists two concerns share: how a list becomes one pattern, the hedges, boosters and
distancing cues of claims (``claims.toml``), and the lemma of an attribution's cue. The claims
analyzer and the framing analyzers both read them; neither imports the other for them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from spacy.tokens import Doc

from claimscope.model import Attribution


def pattern(entries: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern for the entries, on word boundaries; ``*`` ends a stem."""
    alternatives = []
    for entry in sorted(entries, key=len, reverse=True):
        body = re.escape(entry.rstrip("*")).replace(r"\ ", r"\s+").replace(r"\*", r"\w*")
        alternatives.append(body + (r"[\w-]*" if entry.endswith("*") else ""))
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Markers:
    hedges: re.Pattern[str]
    boosters: re.Pattern[str]
    distancing: frozenset[str]


@lru_cache(maxsize=1)
def markers() -> Markers:
    raw = tomllib.loads(files("claimscope.analyzers").joinpath("claims.toml").read_text("utf-8"))
    return Markers(
        hedges=pattern(raw["hedges"]["words"]),
        boosters=pattern(raw["boosters"]["words"]),
        distancing=frozenset(raw["distancing_cues"]["lemmas"]),
    )


def cue_lemma(doc: Doc, a: Attribution) -> str:
    """The cue's verb lemma ("claimed" -> "claim"); the cue text when it has no verb (":")."""
    span = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
    if span is None:
        return a.cue.text.lower()
    verbs = [t for t in span if t.pos_ == "VERB"]
    if verbs:
        return verbs[0].lemma_.lower()
    return a.cue.text.lower().strip() or a.kind
