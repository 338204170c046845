"""Analyzers: spaCy components that read the Doc (and earlier results) and write their part.

Each analyzer stores its results under ``doc._.claimscope[<name>]`` as contract objects; it knows
nothing of input or output. :mod:`claimscope.analyze` assembles the :class:`Analysis` from them.
The article being analysed is at ``doc._.article`` (set before the pipeline runs), so analyzers
can use its metadata (publication date, sections).
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

# Sections whose sentences can hold claims and framing; bylines, credits, footers and the like
# cannot.
CLAIM_SECTIONS = frozenset({"headline", "standfirst", "body", "caption", "quote"})

if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)
if not Doc.has_extension("claimscope"):
    Doc.set_extension("claimscope", default=None)


def results(doc: Doc) -> dict[str, Any]:
    """The dict analyzers write into (created on first use: a shared default would leak)."""
    if doc._.claimscope is None:
        doc._.claimscope = {}
    out: dict[str, Any] = doc._.claimscope
    return out


def text_of(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins every token each time ``Doc.text`` is read."""
    cached = doc.user_data.get("claimscope_text")
    if cached is None:
        cached = doc.user_data["claimscope_text"] = doc.text
    return str(cached)


def trimmed(text: str, start: int, end: int, chars: str = " \t\n\r") -> tuple[int, int]:
    """``(start, end)`` narrowed past any of ``chars`` at either end (white space by default)."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end
