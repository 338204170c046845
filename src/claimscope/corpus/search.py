"""Full-text search over the corpus store: its own inverted index, ranked by BM25 in SQL.

Neither backend's own full-text machinery is used: DuckDB's ``fts`` extension is not in the
wheel (installing it would download at run time), and PostgreSQL's ``tsvector`` would make the two
backends rank differently. Instead :func:`terms` turns text into lower-cased, accent-folded,
stop-worded, Snowball-stemmed terms, and the store writes one ``terms`` row per (term, article)
for the article's title and text (field ``a``) and one per (term, claim) for each claim (field
``c``), with the term's count there and that text's length. The same SQL on both backends then

0. reads the corpus totals (``search_stats``, kept by every put) and the query terms' document
   frequencies;
1. ranks the articles that pass the filters by BM25 over their title and text, from the index
   rows alone, and keeps the best ``limit * POOL`` (at least ``POOL_MIN``);
2. scores those articles' claims by BM25 over claim text: a hit's score is its article's BM25
   plus ``CLAIM_WEIGHT`` times its best claim's, so of two articles that use the words equally
   the one where they make up a claim ranks first, and the hit names that claim;
3. fetches what the ``limit`` best hits show.

Several plain statements rather than one: each has a plan both engines get right even before
table statistics exist (chained CTEs lead PostgreSQL's planner into loops over whole tables).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from claimscope.corpus.db import Database, Row, StoreArgumentError

K1 = 1.2
B = 0.75
CLAIM_WEIGHT = 0.5  # a hit's score: article BM25 + CLAIM_WEIGHT * best claim's BM25
TITLE_WEIGHT = 1  # title words count this many times more (the headline is also in the text)
POOL, POOL_MIN = 4, 200  # articles whose claims are scored: limit * POOL, at least POOL_MIN
SNIPPET = 200  # characters of text around the first matched word, when no claim matched
_MAX_TERM = 40

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_STOPWORDS = """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    also s t said says say"""
STOPWORDS = frozenset(_STOPWORDS.split())

_local = threading.local()


def _stem_words(words: list[str]) -> list[str]:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # PyStemmer's objects are not safe to share between threads
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return list(stemmer.stemWords(words))


def fold(text: str) -> str:
    """Lower-cased, accents dropped ("Saraqib", "SARÂQIB" -> "saraqib")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _keep(word: str) -> str | None:
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if len(word) < 2 or len(word) > _MAX_TERM or word in STOPWORDS:
        return None
    return word


def terms(text: str) -> list[str]:
    """The index terms of a text, in order (repeats kept: their count is the term frequency)."""
    words = [w for w in (_keep(m) for m in _WORD.findall(fold(text))) if w]
    return _stem_words(words) if words else []


def query_terms(query: str) -> list[str]:
    """A query's distinct terms, in order."""
    return list(dict.fromkeys(terms(query)))


@dataclass(frozen=True)
class SearchHit:
    """One article found: which article, how well it matched, and the claim or text that did."""

    key: str
    id: str
    title: str | None
    outlet: str | None
    published: str | None  # YYYY-MM-DD
    score: float  # BM25 (article, plus half the best claim's); 0.0 for a filter-only search
    claim: str | None  # the best-matching claim's id, when a claim matched
    speaker: str | None  # that claim's speaker, when attributed
    snippet: str  # the claim's text, else the text around the first matched word

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Filters:
    outlet: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    speaker: str | None = None
    place: str | None = None
    technique: str | None = None


def date_bound(value: str | dt.date | None, *, end: bool) -> dt.date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as the first day (``end``: the last day) it means."""
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            first = dt.date(year, month, 1)
            if not end:
                return first
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise StoreArgumentError(f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)") from None


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filter_sql(f: Filters) -> tuple[list[str], list[Any]]:
    """WHERE conditions on ``articles a`` (ANDed), with their parameters in order."""
    where: list[str] = []
    params: list[Any] = []
    if f.outlet:
        where.append("(lower(a.outlet) = ? OR lower(a.outlet_name) = ?)")
        params += [f.outlet.lower()] * 2
    if f.since:
        where.append("a.published >= ?")
        params.append(f.since)
    if f.until:
        where.append("a.published <= ?")
        params.append(f.until)
    if f.speaker:
        where.append(
            "EXISTS (SELECT 1 FROM attributions x WHERE x.key = a.key "
            "AND lower(x.speaker) LIKE ? ESCAPE '\\')"
        )
        params.append(_like(f.speaker))
    if f.place:
        where.append(
            "EXISTS (SELECT 1 FROM places p WHERE p.key = a.key AND (lower(p.name) = ? "
            "OR lower(p.admin1) = ? OR lower(p.country) = ?))"
        )
        params += [f.place.lower()] * 3
    if f.technique:
        where.append(
            "EXISTS (SELECT 1 FROM findings f WHERE f.key = a.key AND lower(f.technique) = ?)"
        )
        params.append(f.technique.lower())
    return where, params


def _idf(n: float, df: float) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _scores(
    db: Database,
    field: str,
    idf: dict[str, float],
    avgdl: float,
    restrict: str,
    params: Sequence[Any],
    tail: str = "",
    tail_params: Sequence[Any] = (),
) -> list[Row]:
    """BM25 of the postings of ``idf``'s terms in ``field``, summed per document, from the index
    alone: (key, claim, score) rows, ``restrict`` (SQL on ``q``) and ``tail`` (after the WHERE)
    narrowing and ordering them."""
    words = list(idf)
    weights = ", ".join("(CAST(? AS TEXT), CAST(? AS FLOAT8))" for _ in words)
    marks = ", ".join("?" for _ in words)
    sql = f"""SELECT q.key, q.claim, sum(w.idf * q.tf * {K1 + 1}
            / (q.tf + {K1} * ({1 - B} + {B} * q.doc_len / CAST(? AS FLOAT8)))) AS score
        FROM terms q JOIN (VALUES {weights}) AS w (term, idf) ON w.term = q.term
        WHERE q.term IN ({marks}) AND q.field = ?{restrict}
        GROUP BY q.key, q.claim {tail}"""
    pairs = [x for word in words for x in (word, idf[word])]
    return db.fetchall(sql, [avgdl, *pairs, *words, field, *params, *tail_params])


def search(db: Database, query: str | None, filters: Filters, limit: int = 50) -> list[SearchHit]:
    if limit <= 0:
        return []
    where, fparams = _filter_sql(filters)
    if query is None or not query.strip():
        return _filter_only(db, where, fparams, filters, limit)
    words = query_terms(query)
    if not words:
        return []
    # 0. Corpus totals and the terms' document frequencies (in articles, in claims).
    stats = db.fetchone(
        "SELECT articles, article_terms, claims, claim_terms FROM search_stats WHERE id = 1"
    )
    if stats is None or not stats[0]:
        return []
    n_articles, article_terms, n_claims, claim_terms = (float(x) for x in stats)
    marks = ", ".join("?" for _ in words)
    df = {
        (str(term), str(field)): float(n)
        for term, field, n in db.fetchall(
            f"SELECT term, field, count(*) FROM terms WHERE term IN ({marks}) GROUP BY term, field",
            words,
        )
    }
    idf_a = {w: _idf(n_articles, df[w, "a"]) for w in words if (w, "a") in df}
    if not idf_a:
        return []
    # 1. Articles by BM25 over their title and text, among those that pass the filters: the best
    # ``pool`` of them.
    restrict = ""
    if where:
        restrict = " AND q.key IN (SELECT a.key FROM articles a WHERE " + " AND ".join(where) + ")"
    pool = max(limit * POOL, POOL_MIN)
    scored = _scores(
        db,
        "a",
        idf_a,
        max(article_terms, 1.0) / n_articles,
        restrict,
        fparams,
        "ORDER BY score DESC, q.key LIMIT ?",
        [pool],
    )
    if not scored:
        return []
    scores = {str(key): float(score) for key, _, score in scored}
    keys = list(scores)
    key_marks = ", ".join("?" for _ in keys)
    # 2. Their claims by BM25 over claim text; the best claim of each adds to its article's score
    # (with a speaker filter, the speaker's own claims come first).
    idf_c = {w: _idf(n_claims, df[w, "c"]) for w in words if (w, "c") in df}
    best: dict[str, tuple[str, float]] = {}
    if idf_c:
        claim_scores = _scores(
            db,
            "c",
            idf_c,
            max(claim_terms, 1.0) / max(n_claims, 1.0),
            f" AND q.key IN ({key_marks})",
            keys,
        )
        preferred: set[tuple[str, str]] = set()
        if filters.speaker:
            preferred = {
                (str(k), str(c))
                for k, c in db.fetchall(
                    f"SELECT key, id FROM claims WHERE key IN ({key_marks}) "
                    "AND lower(speaker) LIKE ? ESCAPE '\\'",
                    [*keys, _like(filters.speaker)],
                )
            }
        ranked = sorted(
            claim_scores,
            key=lambda r: ((str(r[0]), str(r[1])) not in preferred, -float(r[2]), _natural(r[1])),
        )
        for key, claim, score in ranked:
            best.setdefault(str(key), (str(claim), float(score)))
    totals = {
        key: score + CLAIM_WEIGHT * (best[key][1] if key in best else 0.0)
        for key, score in scores.items()
    }
    top = sorted(totals, key=lambda k: (-totals[k], k))[:limit]
    # 3. What the hits show.
    top_marks = ", ".join("?" for _ in top)
    articles = {
        str(r[0]): r
        for r in db.fetchall(
            "SELECT key, id, title, outlet, published, text FROM articles "
            f"WHERE key IN ({top_marks})",
            top,
        )
    }
    chosen = sorted({best[k][0] for k in top if k in best})
    claims: dict[tuple[str, str], Row] = {}
    if chosen:
        id_marks = ", ".join("?" for _ in chosen)
        claims = {
            (str(r[0]), str(r[1])): r
            for r in db.fetchall(
                f"SELECT key, id, text, speaker FROM claims WHERE key IN ({top_marks}) "
                f"AND id IN ({id_marks})",
                [*top, *chosen],
            )
        }
    wanted = set(words)
    hits = []
    for key in top:
        if key not in articles:  # gone since step 1 (a concurrent writer's transaction)
            continue
        _, id_, title, outlet, published, text = articles[key]
        claim = best[key][0] if key in best else None
        row = claims.get((key, claim)) if claim else None
        hits.append(
            SearchHit(
                key=key,
                id=id_,
                title=title,
                outlet=outlet,
                published=_iso(published),
                score=round(totals[key], 4),
                claim=claim,
                speaker=row[3] if row else None,
                snippet=str(row[2]) if row else _snippet(text, wanted),
            )
        )
    return hits


def _natural(claim_id: str) -> tuple[int, str]:
    """``C2`` before ``C10``."""
    return (len(claim_id), claim_id)


def _filter_only(
    db: Database, where: list[str], params: list[Any], filters: Filters, limit: int
) -> list[SearchHit]:
    """Filters without words: newest first; the snippet is the speaker's first claim, the first
    finding of the technique asked for, or the opening of the text."""
    conditions = " AND ".join(where) if where else "1 = 1"
    rows = db.fetchall(
        f"""SELECT a.key, a.id, a.title, a.outlet, a.published, a.text FROM articles a
        WHERE {conditions} ORDER BY a.published DESC NULLS LAST, a.key LIMIT ?""",
        [*params, limit],
    )
    claims: dict[str, tuple[str, str, str | None]] = {}
    findings: dict[str, str] = {}
    keys = [r[0] for r in rows]
    if keys and filters.speaker:
        marks = ", ".join("?" for _ in keys)
        for key, claim, text, speaker in db.fetchall(
            f"""SELECT key, id, text, speaker FROM claims WHERE key IN ({marks})
            AND lower(speaker) LIKE ? ESCAPE '\\' ORDER BY key, start_offset""",
            [*keys, _like(filters.speaker)],
        ):
            claims.setdefault(key, (claim, text, speaker))
    if keys and filters.technique:
        marks = ", ".join("?" for _ in keys)
        for key, text in db.fetchall(
            f"""SELECT key, text FROM findings WHERE key IN ({marks})
            AND lower(technique) = ? ORDER BY key, start_offset""",
            [*keys, filters.technique.lower()],
        ):
            findings.setdefault(key, text)
    hits = []
    for key, id_, title, outlet, published, text in rows:
        claim, snippet, speaker = claims.get(key, (None, "", None))
        if claim is None:
            snippet = findings.get(key) or _opening(text)
        hits.append(
            SearchHit(
                key=key,
                id=id_,
                title=title,
                outlet=outlet,
                published=_iso(published),
                score=0.0,
                claim=claim,
                speaker=speaker,
                snippet=snippet,
            )
        )
    return hits


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _opening(text: str) -> str:
    return _trim(text, 0, SNIPPET)


def _snippet(text: str, wanted: set[str]) -> str:
    """The text around the first word whose term is one of the query's."""
    found = [(m.start(), word) for m in _WORD.finditer(text) if (word := _keep(fold(m.group())))]
    stems = _stem_words([word for _, word in found]) if found else []
    for (offset, _), stem in zip(found, stems, strict=True):
        if stem in wanted:
            start = max(0, offset - SNIPPET // 3)
            return _trim(text, start, start + SNIPPET)
    return _opening(text)


def _trim(text: str, start: int, end: int) -> str:
    """``text[start:end]`` cut at word boundaries, with an ellipsis where it was cut."""
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def index_rows(
    key: str, title: str | None, text: str, claims: Sequence[tuple[str, str]]
) -> tuple[int, list[tuple[str, str, str, str, int, int]], dict[str, int]]:
    """The ``terms`` rows of one article: (article length in terms, rows, claim id -> length)."""
    body = terms(text)
    head = terms(title) if title else []
    counts = Counter(body)
    for term in head:
        counts[term] += TITLE_WEIGHT
    length = len(body) + len(head) * TITLE_WEIGHT
    rows = [(term, key, "a", "", tf, length) for term, tf in counts.items()]
    lengths: dict[str, int] = {}
    for claim_id, claim_text in claims:
        words = terms(claim_text)
        lengths[claim_id] = len(words)
        rows += [(term, key, "c", claim_id, tf, len(words)) for term, tf in Counter(words).items()]
    return length, rows, lengths
