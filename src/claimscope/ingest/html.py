"""HTML pages: decoding, the main text, and the Article built from them.

trafilatura finds the article in the page (and drops menus, scripts, comments and footers); the
text then goes through the same block classification as pasted text (:mod:`.text`), so every
reader gives the analyzers the same shape: headline, captions, body, with boilerplate removed.
Tables that only lay the page out are turned into plain blocks first, or an article written in a
table cell would come out as one paragraph.

The page's title and metadata (Readability's rules, declared metadata before trafilatura's
guesses) are in :mod:`.html_meta`; ``Article.offset_map``, which points into the decoded HTML
source, comes from :mod:`.html_offsets`.
"""

from __future__ import annotations

import codecs
import re
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimscope.errors import InputError
from claimscope.ingest.dates import parse_date
from claimscope.ingest.html_meta import (
    collapse_space,
    dedupe_authors,
    headline_from_title,
    html_lang,
    page_metadata,
)
from claimscope.ingest.html_offsets import map_to_source
from claimscope.ingest.language import MIN_LETTERS
from claimscope.ingest.normalize import (
    DEFAULT_MAX_BYTES,
    decode,
    normalize,
    read_bytes,
)
from claimscope.ingest.text import Block, build_article, classify
from claimscope.model import Article

# ---------------------------------------------------------------------------------------------
# Decoding


# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
# How far into the bytes a charset declaration is looked for (the HTML standard says 1024 bytes;
# real pages put a long <head> first often enough that a little more is worth it).
_CHARSET_SCAN = 4096


# Labels browsers decode with a superset (the WHATWG Encoding Standard): pages so labelled use the
# superset's extra characters, which the strict codec would refuse.
_SUPERSETS = {
    "iso8859-1": "windows-1252",
    "ascii": "windows-1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in a ``<meta>`` tag, read as browsers read the label.

    "iso-8859-1" and "us-ascii" mean windows-1252 (pages labelled so use its curly quotes),
    "gb2312" means GBK, and so on (``_SUPERSETS``); a "utf-16" label in bytes readable as ASCII
    means UTF-8. The text is then what a reader of the page saw.
    """
    m = _META_CHARSET.search(data[:_CHARSET_SCAN])
    if not m:
        return None
    label = m.group(1).decode("ascii").strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return label  # decode() notes that it could not use it
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return _SUPERSETS.get(name, label)


def decode_page(data: bytes, where: str) -> tuple[str, list[str]]:
    """Decode a page's bytes (BOM, ``<meta charset>``, UTF-8, detection: see ``decode``).

    A declared legacy encoding is overridden by bytes that are valid UTF-8 beyond ASCII: legacy
    encodings practically never form valid UTF-8 sequences by chance, while pages re-saved as
    UTF-8 often keep their old ``<meta>``.
    """
    declared = declared_charset(data)
    if declared and not data.isascii():
        try:
            utf8_ok = codecs.lookup(declared).name != "utf-8" and bool(data.decode("utf-8"))
        except (LookupError, UnicodeDecodeError):
            utf8_ok = False
        if utf8_ok:
            text, notes = decode(data, None, what=where)
            return text, [*notes, f"declared encoding {declared!r} ignored: the bytes are UTF-8"]
    return decode(data, declared, what=where)


# ---------------------------------------------------------------------------------------------
# Parsing and extraction


def _parse(markup: str) -> Any:
    """The lxml tree of the page, or None when lxml finds nothing in it.

    trafilatura's loader refuses a bare fragment (``<p>text</p>`` with no ``<html>``) as "not
    HTML"; pasted fragments are common, so a refused input is retried wrapped in a document.
    """
    from trafilatura.utils import load_html

    for candidate in (markup, f"<html><body>{markup}</body></html>"):
        try:
            tree = load_html(candidate)
        except Exception:  # lxml and trafilatura raise various things on broken input
            tree = None
        if tree is not None and len(tree):
            return tree
    return None


def _parse_deep(markup: str) -> Any:
    """The lxml tree of a page nested deeper than libxml2's default limit of 256 levels."""
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)
    try:
        tree = lxml.html.document_fromstring(markup, parser=parser)
    except Exception:  # lxml raises various things on broken input
        return None
    return tree if tree is not None and len(tree) else None


_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "dl", "div", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre"),
        *("section", "table", "ul"),
    }
)
_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption")


def _is_layout_table(table: Any) -> bool:
    """Whether a ``<table>`` lays out the page rather than holding data (Readability's test,
    plus paragraphs in a cell).

    Old sites and some blogs put the whole article in a table cell; extractors render a cell as
    one line, which would make the article one paragraph. Header cells, a caption or a summary
    mean data; a nested table, a ``role="presentation"``, a single cell, or a cell holding two
    or more blocks (paragraphs, headings) mean layout.
    """
    if (table.get("role") or "").lower() == "presentation" or table.get("datatable") == "0":
        return True
    if table.get("summary"):
        return False
    for el in table.iter("caption", "col", "colgroup", "thead", "tfoot", "th"):
        own = next(el.iterancestors("table"), None) is table
        if own and (el.tag != "caption" or el.text_content().strip()):
            return False
    if any(el is not table for el in table.iter("table")):
        return True
    cells = [c for c in table.iter("td") if next(c.iterancestors("table"), None) is table]
    if len(cells) == 1:
        return True
    return any(sum(ch.tag in _BLOCK_TAGS for ch in cell) >= 2 for cell in cells)


def _unwrap_layout_tables(tree: Any) -> Any:
    """A copy of the tree where layout tables are plain ``<div>`` blocks (see above)."""
    tree = deepcopy(tree)
    for table in [t for t in tree.iter("table") if _is_layout_table(t)]:
        # this table's own parts (a data table nested in a layout table stays a table)
        parts = [
            el
            for el in table.iter(*_TABLE_PARTS)
            if el is table or (el.tag != "table" and next(el.iterancestors("table"), None) is table)
        ]
        for el in parts:
            el.tag = "div"
    return tree


@dataclass
class _Extraction:
    text: str
    method: str  # "main" | "recall" | "baseline"
    doc: Any  # trafilatura Document with metadata, or None


def _main_text(tree: Any, url: str | None) -> _Extraction | None:
    """The page's main text: trafilatura's balanced mode, then its recall mode, then baseline.

    Each fallback exists because real pages defeat the one before it (a page made of short
    paragraphs, an article held in JSON-LD only); any exception inside trafilatura counts as
    "nothing found" so that broken markup ends in one clear InputError, not a traceback.
    """
    from trafilatura import bare_extraction
    from trafilatura.baseline import baseline
    from trafilatura.settings import set_date_params

    first_doc: Any = None
    for method, recall in (("main", False), ("recall", True)):
        try:
            doc = bare_extraction(
                tree,
                url=url,
                with_metadata=True,
                include_comments=False,
                favor_precision=False,
                favor_recall=recall,
                include_tables=True,
                # Dates from the page's markup and metadata only: htmldate's "extensive" search
                # guesses one from any date in the text (a wrong publication date misleads the
                # time analysis more than a missing one) and costs seconds on some pages.
                date_extraction_params=set_date_params(extensive=False),
            )
        except Exception:  # see docstring
            doc = None
        if doc is not None and first_doc is None:
            first_doc = doc
        text = getattr(doc, "text", None) or ""
        if text.strip():
            return _Extraction(text, method, doc)
    try:
        _, text, _ = baseline(tree)
    except Exception:  # see docstring
        text = ""
    if text and text.strip():
        return _Extraction(text, "baseline", first_doc)
    return None


def _metadata_only(tree: Any, url: str | None) -> Any:
    """trafilatura's metadata for a page whose text came from the baseline extractor."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.settings import set_date_params

    try:
        return extract_metadata(
            deepcopy(tree), default_url=url, date_config=set_date_params(extensive=False)
        )
    except Exception:  # metadata is optional: never fail a page over it
        return None


# ---------------------------------------------------------------------------------------------
# Blocks


# A row of dashes trafilatura writes under a table's first row ("|---|---|"): layout, not text.
_TABLE_RULE = re.compile(r"\|(?:\s*:?-+:?\s*\|)+")


def _line_blocks(text: str) -> list[Block]:
    """One block per line: trafilatura writes one paragraph (list item, table row) per line.

    The markup trafilatura adds is left out of the blocks, so that it reaches neither the
    analyzers nor the offset map: the "- " before a list item, the "|" around a table row, and the
    "|---|" rule under a header row.
    """
    blocks: list[Block] = []
    for m in re.finditer(r"[^\r\n]+", text):
        line = m.group()
        if _TABLE_RULE.fullmatch(line.strip()):
            continue
        start, end = m.start(), m.end()
        stripped = line.lstrip()
        if stripped.startswith("- "):
            start += len(line) - len(stripped) + 2
        elif stripped.startswith("|"):
            while start < end and (text[start] in "|" or text[start].isspace()):
                start += 1
            while end > start and (text[end - 1] in "|" or text[end - 1].isspace()):
                end -= 1
        while start < end and (text[start].isspace() or text[start] == "\ufeff"):
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            blocks.append(Block(start, end))
    return blocks


def _same_heading(a: str, b: str) -> bool:
    """Whether a line of the text is the page title (possibly without its " - Site" part)."""
    x, y = normalize(a).casefold(), normalize(b).casefold()
    if not x or not y:
        return False
    short, long_ = sorted((x, y), key=len)
    return x == y or (short in long_ and len(short) >= 0.5 * len(long_))


def _fix_headline(text: str, blocks: list[Block], titles: list[str]) -> None:
    """Keep the on-page headline only when it is the title; otherwise the title is the headline.

    The text classifier calls any short first line a headline, which is right for pasted text;
    a page's extracted text often starts with a subheading or a kicker instead, while its title
    is known from the metadata. A first line that repeats the title is labelled headline even
    when it is alone, so that the title is not written twice.
    """
    if not titles:
        return
    for b in blocks:
        if b.kind == "headline" and not any(
            _same_heading(text[b.start : b.end], t) for t in titles
        ):
            b.kind = "body"
    first = next((b for b in blocks if b.kind not in ("navigation",)), None)
    if (
        first is not None
        and first.kind == "body"
        and not first.parts
        and any(_same_heading(text[first.start : first.end], t) for t in titles)
    ):
        first.kind = "headline"


# ---------------------------------------------------------------------------------------------
# Readers


def read_html(
    html: str | bytes,
    *,
    url: str | None = None,
    source: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """An Article from an HTML page (bytes are decoded by BOM, ``<meta charset>``, detection).

    Metadata the caller passes (``outlet``, ``published``, ``url``) wins over the page's own: a
    corpus or a feed usually knows them better than the page's markup does.
    """
    where = source or url or "HTML input"
    size = len(html) if isinstance(html, bytes) else len(html.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InputError(
            f"{where}: {size:,} bytes is over the size limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes)"
        )
    notes: list[str] = []
    if isinstance(html, bytes):
        markup, notes = decode_page(html, where)
    else:
        markup = html
        if not markup.strip():
            raise InputError(f"{where} is empty")

    tree = _parse(markup)
    extraction = _main_text(_unwrap_layout_tables(tree), url) if tree is not None else None
    if extraction is None:
        # libxml2 stops at 256 levels of nesting: a page nested deeper loses its text, unless
        # parsed with its "huge" option
        tree = _parse_deep(markup)
        extraction = _main_text(_unwrap_layout_tables(tree), url) if tree is not None else None
    if extraction is None:
        raise InputError(f"{where}: HTML has no main text")
    if extraction.method != "main":
        notes.append(
            "main text found by trafilatura's recall mode"
            if extraction.method == "recall"
            else "main text found by trafilatura's baseline extractor (whole-page text)"
        )
    doc = extraction.doc if extraction.doc is not None else _metadata_only(tree, url)

    meta = page_metadata(tree)
    title = meta.title or collapse_space(getattr(doc, "title", None) or "") or None
    if title:
        title = normalize(title) or None
    if published is None:
        published = parse_date(meta.published) or parse_date(getattr(doc, "date", None))
    if outlet is None:
        outlet = normalize(meta.site or getattr(doc, "sitename", None) or "") or None
    page_url = url or getattr(doc, "url", None) or None
    author = normalize(meta.author or "") or dedupe_authors(getattr(doc, "author", None))

    headline = headline_from_title(tree, title, outlet) if title else None

    text = extraction.text
    blocks = _line_blocks(text)
    classify(text, blocks)
    _fix_headline(text, blocks, [t for t in (title, headline) if t])

    # Language: detection on the text is preferred, because CMS templates often keep a default
    # lang attribute ("en") whatever the article's language; the attribute is used only when the
    # text is too short for the detector to say anything.
    language: str | None = None
    lang_attr = html_lang(tree)
    if lang_attr and sum(ch.isalpha() for ch in text[:20_000]) < MIN_LETTERS:
        language = lang_attr
        notes.append(
            f"text too short to identify its language; took {lang_attr!r} from <html lang>"
        )

    article = build_article(
        text,
        blocks,
        id=id,
        title=headline,
        outlet=outlet,
        url=page_url,
        published=published,
        author=author,
        source=source or url,
        reader="html",
        offset_target="html",
        notes=notes,
        language=language,
    )
    if title:
        article.title = title  # the page's title as published; the headline may be shorter
    article.offset_map = map_to_source(article.text, markup)
    return article


def read_html_file(
    path: str | Path,
    *,
    url: str | None = None,
    source: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """:func:`read_html` on a file, refused before reading when it is over ``max_bytes``."""
    data = read_bytes(path, max_bytes=max_bytes)
    return read_html(
        data,
        url=url,
        source=source or str(path),
        outlet=outlet,
        published=published,
        id=id,
        max_bytes=max_bytes,
    )
