"""The corpus store: analyses of many articles, in a DuckDB file or a PostgreSQL database.

``open_corpus("corpus.duckdb")`` (any path) opens or creates a DuckDB file;
``open_corpus("postgresql://user@host/db")`` a PostgreSQL database (psycopg 3). Both get the same
tables (``corpus/schema.py``, versioned migrations) and answer the same queries.

Each article is stored under its key (``corpus/keys.py``: a hash of its content and metadata), in
one transaction with all its rows: the ``articles`` row with the full contract document, a row per
attribution, claim, finding, entity, place, time and voice, its outlet, and its full-text index
rows. Putting a key again replaces those rows, so a re-run never duplicates, and a run killed at
any point (even ``kill -9``) leaves each article either whole or absent: starting again and
skipping :meth:`CorpusStore.done_keys` finishes the rest. Inputs that fail are kept in
``failures`` with their reason until the article is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from claimscope.corpus import export as export_module
from claimscope.corpus import search as search_module
from claimscope.corpus.db import Database, Row
from claimscope.corpus.schema import (
    ARTICLE_TABLES,
    COLUMNS,
    DERIVED_TABLES,
    current_version,
    migrate,
)
from claimscope.corpus.search import Filters, SearchHit, date_bound
from claimscope.knowledge.outlets import display_name
from claimscope.model import Analysis

__all__ = ["CorpusStore", "SearchHit", "Stored", "open_corpus"]

_CHUNK = 500  # keys per "IN (...)" list
_ATTEMPTS = 3  # tries of one put when another writer holds the same key


def open_corpus(target: str | Path) -> CorpusStore:
    """Open (creating and migrating when needed) the store at a path or a PostgreSQL URL."""
    return CorpusStore(target)


@dataclass(frozen=True)
class Stored:
    """A stored article in a list: its key and what names it to a reader."""

    key: str
    title: str | None
    outlet: str | None
    published: str | None
    analysed_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Rows:
    """The rows one or more analyses add to each table."""

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {name: [] for name in ARTICLE_TABLES}
        self.outlets: dict[str, Row] = {}
        self.sources: list[str] = []

    def add(
        self, key: str, analysis: Analysis, source: str | None, run: str | None, now: dt.datetime
    ) -> None:
        a = analysis.article
        registry = analysis.outlet or None
        outlet_name = display_name(registry, a.outlet)
        speakers = {
            att.id: att.speaker.name if att.speaker else None for att in analysis.attributions
        }
        n_terms, term_rows, claim_lengths = search_module.index_rows(
            key, a.title, a.text, [(c.id, c.text) for c in analysis.claims]
        )
        source = source or a.source
        if source:
            self.sources.append(source)
        t = self.tables
        t["articles"].append(
            (
                key,
                a.id,
                a.title,
                a.outlet or outlet_name,
                outlet_name,
                _date(a.published),
                a.url,
                a.language,
                source,
                run,
                now,
                n_terms,
                a.text,
                analysis.to_json(indent=None),
            )
        )
        t["attributions"] += [
            (
                key,
                att.id,
                att.kind,
                att.speaker.name if att.speaker else None,
                att.speaker.entity if att.speaker else None,
                att.speaker.type if att.speaker else None,
                att.cue.text,
                att.source.text if att.source else None,
                " … ".join(c.text for c in att.content) or None,
                att.confidence,
                att.rule,
            )
            for att in analysis.attributions
        ]
        t["claims"] += [
            (
                key,
                c.id,
                c.start,
                c.end,
                c.text,
                c.voice,
                c.attribution,
                speakers.get(c.attribution) if c.attribution else None,
                c.checkworthiness,
                len(c.hedges),
                claim_lengths[c.id],
                "; ".join(h.text for h in c.hedges) or None,
            )
            for c in analysis.claims
        ]
        t["findings"] += [
            (
                key,
                f.id,
                f.technique,
                f.start,
                f.end,
                f.text,
                f.target,
                f.explanation,
                f.confidence,
            )
            for f in analysis.findings
        ]
        t["entities"] += [
            (key, e.id, e.name, e.type, e.subtype, len(e.mentions)) for e in analysis.entities
        ]
        t["places"] += [
            (
                key,
                i,
                p.entity,
                p.name,
                p.country,
                p.admin1,
                p.kind,
                p.lat,
                p.lon,
                p.gazetteer_id,
                p.confidence,
                len(p.mentions),
            )
            for i, p in enumerate(analysis.places)
        ]
        t["times"] += [
            (
                key,
                i,
                x.start,
                x.end,
                x.text,
                x.value,
                x.basis,
                x.kind,
                _date(x.earliest),
                _date(x.latest),
            )
            for i, x in enumerate(analysis.times)
        ]
        t["voices"] += [
            (key, i, v.speaker, v.entity, v.affiliation, v.category, len(v.attributions))
            for i, v in enumerate(analysis.voices)
        ]
        t["terms"] += term_rows
        if outlet_name:
            known = self.outlets.get(outlet_name)
            if registry or known is None:
                entry = registry or {}
                self.outlets[outlet_name] = (
                    outlet_name,
                    _text(entry.get("country")),
                    _text(entry.get("typology")),
                    _text(entry.get("parent")),
                    _text(entry.get("status")),
                    json.dumps(registry, ensure_ascii=False) if registry else None,
                    now,
                )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class CorpusStore:
    """Analyses of a corpus, in DuckDB (a file) or PostgreSQL (a URL)."""

    backend: str

    def __init__(self, target: str | Path) -> None:
        self._db = Database(target)
        try:
            migrate(self._db)
        except BaseException:
            self._db.close()
            raise
        self.backend = self._db.backend
        self.target = self._db.target

    # -- writing ---------------------------------------------------------------------------------

    def verify(self) -> None:
        """Read the whole store: a damaged file fails now with one clear error (see
        :meth:`Database.verify`)."""
        self._db.verify()

    def put(
        self, key: str, analysis: Analysis, *, source: str | None = None, run: str | None = None
    ) -> None:
        """Store (or replace) one article's analysis and clear its failures, in one transaction."""
        self.put_many([(key, analysis, source)], run=run)

    def put_many(
        self, items: Sequence[tuple[str, Analysis, str | None]], *, run: str | None = None
    ) -> None:
        """Store (or replace) many analyses in one transaction: all of them or none.

        A key given twice keeps its last analysis."""
        latest: dict[str, tuple[Analysis, str | None]] = {}
        for key, analysis, source in items:
            latest.pop(key, None)
            latest[key] = (analysis, source)
        if not latest:
            return
        rows = _Rows()
        now = _now()
        for key in sorted(latest):  # one order for every writer: fewer lock waits on PostgreSQL
            analysis, source = latest[key]
            rows.add(key, analysis, source, run, now)
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                self._write(sorted(latest), rows)
                return
            except Exception as e:
                # Two writers storing one new key at once: the second fails on the key and, on
                # its next try, replaces the first one's rows (likewise after a deadlock).
                if attempt == _ATTEMPTS or not self._db.is_conflict(e):
                    raise

    def _write(self, keys: list[str], rows: _Rows) -> None:
        articles = rows.tables["articles"]
        claims = rows.tables["claims"]
        delta = [
            len(articles),
            sum(r[11] for r in articles),
            len(claims),
            sum(r[10] for r in claims),
        ]
        db = self._db
        with db.transaction():
            db.lock_keys(keys)
            for chunk in _chunks(keys):
                marks = ", ".join("?" for _ in chunk)
                old = db.fetchall(
                    f"SELECT key, n_terms FROM articles WHERE key IN ({marks})", chunk
                )
                if old:  # a replacement: its rows go, and its share of the statistics
                    stored = [str(r[0]) for r in old]
                    marks = ", ".join("?" for _ in stored)
                    claims_before = db.fetchone(
                        "SELECT count(*), coalesce(sum(n_terms), 0) FROM claims "
                        f"WHERE key IN ({marks})",
                        stored,
                    ) or (0, 0)
                    delta[0] -= len(old)
                    delta[1] -= sum(int(r[1]) for r in old)
                    delta[2] -= int(claims_before[0])
                    delta[3] -= int(claims_before[1])
                    for table in ARTICLE_TABLES + DERIVED_TABLES:
                        db.execute(f"DELETE FROM {table} WHERE key IN ({marks})", stored)
                marks = ", ".join("?" for _ in chunk)
                db.execute(f"DELETE FROM failures WHERE key IN ({marks})", chunk)
            for chunk in _chunks(list(dict.fromkeys(rows.sources))):
                marks = ", ".join("?" for _ in chunk)
                db.execute(f"DELETE FROM failures WHERE source IN ({marks})", chunk)
            for table in ARTICLE_TABLES:
                db.insert_rows(table, COLUMNS[table], rows.tables[table])
            self._put_outlets(sorted(rows.outlets.values()))
            db.execute(
                "UPDATE search_stats SET articles = articles + ?, "
                "article_terms = article_terms + ?, claims = claims + ?, "
                "claim_terms = claim_terms + ? WHERE id = 1",
                delta,
            )

    def _put_outlets(self, outlets: list[Row]) -> None:
        known = [row for row in outlets if row[5] is not None]
        unknown = [row for row in outlets if row[5] is None]
        names = ", ".join(name for name, _ in COLUMNS["outlets"])
        marks = ", ".join("?" for _ in COLUMNS["outlets"])
        for row in known:  # the registry entry as of this analysis replaces an older one
            self._db.execute(
                f"""INSERT INTO outlets ({names}) VALUES ({marks}) ON CONFLICT (name) DO UPDATE
                SET country = excluded.country, typology = excluded.typology,
                parent = excluded.parent, status = excluded.status,
                document = excluded.document, updated_at = excluded.updated_at""",
                row,
            )
        for row in unknown:  # an outlet the registry does not know: keep what is there
            self._db.execute(
                f"INSERT INTO outlets ({names}) VALUES ({marks}) ON CONFLICT (name) DO NOTHING",
                row,
            )

    def put_failure(
        self,
        key: str | None,
        source: str,
        reason: str,
        stage: str,
        *,
        run: str | None = None,
    ) -> None:
        """Record why an input failed (one row per source and stage: a retry replaces it)."""
        self._db.execute(
            """INSERT INTO failures (source, stage, key, reason, run, failed_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, stage) DO UPDATE
            SET key = excluded.key, reason = excluded.reason, run = excluded.run,
            failed_at = excluded.failed_at""",
            [source, stage, key, reason, run, _now()],
        )

    # -- reading ---------------------------------------------------------------------------------

    def done_keys(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` that have an analysis stored."""
        wanted = list(dict.fromkeys(keys))
        done: set[str] = set()
        for chunk in _chunks(wanted):
            marks = ", ".join("?" for _ in chunk)
            rows = self._db.fetchall(f"SELECT key FROM articles WHERE key IN ({marks})", chunk)
            done.update(str(r[0]) for r in rows)
        return done

    def failures(self) -> list[dict[str, Any]]:
        """Stored failures, oldest first: source, key, reason, stage, run, at (UTC, ISO 8601)."""
        rows = self._db.fetchall(
            "SELECT source, key, reason, stage, run, failed_at FROM failures "
            "ORDER BY failed_at, source, stage"
        )
        return [
            {
                "source": source,
                "key": key,
                "reason": reason,
                "stage": stage,
                "run": run,
                "at": at.isoformat(timespec="seconds") + "Z",
            }
            for source, key, reason, stage, run, at in rows
        ]

    def count(self) -> int:
        """How many articles are stored."""
        return int(self._db.scalar("SELECT count(*) FROM articles") or 0)

    def get_json(self, key: str) -> str | None:
        """The stored contract document, as JSON text, or None."""
        value = self._db.scalar("SELECT document FROM articles WHERE key = ?", [key])
        return None if value is None else str(value)

    def get(self, key: str) -> Analysis | None:
        text = self.get_json(key)
        return None if text is None else Analysis.from_json(text)

    def keys_for(self, ref: str) -> list[str]:
        """The stored articles ``ref`` names: the one under that key, else those whose input id
        is ``ref`` (a record's id in its file, a pasted text's hash), most recent first."""
        if self._db.scalar("SELECT 1 FROM articles WHERE key = ?", [ref]) is not None:
            return [ref]
        rows = self._db.fetchall(
            "SELECT key FROM articles WHERE id = ? ORDER BY analysed_at DESC, key", [ref]
        )
        return [str(r[0]) for r in rows]

    def recent(self, limit: int = 20) -> list[Stored]:
        """The articles analysed (or analysed again) last, newest first."""
        rows = self._db.fetchall(
            "SELECT key, title, outlet, published, analysed_at FROM articles "
            "ORDER BY analysed_at DESC, key LIMIT ?",
            [limit],
        )
        return [
            Stored(str(k), _text(title), _text(outlet), _text(published), at)
            for k, title, outlet, published, at in rows
        ]

    # -- the web app's uploads --------------------------------------------------------------------

    def put_upload(self, document: Mapping[str, object]) -> str:
        """Keep the outcome of one upload of many articles (a JSON-able dict: the keys it stored,
        its failures); return its new id."""
        upload_id = secrets.token_hex(8)
        self._db.execute(
            "INSERT INTO uploads (id, created, document) VALUES (?, ?, ?)",
            [upload_id, _now(), json.dumps(document)],
        )
        return upload_id

    def get_upload(self, upload_id: str) -> dict[str, Any] | None:
        value = self._db.scalar("SELECT document FROM uploads WHERE id = ?", [upload_id])
        if value is None:
            return None
        document: dict[str, Any] = json.loads(str(value))
        return document

    def search(
        self,
        query: str | None = None,
        *,
        outlet: str | None = None,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
        speaker: str | None = None,
        place: str | None = None,
        technique: str | None = None,
        limit: int = 50,
    ) -> list[SearchHit]:
        """Articles whose title, text or claims match ``query`` (best first), among those that pass
        every filter given; with no query, the articles that pass the filters, newest first.

        ``outlet``: the outlet as given or its registry name (any case). ``since``/``until``:
        publication dates, inclusive (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``). ``speaker``: part of
        an attributed speaker's name. ``place``: a linked place's name, region or country.
        ``technique``: a finding's technique (``loaded_language`` ...).
        """
        filters = Filters(
            outlet=outlet,
            since=date_bound(since, end=False),
            until=date_bound(until, end=True),
            speaker=speaker,
            place=place,
            technique=technique,
        )
        return search_module.search(self._db, query, filters, limit)

    def export(self, path: Path, fmt: str, table: str = "articles") -> int:
        """Write a table (or ``analyses``: the documents) as parquet, csv or jsonl; return rows."""
        return export_module.export(self._db, Path(path), fmt, table)

    def analyses(self, keys: Iterable[str]) -> list[tuple[str, Analysis]]:
        """The stored analyses of ``keys`` (those that are stored), in the order asked."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        for chunk in _chunks(wanted):
            marks = ", ".join("?" for _ in chunk)
            rows = self._db.fetchall(
                f"SELECT key, document FROM articles WHERE key IN ({marks})", chunk
            )
            found.update((str(k), str(d)) for k, d in rows)
        return [(k, Analysis.from_json(found[k])) for k in wanted if k in found]

    def refresh_statistics(self) -> None:
        """Have PostgreSQL sample the tables again (ANALYZE), so that searches right after a large
        load are planned from the new contents; autovacuum would do it, later. DuckDB keeps its
        statistics as it writes."""
        if self.backend == "postgresql":
            self._db.execute("ANALYZE")

    @property
    def db(self) -> Database:
        """The connection, for the modules that keep their own tables here (stories)."""
        return self._db

    def schema_version(self) -> int:
        return current_version(self._db)

    def row_counts(self) -> dict[str, int]:
        """Rows in each of the store's tables."""
        return {
            table: int(self._db.scalar(f"SELECT count(*) FROM {table}") or 0) for table in COLUMNS
        }

    # -- lifetime --------------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
