"""Turn what a web user sends (pasted text, HTML, a URL, an uploaded file) into an Article.

Every path goes through the same readers as the command line, and a URL through the same SSRF-safe
fetcher with its size and time limits. Uploads are read in memory and never written to disk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from claimscope.errors import InputError
from claimscope.ingest.auto import CORPUS_FORMATS, guess_format
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES, decode, sniff_binary
from claimscope.ingest.url import FetchOptions
from claimscope.model import Article

UPLOAD_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")


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


def article_from_upload(
    name: str,
    data: bytes,
    *,
    published: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """One article from an uploaded .txt or .html file (corpus formats belong to the CLI)."""
    shown = name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    if len(data) > max_bytes:
        raise InputError(f"{shown} is over the size limit of {max_bytes:,} bytes")
    if not data.strip():
        raise InputError(f"{shown} is empty")
    fmt = guess_format(shown, data[:4096])
    if fmt in CORPUS_FORMATS:
        raise InputError(
            f"{shown} looks like a {fmt} corpus; the web page takes one article "
            f"({', '.join(UPLOAD_SUFFIXES)}); use `claimscope analyze` for corpora"
        )
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
