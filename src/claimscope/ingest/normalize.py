"""Decoding and text normalisation, with an offset map back to the input.

Readers build ``Article.text`` through :class:`TextBuilder`, which normalises each piece of the
input it is given (Unicode NFC, white space, invisible characters, rare quote forms) and records
where every piece came from, so that a span found in the analysed text can be shown in the input.
Curly quotes and guillemets are kept as they are: which way a quote mark faces is evidence the
attribution analyzer uses.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path
from typing import Literal

from claimscope.errors import InputError
from claimscope.model import OffsetMap, OffsetSegment

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Rare or typographically wrong quote forms mapped to the common curly ones (or straight ones).
_QUOTES = {
    "``": "\u201c",
    "''": "\u201d",
    "\u201e": "\u201c",  # „ low double quote
    "\u201f": "\u201c",  # ‟ reversed double quote
    "\u201b": "\u2018",  # ‛ reversed single quote
    "\u2033": '"',  # ″ double prime, often typed for a quote mark
    "\uff02": '"',  # fullwidth quotation mark
    "\uff07": "'",  # fullwidth apostrophe
}
_SPACES = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_SPECIAL = re.compile(
    "|".join(
        [
            r"``|''|[\u201e\u201f\u201b\u2033\uff02\uff07]",
            rf"[ \n\r{_SPACES}]+",
            r"[\u200b-\u200d\u2060\ufeff\u00ad]",  # zero-width characters and soft hyphens
            r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]",  # control characters
            "[\ud800-\udfff]",  # lone surrogates (from "\\ud800" in JSON): not encodable
        ]
    )
)

_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x7fELF", "an executable"),
]
# Byte-order marks and the codec each one names (UTF-32 before UTF-16: their BOMs share a prefix).
BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def read_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file, refusing one larger than ``max_bytes`` before reading it whole."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{p}: {size:,} bytes is over the size limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes)"
        )
    with p.open("rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew while we looked
        raise InputError(f"{p}: over the size limit of {max_bytes:,} bytes")
    return data


def sniff_binary(data: bytes) -> str | None:
    """Say what binary data looks like, or None when it looks like text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if any(data.startswith(bom) for bom, _ in BOMS):
        return None
    head = data[:8192]
    if head.count(b"\x00") > max(2, len(head) // 1000):  # a stray NUL is dropped, not binary
        return "binary data (it contains NUL bytes)"
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if head and controls / len(head) > 0.05:
        return "binary data (many control bytes)"
    return None


def decode(
    data: bytes, declared: str | None = None, *, what: str = "input"
) -> tuple[str, list[str]]:
    """Decode bytes to text: BOM, then the declared encoding, then UTF-8, then detection.

    Returns the text and notes saying what was done when it was not plain UTF-8, so that a
    guessed encoding is never silent.
    """
    if not data.strip():
        raise InputError(f"{what} is empty")
    binary = sniff_binary(data)
    if binary:
        raise InputError(f"{what} is not text: it looks like {binary}")
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), ([] if enc == "utf-8-sig" else [f"decoded as {enc} (BOM)"])
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{what} starts with a {enc} byte-order mark but is not {enc}: {e}"
                ) from e
    notes: list[str] = []
    if declared:
        try:
            codecs.lookup(declared)
            return data.decode(declared), (
                []
                if codecs.lookup(declared).name == "utf-8"
                else [f"decoded as {declared} (declared)"]
            )
        except (LookupError, UnicodeDecodeError):
            notes.append(f"declared encoding {declared!r} did not decode the {what}")
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        text, bad = mostly
        notes.append(f"{what} is UTF-8 with {bad} invalid byte sequence(s), replaced by U+FFFD")
        return text, notes
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise InputError(f"{what} is not valid UTF-8 and its encoding could not be detected")
    # On short Western text the detector ties several Latin code pages (cp1250 turns "à" into "ŕ");
    # when Windows-1252, the most common legacy encoding of news pages, decodes as cleanly, take it.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and best.encoding != "cp1252" and western.chaos <= best.chaos + 0.01:
        best = western
    notes.append(f"{what} was not valid UTF-8; decoded as {best.encoding} (detected)")
    return str(best), notes


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 with a few broken bytes (a truncated copy, one bad paste): the text, with the broken
    sequences replaced, and how many there were; None when the bytes are not mostly UTF-8.

    Valid multi-byte characters (curly quotes, accents) outnumbering the broken sequences say
    UTF-8; a legacy code page decodes to broken sequences only, and goes to detection.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return (text, bad) if bad and good >= 2 * bad else None


class TextBuilder:
    """Builds normalised text piece by piece and the offset map back to the original."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self._segments: list[OffsetSegment] = []

    def __len__(self) -> int:
        return self._len

    def literal(self, s: str) -> None:
        """Append text that has no counterpart in the input (separators between blocks)."""
        self._parts.append(s)
        self._len += len(s)

    def _emit(self, out: str, orig_start: int, orig_end: int) -> None:
        start = self._len
        self._parts.append(out)
        self._len += len(out)
        last = self._segments[-1] if self._segments else None
        same = len(out) == orig_end - orig_start
        if (
            same
            and last is not None
            and last.end == start
            and last.orig_end == orig_start
            and last.end - last.start == last.orig_end - last.orig_start
        ):
            last.end = self._len
            last.orig_end = orig_end
        else:
            self._segments.append(
                OffsetSegment(start=start, end=self._len, orig_start=orig_start, orig_end=orig_end)
            )

    def add(self, original: str, start: int, end: int) -> None:
        """Append ``original[start:end]`` normalised; white space inside becomes single spaces."""
        pos = start
        for m in _SPECIAL.finditer(original, start, end):
            if m.start() > pos:
                self._add_plain(original, pos, m.start())
            tok = m.group()
            if tok in _QUOTES:
                self._emit(_QUOTES[tok], m.start(), m.end())
            elif tok.isspace():
                self._emit(" ", m.start(), m.end())
            elif "\ud800" <= tok <= "\udfff":
                self._emit("\ufffd", m.start(), m.end())  # one for one: offsets hold
            # invisible and control characters are dropped: they map to nothing
            pos = m.end()
        if end > pos:
            self._add_plain(original, pos, end)

    def _add_plain(self, original: str, start: int, end: int) -> None:
        chunk = original[start:end]
        out = chunk if chunk.isascii() else unicodedata.normalize("NFC", chunk)
        self._emit(out, start, end)

    def text(self) -> str:
        return "".join(self._parts)

    def offset_map(self, original: Literal["input", "html"] = "input") -> OffsetMap:
        return OffsetMap(original=original, segments=list(self._segments))


def normalize(s: str) -> str:
    """Normalise a short string (title, author) the way article text is normalised."""
    b = TextBuilder()
    b.add(s, 0, len(s))
    return b.text().strip()
