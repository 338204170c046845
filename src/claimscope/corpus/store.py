"""The embedded store of analyses: one local DuckDB file, one row per analysis.

The web app keeps every analysis here so that its page has a stable URL (and adds it to the
corpus store, :mod:`claimscope.corpus.corpus_store`, for search and clusters). The document
column holds the contract JSON exactly as the API returned it.

One connection per store, shared by the web server's worker threads under a lock: DuckDB's
connection object is not safe to use from two threads at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import duckdb

from claimscope.corpus.db import StoreError, damaged
from claimscope.model import Analysis

_SCHEMA = """
CREATE TABLE IF NOT EXISTS analyses (
    id VARCHAR PRIMARY KEY,
    created TIMESTAMP NOT NULL,
    title VARCHAR,
    outlet VARCHAR,
    published VARCHAR,
    document VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    id VARCHAR PRIMARY KEY,
    created TIMESTAMP NOT NULL,
    document VARCHAR NOT NULL
)
"""


@dataclass(frozen=True)
class StoredSummary:
    id: str
    created: dt.datetime
    title: str | None
    outlet: str | None
    published: str | None


def analysis_key(analysis: Analysis) -> str:
    """The stable id of an analysis: the article's id (a hash of its text) when the caller gave no
    publication date or outlet, else a hash of the article id with them, so that the same text
    analysed with other metadata (which changes the resolved dates) gets its own page."""
    a = analysis.article
    if not a.published and not a.outlet:
        return a.id
    key = "\0".join((a.id, a.published or "", a.outlet or ""))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


class AnalysisStore:
    """Analyses in a DuckDB file (created with its parent folder when missing)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._con = duckdb.connect(str(path))
            with self._lock:
                self._con.execute(_SCHEMA)
        except (duckdb.IOException, duckdb.InternalException) as e:
            raise StoreError(damaged(str(path), e)) from e

    def verify(self) -> None:
        """Read every stored analysis: a damaged file fails now, with one clear error, rather
        than at the first page that reaches the damage (a server checks before it starts)."""
        try:
            with self._lock:
                cursor = self._con.execute("SELECT * FROM analyses")
                while cursor.fetchmany(1000):
                    pass
        except (duckdb.IOException, duckdb.InternalException) as e:
            raise StoreError(damaged(str(self.path), e)) from e

    def put(self, analysis: Analysis) -> str:
        """Store (or replace) an analysis and return its id; the first creation time is kept."""
        key = analysis_key(analysis)
        a = analysis.article
        with self._lock:
            self._con.execute(
                """
                INSERT INTO analyses VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET title = excluded.title,
                    outlet = excluded.outlet, published = excluded.published,
                    document = excluded.document
                """,
                [
                    key,
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    a.title,
                    a.outlet,
                    a.published,
                    analysis.to_json(indent=None),
                ],
            )
        return key

    def get_json(self, key: str) -> str | None:
        """The stored contract document, as JSON text, or None."""
        with self._lock:
            row = self._con.execute("SELECT document FROM analyses WHERE id = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def get(self, key: str) -> Analysis | None:
        text = self.get_json(key)
        return None if text is None else Analysis.from_json(text)

    def recent(self, limit: int = 20) -> list[StoredSummary]:
        with self._lock:
            rows = self._con.execute(
                "SELECT id, created, title, outlet, published FROM analyses "
                "ORDER BY created DESC, id LIMIT ?",
                [limit],
            ).fetchall()
        return [StoredSummary(*row) for row in rows]

    def put_batch(self, batch: Mapping[str, object]) -> str:
        """Store the outcome of one multi-article upload (a JSON-able dict); return a new id."""
        key = secrets.token_hex(8)
        with self._lock:
            self._con.execute(
                "INSERT INTO batches VALUES (?, ?, ?)",
                [key, dt.datetime.now(dt.UTC).replace(tzinfo=None), json.dumps(batch)],
            )
        return key

    def get_batch(self, key: str) -> dict[str, object] | None:
        with self._lock:
            row = self._con.execute("SELECT document FROM batches WHERE id = ?", [key]).fetchone()
        if row is None:
            return None
        batch: dict[str, object] = json.loads(str(row[0]))
        return batch

    def count(self) -> int:
        with self._lock:
            row = self._con.execute("SELECT count(*) FROM analyses").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def __enter__(self) -> AnalysisStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
