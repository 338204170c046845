"""A Markdown report: metadata, notes, structure and entities, for pasting into a ticket or a doc."""

from __future__ import annotations

import re

from claimscope.model import Analysis

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
