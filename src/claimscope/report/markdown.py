"""A Markdown report for pasting into a ticket or a doc: metadata, notes, sourcing and voices,
framing by actor, framing findings, the claims to check first, the timeline, structure, entities
and dates.

Every article-derived string (names, labels, cue words, claim text, explanations that quote it)
goes through ``_md``: a Markdown viewer would otherwise render raw HTML or links from the article.
"""

from __future__ import annotations

import re

from claimscope.model import Analysis
from claimscope.report.digest import counts, percent, shares, top_claims

_INLINE = str.maketrans(
    {c: "\\" + c for c in "\\`*_[]|~"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
)


def _md(s: str) -> str:
    """Escape untrusted text for Markdown: inline markup, raw HTML, and block markers at the start."""
    out = " ".join(s.split()).translate(_INLINE)
    return re.sub(r"^([#>+-]|\d+[.)])", r"\\\1", out)


def render_markdown(analysis: Analysis) -> str:
    a = analysis.article
    lines = [f"# {_md(a.title or 'Untitled article')}", ""]
    meta = [
        ("Outlet", a.outlet),
        ("Published", a.published),
        ("URL", a.url),
        ("Author", a.author),
        ("Language", a.language),
        ("Source", a.source),
    ]
    lines += ["| field | value |", "|---|---|"]
    lines += [f"| {k} | {_md(v)} |" for k, v in meta if v]
    lines.append("")
    if analysis.notes:
        lines += ["## Notes", ""] + [f"- {_md(n)}" for n in analysis.notes] + [""]
    lines += _sourcing(analysis) + _voices(analysis) + _framing_by_actor(analysis)
    lines += _findings(analysis) + _claims(analysis) + _timeline(analysis)
    lines += ["## Structure", ""]
    for s in a.sections:
        excerpt = a.text[s.start : s.end]
        excerpt = excerpt if len(excerpt) <= 120 else excerpt[:117] + "..."
        lines.append(f"- **{s.kind}** ({s.start}-{s.end}): {_md(excerpt)}")
    for r in a.removed:
        lines.append(f"- removed *{r.kind}*: {_md(r.text)}")
    lines.append("")
    if analysis.entities:
        lines += ["## Entities", "", "| id | name | type | mentions |", "|---|---|---|---|"]
        for e in analysis.entities:
            lines.append(f"| {e.id} | {_md(e.name)} | {e.type} | {len(e.mentions)} |")
        lines.append("")
    if analysis.times:
        lines += ["## Dates", "", "| text | value | basis |", "|---|---|---|"]
        lines += [f"| {_md(t.text)} | {t.value or ''} | {t.basis} |" for t in analysis.times]
        lines.append("")
    lines += ["## Text", ""]
    for s in a.sections:
        body = a.text[s.start : s.end]
        for para in body.split("\n\n"):
            lines += [("> " if s.kind == "caption" else "") + _md(para), ""]
    return "\n".join(lines)


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _sourcing(analysis: Analysis) -> list[str]:
    s = analysis.sourcing
    if s is None:
        return []
    lines = [
        "## Sourcing",
        "",
        f"- **One-sided:** {'yes' if s.one_sided else 'no'}",
        f"- **Reason:** {_md(s.reason)}",
        f"- **Distinct voices:** {s.voices}, with {s.attributions} attributed statements",
        f"- **Statements by category:** {_md(shares(s.by_category)) or 'none'}",
        f"- **Statements by affiliation:** {_md(shares(s.by_affiliation)) or 'none'}",
        f"- **Anonymous:** {percent(s.anonymous_share)}; **independent** (NGO, international "
        f"organisation, expert, witness): {percent(s.independent_share)}",
    ]
    if s.unheard:
        lines.append(f"- **Labelled or accused, never quoted:** {_md(', '.join(s.unheard))}")
    return [*lines, ""]


def _voices(analysis: Analysis) -> list[str]:
    if not analysis.voices:
        return []
    lines = ["## Voices", "", _row("voice", "category", "affiliation", "statements", "basis")]
    lines.append("|---" * 5 + "|")
    for v in analysis.voices:
        cells = (v.speaker, v.category or "", v.affiliation or "")
        lines.append(_row(*map(_md, cells), len(v.attributions), _md(v.basis or "")))
    return [*lines, ""]


def _framing_by_actor(analysis: Analysis) -> list[str]:
    """The asymmetry table: one row per actor, so unequal treatment of the sides shows at a glance."""
    if not analysis.framing_by_actor:
        return []
    lines = [
        "## Framing by actor",
        "",
        "How the article treats each side: the verbs that introduce its statements (distancing "
        "ones such as *claim* or *allege* counted apart), the labels it applies, the doubt it casts "
        "on its events.",
        "",
        _row("actor", "affiliation", "statements", "cue verbs", "distancing", "labels", "doubted"),
        "|---" * 7 + "|",
    ]
    for r in analysis.framing_by_actor:
        lines.append(
            _row(
                _md(r.actor),
                _md(r.affiliation or ""),
                r.statements,
                _md(counts(r.cues)),
                r.distancing_cues,
                _md(", ".join(r.labels)),
                _md(", ".join(r.hedged)),
            )
        )
    return [*lines, ""]


def _findings(analysis: Analysis) -> list[str]:
    if not analysis.findings:
        return []
    lines = ["## Framing findings", "", _row("id", "technique", "words", "target", "explanation")]
    lines.append("|---" * 5 + "|")
    for f in analysis.findings:
        cells = (f.technique, f.text, f.target or "", f.explanation)
        lines.append(_row(f.id, *map(_md, cells)))
    return [*lines, ""]


def _claims(analysis: Analysis) -> list[str]:
    """The top claims by check-worthiness, with whose voice they are in and how they are hedged."""
    ranked = top_claims(analysis)
    if not ranked:
        return []
    lines = [
        "## Claims to check first",
        "",
        f"The {len(ranked)} of {len(analysis.claims)} claims with the highest check-worthiness "
        "(0 to 1: factual, specific claims score above opinions).",
        "",
        _row("#", "score", "voice", "claim", "hedges", "boosters"),
        "|---" * 6 + "|",
    ]
    for r in ranked:
        c = r.claim
        hedges = ", ".join(h.text for h in c.hedges)
        boosters = ", ".join(b.text for b in c.boosters)
        score = f"{c.checkworthiness:.2f}"
        lines.append(_row(r.rank, score, *map(_md, (r.voice, c.text, hedges, boosters))))
    return [*lines, ""]


def _timeline(analysis: Analysis) -> list[str]:
    """Claims in time order, each with the expression that dates it and how it was resolved."""
    if not analysis.timeline:
        return []
    lines = [
        "## Timeline",
        "",
        "Claims (or, lacking one, sentences) dated by a time expression in them or in their "
        "sentence, earliest first; *basis* says what the date was counted from.",
        "",
        _row("when", "basis", "dated by", "claim", "text"),
        "|---" * 5 + "|",
    ]
    for e in analysis.timeline:
        lines.append(_row(e.value, e.basis, _md(e.time.text), e.claim or "", _md(e.text)))
    return [*lines, ""]
