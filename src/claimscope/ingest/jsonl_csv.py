"""Corpora of records: JSON Lines and CSV/TSV files, one article per line or row.

Corpus files come from many hands (data sets, exports, scrapers), so the readers are built to lose
nothing silently: each yields an :class:`Article` or, in its place, a :class:`Failure` saying which
record (``path#line 12``, ``path#row 12``) could not be read and why, and one bad record never
stops the others. Only a problem that makes the whole file unusable (it does not exist, it is not
text, the text column is not in the header) is raised as :class:`InputError`, and that happens when
the reader is called, before any article, so a batch run can refuse the file up front.

Both readers are lazy: a file is read a line at a time, so a corpus larger than memory can be
streamed. Which column or key holds each article field is given by a :class:`FieldMap`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, BinaryIO, cast

from pydantic import ValidationError

from claimscope.errors import InputError
from claimscope.ingest.dates import parse_date
from claimscope.ingest.normalize import BOMS, DEFAULT_MAX_BYTES, decode
from claimscope.ingest.text import read_text
from claimscope.model import Article, Failure

__all__ = ["FieldMap", "read_csv", "read_jsonl"]

# How much of a CSV file is read to choose its encoding and delimiter (cut at a line end).
_HEAD_BYTES = 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_DELIMITERS = (",", "\t", ";", "|")
# Errors a gzip stream raises when it is cut short or damaged.
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


@dataclass(frozen=True)
class FieldMap:
    """Which input column (CSV) or key (JSONL) holds each article field.

    Data sets name their columns freely (FA-KES calls the text ``article_content``), so the mapping
    is data, not code. For JSONL a dotted name (``meta.date``) reaches into nested objects.
    """

    id: str = "id"
    title: str = "title"
    text: str = "text"
    outlet: str = "outlet"
    published: str = "published"
    url: str = "url"
    author: str = "author"

    @classmethod
    def parse(cls, spec: str) -> FieldMap:
        """Read a CLI mapping such as ``"text=article_content,title=article_title,id=unit_id"``.

        Fields not named keep their default column. Unknown field names, a pair without ``=``, an
        empty column name or a field named twice are refused: a typo here would otherwise make
        every record fail (or silently lose a field) much later.
        """
        names = [f.name for f in fields(cls)]
        values: dict[str, str] = {}
        for raw in spec.split(","):
            pair = raw.strip()
            if not pair:
                continue
            field, sep, column = pair.partition("=")
            field, column = field.strip(), column.strip()
            if not sep:
                raise InputError(
                    f"--fields: {pair!r} is not FIELD=COLUMN (e.g. text=article_content)"
                )
            if field not in names:
                raise InputError(
                    f"--fields: unknown field {field!r}; the fields are {', '.join(names)}"
                )
            if not column:
                raise InputError(f"--fields: no column given for {field!r}")
            if field in values:
                raise InputError(f"--fields: {field!r} is given twice")
            values[field] = column
        return cls(**values)

    def items(self) -> list[tuple[str, str]]:
        """``(field, column)`` pairs in declaration order."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


# --- shared: one record (a mapping of column -> value) to an Article ----------------------------


def _scalar(value: object) -> str | None:
    """A metadata value as a string: numbers (JSON ids) and lists of names (authors) included."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        joined = ", ".join(str(v).strip() for v in value if str(v).strip())
        return joined or None
    return None


def _to_article(
    record: Mapping[str, object],
    fmap: FieldMap,
    *,
    source: str,
    reader: str,
    notes: list[str],
    max_bytes: int,
    what: str,
) -> Article | Failure:
    """Build one article from a record; every way it can go wrong becomes a Failure.

    ``what`` is "column" or "key", so a failure names the thing the user has to look at.
    """
    text = record.get(fmap.text)
    if isinstance(text, list) and text and all(isinstance(p, str) for p in text):
        text = "\n\n".join(p.strip() for p in text if p.strip())  # a list of paragraphs
    if text is None:
        return Failure(source=source, reason=f"no {what} {fmap.text!r} for the article text")
    if not isinstance(text, str):
        return Failure(
            source=source,
            reason=f"{what} {fmap.text!r} is a {type(text).__name__}, not a string of text",
        )
    if not text.strip():
        return Failure(source=source, reason=f"empty text in {what} {fmap.text!r}")
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        return Failure(
            source=source,
            reason=f"text is {size:,} bytes, over the size limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes)",
        )
    notes = list(notes)
    meta: dict[str, str | None] = {}
    for field in ("id", "title", "outlet", "url", "author"):
        column = getattr(fmap, field)
        value = record.get(column)
        meta[field] = _scalar(value)
        if value is not None and meta[field] is None and not isinstance(value, str):
            notes.append(f"{what} {column!r} ({field}) holds a {type(value).__name__}; ignored")
    raw_date = record.get(fmap.published)
    published = parse_date(raw_date)
    if published is None and _scalar(raw_date):
        notes.append(
            f"date {_scalar(raw_date)!r} in {what} {fmap.published!r} could not be read as a "
            "day; published left empty"
        )
    lost = text.count("\ufffd")
    if lost:
        notes.append(
            f"text holds {lost} U+FFFD replacement character(s): characters (often quote marks "
            "or apostrophes) were lost before the file reached claimscope"
        )
    try:
        return read_text(
            text,
            id=meta["id"],
            title=meta["title"],
            outlet=meta["outlet"],
            url=meta["url"],
            published=published,
            author=meta["author"],
            source=source,
            reader=reader,
            notes=notes,
        )
    except (InputError, ValidationError) as e:
        return Failure(source=source, reason=_one_line(e))


class _SeenIds:
    """Notes an id that an earlier record of the same file already used.

    Data sets repeat ids (FA-KES has 12 rows whose unit_id an earlier row holds, some with other
    text); a store keyed on the id would silently keep one of them, so the reader says so.
    """

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def check(self, item: Article | Failure) -> Article | Failure:
        if isinstance(item, Article) and item.source:
            first = self._first.setdefault(item.id, item.source)
            if first != item.source:
                where = first.rpartition("#")[2]
                item.ingest_notes.append(f"id {item.id!r} is also the id of {where}")
        return item


def _one_line(e: BaseException) -> str:
    """An exception message as one line (pydantic's run over several)."""
    return " ".join(str(e).split()) or type(e).__name__


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory")


def _open_binary(path: Path) -> io.BufferedIOBase:
    """The file's bytes, decompressed when it is gzip (by its magic bytes, not its name)."""
    with path.open("rb") as f:
        magic = f.read(2)
    if magic == _GZIP_MAGIC:
        return gzip.open(path, "rb")
    return path.open("rb")


# --- JSON Lines --------------------------------------------------------------------------------


def read_jsonl(
    path: str | Path, fields: FieldMap = FieldMap(), *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | Failure]:
    """Articles from a JSON Lines file (``.jsonl``, or gzip-compressed ``.jsonl.gz``).

    One JSON object per line; blank lines are skipped but still counted, so ``path#line N`` is
    the line an editor shows. A malformed line, a line that is not an object, or an object
    without text becomes a Failure in its place. A truncated or damaged gzip file yields every
    line that could be read, then one Failure for the truncation.
    """
    p = Path(path)
    _check_file(p)
    return _jsonl(p, fields, max_bytes)


def _jsonl(path: Path, fmap: FieldMap, max_bytes: int) -> Iterator[Article | Failure]:
    # A line may be longer than its text (metadata, \uXXXX escapes take up to 6 bytes a char);
    # past this it cannot be within the text limit, and is not held in memory whole.
    line_limit = 6 * max_bytes + 64 * 1024
    n = 0
    seen = _SeenIds()
    with _open_binary(path) as f:
        while True:
            try:
                raw = f.readline(line_limit)
                if not raw:
                    return
                n += 1
                too_long = len(raw) >= line_limit and not raw.endswith(b"\n")
                while too_long and raw and not raw.endswith(b"\n"):  # skip the rest of it
                    raw = f.readline(line_limit)
            except _GZIP_ERRORS as e:
                yield Failure(
                    source=str(path),
                    reason=f"gzip data truncated or corrupt after line {n}: {_one_line(e)}",
                )
                return
            source = f"{path}#line {n}"
            if too_long:
                yield Failure(source=source, reason=f"line is over {line_limit:,} bytes; skipped")
                continue
            if not raw.strip():
                continue
            yield seen.check(_jsonl_record(raw, fmap, source, max_bytes))


def _jsonl_record(raw: bytes, fmap: FieldMap, source: str, max_bytes: int) -> Article | Failure:
    try:
        obj = json.loads(raw)
    except UnicodeDecodeError as e:
        return Failure(source=source, reason=f"line is not UTF-8 text: {e}")
    except json.JSONDecodeError as e:
        return Failure(source=source, reason=f"invalid JSON: {e}")
    if not isinstance(obj, dict):
        return Failure(source=source, reason=f"line is a JSON {type(obj).__name__}, not an object")
    record = _JsonRecord(obj)
    return _to_article(
        record, fmap, source=source, reader="jsonl", notes=[], max_bytes=max_bytes, what="key"
    )


class _JsonRecord(Mapping[str, object]):
    """A JSON object whose keys may also be dotted paths into nested objects."""

    def __init__(self, obj: dict[str, Any]) -> None:
        self._obj = obj

    def __getitem__(self, key: str) -> object:
        if key in self._obj:
            return self._obj[key]
        value: object = self._obj
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                raise KeyError(key)
            value = value[part]
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._obj)

    def __len__(self) -> int:
        return len(self._obj)


# --- CSV / TSV ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvLayout:
    """What reading a CSV file's head decided: how to decode it and where each field is."""

    encoding: str
    notes: tuple[str, ...]
    delimiter: str
    header: tuple[str, ...]
    columns: dict[str, int]  # article field -> index in a row


def read_csv(
    path: str | Path,
    fields: FieldMap = FieldMap(),
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Article | Failure]:
    """Articles from a CSV or TSV file with a header row (also gzip-compressed).

    The encoding is found as :func:`~claimscope.ingest.normalize.decode` finds it (BOM, the given
    ``encoding``, UTF-8, then detection) on the file's first megabyte, and noted on every article
    when it is not UTF-8. A line that does not decode (a file mixing encodings) is decoded as
    cp1252 and noted on its article, rather than stopping the stream. The delimiter is a tab for
    ``.tsv``/``.tab`` files, otherwise whichever of ``, TAB ; |`` the header line uses most.

    Raises :class:`InputError` at once when the file cannot be used at all: missing, empty, not
    text, or without the text column (the message lists the columns and how to name the right
    one). ``path#row N`` counts records after the header, from 1.
    """
    p = Path(path)
    _check_file(p)
    layout = _csv_layout(p, fields, delimiter, encoding)
    # Texts may be long, and a field over the limit is a Failure of ours, not a csv.Error; the
    # limit stays finite so that an unclosed quote cannot swallow a whole large file. It is a
    # process-wide setting: only ever raised, never lowered under another reader's feet.
    csv.field_size_limit(max(csv.field_size_limit(), 2 * max_bytes + 1024))
    return _csv(p, fields, layout, max_bytes)


def _csv_layout(
    path: Path, fmap: FieldMap, delimiter: str | None, encoding: str | None
) -> _CsvLayout:
    try:
        with _open_binary(path) as f:
            head = f.read(_HEAD_BYTES)
            if len(head) == _HEAD_BYTES:
                if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    head = head[: len(head) // 4 * 4]  # whole UTF-16/32 code units
                else:  # end the head at a line end, not inside a character
                    head += f.readline(_HEAD_BYTES)
    except _GZIP_ERRORS as e:
        raise InputError(f"{path}: gzip data is corrupt: {_one_line(e)}") from e
    text, notes = decode(head, encoding, what=str(path))
    enc = _encoding_of(head, text, encoding)
    lines = (line for line in text.lstrip("\ufeff").splitlines() if line.strip())
    header_line = next(lines, "")
    if delimiter is None:
        delimiter = _guess_delimiter(path, header_line)
    elif len(delimiter) != 1:
        raise InputError(f"{path}: the delimiter must be one character, not {delimiter!r}")
    try:
        header = next(csv.reader([header_line], delimiter=delimiter), [])
    except csv.Error as e:
        raise InputError(f"{path}: cannot read the header row: {e}") from e
    header = [h.strip().lstrip("\ufeff") for h in header]
    columns = _match_columns(path, header, fmap)
    return _CsvLayout(enc, tuple(notes), delimiter, tuple(header), columns)


def _encoding_of(head: bytes, text: str, declared: str | None) -> str:
    """The codec name that turned ``head`` into ``text`` (``decode`` returns only the text)."""
    candidates = [enc for bom, enc in BOMS if head.startswith(bom)]
    candidates += [declared] if declared else []
    candidates.append("utf-8")
    for enc in candidates:
        try:
            if head.decode(enc) == text:
                return enc
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is not None and best.encoding:
        return str(best.encoding)
    return "cp1252"  # unreachable in practice: decode() raised if detection failed


def _guess_delimiter(path: Path, header_line: str) -> str:
    """Tab for .tsv/.tab; otherwise the candidate the header line uses most (comma on a tie).

    The header decides because column names rarely contain delimiters, whereas article text in
    later rows is full of commas; ``csv.Sniffer`` is easily misled by such text.
    """
    suffixes = [s.lower() for s in path.suffixes]
    if ".tsv" in suffixes or ".tab" in suffixes:
        return "\t"
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _match_columns(path: Path, header: list[str], fmap: FieldMap) -> dict[str, int]:
    """Map each article field to a header index: exact name first, then ignoring case.

    The text column must exist. Other fields are optional, but a field the caller mapped to a
    column other than its default must exist too: that is a ``--fields`` typo, not an absent
    optional column, and would otherwise lose the field silently on every row.
    """
    exact: dict[str, int] = {}
    folded: dict[str, int | None] = {}
    for i, name in enumerate(header):
        exact.setdefault(name, i)
        key = name.casefold()
        folded[key] = i if key not in folded else None  # None: ambiguous
    default = FieldMap()
    columns: dict[str, int] = {}
    for field, column in fmap.items():
        index = exact.get(column, folded.get(column.casefold()))
        if index is not None:
            columns[field] = index
        elif field == "text" or column != getattr(default, field):
            shown = ", ".join(repr(h) for h in header[:40])
            more = f" and {len(header) - 40} more" if len(header) > 40 else ""
            hint = (
                "name the text column with --fields text=COLUMN"
                if field == "text"
                else f"fix --fields {field}=COLUMN"
            )
            raise InputError(
                f"{path}: no column {column!r} for the article {field}; the columns are "
                f"{shown}{more}: {hint}"
            )
    return columns


def _csv(
    path: Path, fmap: FieldMap, layout: _CsvLayout, max_bytes: int
) -> Iterator[Article | Failure]:
    width = len(layout.header)
    # Each row becomes a record keyed by the user's column names, so failures name those.
    wanted = [(getattr(fmap, field), i) for field, i in layout.columns.items()]
    row_no = 0
    header_seen = False
    seen = _SeenIds()
    with _open_binary(path) as f:
        lines = _DecodedLines(f, layout.encoding)
        reader = csv.reader(lines, delimiter=layout.delimiter)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                # The reader resynchronises at the next line; the damage stays in this record.
                row_no += 1
                yield Failure(source=f"{path}#row {row_no}", reason=f"malformed CSV: {e}")
                lines.fallbacks = 0
                continue
            except _GZIP_ERRORS as e:
                yield Failure(
                    source=str(path),
                    reason=f"gzip data truncated or corrupt after row {row_no}: {_one_line(e)}",
                )
                return
            if not row or all(not cell.strip() for cell in row):
                lines.fallbacks = 0
                continue  # a blank line
            if not header_seen:
                header_seen = True
                lines.fallbacks = 0
                continue
            row_no += 1
            source = f"{path}#row {row_no}"
            notes = list(layout.notes)
            if lines.fallbacks:
                notes.append(f"part of this row was not valid {layout.encoding}; decoded as cp1252")
                lines.fallbacks = 0
            if len(row) != width:
                notes.append(f"row has {len(row)} fields, the header {width}")
            record = {column: (row[i] if i < len(row) else None) for column, i in wanted}
            yield seen.check(
                _to_article(
                    record,
                    fmap,
                    source=source,
                    reader="csv",
                    notes=notes,
                    max_bytes=max_bytes,
                    what="column",
                )
            )


class _DecodedLines(Iterable[str]):
    """A binary file as text lines for ``csv.reader``, decoding each line on its own.

    Decoding line by line lets one undecodable line (files assembled from several sources mix
    encodings) fall back to cp1252 and be noted, instead of a UnicodeDecodeError ending the
    whole stream. It needs an encoding in which a newline byte is always a newline (UTF-8 and
    the 8-bit codes); for UTF-16/32 the file is decoded as one stream.
    """

    def __init__(self, f: io.BufferedIOBase, encoding: str) -> None:
        self._f = f
        self._encoding = encoding
        self.fallbacks = 0  # lines decoded by the fallback since the caller last reset it

    def __iter__(self) -> Iterator[str]:
        if not _newline_safe(self._encoding):
            text = io.TextIOWrapper(cast(BinaryIO, self._f), encoding=self._encoding, newline="")
            yield from text
            return
        first = True
        for raw in self._f:
            if first and self._encoding == "utf-8-sig":
                raw = raw.removeprefix(codecs.BOM_UTF8)
            first = False
            try:
                yield raw.decode(self._encoding)
            except UnicodeDecodeError:
                self.fallbacks += 1
                yield raw.decode("cp1252", errors="replace")


def _newline_safe(encoding: str) -> bool:
    try:
        return "a,\n".encode(encoding).removeprefix(codecs.BOM_UTF8) == b"a,\n"
    except (LookupError, UnicodeEncodeError):
        return False
