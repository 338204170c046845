"""Cut the article text into runs for highlighting, shared by the HTML and Markdown reports."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from claimscope.model import Analysis


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    layer: str  # "entity", "time", "finding"
    label: str  # shown on hover: "E3 Walid al-Muallem (PERSON)"


@dataclass(frozen=True)
class Run:
    text: str
    marks: tuple[Mark, ...]


def marks(analysis: Analysis) -> list[Mark]:
    out = [
        Mark(m.start, m.end, "entity", f"{e.id} {e.name} ({e.type})")
        for e in analysis.entities
        for m in e.mentions
    ]
    out += [
        Mark(t.start, t.end, "time", f"{t.text} = {t.value or '?'} ({t.basis})")
        for t in analysis.times
    ]
    # Framing findings in place, so that a reader meets the explanation where the words are.
    out += [
        Mark(f.start, f.end, "finding", f"{f.id} {f.technique}: {f.explanation}")
        for f in analysis.findings
    ]
    return out


def runs(text: str, start: int, end: int, all_marks: list[Mark]) -> list[Run]:
    """Split ``text[start:end]`` at every mark boundary; each run lists the marks covering it."""
    inside = [m for m in all_marks if m.end > start and m.start < end]
    cuts = sorted(
        {start, end, *(max(start, m.start) for m in inside), *(min(end, m.end) for m in inside)}
    )
    out = []
    for a, b in pairwise(cuts):
        if b > a:
            covering = tuple(m for m in inside if m.start <= a and m.end >= b)
            out.append(Run(text[a:b], covering))
    return out
