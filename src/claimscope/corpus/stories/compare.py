"""Outlet comparison: for one story, how each outlet told it, side by side.

A story is a set of articles (a claim cluster's, a search's). For each outlet this collects what a
reader compares first: the headlines, who is quoted (and from which side), the framing techniques
found and the words they were found in, the hedges, and the verbs that introduce statements
(*said* against *claimed*), plus the outlet's registry entry (state control).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from claimscope.knowledge.outlets import display_name
from claimscope.model import Analysis


@dataclass
class OutletColumn:
    outlet: str
    articles: int = 0
    headlines: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    voices: Counter[str] = field(default_factory=Counter)  # speaker -> statements
    voice_categories: Counter[str] = field(default_factory=Counter)
    techniques: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)  # technique -> words (first few)
    hedges: Counter[str] = field(default_factory=Counter)
    cues: Counter[str] = field(default_factory=Counter)
    one_sided: int = 0  # articles whose sourcing is one-sided
    state: str | None = None  # the registry's typology meaning and country, when known


def compare_outlets(items: Sequence[tuple[str, Analysis]]) -> list[OutletColumn]:
    """One column per outlet, most articles first."""
    columns: dict[str, OutletColumn] = {}
    for _, analysis in items:
        article = analysis.article
        name = display_name(analysis.outlet, article.outlet) or "unknown outlet"
        col = columns.setdefault(name, OutletColumn(name))
        col.articles += 1
        if article.title and article.title not in col.headlines:
            col.headlines.append(article.title)
        if article.published:
            col.dates.append(article.published)
        statements = {a.id: a for a in analysis.attributions}
        for voice in analysis.voices:
            col.voices[voice.speaker] += len(voice.attributions)
            col.voice_categories[voice.category or "unknown"] += len(voice.attributions)
        for a in statements.values():
            col.cues[a.cue.text.lower()] += 1
        for f in analysis.findings:
            col.techniques[f.technique] += 1
            shown = col.examples.setdefault(f.technique, [])
            if f.text not in shown and len(shown) < 5:
                shown.append(f.text)
        for claim in analysis.claims:
            for hedge in claim.hedges:
                col.hedges[hedge.text.lower()] += 1
        if analysis.sourcing and analysis.sourcing.one_sided:
            col.one_sided += 1
        if col.state is None and analysis.outlet:
            o = analysis.outlet
            parts = [o.get("typology_meaning"), o.get("country")]
            col.state = ", ".join(p for p in parts if p) or None
    for col in columns.values():
        col.dates.sort()
    return sorted(columns.values(), key=lambda c: (-c.articles, c.outlet.lower()))


def summary_rows(columns: Sequence[OutletColumn]) -> list[dict[str, str]]:
    """Plain strings per outlet, for a table in the terminal or a web page."""
    rows = []
    for c in columns:
        rows.append(
            {
                "outlet": c.outlet,
                "state": c.state or "",
                "articles": str(c.articles),
                "dates": f"{c.dates[0]} – {c.dates[-1]}" if c.dates else "",
                "headline": c.headlines[0] if c.headlines else "",
                "voices": ", ".join(f"{s} ({n})" for s, n in c.voices.most_common(4)),
                "sides": ", ".join(f"{k} {n}" for k, n in c.voice_categories.most_common(3)),
                "framing": ", ".join(f"{t} {n}" for t, n in c.techniques.most_common(4)),
                "hedges": ", ".join(h for h, _ in c.hedges.most_common(4)),
                "cues": ", ".join(f"{k} {n}" for k, n in c.cues.most_common(4)),
                "one-sided": f"{c.one_sided}/{c.articles}",
            }
        )
    return rows
