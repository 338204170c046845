"""Analyzers: spaCy components that read the Doc (and earlier results) and write their part.

Each analyzer writes its results into the typed :class:`~claimscope.analyzers.results.Results`
at ``doc._.claimscope`` as contract objects, and declares which of its fields it reads and writes;
it knows nothing of input or output. :func:`claimscope.pipeline.analysis_from_doc` assembles the
:class:`~claimscope.model.Analysis` from them.
The article being analysed is at ``doc._.article`` (set before the pipeline runs), so analyzers
can use its metadata (publication date, sections).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Generic, TypeVar

from spacy.tokens import Doc, Token

T = TypeVar("T")

# Sections whose sentences can hold claims and framing; bylines, credits, footers and the like
# cannot.
CLAIM_SECTIONS = frozenset({"headline", "standfirst", "body", "caption", "quote"})

if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)


def text_of(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins every token each time ``Doc.text`` is read."""
    cached = doc.user_data.get("claimscope_text")
    if cached is None:
        cached = doc.user_data["claimscope_text"] = doc.text
    return str(cached)


# No sentence of news runs this long (the longest of 4,030 in speakers-dev and PolNeAR dev has 148
# tokens); a "sentence" past it is a parse of something that is not prose (thousands of quotation
# marks, a table run together), where rules that walk a clause's subtree would cost the square of
# its length.
MAX_SENTENCE = 400


def prose_tokens(doc: Doc) -> tuple[Token, ...]:
    """The tokens of sentences up to :data:`MAX_SENTENCE` tokens long, computed once per Doc:
    what rules that look for cues iterate, so that their time stays linear in the text."""
    cached = doc.user_data.get("claimscope_prose")
    if cached is None:
        cached = doc.user_data["claimscope_prose"] = tuple(
            t for sent in doc.sents if len(sent) <= MAX_SENTENCE for t in sent
        )
    return tuple(cached)


class Intervals(Generic[T]):
    """Character intervals with a payload, for "which of them overlap this span?" in logarithmic
    time (sorted starts, bisected, and a look back no longer than the longest interval), where a
    scan of every interval per query would cost the square of the article's length."""

    def __init__(self, items: Iterable[tuple[int, int, T]]) -> None:
        self._items = sorted(items, key=lambda x: (x[0], x[1]))
        self._starts = [s for s, _, _ in self._items]
        self._longest = max((e - s for s, e, _ in self._items), default=0)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, T]]:
        """Intervals sharing at least one character with ``[start, end)``, in start order."""
        hi = bisect.bisect_left(self._starts, end)
        lo = bisect.bisect_left(self._starts, start - self._longest)
        return [x for x in self._items[lo:hi] if x[1] > start]

    def covering(self, start: int, end: int) -> list[tuple[int, int, T]]:
        """Intervals that contain all of ``[start, end)``."""
        return [x for x in self.overlapping(start, end) if x[0] <= start and end <= x[1]]


def trimmed(text: str, start: int, end: int, chars: str = " \t\n\r") -> tuple[int, int]:
    """``(start, end)`` narrowed past any of ``chars`` at either end (white space by default)."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end
