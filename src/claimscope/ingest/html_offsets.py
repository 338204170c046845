"""Offsets from an HTML page's article text back into the page's markup.

:func:`map_to_source` gives ``Article.offset_map`` for pages: it points into the *decoded HTML
source* (``original="html"``), the string given to :func:`~claimscope.ingest.html.read_html` or
decoded from its bytes. Each paragraph (line) of the article text is located in the markup, with
tags, comments, scripts and styles skipped and character references decoded.

What the map guarantees: every segment it holds is exact, so that
``html.unescape(source[orig_start:orig_end])``, normalised as article text is
(:mod:`.normalize`), is ``article_text[start:end]``. Segments are in article-text order and do
not overlap there; their places in the markup need not be in order (extractors may reorder).

What it does not promise is coverage: text with no counterpart in the markup (a title taken from
a meta tag, a paragraph the extractor rewrote, the " | " it puts between table cells, a word that
could not be matched) is simply not mapped, rather than mapped somewhere wrong.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from html import unescape

from claimscope.ingest.normalize import _QUOTES, TextBuilder, normalize
from claimscope.model import OffsetMap, OffsetSegment

# ---------------------------------------------------------------------------------------------
# Offsets into the markup

# Markup that holds no visible text (comments, scripts, styles), tags, and character references.
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<[A-Za-z/!?][^>]*>?"
    r"|&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)",
    re.S | re.I,
)
# Characters the text normaliser turns into a space or drops: skipped when matching.
_SKIP = frozenset(
    " \t\n\r\f\v\u00a0\u1680\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff\u00ad"
    + "".join(map(chr, [*range(0x2000, 0x200B), *range(0x00, 0x20), *range(0x7F, 0xA0)]))
)
# The one-character quote forms the normaliser rewrites, folded the same way for searching.
_QUOTE_FOLD = str.maketrans({k: v for k, v in _QUOTES.items() if len(k) == 1})
_SPACE = re.compile(" ")
_ANCHOR = 24  # characters (white space aside) that locate a paragraph in the markup
_MIN_ANCHOR = 8  # fewer could match anywhere
_RESYNC = 16  # characters looked for to pick a paragraph up again after a mismatch
_RESYNC_WINDOW = 4000  # how far ahead (in visible characters) they are looked for


def _norm_piece(s: str) -> str:
    """``s`` normalised as article text is, white space kept (``normalize`` strips it)."""
    b = TextBuilder()
    b.add(s, 0, len(s))
    return b.text()


class _SourceText:
    """The page's text as a reader sees it (tags dropped, references decoded), with its origin.

    ``text`` is made of units ``(view_start, src_start, src_end, is_run)``: a run of plain text
    maps character by character, a character reference as a whole. ``key`` is ``text`` without
    white space and invisible characters (``key_pos[k]`` is the view index of ``key[k]``), quotes
    folded, for finding where a paragraph starts.
    """

    def __init__(self, source: str) -> None:
        parts: list[str] = []
        units: list[tuple[int, int, int, bool]] = []
        vlen = pos = 0
        for m in [*_MARKUP.finditer(source), None]:
            run_end = m.start() if m else len(source)
            if run_end > pos:
                units.append((vlen, pos, run_end, True))
                parts.append(source[pos:run_end])
                vlen += run_end - pos
            if m is None:
                break
            pos = m.end()
            if m.group()[0] == "&":
                decoded = unescape(m.group())
                units.append((vlen, m.start(), m.end(), decoded == m.group()))
                parts.append(decoded)
                vlen += len(decoded)
        self.source = source
        self.text = "".join(parts)
        self.units = units
        self.unit_starts = [u[0] for u in units]
        self.key_pos = [i for i, c in enumerate(self.text) if c not in _SKIP]
        self.key = "".join(self.text[i] for i in self.key_pos).translate(_QUOTE_FOLD)

    def unit(self, j: int) -> tuple[int, int, int, int, bool]:
        """(view start, view end, source start, source end, is_run) of the unit holding ``j``."""
        k = bisect.bisect_right(self.unit_starts, j) - 1
        vs, ss, se, run = self.units[k]
        ve = self.unit_starts[k + 1] if k + 1 < len(self.units) else len(self.text)
        return vs, ve, ss, se, run

    def find(self, needle: str, start: int, window: int | None = None) -> int:
        """Index in ``key`` of ``needle`` at or after ``start`` (within ``window``), or -1."""
        end = len(self.key) if window is None else start + window
        return self.key.find(needle, start, end)

    def match(self, text: str, i: int, j: int) -> tuple[int, int, int, int] | None:
        """Article ``text`` at ``i`` against the view at ``j``: (next i, next j, src start, src end).

        Besides equal characters, accepts what normalisation makes of the view: a character
        reference, a rewritten quote ("``" for a curly one), a letter with combining marks.
        """
        view = self.text
        vs, ve, ss, se, run = self.unit(j)
        if not run:  # a character reference matches as a whole
            norm = normalize(view[vs:ve])
            if j == vs and norm and text.startswith(norm, i):
                return i + len(norm), ve, ss, se
            return None
        if view[j] == text[i]:
            return i + 1, j + 1, ss + j - vs, ss + j - vs + 1
        k = j + 1
        while k < ve and unicodedata.combining(view[k]):
            k += 1
        for stop in sorted({j + 1, j + 2, k}):
            norm = _norm_piece(view[j:stop]) if stop <= ve else ""
            if norm.strip() and text.startswith(norm, i):
                return i + len(norm), stop, ss + j - vs, ss + stop - vs
        return None


def _align(
    src: _SourceText, text: str, a_start: int, a_end: int, cursor: int
) -> tuple[list[list[int]], int]:
    """Pieces ``[start, end, src_start, src_end]`` mapping the paragraph ``text[a_start:a_end]``
    into the source, and the view index where the match ended. The paragraph is searched from key
    index ``cursor``, then from the start (extractors may reorder).

    Characters are matched one by one, white space aside; a space maps to the white space between
    its neighbours when only white space separates them in the markup (not a tag). Where text and
    markup disagree (a footnote mark the extractor dropped), the rest of the paragraph is looked
    for a little further on; what cannot be found stays unmapped. Contiguous one-to-one pieces
    are merged as they come, as TextBuilder merges its segments.
    """
    key_at = [i for i in range(a_start, a_end) if text[i] != " "]
    p_key = "".join(text[i] for i in key_at)
    start, k = _locate(src, text, a_start, a_end, key_at, p_key, cursor)
    if k < 0:
        return [], 0
    view, n_view, j = src.text, len(src.text), src.key_pos[k]
    pieces: list[list[int]] = []
    vs = ve = ss = 0  # the current run of plain text, cached: most characters fall in one
    i, ki = start, 0  # ki: index in key_at of the next non-space character to match
    while i < a_end:
        if text[i] == " ":
            i += 1
            continue
        while j < n_view and view[j] in _SKIP:
            j += 1
        if vs <= j < ve and view[j] == text[i]:
            got: tuple[int, int, int, int] | None = (i + 1, j + 1, ss + j - vs, ss + j - vs + 1)
        else:
            got = src.match(text, i, j) if j < n_view else None
            if got is not None:
                u_vs, u_ve, u_ss, _, run = src.unit(j)
                vs, ve, ss = (u_vs, u_ve, u_ss) if run else (0, 0, 0)
        if got is None:
            while ki < len(key_at) and key_at[ki] < i:
                ki += 1
            rest = p_key[ki : ki + _RESYNC]
            kj = bisect.bisect_left(src.key_pos, j)
            found = src.find(rest, kj, _RESYNC_WINDOW) if len(rest) == _RESYNC else -1
            if found >= 0:
                j = src.key_pos[found]
                got = src.match(text, i, j)
            if got is None:  # skip a word of the paragraph and try again
                nxt = text.find(" ", i, a_end)
                if nxt < 0:
                    break
                i = nxt
                continue
        i_next, j, s0, s1 = got
        if pieces and text[i - 1] == " " and pieces[-1][1] == i - 1:
            gap = src.source[pieces[-1][3] : s0]
            if gap and _is_blank(gap):
                _add_piece(pieces, i - 1, i, pieces[-1][3], s0)
        _add_piece(pieces, i, i_next, s0, s1)
        i = i_next
    return pieces, j


def _is_blank(gap: str) -> bool:
    """Whether markup between two words is only white space (so a space can map onto it)."""
    if gap.isspace() and gap.isascii():
        return True
    return "<" not in gap and _norm_piece(unescape(gap)) == " "


def _add_piece(pieces: list[list[int]], a0: int, a1: int, s0: int, s1: int) -> None:
    last = pieces[-1] if pieces else None
    if (
        last is not None
        and a1 - a0 == s1 - s0
        and last[1] == a0
        and last[3] == s0
        and last[1] - last[0] == last[3] - last[2]
    ):
        last[1], last[3] = a1, s1
    else:
        pieces.append([a0, a1, s0, s1])


def _locate(
    src: _SourceText,
    text: str,
    a_start: int,
    a_end: int,
    key_at: list[int],
    p_key: str,
    cursor: int,
) -> tuple[int, int]:
    """Where a paragraph starts in the markup: (article index, key index), or (0, -1).

    The first characters are looked for first; when the extractor changed them (a character it
    unescaped twice, a quote pair the normaliser rewrote), a few later words are tried, and the
    paragraph is mapped from there. An anchor stops at " | " (a table row: the markup does not
    separate its cells so); a short one (a whole table cell) is only looked for after the
    paragraph before.
    """
    starts = [a_start] + [m.end() for m in _SPACE.finditer(text, a_start, a_end)]
    for start in starts[:: max(1, len(starts) // 4)][:5]:
        first = bisect.bisect_left(key_at, start)
        cell = text.find(" | ", start, a_end)
        stop = len(key_at) if cell < 0 else bisect.bisect_left(key_at, cell)
        anchor = p_key[first : min(first + _ANCHOR, stop)]
        if not anchor or (len(anchor) < _MIN_ANCHOR and first + len(anchor) < stop):
            continue  # too short to be told apart, unless it is a whole table cell
        k = src.find(anchor, cursor)
        if k < 0 and len(anchor) >= _MIN_ANCHOR:  # a short one only counts further on
            k = src.find(anchor, 0)
        if k >= 0:
            return start, k
    return 0, -1


def map_to_source(article_text: str, source: str) -> OffsetMap:
    """An offset map from the article text into the HTML ``source`` (see the module docstring)."""
    src = _SourceText(source)
    pieces: list[list[int]] = []
    cursor = 0
    for m in re.finditer(r"[^\n]+", article_text):
        found, end = _align(src, article_text, m.start(), m.end(), cursor)
        if found:
            pieces.extend(found)
            cursor = max(cursor, bisect.bisect_left(src.key_pos, end))
    segments = [OffsetSegment(start=a, end=b, orig_start=c, orig_end=d) for a, b, c, d in pieces]
    return OffsetMap(original="html", segments=segments)
