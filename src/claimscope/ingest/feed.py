"""RSS and Atom feeds: each entry as an article, or with ``fetch_links`` the page it links to.

Feeds carry either the whole article (``content:encoded``, Atom ``content``) or a teaser
(``description``/``summary``). The entry's HTML is turned into paragraphs here with lxml and read
as text (:func:`claimscope.ingest.text.read_text`), with the entry's title as the headline, rather
than handed to the page extractor: a feed's content is already the article without the page
around it, and a page extractor, tuned to find an article *inside* a page, drops short teasers and
would lose the headline (a fragment has no ``<title>``). ``Article.offset_map`` therefore points
into that paragraph text, not into the feed's XML. With ``fetch_links=True`` each entry's link is
fetched (under :class:`~claimscope.ingest.url.FetchOptions`, with its address checks) and read as a
page, the feed supplying what the page lacks.

Like the other corpus readers this is a stream of ``Article | Failure`` in entry order
(``source#entry N``, from 1). A feed that cannot be read at all is refused with
:class:`InputError` when :func:`read_feed` is called; a feed with entries but broken XML is read
leniently (feedparser's "bozo" mode), and each article notes why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from claimscope.errors import ClaimscopeError, InputError
from claimscope.ingest.dates import parse_date
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES, read_bytes
from claimscope.ingest.text import build_article, classify, read_text, split_blocks
from claimscope.model import Article, Failure

if TYPE_CHECKING:
    from claimscope.ingest.url import FetchOptions

__all__ = ["html_to_text", "read_feed"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_TAG = re.compile(r"<[A-Za-z!/]")
# Elements that end a paragraph of text; the others (a, b, span...) run on inside one.
_BLOCKS = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    )
)
_DROP = ("script", "style", "noscript", "iframe", "template", "svg", "form", "button")


def html_to_text(html: str) -> str:
    """An HTML fragment as plain paragraphs, separated by blank lines (``<br>`` is a line break).

    Paragraph breaks matter downstream: the text reader labels blocks (caption, boilerplate,
    body) paragraph by paragraph, and a teaser run into one line would be one block.
    """
    return _fragment(html)[0]


def _fragment(html: str) -> tuple[str, set[str]]:
    """:func:`html_to_text`, and the paragraphs that were ``<figcaption>`` (white space collapsed).

    Captions are known from the markup here, so they need not be guessed from a photo credit:
    the analyzers must not read a caption as the outlet's own claim.
    """
    if not _TAG.search(html):
        return html.strip(), set()
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return "", set()
    for bad in root.xpath("|".join(f"//{t}" for t in _DROP)):
        bad.drop_tree()
    captions = {" ".join(c.text_content().split()) for c in root.iter("figcaption")}
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments, processing instructions
            continue
        tag = el.tag.lower()
        if tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif tag in _BLOCKS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    raw = root.text_content()
    paragraphs = []
    for para in re.split(r"\n[ \t\r\f\v\u00a0]*\n\s*", raw):
        lines = [" ".join(line.split()) for line in para.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs), captions - {""}


def read_feed(
    source: str | Path | bytes,
    *,
    fetch_links: bool = False,
    fetch_options: FetchOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Article | Failure]:
    """Articles from an RSS or Atom feed.

    ``source`` is the feed document (``bytes``, or a ``str`` starting with ``<``), a path, or an
    http(s) URL, fetched under ``fetch_options``. An entry's text is its content, else its
    summary; an entry with neither is a Failure. With ``fetch_links`` every entry's link is
    fetched and read as the article instead (``fetch_options`` default to safe ones with
    ``max_bytes``); a fetch that fails is a Failure in its place.

    Raises :class:`InputError` (or :class:`~claimscope.errors.FetchError` for a feed URL) at
    once when there is no feed to read: no entries and XML that does not parse, or a document
    that is not a feed. A valid feed with no entries yields nothing.
    """
    data, name = _load(source, fetch_options, max_bytes)
    if not data.strip():
        raise InputError(f"{name} is empty")
    import feedparser

    parsed = feedparser.parse(data)
    entries = list(parsed.get("entries") or [])
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries:
        if bozo is not None:
            raise InputError(f"{name}: not a readable RSS or Atom feed: {_one_line(bozo)}")
        if not parsed.get("version"):
            raise InputError(f"{name}: not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF>)")
    notes = []
    if bozo is not None:
        notes.append(f"the feed is not well-formed ({_one_line(bozo)}); it was read leniently")
    feed_info = parsed.get("feed") or {}
    outlet = _clean_title(feed_info.get("title"), feed_info.get("title_detail"))
    return _entries(entries, name, outlet, notes, fetch_links, fetch_options, max_bytes)


def _one_line(e: object) -> str:
    """A message on one line; the XML parser's ``<unknown>:2:0:`` prefix said in words."""
    text = " ".join(str(e).split()) or type(e).__name__
    return re.sub(r"^<unknown>:(\d+):(\d+):\s*", r"line \1, column \2: ", text)


def _load(
    source: str | Path | bytes, options: FetchOptions | None, max_bytes: int
) -> tuple[bytes, str]:
    """The feed's bytes and a name for it in messages and ``source`` fields.

    The bytes are always fetched or read here, never by feedparser: given a URL, feedparser
    would fetch it itself, with none of the address checks and limits of :mod:`.url`.
    """
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            raise InputError(f"feed: over the size limit of {max_bytes:,} bytes")
        return source, "<feed>"
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return source.encode("utf-8"), "<feed>"
    if isinstance(source, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source):
        from claimscope.ingest.url import FEED_TYPES, FetchOptions, fetch

        opts = options or FetchOptions(max_bytes=max_bytes)
        return fetch(source, opts, accept=FEED_TYPES).data, source
    return read_bytes(source, max_bytes), str(source)


def _clean_title(value: object, detail: Any) -> str | None:
    """A title as text: feedparser leaves markup in titles typed as HTML."""
    if not isinstance(value, str) or not value.strip():
        return None
    kind = (detail or {}).get("type", "")
    text = html_to_text(value) if kind in _HTML_TYPES else value
    return " ".join(text.split()) or None


def _published(entry: Any) -> str | None:
    """The entry's date as the feed wrote it; feedparser's parsed form only as a fallback.

    feedparser's ``*_parsed`` struct is in UTC, which moves an evening story in the Americas to
    the next day; the day in the feed's own time zone is the publication date a reader sees.
    """
    for key in ("published", "updated", "created"):
        day = parse_date(entry.get(key))
        if day:
            return day
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t is not None:
            return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
    return None


def _author(entry: Any) -> str | None:
    detail = entry.get("author_detail") or {}
    name = detail.get("name") or entry.get("author")
    if not isinstance(name, str):
        return None
    # RSS <author> is "email (Name)" or a bare address: keep the name, not the address.
    name = re.sub(r"\S+@\S+", "", name).strip(" ()") or None
    return name


def _entry_text(entry: Any) -> tuple[str, set[str]]:
    """The entry's longest text among its contents and its summary, as plain paragraphs.

    Full content is usually ``content[0]``, but some feeds put the teaser in ``content`` and the
    article in ``description``; the longer one is the article. Also returns its captions.
    """
    candidates: list[tuple[str, str]] = []
    for content in entry.get("content") or []:
        candidates.append((content.get("value") or "", content.get("type") or ""))
    summary = entry.get("summary")
    if summary:
        detail = entry.get("summary_detail") or {}
        candidates.append((summary, detail.get("type") or "text/html"))
    best: tuple[str, set[str]] = ("", set())
    for value, kind in candidates:
        found = (value.strip(), set()) if kind == "text/plain" else _fragment(value)
        if len(found[0]) > len(best[0]):
            best = found
    return best


def _article(text: str, captions: set[str], notes: list[str], **meta: Any) -> Article:
    """:func:`~claimscope.ingest.text.read_text`, with the known captions labelled as such."""
    if not captions:
        return read_text(text, notes=notes, **meta)
    blocks = split_blocks(text)
    classify(text, blocks)
    for b in blocks:
        if b.kind == "body" and " ".join(text[b.start : b.end].split()) in captions:
            b.kind = "caption"
    return build_article(text, blocks, notes=notes, **meta)


def _entries(
    entries: list[Any],
    name: str,
    outlet: str | None,
    feed_notes: list[str],
    fetch_links: bool,
    fetch_options: FetchOptions | None,
    max_bytes: int,
) -> Iterator[Article | Failure]:
    for n, entry in enumerate(entries, 1):
        source = f"{name}#entry {n}"
        title = _clean_title(entry.get("title"), entry.get("title_detail"))
        link = entry.get("link") or None
        meta: dict[str, Any] = {
            "title": title,
            "url": link,
            "outlet": outlet,
            "published": _published(entry),
            "author": _author(entry),
        }
        notes = list(feed_notes)
        text, captions = _entry_text(entry)
        if fetch_links and link:
            yield _fetch_entry(link, source, meta, notes, fetch_options, max_bytes)
            continue
        if fetch_links:
            notes.append("the entry has no link to fetch; read from the feed's own text")
        if not text:
            yield Failure(source=source, reason="the entry has no content or summary text")
            continue
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            yield Failure(
                source=source,
                reason=f"text is {size:,} bytes, over the size limit of {max_bytes:,} bytes "
                "(raise it with --max-bytes)",
            )
            continue
        try:
            yield _article(text, captions, notes, source=source, reader="feed", **meta)
        except (InputError, ValidationError) as e:
            yield Failure(source=source, reason=_one_line(e))


def _fetch_entry(
    link: str,
    source: str,
    meta: dict[str, Any],
    notes: list[str],
    options: FetchOptions | None,
    max_bytes: int,
) -> Article | Failure:
    """The page an entry links to, read as an article; the feed fills what the page lacks.

    The feed's outlet and date are passed to the page reader, where they win over the page's
    markup (a feed knows its own publication dates); the title and author are the page's when
    it has them, since the page's text starts with its own headline.
    """
    from claimscope.ingest.url import FetchOptions, read_url

    opts = options or FetchOptions(max_bytes=max_bytes)
    page_meta = {k: meta[k] for k in ("outlet", "published") if meta[k]}
    try:
        article = read_url(link, opts, **page_meta)
    except (ClaimscopeError, ValidationError) as e:  # FetchError, InputError
        return Failure(source=source, reason=_one_line(e))
    article.title = article.title or meta["title"]
    article.author = article.author or meta["author"]
    article.source = source
    article.reader = "feed"
    article.ingest_notes[:0] = [*notes, f"text fetched from the entry's link {link}"]
    return article
