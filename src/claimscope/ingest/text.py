"""Plain text as people paste it: find the headline, captions, body and the site's boilerplate.

Text copied from a news page carries more than the article: a breadcrumb ("News / Syria"), the
headline, a photo caption with its credit, the body, and the site's footer. The analyzers must see
the headline and caption as such (a headline colon is an attribution; a caption is not the outlet's
claim) and must not see the footer at all. This module splits the text into blocks, labels each
with rules that hold for news pages generally, and builds the :class:`Article` with ``sections``
for what is kept and ``removed`` for what was cut.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Literal

from claimscope.errors import InputError
from claimscope.ingest.dates import parse_dateline
from claimscope.ingest.language import detect
from claimscope.ingest.normalize import TextBuilder, normalize
from claimscope.model import Article, Removed, Section

# Kept kinds go into Article.text (as sections); the others into Article.removed.
KEPT = ("headline", "caption", "body")

_SEP = r"[/›»>|•·\\]"
_BREADCRUMB = re.compile(
    rf"^[^\s/›»>|•·\\][^/›»>|•·\\]{{0,40}}(\s+{_SEP}\s+[^/›»>|•·\\]{{1,40}})+$"
)
_NAV_LINE = re.compile(
    r"^(skip to (main )?content|menu|home|search|share( this( article| story)?)?|advertisement|"
    r"sponsored( content)?|print|email|comments?|related( articles| stories)?|most (read|popular)|"
    r"(show|hide|load) (more|comments)|sign in|log in|subscribe)\W*$",
    re.I,
)
_BOILERPLATE = re.compile(
    r"all rights reserved|©|\(c\) \d{4}|copyright \d{4}|can also be accessed at|"
    r"follow us on|subscribe to (our|the)|sign up for (our|the)|newsletter|click here|"
    r"read more:|share this (article|story)|download (our|the) app|"
    r"terms of (use|service)|privacy policy|cookie policy|"
    r"(reporting|writing|editing) by [A-Z]|"
    r"(the )?views expressed (here|in this article)|do not necessarily reflect",
    re.I,
)
_CREDIT = re.compile(
    r"(\((?:(?:file )?photos?|images?|pictures?|photograph|video|credit)\b[^()]{0,80}\)"
    r"|\b(?:photo|image|picture|photograph)s?\s*(?:credit)?\s*:\s*[A-Z][^.]{0,60}"
    r"|\((?:AFP|AP|Reuters|Getty Images|EPA|Anadolu|Xinhua|SANA|TASS|Sputnik|IRNA)"
    r"(?:\s*(?:photo|/[^()]{0,40}))?\))\s*\.?\s*$",
    re.I,
)
_BYLINE = re.compile(r"^(?:[Bb]y|BY)\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+){0,4}(\s*(,|and)\s+.*)?$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass
class Block:
    """A paragraph of the input: ``original[start:end]``, and what it is."""

    start: int
    end: int
    kind: str = "body"
    detail: str | None = None
    parts: list[tuple[str, int, int]] = field(default_factory=list)  # sub-blocks (caption, credit)


def split_blocks(original: str) -> list[Block]:
    """Paragraphs: blank-line separated when the text has blank lines, else one per line.

    Inside a blank-line-separated paragraph, line breaks are soft (hard-wrapped text), except that a
    short first line that looks like a breadcrumb or headline is split off: pasted pages often
    put the headline directly above the first paragraph.
    """
    blank = re.search(r"\n[ \t\u00a0]*\n", original) is not None
    pattern = r"(?:[ \t\u00a0]*\r?\n){2,}" if blank else r"\r?\n"
    blocks: list[Block] = []
    pos = 0
    for m in [*re.finditer(pattern, original), None]:
        end = m.start() if m else len(original)
        _add_stripped(original, pos, end, blocks)
        pos = m.end() if m else len(original)
    if blank and blocks:
        first = blocks[0]
        nl = original.find("\n", first.start, first.end)
        if nl != -1 and _is_headline_like(original[first.start : nl].strip()):
            rest = Block(nl + 1, first.end)
            first.end = nl
            _strip(original, first)
            _strip(original, rest)
            blocks.insert(1, rest)
    return [b for b in blocks if b.end > b.start]


def _add_stripped(original: str, start: int, end: int, out: list[Block]) -> None:
    b = Block(start, end)
    _strip(original, b)
    if b.end > b.start:
        out.append(b)


def _strip(original: str, b: Block) -> None:
    while b.start < b.end and (original[b.start].isspace() or original[b.start] == "\ufeff"):
        b.start += 1
    while b.end > b.start and original[b.end - 1].isspace():
        b.end -= 1


def _words(s: str) -> int:
    return len(s.split())


def _is_headline_like(s: str) -> bool:
    return 0 < _words(s) <= 30 and "\n" not in s and not s.endswith((".", ",", ";"))


def _is_fragment(s: str) -> bool:
    """A short line that is not a sentence: a menu entry, an app link, a site name."""
    return _words(s) <= 8 and not _SENTENCE_END.search(s)


def classify(original: str, blocks: list[Block]) -> None:
    """Label each block: navigation, headline, dateline, byline, caption, body, boilerplate."""
    n = len(blocks)
    texts = [original[b.start : b.end] for b in blocks]
    i = 0
    # Leading navigation: breadcrumbs ("News / Syria") and menu words.
    while i < n and (
        (_BREADCRUMB.match(texts[i]) and _words(texts[i]) <= 12) or _NAV_LINE.match(texts[i])
    ):
        blocks[i].kind = "navigation"
        i += 1
    # Headline: the first remaining block, one short line, when something follows it.
    if i < n - 1 and _is_headline_like(texts[i]) and not _CREDIT.search(texts[i]):
        blocks[i].kind = "headline"
        i += 1
    # Datelines and bylines right under the headline.
    while i < n:
        date = parse_dateline(texts[i])
        if date:
            blocks[i].kind, blocks[i].detail = "dateline", date
        elif _BYLINE.match(texts[i]) and _words(texts[i]) <= 12:
            blocks[i].kind, blocks[i].detail = "byline", texts[i][3:].strip()
        else:
            break
        i += 1
    body_start = i
    # Footer: from the end, boilerplate and short fragments; and any boilerplate before them.
    j = n - 1
    last_boiler = None
    while j > body_start:
        t = texts[j]
        if _BOILERPLATE.search(t) and _words(t) <= 40:
            last_boiler = j
        elif not _is_fragment(t):
            break
        j -= 1
    footer_from = last_boiler if last_boiler is not None else j + 1
    # A trailing run of fragments with no boilerplate marker is cut only if it is short:
    # an article may legitimately end on a short line (a dateline, a signature).
    if last_boiler is None and n - footer_from > 3:
        footer_from = n
    for k in range(footer_from, n):
        blocks[k].kind = "boilerplate"
    for k in range(body_start, footer_from):
        t = texts[k]
        if _NAV_LINE.match(t):
            blocks[k].kind = "navigation"
        elif _BOILERPLATE.search(t) and _words(t) <= 25:
            blocks[k].kind = "boilerplate"
        elif (m := _CREDIT.search(t)) and _words(t) <= 80:
            blocks[k].kind = "caption"
            b = blocks[k]
            cut = b.start + m.start()
            caption_end = cut
            while caption_end > b.start and original[caption_end - 1].isspace():
                caption_end -= 1
            if caption_end > b.start:
                b.parts = [("caption", b.start, caption_end), ("credit", cut, b.end)]
            else:  # the credit is all there is
                b.kind = "credit"


DEFAULT_MAX_CHARS = 1_000_000  # spaCy's own limit: its parser needs about 1 GB per 100,000


def max_chars() -> int:
    """The longest article text analysed, in characters: ``$CLAIMSCOPE_MAX_CHARS`` or spaCy's
    default limit. Longer texts are refused where the article is made, with this figure."""
    raw = os.environ.get("CLAIMSCOPE_MAX_CHARS", "")
    try:
        return int(raw) if raw.strip() else DEFAULT_MAX_CHARS
    except ValueError:
        raise InputError(f"CLAIMSCOPE_MAX_CHARS must be a whole number, not {raw!r}") from None


def content_id(text: str) -> str:
    """A stable id for an article from its analysed text (the corpus store keys on it too)."""
    # "surrogatepass": a text with a lone surrogate still gets an id (readers replace them)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def build_article(
    original: str,
    blocks: list[Block],
    *,
    id: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    published: str | None = None,
    author: str | None = None,
    source: str | None = None,
    reader: str = "text",
    offset_target: Literal["input", "html"] = "input",
    notes: list[str] | None = None,
    language: str | None = None,
) -> Article:
    """Assemble an Article from labelled blocks: kept blocks joined by blank lines, the rest removed.

    A ``title`` from metadata that the text does not already start with becomes the headline, so
    every reader gives the analyzers the same shape: headline, then caption and body.
    """
    builder = TextBuilder()
    sections: list[Section] = []
    removed: list[Removed] = []
    ingest_notes = list(notes or [])
    headline: str | None = None

    def open_section(kind: str) -> None:
        if len(builder):
            builder.literal("\n\n")
        start = len(builder)
        if sections and sections[-1].kind == kind and kind == "body":
            sections[-1].end = start  # paragraphs of one body section are contiguous
        else:
            sections.append(Section(kind=kind, start=start, end=start))

    has_headline = any(b.kind == "headline" for b in blocks)
    if title and not has_headline:
        _cut_repeated_title(original, blocks, title)
    if title and not has_headline:
        t = normalize(title)
        if t:
            sections.append(Section(kind="headline", start=0, end=len(t)))
            builder.literal(t)
            headline = t
    for b in blocks:
        pieces = b.parts or [(b.kind, b.start, b.end)]
        for kind, start, end in pieces:
            if kind in KEPT:
                open_section(kind)
                builder.add(original, start, end)
                sections[-1].end = len(builder)
                if kind == "headline" and headline is None:
                    headline = normalize(original[start:end])
            else:
                # a block's detail (a date, a name) belongs to its dateline or byline part
                detail = b.detail if not b.parts or kind in ("dateline", "byline") else None
                removed.append(Removed(kind=kind, text=original[start:end], detail=detail))
                if kind == "dateline" and not published and detail:
                    published = detail
                    ingest_notes.append(f"publication date {detail} read from the dateline")
                if kind == "byline" and not author and detail:
                    author = detail
    text = builder.text()
    if not text.strip():
        raise InputError(f"{source or 'input'}: no article text left after removing boilerplate")
    limit = max_chars()
    if len(text) > limit:
        raise InputError(
            f"{source or 'input'}: the text has {len(text):,} characters, over the limit of "
            f"{limit:,} (split it, or raise the limit with --max-chars or CLAIMSCOPE_MAX_CHARS)"
        )
    lang = language
    if lang is None:
        lang, prob = detect(text)
        if prob is None:
            ingest_notes.append("text too short to identify its language; assumed English")
    return Article(
        id=id or content_id(text),
        title=title.strip() if title and title.strip() else headline,
        outlet=outlet,
        url=url,
        published=published,
        language=lang,
        text=text,
        sections=sections,
        removed=removed,
        author=author,
        source=source,
        reader=reader,
        offset_map=builder.offset_map(offset_target),
        ingest_notes=ingest_notes,
    )


_TITLE_WITHIN = 300  # how far into the body a repeated title is looked for
_PREFIX_MAX = 120  # the most a dateline or byline before it may hold


def _cut_repeated_title(original: str, blocks: list[Block], title: str) -> None:
    """Cut the title out of the body's first paragraph when a scraper copied it there.

    Scraped data sets often hold the page's headline (and the date or byline above it) at the
    start of the body text, with no line break before the lead sentence: "Posted on April 4 2017
    by ... 58 Killed in Suspected Gas Attack in Syrias Idlib Dozens of people have been killed
    ...". Left in, the headline and the lead run together into one sentence, and the claim cut
    from it loses its subject ("Killed in ..."). The metadata title is the headline already, so
    the repeat is removed, and what stands before it, a date or a byline of at most a line with
    no sentence in it, goes with it.
    """
    wanted = title.strip()
    if len(wanted.split()) < 4:
        return
    first = next((b for b in blocks if b.kind in KEPT), None)
    if first is None or first.kind != "body" or first.parts:
        return
    at = original.find(wanted, first.start, min(first.end, first.start + _TITLE_WITHIN))
    if at == -1:
        return
    prefix = original[first.start : at]
    if len(prefix) > _PREFIX_MAX or re.search(r"[.!?][\"'”’)]*\s", prefix):
        return
    after = at + len(wanted)
    while after < first.end and original[after] in " \t.:-–—|":
        after += 1
    if after >= first.end:
        return
    parts: list[tuple[str, int, int]] = []
    if prefix.strip():
        date = parse_dateline(prefix.strip())
        parts.append(("dateline" if date else "byline", first.start, at))
        first.detail = date
    parts += [("repeated_headline", at, after), ("body", after, first.end)]
    first.parts = parts


def read_text(text: str, **meta: object) -> Article:
    """An Article from pasted text (already decoded). ``meta`` as for :func:`build_article`."""
    if not text.strip():
        raise InputError(f"{meta.get('source') or 'input'} is empty")
    blocks = split_blocks(text)
    classify(text, blocks)
    return build_article(text, blocks, **meta)  # type: ignore[arg-type]
