"""Reports: an Analysis rendered for people (Markdown, standalone HTML). Thin shells, no analysis."""

from __future__ import annotations

from claimscope.model import Analysis

FORMATS = ("json", "md", "html")


def render(analysis: Analysis, fmt: str) -> str:
    """The analysis as ``json``, ``md`` or ``html`` text."""
    if fmt == "json":
        return analysis.to_json()
    if fmt == "md":
        from claimscope.report.markdown import render_markdown

        return render_markdown(analysis)
    if fmt == "html":
        from claimscope.report.html import render_html

        return render_html(analysis)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
