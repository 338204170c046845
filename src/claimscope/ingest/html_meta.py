"""An HTML page's title and metadata: what the page declares about itself, read as readers read it.

Metadata the page declares (JSON-LD, Dublin Core, Open Graph, Twitter and Parse.ly meta tags)
comes before what an extractor infers from the page body, because the publisher wrote it for this
purpose (search and sharing), while a byline guessed from the text can be a commenter's name.

The title follows the rules readers have converged on, Mozilla Readability's: JSON-LD article
``name``/``headline``, then the meta titles, then the ``<title>`` element cleaned of its " | Site"
part, or the page's only ``<h1>`` when the ``<title>`` is useless. Readability's rules are followed
closely (its separators, its word-count thresholds, its list of schema.org article types) because
the expected metadata of the HTML test pages (``../shared/data/html-pages``) come from Readability:
a rule changed here shows up as a title that no longer matches. :func:`page_title` is the title as
published; :func:`headline_from_title` drops a trailing site name for the headline the analyzers
read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from claimscope.ingest.normalize import normalize

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


def collapse_space(s: str) -> str:
    """``s`` with each run of white space made one space, and stripped (as browsers show text)."""
    return _WS.sub(" ", s).strip()


def _word_count(s: str) -> int:
    # JavaScript's str.split(/\s+/).length, which the thresholds below were tuned with.
    return len(_WS.split(s))


def _inner_text(el: Any) -> str:
    return collapse_space(el.text_content() or "")


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
        return collapse_space(el.text_content() or "")
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
    cur = collapse_space(cur)
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
    return collapse_space(_unescape_basic(value)) or None


def page_metadata(tree: Any) -> PageMetadata:
    """The page's own metadata, in the order readers trust it.

    Declared metadata comes first because the publisher wrote it for exactly this purpose (search
    and sharing); the extractor's guesses from the page body (a byline next to a date, "Username"
    from a comment form) come after, in :func:`~claimscope.ingest.html.read_html`. The title falls
    back on :func:`title_from_document`.
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


def html_lang(tree: Any) -> str | None:
    """The primary subtag of ``<html lang>`` ("pt" for "pt-BR"), if it looks like one."""
    lang = (tree.get("lang") or tree.get("xml:lang") or "").strip().lower()
    primary = re.split(r"[-_]", lang)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def dedupe_authors(value: str | None) -> str | None:
    """trafilatura's "A; B" author list with case-insensitive repeats dropped."""
    if not value:
        return None
    seen: dict[str, str] = {}
    for name in (n.strip() for n in value.split(";")):
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return "; ".join(seen.values()) or None
