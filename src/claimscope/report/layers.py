"""Cut the article text into runs for highlighting, shared by the HTML and Markdown reports."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from claimscope.model import Analysis, Attribution

# Every layer the HTML report can show, with the label of its toggle. "claim" stands for the three
# voice classes (claim-outlet, claim-attributed, claim-unattributed), switched by one toggle.
LAYERS: tuple[tuple[str, str], ...] = (
    ("entity", "Entities"),
    ("time", "Dates"),
    ("finding", "Framing findings"),
    ("attr-source", "Attribution source"),
    ("attr-cue", "Attribution cue"),
    ("attr-content", "Attributed content"),
    ("claim", "Claims by voice"),
    ("hedge", "Hedges"),
)


# What every colour and mark in the text means: (CSS class of the sample, label, meaning).
LEGEND: tuple[tuple[str, str, str], ...] = (
    ("claim-outlet", "Claim in the outlet's voice", "text colour: the article states it itself"),
    ("claim-attributed", "Claim attributed", "text colour: the article reports it from a source"),
    (
        "claim-unattributed",
        "Claim with no source named",
        "text colour: reported as said by someone unnamed (“reportedly”, “stands accused of”)",
    ),
    ("attr-content", "What a source said", "shaded background; click it to see the attribution"),
    ("attr-cue", "Speech verb", "bold and underlined: said, claimed, according to ..."),
    ("attr-source", "Who is cited", "dotted underline: the source as the text names it"),
    ("hedge", "Hedge", "dashed box, italic: alleged, purported, reportedly ..."),
    ("finding", "Framing finding", "red highlight under the words; hover for the explanation"),
    ("entity", "Named entity", "blue underline: a person, organisation or place"),
    ("time", "Date", "brown line above: a time expression resolved to a date"),
)


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    layer: str  # "entity", "time", "finding", "attr-source", "claim-outlet", "hedge" ...
    label: str  # shown on hover: "E3 Walid al-Muallem (PERSON)"
    ref: str | None = None  # the attribution a mark belongs to ("A3"): its run links to its card


@dataclass(frozen=True)
class Run:
    text: str
    marks: tuple[Mark, ...]

    @property
    def ref(self) -> str | None:
        """The first attribution covering the run (marks keep the analysis's order)."""
        return next((m.ref for m in self.marks if m.ref), None)


def speaker_label(a: Attribution) -> str:
    """Who speaks, as resolved: "Russia’s Defense Ministry via SANA", or "unresolved (...)"."""
    if a.speaker is not None:
        who = a.speaker.name
    else:
        who = f"unresolved ({a.source.text})" if a.source is not None else "unresolved"
    if a.via:
        who += " via " + ", ".join(r.name for r in a.via)
    return who


def marks(analysis: Analysis) -> list[Mark]:
    # Attributions first, in the analysis's order, so that a run's first ref is its first one.
    out: list[Mark] = []
    for a in analysis.attributions:
        who = speaker_label(a)
        if a.source is not None:
            out.append(
                Mark(a.source.start, a.source.end, "attr-source", f"{a.id} source: {who}", a.id)
            )
        out.append(Mark(a.cue.start, a.cue.end, "attr-cue", f"{a.id} cue ({a.kind}): {who}", a.id))
        out += [
            Mark(c.start, c.end, "attr-content", f"{a.id} content: {who}", a.id) for c in a.content
        ]
    out += [
        Mark(m.start, m.end, "entity", f"{e.id} {e.name} ({e.type})")
        for e in analysis.entities
        for m in e.mentions
    ]
    out += [
        Mark(t.start, t.end, "time", f"{t.text} = {t.value or '?'} ({t.basis})")
        for t in analysis.times
    ]
    speakers = {a.id: speaker_label(a) for a in analysis.attributions}
    for c in analysis.claims:
        voice: str = c.voice
        if c.attribution:
            voice += f" to {speakers.get(c.attribution, '?')} ({c.attribution})"
        out.append(
            Mark(
                c.start,
                c.end,
                f"claim-{c.voice}",
                f"{c.id} claim, {voice}, check-worthiness {c.checkworthiness:.2f}",
            )
        )
        out += [Mark(h.start, h.end, "hedge", f"hedge “{h.text}” in {c.id}") for h in c.hedges]
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
