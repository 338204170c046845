"""HTML pages: the main text, the page's metadata, and offsets back into the markup.

trafilatura finds the article in the page (and drops menus, scripts, comments and footers); the
text then goes through the same block classification as pasted text (:mod:`.text`), so every
reader gives the analyzers the same shape: headline, captions, body, with boilerplate removed.
Tables that only lay the page out are turned into plain blocks first, or an article written in a
table cell would come out as one paragraph.

Metadata the page declares (JSON-LD, Dublin Core, Open Graph, Twitter and Parse.ly meta tags)
comes before what trafilatura infers from the page body, because the publisher wrote it for this
purpose. The title follows the rules readers have converged on (Mozilla Readability's): JSON-LD
article ``name``/``headline``, then the meta titles, then the ``<title>`` element cleaned of its
" | Site" part, or the page's only ``<h1>`` when the ``<title>`` is useless. ``Article.title`` is
that title as published; the headline in the analysed text drops a trailing site name.

Offsets: ``Article.offset_map`` points into the *decoded HTML source* (``original="html"``), the
string given to :func:`read_html` or decoded from its bytes. Each paragraph of the article text is
located in the markup (tags skipped, entities decoded); the segments found map exactly, so that
``html.unescape(source[orig_start:orig_end])``, normalised like article text, is the article text
of the segment. Text with no counterpart in the markup (a title taken from a meta tag, a paragraph
trafilatura rewrote, the " | " it puts between table cells) is simply not mapped.
"""

from __future__ import annotations

import bisect
import codecs
import json
import re
import unicodedata
from copy import deepcopy
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

from claimscope.errors import InputError
from claimscope.ingest.dates import parse_date
from claimscope.ingest.language import MIN_LETTERS
from claimscope.ingest.normalize import (
    DEFAULT_MAX_BYTES,
    TextBuilder,
    decode,
    normalize,
    read_bytes,
)
from claimscope.ingest.text import Block, build_article, classify
from claimscope.model import Article, OffsetMap, OffsetSegment

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
# Title (Readability's rules)

_WS = re.compile(r"\s+")
# " | ", " - ", " – ", " — ", " / ", " > ", " » " between a headline and the site or section name.
_SEP_CHARS = r"|\-–—\\/>»"
_SEPARATORS = re.compile(rf"\s[{_SEP_CHARS}]\s")
_HIERARCHICAL = re.compile(r"\s[\\/>»]\s")
# schema.org types whose name/headline is an article title (as Readability lists them; the
# pattern is a search, so "NewsArticle" and "ReportageNewsArticle" both match).
_ARTICLE_TYPES = re.compile(
    r"^Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|"
    r"BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|"
    r"SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|"
    r"LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference$"
)
_SCHEMA_ORG = re.compile(r"^https?://schema\.org/?$")
_META_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*"
    r"(author|creator|description|published_time|title|site_name)\s*",
    re.I,
)
_META_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-.:]\s*)?"
    r"(author|creator|pub-date|description|title|site_name)\s*$",
    re.I,
)
_META_TITLE_KEYS = (
    "dc:title",
    "dcterm:title",
    "og:title",
    "weibo:article:title",
    "weibo:webpage:title",
    "title",
    "twitter:title",
    "parsely-title",
)
_BASIC_ENTITY = re.compile(r"&(quot|amp|apos|lt|gt);|&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def _collapse(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _word_count(s: str) -> int:
    # JavaScript's str.split(/\s+/).length, which the thresholds below were tuned with.
    return len(_WS.split(s))


def _inner_text(el: Any) -> str:
    return _collapse(el.text_content() or "")


def _unescape_basic(s: str) -> str:
    """Undo the double escaping many sites put in meta values (``&amp;#8217;`` read as ``&#8217;``).

    Only the XML entities and numeric references: a title may legitimately contain "&copy".
    """

    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            return {"quot": '"', "amp": "&", "apos": "'", "lt": "<", "gt": ">"}[m.group(1)]
        num = int(m.group(2), 16) if m.group(2) else int(m.group(3))
        if num == 0 or num > 0x10FFFF or 0xD800 <= num <= 0xDFFF:
            num = 0xFFFD
        return chr(num)

    return _BASIC_ENTITY.sub(repl, s)


def _document_title(tree: Any) -> str:
    """``document.title``: the first ``<title>``'s text, white space collapsed."""
    for el in tree.iter("title"):
        return _collapse(el.text_content() or "")
    return ""


def title_from_document(tree: Any) -> str:
    """The article title from ``<title>`` and the headings, when no metadata names it.

    ``<title>`` usually reads "Headline | Site" or "Site - Section - Headline": the last part is
    cut (or, if that leaves under three words, the first), a "Site: Headline" prefix is cut unless a
    heading shows the colon belongs to the headline, and a title too short or too long to be a
    headline is replaced by the page's only ``<h1>``. A result of four words or fewer is not
    trusted (it is probably the site name) and the full ``<title>`` is kept.
    """
    orig = cur = _document_title(tree)
    hierarchical = False
    if _SEPARATORS.search(cur):
        hierarchical = _HIERARCHICAL.search(cur) is not None
        cur = orig[: list(_SEPARATORS.finditer(orig))[-1].start()]
        if _word_count(cur) < 3:
            cur = re.sub(rf"^[^{_SEP_CHARS}]*[{_SEP_CHARS}]", "", orig)
    elif ": " in cur:
        headings = [el.text_content().strip() for el in tree.iter("h1", "h2")]
        if cur.strip() not in headings:
            cur = orig[orig.rfind(":") + 1 :]
            if _word_count(cur) < 3:
                cur = orig[orig.find(":") + 1 :]
            elif _word_count(orig[: orig.find(":")]) > 5:
                cur = orig
    elif len(cur) > 150 or len(cur) < 15:
        h1s = list(tree.iter("h1"))
        if len(h1s) == 1:
            cur = _inner_text(h1s[0])
    cur = _collapse(cur)
    n = _word_count(cur)
    if n <= 4 and (not hierarchical or n != _word_count(re.sub(rf"[{_SEP_CHARS}]+", "", orig)) - 1):
        cur = orig
    return cur


def headline_from_title(tree: Any, title: str, outlet: str | None) -> str:
    """The title without a trailing " | Site" part, for the headline the analyzers read.

    :func:`page_title` keeps sharing titles whole ("Headline - Breitbart"), as readers show them;
    in the analysed text the site name is noise. A title is cut at a separator when what is left
    is the text of one of the page's ``<h1>`` elements, or when what is cut is the site's name.
    """
    h1s = {normalize(_inner_text(h)).casefold() for h in tree.iter("h1")}
    site = normalize(outlet).casefold() if outlet else None
    for m in reversed(list(_SEPARATORS.finditer(title))):
        head, tail = normalize(title[: m.start()]), normalize(title[m.end() :])
        if _word_count(head) < 2:
            break
        if head.casefold() in h1s or (site and tail.casefold() == site):
            return head
    return title


def _similarity(a: str, b: str) -> float:
    """Share of ``b``'s token text also in ``a`` (Readability's measure; 1.0 = all of it)."""
    ta = [t for t in re.split(r"\W+", a.lower(), flags=re.ASCII) if t]
    tb = [t for t in re.split(r"\W+", b.lower(), flags=re.ASCII) if t]
    if not ta or not tb:
        return 0.0
    uniq_b = [t for t in tb if t not in ta]
    return 1 - len(" ".join(uniq_b)) / len(" ".join(tb))


def _is_article_type(t: object) -> bool:
    if isinstance(t, str):
        return _ARTICLE_TYPES.search(t) is not None
    if isinstance(t, list):
        return any(isinstance(x, str) and _ARTICLE_TYPES.search(x) for x in t)
    return False


def _is_schema_org(context: object) -> bool:
    """Whether a JSON-LD ``@context`` (a URL, ``{"@vocab": URL}``, or a list of them) is schema.org."""
    if isinstance(context, list):
        return any(_is_schema_org(c) for c in context)
    if isinstance(context, dict):
        context = context.get("@vocab")
    return isinstance(context, str) and _SCHEMA_ORG.match(context) is not None


def _jsonld_article(tree: Any) -> dict[str, Any] | None:
    """The first schema.org article object in the page's JSON-LD scripts, if any."""
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", el.text or "")
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        if isinstance(data, list):
            data = next(
                (d for d in data if isinstance(d, dict) and _is_article_type(d.get("@type"))), None
            )
        if not isinstance(data, dict):
            continue
        if not _is_schema_org(data.get("@context")):
            continue
        if "@type" not in data and isinstance(data.get("@graph"), list):
            data = next(
                (
                    d
                    for d in data["@graph"]
                    if isinstance(d, dict) and _is_article_type(d.get("@type"))
                ),
                None,
            )
        if isinstance(data, dict) and _is_article_type(data.get("@type")):
            return data
    return None


def _jsonld_title(tree: Any, article: dict[str, Any]) -> str | None:
    """``name`` or ``headline``; when they differ, the one that resembles the page's own title."""
    name, headline = article.get("name"), article.get("headline")
    if isinstance(name, str) and isinstance(headline, str) and name != headline:
        page = title_from_document(tree)
        if _similarity(headline, page) > 0.75 and not _similarity(name, page) > 0.75:
            return headline
        return name
    if isinstance(name, str):
        return name.strip()
    if isinstance(headline, str):
        return headline.strip()
    return None


def _meta_values(tree: Any) -> dict[str, str]:
    """Meta tags by normalised key ("og:title", "dc:title", "title", ...); later ones win."""
    values: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if not content:
            continue
        prop, name = el.get("property"), el.get("name")
        matched = False
        if prop:
            m = _META_PROPERTY.search(prop)
            if m:
                matched = True
                values[re.sub(r"\s", "", m.group(0)).lower()] = content.strip()
        if not matched and name and _META_NAME.match(name):
            values[re.sub(r"\s", "", name).lower().replace(".", ":")] = content.strip()
    return values


@dataclass
class PageMetadata:
    """What the page declares about itself (JSON-LD article, then meta tags)."""

    title: str | None = None
    author: str | None = None
    site: str | None = None
    published: str | None = None  # as written; see :func:`parse_date`


def _jsonld_author(article: dict[str, Any]) -> str | None:
    """The article's author(s) from JSON-LD: a Person, a list of them, or a plain name."""
    authors = article.get("author")
    names = []
    for a in authors if isinstance(authors, list) else [authors]:
        name = a.get("name") if isinstance(a, dict) else a
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return ", ".join(names) or None


def _clean_meta(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return _collapse(_unescape_basic(value)) or None


def page_metadata(tree: Any) -> PageMetadata:
    """The page's own metadata, in the order readers trust it.

    Declared metadata comes first because the publisher wrote it for exactly this purpose (search
    and sharing); the extractor's guesses from the page body (a byline next to a date, "Username"
    from a comment form) come after, in :func:`read_html`. The title falls back on
    :func:`title_from_document`.
    """
    article = _jsonld_article(tree) or {}
    values = _meta_values(tree)
    title = _jsonld_title(tree, article) if article else None
    if not title:
        title = next((values[k] for k in _META_TITLE_KEYS if values.get(k)), None)
    if not title:
        title = title_from_document(tree)
    author = _jsonld_author(article) or next(
        (
            values[k]
            for k in ("dc:creator", "dcterm:creator", "author", "parsely-author")
            if values.get(k)
        ),
        None,
    )
    if not author and not re.match(r"https?://", values.get("article:author", "")):
        author = values.get("article:author")
    publisher = article.get("publisher")
    site = publisher.get("name") if isinstance(publisher, dict) else None
    published = article.get("datePublished")
    return PageMetadata(
        title=_clean_meta(title),
        author=_clean_meta(author),
        site=_clean_meta(site) or _clean_meta(values.get("og:site_name")),
        published=_clean_meta(published)
        or _clean_meta(values.get("article:published_time") or values.get("parsely-pub-date")),
    )


def page_title(tree: Any) -> str | None:
    """The article's title: JSON-LD, then meta titles, then :func:`title_from_document`."""
    return page_metadata(tree).title


# ---------------------------------------------------------------------------------------------
# Other metadata


def _html_lang(tree: Any) -> str | None:
    """The primary subtag of ``<html lang>`` ("pt" for "pt-BR"), if it looks like one."""
    lang = (tree.get("lang") or tree.get("xml:lang") or "").strip().lower()
    primary = re.split(r"[-_]", lang)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def _authors(value: str | None) -> str | None:
    """trafilatura's "A; B" author list with case-insensitive repeats dropped."""
    if not value:
        return None
    seen: dict[str, str] = {}
    for name in (n.strip() for n in value.split(";")):
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return "; ".join(seen.values()) or None


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
_QUOTE_FOLD = str.maketrans(
    {
        "\u201e": "\u201c",
        "\u201f": "\u201c",
        "\u201b": "\u2018",
        "\u2033": '"',
        "\uff02": '"',
        "\uff07": "'",
    }
)
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
            norm = _norm_piece(view[vs:ve]).strip()
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
        raise InputError(f"{where}: HTML has no main text")
    if extraction.method != "main":
        notes.append(
            "main text found by trafilatura's recall mode"
            if extraction.method == "recall"
            else "main text found by trafilatura's baseline extractor (whole-page text)"
        )
    doc = extraction.doc if extraction.doc is not None else _metadata_only(tree, url)

    meta = page_metadata(tree)
    title = meta.title or _collapse(getattr(doc, "title", None) or "") or None
    if title:
        title = normalize(title) or None
    if published is None:
        published = parse_date(meta.published) or parse_date(getattr(doc, "date", None))
    if outlet is None:
        outlet = normalize(meta.site or getattr(doc, "sitename", None) or "") or None
    page_url = url or getattr(doc, "url", None) or None
    author = normalize(meta.author or "") or _authors(getattr(doc, "author", None))

    headline = headline_from_title(tree, title, outlet) if title else None

    text = extraction.text
    blocks = _line_blocks(text)
    classify(text, blocks)
    _fix_headline(text, blocks, [t for t in (title, headline) if t])

    # Language: detection on the text is preferred, because CMS templates often keep a default
    # lang attribute ("en") whatever the article's language; the attribute is used only when the
    # text is too short for the detector to say anything.
    language: str | None = None
    lang_attr = _html_lang(tree)
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
