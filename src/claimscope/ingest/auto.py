"""One entry point for every input: a path, a URL or standard input, of any supported format.

The format is taken from ``ReadOptions.format`` when given, else guessed from the name and then
from the first bytes, so that ``claimscope analyze`` needs no flags for ordinary files.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from claimscope.errors import InputError
from claimscope.ingest.jsonl_csv import FieldMap
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES, decode, read_bytes, sniff_binary
from claimscope.ingest.url import FetchOptions
from claimscope.model import Article, Failure

# Formats that hold many articles; the others hold one.
CORPUS_FORMATS = frozenset({"jsonl", "csv", "warc", "feed"})


@dataclass(frozen=True)
class ReadOptions:
    format: str = "auto"
    fields: FieldMap = field(default_factory=FieldMap)
    fetch: FetchOptions = field(default_factory=FetchOptions)
    fetch_links: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    # Metadata the user gives for a single article; it wins over what the input says.
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


def is_url(spec: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", spec) is not None


# File name endings that name a reader.
_NAMED: tuple[tuple[tuple[str, ...], str], ...] = (
    ((".warc", ".warc.gz", ".arc", ".arc.gz"), "warc"),
    ((".jsonl", ".jsonl.gz", ".ndjson"), "jsonl"),
    ((".csv", ".tsv"), "csv"),
    ((".rss", ".atom"), "feed"),
    ((".html", ".htm", ".xhtml"), "html"),
    ((".txt", ".text", ".md"), "text"),
)
#: Files worth reading (a directory walk, an upload form): those endings, plus endings whose
#: reader is told by the first bytes (JSON lines or not, a feed or a page, what is compressed).
READABLE_SUFFIXES: tuple[str, ...] = (
    *(suffix for suffixes, _ in _NAMED for suffix in suffixes),
    ".json",
    ".xml",
    ".gz",
)


_SNIFF = 65536  # bytes read to tell a file's format (a feed's DOCTYPE can be long)


def guess_format(name: str, head: bytes) -> str:
    """The reader for a file, from its name, else from its first bytes."""
    lower = name.lower()
    for suffixes, fmt in _NAMED:
        if lower.endswith(suffixes):
            return fmt
    start = head.lstrip()[:512].lower()
    if head.startswith(b"WARC/"):
        return "warc"
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start:
        return "html"
    if start.startswith((b"<?xml", b"<rss", b"<feed", b"<!doctype rss", b"<!--")):
        return "feed" if _root_element(head) in (b"rss", b"feed", b"rdf:rdf") else "html"
    if start.startswith(b"{"):
        return "jsonl"
    return "text"


def _root_element(head: bytes) -> bytes | None:
    """The name of the document's first element, past the XML declaration, comments, processing
    instructions and a DOCTYPE of any length (an internal subset can run past the first 4 KB)."""
    i, n = 0, len(head)
    while i < n:
        j = head.find(b"<", i)
        if j == -1:
            return None
        if head.startswith(b"<?", j):
            end = head.find(b"?>", j)
            i = n if end == -1 else end + 2
        elif head.startswith(b"<!--", j):
            end = head.find(b"-->", j)
            i = n if end == -1 else end + 3
        elif head.startswith(b"<!", j):  # DOCTYPE, with an internal subset in [...]
            bracket = head.find(b"[", j)
            close = head.find(b">", j)
            if bracket != -1 and (close == -1 or bracket < close):
                end = head.find(b"]", bracket)
                close = head.find(b">", end) if end != -1 else -1
            i = n if close == -1 else close + 1
        else:
            m = re.match(rb"<([A-Za-z][\w:.-]*)", head[j:])
            return m.group(1).lower() if m else None
    return None


def is_corpus(spec: str, options: ReadOptions) -> bool:
    """Whether ``spec`` holds many articles (a JSONL/CSV/WARC/feed file), judged as ``read`` will."""
    if options.format != "auto":
        return options.format in CORPUS_FORMATS
    if spec == "-" or is_url(spec) or not Path(spec).is_file():
        return False
    return guess_format(Path(spec).name, _head(Path(spec))) in CORPUS_FORMATS


def read(spec: str, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """Read a path, URL or ``-`` (standard input): one or many articles, failures in place."""
    opts = options or ReadOptions()
    meta = {k: v for k, v in (("outlet", opts.outlet), ("published", opts.published)) if v}
    if is_url(spec):
        yield from _read_url(spec, opts, meta)
        return
    if spec == "-":
        data = sys.stdin.buffer.read(opts.max_bytes + 1)
        if len(data) > opts.max_bytes:
            raise InputError(f"standard input is over the size limit of {opts.max_bytes:,} bytes")
        name = "<stdin>"
    else:
        path = Path(spec)
        fmt = opts.format if opts.format != "auto" else guess_format(path.name, _head(path))
        if fmt in CORPUS_FORMATS:
            yield from _read_corpus(path, fmt, opts)
            return
        data = read_bytes(path, opts.max_bytes)
        name = str(path)
    fmt = opts.format if opts.format != "auto" else guess_format(name, data[:_SNIFF])
    if fmt in CORPUS_FORMATS:
        raise InputError(f"{name}: {fmt} input must be a file, not standard input")
    yield _single(data, fmt, name, opts, meta)


def _head(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    with path.open("rb") as f:
        return f.read(_SNIFF)


def _single(data: bytes, fmt: str, name: str, opts: ReadOptions, meta: dict[str, str]) -> Article:
    if fmt == "html":
        from claimscope.ingest.html import read_html

        article = read_html(data, url=opts.url, source=name, max_bytes=opts.max_bytes, **meta)
    else:
        what = sniff_binary(data)
        if what:
            raise InputError(f"{name} is not text: it looks like {what}")
        from claimscope.ingest.text import read_text

        text, notes = decode(data, what=name)
        article = read_text(text, source=name, url=opts.url, notes=notes, **meta)
    return _override(article, opts)


def _override(article: Article, opts: ReadOptions) -> Article:
    if opts.title:
        article.title = opts.title
    return article


def _read_url(spec: str, opts: ReadOptions, meta: dict[str, str]) -> Iterator[Article | Failure]:
    from claimscope.ingest.url import FEED_TYPES, fetch, read_url

    if opts.format == "feed":
        from claimscope.ingest.feed import read_feed

        fetched = fetch(spec, opts.fetch, accept=FEED_TYPES)
        yield from read_feed(
            fetched.data,
            fetch_links=opts.fetch_links,
            fetch_options=opts.fetch,
            max_bytes=opts.max_bytes,
        )
        return
    yield _override(read_url(spec, opts.fetch, **meta), opts)


def _read_corpus(path: Path, fmt: str, opts: ReadOptions) -> Iterator[Article | Failure]:
    if fmt == "jsonl":
        from claimscope.ingest.jsonl_csv import read_jsonl

        yield from read_jsonl(path, opts.fields, max_bytes=opts.max_bytes)
    elif fmt == "csv":
        from claimscope.ingest.jsonl_csv import read_csv

        yield from read_csv(path, opts.fields, max_bytes=opts.max_bytes)
    elif fmt == "warc":
        from claimscope.ingest.warc import read_warc

        yield from read_warc(path, max_bytes=opts.max_bytes)
    else:
        from claimscope.ingest.feed import read_feed

        yield from read_feed(
            path, fetch_links=opts.fetch_links, fetch_options=opts.fetch, max_bytes=opts.max_bytes
        )
