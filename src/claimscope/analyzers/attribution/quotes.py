"""Quotations in the text: where quoted passages open and close, whatever marks are used.

News text mixes straight and curly marks, guillemets and single quotes, leaves quotes open at a
paragraph end (a quote running on to the next paragraph opens again there without closing), and
uses ’ both as a closing single quote and as an apostrophe; some (the New York Times archive, the
Penn Treebank's Wall Street Journal) write a double quote as two marks: two apostrophes, or two
backticks to open and two apostrophes to close. This scanner never fails on any of that: it pairs what it can and closes what is
left open at the paragraph end, marking it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

# opening mark -> closing marks that end it
_PAIRS = {
    "\u201c": ("\u201d", '"'),  # “ ”
    "\u00ab": ("\u00bb",),  # « »
    "\u00bb": ("\u00ab",),  # » « (Danish/German order)
    "\u201e": ("\u201d", "\u201c"),  # „ “
    '"': ('"', "\u201d"),
}
_DOUBLED = {"''": "''", "``": "''"}  # two-mark double quotes: opening -> closing
_SINGLE_OPEN = {"\u2018": ("\u2019",), "'": ("'", "\u2019"), "\u2039": ("\u203a",)}
QUOTE_CHARS = frozenset("\u201c\u201d\u00ab\u00bb\u201e\"\u2018\u2019'\u2039\u203a")


@dataclass(frozen=True)
class Quote:
    """``text[start:end]`` is a quotation, marks included (``closed`` False: ran to paragraph end).

    ``width`` is the length of each mark: 2 for ``''...''``.
    """

    start: int
    end: int
    closed: bool
    width: int = 1

    @property
    def inner(self) -> tuple[int, int]:
        return (self.start + self.width, self.end - self.width if self.closed else self.end)


def _is_word(c: str) -> bool:
    return c.isalnum()


def find_quotes(text: str) -> list[Quote]:
    """Double-mark quotations (and single-mark ones that cannot be apostrophes), in text order."""
    quotes: list[Quote] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        pair = text[i : i + 2]
        after = text[i + 2] if i + 2 < n else " "
        if pair in _DOUBLED and (i == 0 or not _is_word(text[i - 1])) and not after.isspace():
            i = _doubled(text, i, _DOUBLED[pair], quotes)
            continue
        closers = _PAIRS.get(c)
        single = False
        if closers is None and c in _SINGLE_OPEN:
            # a single mark opens a quote only at a word start: not in "don't" or "the 1990s'"
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < n else " "
            if not _is_word(before) and _is_word(after):
                closers, single = _SINGLE_OPEN[c], True
        if closers is None or (c == '"' and i + 1 < n and text[i + 1].isspace() and i > 0):
            # a straight mark followed by a space is a closing mark with no opening: skip it
            i += 1
            continue
        end = _find_close(text, i + 1, closers, single)
        if end is None:  # left open: runs to the paragraph end
            stop = text.find("\n\n", i)
            stop = n if stop == -1 else stop
            if stop - i > 1:
                quotes.append(Quote(i, stop, closed=False))
            i = stop
        else:
            quotes.append(Quote(i, end + 1, closed=True))
            i = end + 1
    return quotes


def _doubled(text: str, i: int, closer: str, quotes: list[Quote]) -> int:
    """Pair a two-mark quote opening at ``i``; return where scanning goes on."""
    stop = text.find("\n\n", i)
    stop = len(text) if stop == -1 else stop
    end = text.find(closer, i + 2, stop)
    if end == -1:
        if stop - i > 2:
            quotes.append(Quote(i, stop, closed=False, width=2))
        return stop
    quotes.append(Quote(i, end + 2, closed=True, width=2))
    return end + 2


def _find_close(text: str, start: int, closers: tuple[str, ...], single: bool) -> int | None:
    j, n = start, len(text)
    while j < n:
        c = text[j]
        if c == "\n" and text.startswith("\n\n", j):
            return None
        if c in closers:
            if not single:
                return j
            after = text[j + 1] if j + 1 < n else " "
            if not _is_word(after):  # ’ followed by a letter is an apostrophe
                return j
        j += 1
    return None


def quote_at(quotes: list[Quote], start: int, end: int) -> Quote | None:
    """The quotation that contains ``[start, end)``, if any.

    Quotations do not overlap and are in text order, so the only candidate is the last one that
    opens at or before ``start``: found by bisection, not a scan from the text's start.
    """
    i = bisect_right(quotes, start, key=lambda q: q.start) - 1
    if i >= 0 and end <= quotes[i].end:
        return quotes[i]
    return None
