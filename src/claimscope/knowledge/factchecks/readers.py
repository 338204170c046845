"""Fact-check records and the readers that make them from published formats.

A fact-check is kept with what a reader needs to judge a match: the claim as the fact-checker
worded it, their rating, who reviewed it, when, and where the review is. Readers accept:

* schema.org ClaimReview as JSON-LD: one object, a list, an ``@graph``, Google's ``DataFeed`` of
  ``dataFeedElement`` items (the feed form with many reviews), JSON Lines, and the
  ``<script type="application/ld+json">`` blocks of a fact-checker's HTML page;
* the Google Fact Check Tools API answer (``{"claims": [{"text", "claimReview": [...]}]}``);
* CSV/TSV with a header naming the columns (see :data:`COLUMN_ALIASES`);
* the CheckThat! 2020 verified-claims TSV (``vclaim``, ``title``).

Every reader yields :class:`FactCheck` records and :class:`RecordProblem` entries in file order. A
malformed record (no claim text, a JSON fragment that is not an object, a row with too many
fields) is skipped with a problem that says where and why; the valid records around it still load.
A record with a bad optional field (an unreadable date, a non-http URL) loads without that field,
and a problem notes it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from claimscope.errors import ClaimscopeError

MAX_FIELD = 20_000  # characters; a claim or title longer than this is not a claim


@dataclass(frozen=True)
class FactCheck:
    """One reviewed claim. ``id`` is stable: the same review imported twice is one record."""

    id: str
    claim: str
    rating: str | None = None
    reviewer: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD) when the source gives one
    url: str | None = None
    title: str | None = None  # the review's headline
    claimant: str | None = None  # who made the claim, when the review says
    language: str | None = None
    source: str | None = None  # the file or feed it was imported from
    source_ids: tuple[str, ...] = ()  # ids the source gave it (CheckThat vclaim ids ...)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["source_ids"] = list(self.source_ids)
        return data


@dataclass(frozen=True)
class RecordProblem:
    """A record that was skipped (``skipped``) or loaded without a bad field."""

    where: str  # "file.csv line 12", "page.html script 2 item 1"
    message: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" + ("" if self.skipped else " (record kept)")


@dataclass
class ReadResult:
    records: list[FactCheck] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)


def normalise(text: str | None) -> str:
    """Case, quote marks and punctuation folded away: the key two copies of a review share."""
    return re.sub(r"\W+", " ", (text or "").casefold()).strip()


def record_id(claim: str, *, url: str | None, reviewer: str | None) -> str:
    """A review is its URL plus the claim (one page may review several claims); without a URL,
    the claim and the reviewer (a headline reworded on a later edit is the same review). Wording
    that differs only in quote marks, punctuation or case is one."""
    if url:
        key = f"url|{url.strip()}|{normalise(claim)}"
    else:
        key = f"text|{normalise(claim)}|{normalise(reviewer)}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:MAX_FIELD] or None


def _date(value: Any) -> str | None:
    """An ISO date from the forms fact-checkers publish; None when there is none to read."""
    text = _clean(value)
    if not text:
        return None
    import dateutil.parser

    try:
        return dateutil.parser.isoparse(text).date().isoformat()
    except (ValueError, OverflowError):
        pass
    try:
        return dateutil.parser.parse(text, fuzzy=False).date().isoformat()
    except (ValueError, OverflowError):
        raise ValueError(f"unreadable date {text!r}") from None


def make_record(
    where: str,
    *,
    claim: Any,
    rating: Any = None,
    reviewer: Any = None,
    date: Any = None,
    url: Any = None,
    title: Any = None,
    claimant: Any = None,
    language: Any = None,
    source: str | None = None,
    source_ids: Iterable[str] = (),
) -> tuple[FactCheck | None, list[RecordProblem]]:
    """Validate one record's fields; the record (or None when it must be skipped) and problems."""
    problems: list[RecordProblem] = []
    claim_text = _clean(claim)
    if not claim_text:
        return None, [RecordProblem(where, "no claim text (claimReviewed / claim column is empty)")]
    url_text = _clean(url)
    if url_text and not re.match(r"(?i)https?://[^\s/]+", url_text):
        problems.append(
            RecordProblem(where, f"URL {url_text[:80]!r} is not http(s); dropped", False)
        )
        url_text = None
    try:
        iso = _date(date)
    except ValueError as e:
        problems.append(RecordProblem(where, f"{e}; date dropped", False))
        iso = None
    title_text, reviewer_text = _clean(title), _clean(reviewer)
    record = FactCheck(
        id=record_id(claim_text, url=url_text, reviewer=reviewer_text),
        claim=claim_text,
        rating=_clean(rating),
        reviewer=reviewer_text,
        date=iso,
        url=url_text,
        title=title_text,
        claimant=_clean(claimant),
        language=_clean(language),
        source=source,
        source_ids=tuple(s for s in source_ids if s),
    )
    return record, problems


# --- ClaimReview (JSON-LD) ---------------------------------------------------------------------


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _name(value: Any) -> str | None:
    """A Person/Organization's name, or the value itself when it is a plain string."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _clean(value.get("name") or value.get("alternateName") or value.get("url"))
    return _clean(value)


def _claimreviews(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every ClaimReview-ish item under ``node``, with a JSONPath to it (``file $.item[2]``).
    Other schema.org types are walked through (a NewsArticle's ``@graph``, a feed's
    ``dataFeedElement``), not reported."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _claimreviews(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        yield where, node
        return
    if "ClaimReview" in _types(node):
        yield where, node
        return
    for key in ("@graph", "dataFeedElement", "item", "itemListElement", "mainEntity"):
        if key in node:
            yield from _claimreviews(node[key], f"{where}.{key}")


def claimreview_record(
    node: Any, where: str, source: str | None
) -> tuple[FactCheck | None, list[RecordProblem]]:
    """One ClaimReview object to a record, or the reason it cannot be one."""
    if not isinstance(node, dict):
        return None, [
            RecordProblem(where, f"expected a ClaimReview object, found {type(node).__name__}")
        ]
    rating = node.get("reviewRating")
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    rating_text = None
    if isinstance(rating, dict):
        rating_text = (
            rating.get("alternateName") or rating.get("name") or rating.get("ratingExplanation")
        )
        if not rating_text and rating.get("ratingValue") is not None:
            best, value = rating.get("bestRating"), rating.get("ratingValue")
            rating_text = f"{value}/{best}" if best is not None else str(value)
    elif isinstance(rating, str):
        rating_text = rating
    item = node.get("itemReviewed")
    if isinstance(item, list):
        item = item[0] if item else None
    claimant = _name(item.get("author")) if isinstance(item, dict) else None
    return make_record(
        where,
        claim=node.get("claimReviewed") or (item.get("name") if isinstance(item, dict) else None),
        rating=rating_text,
        reviewer=_name(node.get("author")) or _name(node.get("publisher")),
        date=node.get("datePublished") or node.get("dateCreated"),
        url=node.get("url") or node.get("@id"),
        title=node.get("headline") or node.get("name"),
        claimant=claimant,
        language=node.get("inLanguage"),
        source=source,
    )


def _factcheck_api(data: dict[str, Any], where: str, source: str | None) -> ReadResult:
    """Google Fact Check Tools API: claims, each with one or more reviews."""
    out = ReadResult()
    claims = data.get("claims")
    if not isinstance(claims, list):
        out.problems.append(RecordProblem(where, "'claims' is not a list"))
        return out
    for i, claim in enumerate(claims, 1):
        at = f"{where} claim {i}"
        reviews = claim.get("claimReview") if isinstance(claim, dict) else None
        if not isinstance(reviews, list) or not reviews:
            out.problems.append(RecordProblem(at, "no claimReview list"))
            continue
        for j, review in enumerate(reviews, 1):
            if not isinstance(review, dict):
                out.problems.append(RecordProblem(f"{at} review {j}", "review is not an object"))
                continue
            record, problems = make_record(
                f"{at} review {j}",
                claim=claim.get("text"),
                rating=review.get("textualRating"),
                reviewer=_name(review.get("publisher")),
                date=review.get("reviewDate") or claim.get("claimDate"),
                url=review.get("url"),
                title=review.get("title"),
                claimant=claim.get("claimant"),
                language=review.get("languageCode"),
                source=source,
            )
            out.problems.extend(problems)
            if record:
                out.records.append(record)
    return out


def _from_json_value(data: Any, where: str, source: str | None, out: ReadResult) -> None:
    if isinstance(data, dict) and "claims" in data and "@type" not in data:
        part = _factcheck_api(data, where, source)
        out.records.extend(part.records)
        out.problems.extend(part.problems)
        return
    found = False
    for at, node in _claimreviews(data, f"{where} $"):
        found = True
        record, problems = claimreview_record(node, at, source)
        out.problems.extend(problems)
        if record:
            out.records.append(record)
    if not found:
        out.problems.append(RecordProblem(where, "no ClaimReview found"))


def read_jsonld(text: str, *, source: str | None = None) -> ReadResult:
    """ClaimReview JSON-LD, a feed of them, the Fact Check Tools API answer, or JSON Lines."""
    out = ReadResult()
    name = source or "<json>"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            out.problems.append(RecordProblem(name, f"not valid JSON: {whole}"))
            return out
        for n, line in lines:  # JSON Lines: one bad line costs only itself
            try:
                value = json.loads(line)
            except json.JSONDecodeError as e:
                out.problems.append(RecordProblem(f"{name} line {n}", f"not valid JSON: {e.msg}"))
                continue
            _from_json_value(value, f"{name} line {n}", source, out)
        return out
    _from_json_value(data, name, source, out)
    return out


def read_html(text: str, *, source: str | None = None) -> ReadResult:
    """The ClaimReview JSON-LD blocks of a fact-checker's page; a broken block costs only itself."""
    out = ReadResult()
    name = source or "<html>"
    try:
        tree = lxml_html.fromstring(text)
    except Exception as e:  # lxml raises several types for markup it cannot parse at all
        out.problems.append(RecordProblem(name, f"not readable HTML: {e}"))
        return out
    scripts = tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
    if not scripts:
        out.problems.append(RecordProblem(name, 'no <script type="application/ld+json"> block'))
    for i, script in enumerate(scripts, 1):
        where = f"{name} script {i}"
        try:
            data = json.loads(script.text or "")
        except json.JSONDecodeError as e:
            out.problems.append(RecordProblem(where, f"not valid JSON: {e.msg} (line {e.lineno})"))
            continue
        part = ReadResult()
        _from_json_value(data, where, source, part)
        out.records.extend(part.records)
        # A page's other JSON-LD (BreadcrumbList, Organization) is not a problem.
        out.problems.extend(p for p in part.problems if p.message != "no ClaimReview found")
    if scripts and not out.records and not out.problems:
        out.problems.append(RecordProblem(name, "no ClaimReview in the page's JSON-LD"))
    return out


# --- tables ------------------------------------------------------------------------------------

#: Column names accepted for each field (compared case- and punctuation-insensitively).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "claim": (
        "claim",
        "claimreviewed",
        "claim reviewed",
        "claim text",
        "text",
        "vclaim",
        "statement",
    ),
    "rating": ("rating", "textualrating", "textual rating", "verdict", "label", "ruling"),
    "reviewer": ("reviewer", "author", "publisher", "fact checker", "factchecker", "organization"),
    "date": ("date", "datepublished", "date published", "reviewdate", "review date", "published"),
    "url": ("url", "review url", "link", "source url"),
    "title": ("title", "headline"),
    "claimant": ("claimant", "speaker", "claimed by"),
    "language": ("language", "lang", "inlanguage", "languagecode"),
    "source_id": ("id", "", "vclaim id", "claim id"),
}


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        key = re.sub(r"[^a-z0-9]+", " ", name.casefold()).strip()
        for target, aliases in COLUMN_ALIASES.items():
            if target not in found and (key in aliases or key.replace(" ", "") in aliases):
                found[target] = i
    return found


def read_table(text: str, *, source: str | None = None, delimiter: str | None = None) -> ReadResult:
    """CSV or TSV with a header row; the delimiter is sniffed from the header when not given.

    Rows are read with the csv module (quoted fields may hold newlines), so ``line`` in a problem
    is the row's first physical line.
    """
    out = ReadResult()
    name = source or "<table>"
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    if delimiter is None:
        delimiter = "\t" if first.count("\t") >= max(1, first.count(",")) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as e:
        out.problems.append(RecordProblem(name, f"no header row ({e or 'empty file'})"))
        return out
    columns = _column_map(header)
    if "claim" not in columns:
        out.problems.append(
            RecordProblem(
                name,
                f"no claim column in the header {header!r}; name one 'claim' (or claimReviewed, vclaim)",
            )
        )
        return out
    # CheckThat's verified claims: the unnamed first column is the vclaim id.
    if "source_id" not in columns and header and header[0] == "":
        columns["source_id"] = 0
    width = len(header)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            out.problems.append(RecordProblem(f"{name} line {line}", f"unreadable row: {e}"))
            continue
        where = f"{name} line {line}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width:
            out.problems.append(
                RecordProblem(where, f"{len(row)} fields where the header has {width}")
            )
            continue

        def cell(key: str, row: list[str] = row) -> str | None:
            i = columns.get(key)
            return row[i] if i is not None and i < len(row) else None

        sid = cell("source_id")
        record, problems = make_record(
            where,
            claim=cell("claim"),
            rating=cell("rating"),
            reviewer=cell("reviewer"),
            date=cell("date"),
            url=cell("url"),
            title=cell("title"),
            claimant=cell("claimant"),
            language=cell("language"),
            source=source,
            source_ids=[sid.strip()] if sid else [],
        )
        out.problems.extend(problems)
        if record:
            out.records.append(record)
    return out


def read_path(path: Path | str, *, max_bytes: int = 500_000_000) -> ReadResult:
    """Read a fact-check file, choosing the reader by its name and first bytes.

    A directory is read as CheckThat's claim-retrieval folder (its ``verified_claims.docs.tsv``).
    """
    path = Path(path)
    if path.is_dir():
        inner = path / "verified_claims.docs.tsv"
        if not inner.is_file():
            raise ClaimscopeError(f"{path} is a directory without verified_claims.docs.tsv")
        path = inner
    if not path.is_file():
        raise ClaimscopeError(f"{path}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ClaimscopeError(f"{path} is {size:,} bytes, over the {max_bytes:,}-byte limit")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise ClaimscopeError(f"{path} looks binary (NUL bytes); expected JSON, HTML, CSV or TSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ClaimscopeError(f"{path} is not UTF-8 text ({e.reason} at byte {e.start})") from e
    source = path.name
    suffix = path.suffix.lower()
    head = text.lstrip()[:200].lower()
    if suffix in {".html", ".htm"} or head.startswith(("<!doctype", "<html")):
        return read_html(text, source=source)
    if suffix in {".json", ".jsonld", ".jsonl", ".ndjson"} or head.startswith(("{", "[")):
        return read_jsonld(text, source=source)
    if suffix in {".tsv", ".tab"}:
        return read_table(text, source=source, delimiter="\t")
    return read_table(text, source=source)
