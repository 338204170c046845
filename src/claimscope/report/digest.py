"""What both reports show beside the text: claims ranked for checking, shares and cues in words,
the outlet's registry entry and the fact-checks that match claims.

Kept in one place so that the Markdown and HTML reports rank, round and word things the same way;
the values stay plain (unescaped) strings, and each report escapes them for its own format.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from claimscope.model import Analysis, Claim, FactCheckMatch

TOP_CLAIMS = 10  # a checker's first pass; the JSON keeps every claim


@dataclass(frozen=True)
class RankedClaim:
    rank: int
    claim: Claim
    voice: str  # "outlet", "unattributed", or "attributed to <speaker>"


def top_claims(analysis: Analysis, n: int = TOP_CLAIMS) -> list[RankedClaim]:
    """The claims most worth checking first: highest score first, ties in reading order.

    An attributed claim names its speaker, because "who says so" is the first thing a checker asks.
    """
    speakers = _speakers(analysis)
    ranked = sorted(analysis.claims, key=lambda c: (-c.checkworthiness, c.start))
    return [RankedClaim(i, c, _voice(c, speakers)) for i, c in enumerate(ranked[:n], 1)]


def _speakers(analysis: Analysis) -> dict[str, str]:
    return {a.id: a.speaker.name for a in analysis.attributions if a.speaker is not None}


def _voice(claim: Claim, speakers: dict[str, str]) -> str:
    speaker = speakers.get(claim.attribution or "") if claim.voice == "attributed" else None
    return f"attributed to {speaker}" if speaker else claim.voice


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def shares(by_key: dict[str, float]) -> str:
    """``{"Russia": 0.55, "Syria": 0.45}`` as "Russia 55%, Syria 45%", largest first."""
    ranked = sorted(by_key.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {percent(v)}" for k, v in ranked)


def counts(by_key: dict[str, int]) -> str:
    """Cue lemmas and their counts as "say 2, quote 1", most used first."""
    ranked = sorted(by_key.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {n}" for k, n in ranked)


# --- The outlet panel ------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingRow:
    """One rater's verdict on one of the outlet's domains, as the registry gives it."""

    rater: str
    rating: str  # the rater's label, or its value when it gives no label
    domain: str
    date: str  # "no date" when the rater gives none
    source: str
    licence: str
    has_label: bool


def _text(value: Any) -> str:
    """A registry value in words: numbers as written, a table of scores as "name value, ..."."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def outlet_fields(outlet: dict[str, Any]) -> list[tuple[str, str]]:
    """The entry's facts that are known, labelled, in the order a reader asks for them."""
    typology = _text(outlet.get("typology"))
    meaning = _text(outlet.get("typology_meaning"))
    fields = [
        ("Name", _text(outlet.get("name"))),
        ("Country", _text(outlet.get("country"))),
        (
            "State control",
            f"{meaning} ({typology})" if typology and meaning else meaning or typology,
        ),
        ("Parent", _text(outlet.get("parent"))),
        ("Status", _text(outlet.get("status"))),
        ("Domains", _text(outlet.get("domains"))),
        ("Matched from", _text(outlet.get("matched_from"))),
    ]
    return [(k, v) for k, v in fields if v]


def outlet_ratings(outlet: dict[str, Any]) -> list[RatingRow]:
    """Every rating of the entry, one row each, in the registry's order; never combined."""
    ratings = outlet.get("ratings")
    rows = []
    for r in ratings if isinstance(ratings, list) else []:
        if not isinstance(r, dict):
            continue
        label = _text(r.get("label"))
        rows.append(
            RatingRow(
                rater=_text(r.get("rater")) or "unnamed rater",
                rating=label or _text(r.get("value")) or "none given",
                domain=_text(r.get("domain")),
                date=_text(r.get("date")) or "no date",
                source=_text(r.get("source")),
                licence=_text(r.get("licence")),
                has_label=bool(label),
            )
        )
    return rows


@lru_cache(maxsize=1)
def _scales() -> dict[str, str]:
    """What each rater's values mean, from the packaged registry (empty if it cannot be read)."""
    try:
        raw = files("claimscope.knowledge").joinpath("outlets.json.gz").read_bytes()
        scales = json.loads(gzip.decompress(raw)).get("scales", {})
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(scales, dict):
        return {}
    out = {}
    for rater, scale in scales.items():
        if isinstance(scale, dict):  # value -> label
            out[rater] = ", ".join(f"{v} {label}" for v, label in scale.items())
        else:
            out[rater] = _text(scale)
    return out


def rating_scales(rows: list[RatingRow]) -> list[tuple[str, str]]:
    """The scale of each rater whose rows show a bare value (no label), so "-1" can be read."""
    scales = _scales()
    out: dict[str, str] = {}
    for row in rows:
        if row.has_label or row.rater in out:
            continue
        key = next((k for k in scales if row.rater == k or row.rater.startswith(k + " ")), None)
        if key is not None:
            out[row.rater] = scales[key]
    return list(out.items())


def outlet_missing(analysis: Analysis) -> str | None:
    """The sentence saying the outlet (or the URL's domain) was looked up and not found; None when
    the registry holds it, or when the article names no outlet and no URL."""
    if analysis.outlet is not None:
        return None
    a = analysis.article
    given = [q.strip() for q in (a.outlet, a.url) if q and q.strip()]
    if not given:
        return None
    if len(given) == 1:
        return f"“{given[0]}” is not in the outlet registry."
    return f"Neither “{given[0]}” nor “{given[1]}” is in the outlet registry."


# --- Fact-check matches ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedClaim:
    claim: Claim
    voice: str
    matches: list[FactCheckMatch]  # best match first


def factchecked_claims(analysis: Analysis) -> list[CheckedClaim]:
    """Every claim that stored fact-checks may check, in reading order, each match best first."""
    speakers = _speakers(analysis)
    return [
        CheckedClaim(c, _voice(c, speakers), sorted(c.factchecks, key=lambda m: -m.score))
        for c in sorted(analysis.claims, key=lambda c: c.start)
        if c.factchecks
    ]


def match_summary(claim: Claim) -> str:
    """The claim's matches in a few words for the claims table: "Mostly false (Example Check)"."""
    parts = []
    for m in sorted(claim.factchecks, key=lambda m: -m.score):
        rating = m.rating or "no rating"
        parts.append(f"{rating} ({m.reviewer})" if m.reviewer else rating)
    return "; ".join(parts)


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address with a host, the only kind a report links to."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    return url
