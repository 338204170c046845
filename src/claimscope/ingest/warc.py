"""Web archives: every HTML (or plain-text) page captured in a WARC file, as an article.

A crawl's WARC holds much that is not an article (requests, metadata, images, scripts, redirects,
error pages); those records are skipped silently and counted in :class:`WarcStats`, so that a
caller can still say what was in the file. Each page that is read goes through
:func:`claimscope.ingest.html.read_html`, exactly as a page fetched or saved would; a page with no
article text becomes a :class:`Failure` in its place (``path#record N``, counting every record of
the file from 1, so N is the record's position in ``warcio index`` output).

Archives are often cut short (a crawl killed mid-write, a partial download). The reader yields
every article before the damage, then one Failure naming the last good record, and stops: it never
raises part-way through a file. Only a file that is not a web archive at all is refused up front
with :class:`InputError`, when :func:`read_warc` is called, since then there is nothing to read.
"""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimscope.errors import InputError
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES, decode, sniff_binary
from claimscope.model import Article, Failure

__all__ = ["WarcStats", "read_warc"]

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
_PAGE_RECORDS = ("response", "resource")
# How a damaged archive shows itself, from gzip, zlib or warcio.
_READ_ERRORS: tuple[type[BaseException], ...] = (EOFError, zlib.error, OSError, ValueError)


@dataclass
class WarcStats:
    """What a WARC held, filled in while :func:`read_warc` runs.

    ``skipped`` counts the records that were passed over, by why ("request", "image/png",
    "HTTP 404"...), so that a run over a crawl can report "312 articles from 4,100 records".
    """

    records: int = 0
    articles: int = 0
    failures: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


class _Damaged(Exception):
    """The archive stream broke: truncated or corrupt compressed data underneath warcio."""


class _GuardedStream:
    """A binary stream that turns decompression errors into :class:`_Damaged`.

    warcio treats an ``EOFError`` while it reads the next record as the normal end of the file;
    a gzip stream cut short raises exactly that, so without this guard a truncated archive would
    look complete and its loss would be silent.
    """

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        # read1, not read: a buffered read that meets the break mid-block raises and drops the
        # bytes it had already decompressed, which would lose the last good record.
        try:
            data: bytes = self._raw.read() if size is None or size < 0 else self._raw.read1(size)
        except (EOFError, zlib.error, gzip.BadGzipFile) as e:
            raise _Damaged(str(e) or type(e).__name__) from e
        return data

    def tell(self) -> int:
        return int(self._raw.tell())

    def close(self) -> None:
        self._raw.close()


def _open(path: Path) -> _GuardedStream:
    """The archive's bytes, decompressed here rather than by warcio when the file is gzip.

    Python's gzip module reads both the per-record ("chunked") gzip that WARC tools write and a
    whole file compressed at once, which warcio refuses; and it lets the guard see truncation.
    """
    with path.open("rb") as f:
        magic = f.read(2)
    raw = gzip.open(path, "rb") if magic == _GZIP_MAGIC else path.open("rb")  # noqa: SIM115
    return _GuardedStream(raw)


def _check_archive(path: Path) -> None:
    """Refuse at once a file that is missing, empty or plainly not a web archive."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    stream = _open(path)
    try:
        head = stream.read(4096)
    except _Damaged as e:
        raise InputError(f"{path}: gzip data is corrupt: {e}") from e
    finally:
        stream.close()
    start = head.lstrip()
    if not start:
        raise InputError(f"{path} is empty")
    if not start.startswith((b"WARC/", b"filedesc://")):
        what = sniff_binary(head)
        looks = f"it looks like {what}" if what else f"it starts with {start[:20]!r}"
        raise InputError(f"{path}: not a WARC (or ARC) file: {looks}")


def read_warc(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stats: WarcStats | None = None,
) -> Iterator[Article | Failure]:
    """Articles from the HTML and plain-text pages in a WARC file (gzip-compressed or not).

    ``response`` records with a 2xx status and ``resource`` records are read when their content
    type is HTML or text/plain (or, with no content type, when the payload starts like HTML);
    every other record is skipped and counted in ``stats`` if one is given. A page over
    ``max_bytes`` is a Failure. Raises :class:`InputError` at once for a file that is not a web
    archive; after that, damage is reported as a final Failure, never raised.
    """
    p = Path(path)
    _check_archive(p)
    return _records(p, max_bytes, stats if stats is not None else WarcStats())


def _records(path: Path, max_bytes: int, stats: WarcStats) -> Iterator[Article | Failure]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    broken: tuple[type[BaseException], ...] = (_Damaged, ArchiveLoadFailed, *_READ_ERRORS)
    # warcio's header parser fails in assorted ways on a record cut inside its headers
    # (an AttributeError on a missing WARC-Target-URI, for one): all mean "damaged" here.
    unparsable = (AttributeError, TypeError, KeyError, IndexError)
    stream = _open(path)
    n = 0
    try:
        archive = ArchiveIterator(stream, arc2warc=True)
        records = iter(archive)
        while True:
            try:
                record = next(records)
            except StopIteration:
                # warcio ends quietly on a record cut inside its headers; bytes left over past
                # the last whole record are that record.
                end = getattr(archive, "offset", None)  # where the last whole record ended
                left = stream.tell() - end if isinstance(end, int) else 0
                if left > 0:
                    cut = _Damaged(f"{left:,} bytes after it are not a whole record")
                    yield _damage(path, n, cut, stats)
                return
            except broken as e:
                yield _damage(path, n, e, stats)
                return
            except unparsable:
                bad = _Damaged(f"record {n + 1} has incomplete or invalid headers")
                yield _damage(path, n, bad, stats)
                return
            n += 1
            stats.records += 1
            try:
                item = _record(record, path, n, max_bytes, stats)
            except broken as e:
                yield _damage(path, n - 1, e, stats)
                return
            if item is None:
                continue
            if isinstance(item, Failure):
                stats.failures += 1
            else:
                stats.articles += 1
            yield item
    finally:
        stream.close()


def _damage(path: Path, last_good: int, e: BaseException, stats: WarcStats) -> Failure:
    stats.failures += 1
    reason = " ".join(str(e).split()) or type(e).__name__
    after = f"after record {last_good}" if last_good else "before its first record"
    return Failure(source=str(path), reason=f"WARC truncated or corrupt {after}: {reason}")


def _content_type(value: str | None) -> tuple[str, str | None]:
    """The media type (lower-case) and charset of a Content-Type header."""
    if not value:
        return "", None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip().strip("\"'"):
            charset = val.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _record(
    record: Any, path: Path, n: int, max_bytes: int, stats: WarcStats
) -> Article | Failure | None:
    """One record: an Article, a Failure, or None when it is not a page (counted as skipped).

    The record is read to its end here whatever happens, and a record shorter than its
    Content-Length says (an uncompressed archive cut mid-record) raises :class:`_Damaged`:
    warcio itself would hand over the short payload without complaint.
    """
    if record.length is None:  # mandatory in WARC; warcio hands over headers cut short as is
        raise _Damaged(f"record {n} has no Content-Length (its headers are cut short?)")
    try:
        return _page(record, path, n, max_bytes, stats)
    finally:
        _drain(record, n)


def _drain(record: Any, n: int) -> None:
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    missing = getattr(raw, "limit", 0)
    if isinstance(missing, int) and missing > 0:
        raise _Damaged(f"record {n} is cut short ({missing:,} bytes missing)")


def _page(
    record: Any, path: Path, n: int, max_bytes: int, stats: WarcStats
) -> Article | Failure | None:
    rec_type = record.rec_type
    if rec_type not in _PAGE_RECORDS:
        stats.skipped[str(rec_type)] += 1
        return None
    if record.http_headers is not None and rec_type == "response":
        status = record.http_headers.get_statuscode()
        if not str(status).startswith("2"):
            stats.skipped[f"HTTP {status}"] += 1
            return None
        header = record.http_headers.get_header("Content-Type")
    else:
        header = record.rec_headers.get_header("Content-Type")
    media, charset = _content_type(header)
    if media in ("application/http", "message/http"):  # a response record without HTTP parsing
        media, charset = "", None
    source = f"{path}#record {n}"
    if media and media not in _HTML_TYPES + _TEXT_TYPES:
        stats.skipped[media] += 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    try:
        data = record.content_stream().read(max_bytes + 1)
    except (ValueError, OSError, zlib.error) as e:  # a bad Content-Encoding, not a bad archive
        return Failure(source=source, reason=f"payload could not be decoded: {e}")
    if len(data) > max_bytes:
        return Failure(
            source=source,
            reason=f"page is over the size limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes)",
        )
    if not media:
        if not _looks_like_html(data):
            stats.skipped["no content type"] += 1
            return None
        media = "text/html"
    where = url or source
    try:
        if media in _HTML_TYPES:
            return _html(data, charset, url=url, source=source, where=where, max_bytes=max_bytes)
        from claimscope.ingest.text import read_text

        text, notes = decode(data, charset, what=where)
        return read_text(text, url=url, source=source, reader="warc", notes=notes)
    except (InputError, ValueError) as e:  # ValueError: also pydantic's ValidationError
        return Failure(source=source, reason=" ".join(str(e).split()))


def _html(
    data: bytes, charset: str | None, *, url: str | None, source: str, where: str, max_bytes: int
) -> Article:
    """Read a page as :mod:`.url` does: the HTTP charset, when given, wins over ``<meta>``."""
    from claimscope.ingest.html import read_html

    notes: list[str] = []
    html: str | bytes = data
    if charset:
        html, notes = decode(data, declared=charset, what=where)
    article = read_html(html, url=url, source=source, max_bytes=max_bytes)
    article.reader = "warc"
    article.ingest_notes.extend(notes)
    return article
