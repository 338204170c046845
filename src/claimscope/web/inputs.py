"""Turn what a web user sends (pasted text, HTML, a URL, an uploaded file) into an Article.

Every path goes through the same readers as the command line, and a URL through the same SSRF-safe
fetcher with its size and time limits. A single-article upload is read in memory; a corpus upload
(JSONL, CSV, WARC, feed) goes through the CLI's file readers via a temporary file in the app's data
directory, under a random name (never one taken from the upload), deleted once read.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimscope.errors import InputError
from claimscope.ingest.auto import CORPUS_FORMATS, READABLE_SUFFIXES, guess_format
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES, decode, sniff_binary
from claimscope.ingest.url import FetchOptions
from claimscope.model import Article, Failure

UPLOAD_SUFFIXES = READABLE_SUFFIXES  # what the upload field offers to pick
MAX_UPLOAD_ARTICLES = 200
MAX_UPLOAD_FAILURES = 1000
# The temporary file's suffix, chosen from this table by the detected format (the readers pick a
# CSV delimiter from the suffix), never taken from the uploaded name.
_TEMP_SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "warc": ".warc", "feed": ".xml"}


def check_date(value: str | None) -> str | None:
    """A YYYY-MM-DD date, normalised; None for nothing; InputError otherwise."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(f"published must be a date as YYYY-MM-DD, not {value!r}") from None


def _meta(published: str | None, outlet: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if published:
        meta["published"] = published
    if outlet and outlet.strip():
        meta["outlet"] = outlet.strip()
    return meta


def _titled(article: Article, title: str | None) -> Article:
    if title and title.strip():
        article.title = title.strip()
    return article


def article_from_text(
    text: str, *, published: str | None = None, outlet: str | None = None, title: str | None = None
) -> Article:
    from claimscope.ingest.text import read_text

    return _titled(read_text(text, source="<pasted text>", **_meta(published, outlet)), title)


def article_from_html(
    html: str | bytes,
    *,
    published: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    source: str = "<pasted html>",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    from claimscope.ingest.html import read_html

    if not html.strip():
        raise InputError(f"{source} is empty")
    article = read_html(html, source=source, max_bytes=max_bytes, **_meta(published, outlet))
    return _titled(article, title)


def article_from_url(
    url: str,
    fetch: FetchOptions,
    *,
    published: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
) -> Article:
    from claimscope.ingest.auto import is_url
    from claimscope.ingest.url import read_url

    url = url.strip()
    if not is_url(url):
        raise InputError(f"not a URL (http:// or https://): {url[:200]!r}")
    return _titled(read_url(url, fetch, **_meta(published, outlet)), title)


@dataclass
class UploadRead:
    """What a corpus upload held: articles and failures in file order, and notes for the user."""

    items: list[Article | Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _shown(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"


def upload_format(name: str, data: bytes) -> str:
    """The reader an uploaded file needs (see :func:`guess_format`)."""
    return guess_format(_shown(name), data[:4096])


def is_corpus_upload(name: str, data: bytes) -> bool:
    return upload_format(name, data) in CORPUS_FORMATS


def corpus_from_upload(
    name: str,
    data: bytes,
    data_dir: Path,
    *,
    published: str | None = None,
    outlet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_articles: int = MAX_UPLOAD_ARTICLES,
) -> UploadRead:
    """Articles from an uploaded JSONL, CSV, WARC or feed file, read with the CLI's readers.

    The bytes go to a temporary file in ``data_dir`` (random name, removed before returning).
    At most ``max_articles`` articles are read; a note says when the file held more. Paths in
    messages and sources name the upload, never the temporary file. ``published`` and ``outlet``
    fill records that lack them.
    """
    from claimscope.ingest.auto import ReadOptions, read

    shown = _shown(name)
    if len(data) > max_bytes:
        raise InputError(f"{shown} is over the size limit of {max_bytes:,} bytes")
    if not data.strip():
        raise InputError(f"{shown} is empty")
    fmt = guess_format(shown, data[:4096])
    if fmt not in CORPUS_FORMATS:
        raise InputError(f"{shown} is not a corpus file")
    suffix = ".tsv" if fmt == "csv" and shown.lower().endswith(".tsv") else _TEMP_SUFFIX[fmt]
    data_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=suffix, dir=data_dir)
    result = UploadRead()

    def rename(text: str) -> str:
        return text.replace(tmp, shown)

    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        options = ReadOptions(format=fmt, max_bytes=max_bytes)
        articles = failures = 0
        try:
            for item in read(tmp, options):
                if isinstance(item, Failure):
                    failures += 1
                    if failures > MAX_UPLOAD_FAILURES:
                        continue
                    item.source = rename(item.source)
                    item.reason = rename(item.reason)
                else:
                    articles += 1
                    if articles > max_articles:
                        result.notes.append(
                            f"{shown} holds more than {max_articles} articles; only the first "
                            f"{max_articles} were analysed (use `claimscope analyze` for the rest)"
                        )
                        break
                    if item.source:
                        item.source = rename(item.source)
                    if published and not item.published:
                        item.published = published
                    if outlet and outlet.strip() and not item.outlet:
                        item.outlet = outlet.strip()
                result.items.append(item)
        except InputError as e:
            message = rename(str(e))
            if "--fields" in message:
                message += (
                    " (uploads here use the default column names: id, title, text, outlet, "
                    "published, url, author; use `claimscope analyze --fields` for others)"
                )
            raise InputError(message) from None
        if failures > MAX_UPLOAD_FAILURES:
            result.notes.append(
                f"{failures - MAX_UPLOAD_FAILURES} more records could not be read and are not listed"
            )
    finally:
        Path(tmp).unlink(missing_ok=True)
    return result


def article_from_upload(
    name: str,
    data: bytes,
    *,
    published: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """One article from an uploaded .txt or .html file (see :func:`corpus_from_upload`)."""
    shown = _shown(name)
    if len(data) > max_bytes:
        raise InputError(f"{shown} is over the size limit of {max_bytes:,} bytes")
    if not data.strip():
        raise InputError(f"{shown} is empty")
    fmt = guess_format(shown, data[:4096])
    if fmt in CORPUS_FORMATS:
        raise InputError(f"{shown} looks like a {fmt} corpus; read it with corpus_from_upload")
    if fmt == "html":
        return article_from_html(
            data, published=published, outlet=outlet, title=title, source=shown, max_bytes=max_bytes
        )
    what = sniff_binary(data)
    if what:
        raise InputError(f"{shown} is not text: it looks like {what}")
    from claimscope.ingest.text import read_text

    text, notes = decode(data, what=shown)
    article = read_text(text, source=shown, notes=notes, **_meta(published, outlet))
    return _titled(article, title)
