"""The outlet panel: the registry entry of the article's outlet, its facts and every rating.

Ratings are shown as each rater published them, never combined into one score. The digest folds
a rater's identical verdicts on the outlet's several domains into one line; the details keep one
row per rating.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from claimscope.model import Analysis


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


@dataclass(frozen=True)
class RaterLine:
    """One rater's verdict with every domain it was given for: the digest's line per rater."""

    rater: str
    rating: str
    domains: tuple[str, ...]
    source: str


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


def outlet_summary(outlet: dict[str, Any]) -> str:
    """The entry in one line: "Press TV: Iran, State-controlled media (SC), parent Islamic ..."."""
    facts = dict(outlet_fields(outlet))
    parts = [facts.get("Country", ""), facts.get("State control", "")]
    if facts.get("Parent"):
        parts.append(f"parent {facts['Parent']}")
    if facts.get("Status"):
        parts.append(facts["Status"])
    said = ", ".join(p for p in parts if p)
    name = facts.get("Name", "unnamed outlet")
    return f"{name}: {said}" if said else name


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


def rater_lines(rows: list[RatingRow]) -> list[RaterLine]:
    """One line per rater and verdict, its domains folded together, in the registry's order.

    A rater that gave the same verdict on four domains says one thing, not four; a rater that
    rated two domains differently keeps a line per verdict, so nothing is blended.
    """
    folded: dict[tuple[str, str, str], list[str]] = {}
    for r in rows:
        domains = folded.setdefault((r.rater, r.rating, r.source), [])
        if r.domain and r.domain not in domains:
            domains.append(r.domain)
    return [
        RaterLine(rater, rating, tuple(domains), source)
        for (rater, rating, source), domains in folded.items()
    ]


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
