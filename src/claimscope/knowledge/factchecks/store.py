"""The fact-check store: records and their vectors in one SQLite file, kept on disk.

Adding is incremental: a record already stored (same :func:`~.records.record_id`) is merged, not
duplicated, and only records without a vector for the current embedding model are embedded, so
importing 100 new reviews into a store of 100,000 embeds 100. The BM25 half of the index is cheap
(a second for 100,000 short texts) and is saved beside the database (``NAME.bm25/``), rebuilt when
the store's revision moves on.

SQLite, not the corpus DuckDB store: the fact-check store is a small lookup table that every
process analysing articles opens read-only, and SQLite allows any number of readers with one writer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from claimscope.embeddings import DIMENSIONS
from claimscope.errors import ClaimscopeError
from claimscope.knowledge.factchecks.readers import FactCheck

SCHEMA_VERSION = 1
STORE_ENV = "CLAIMSCOPE_FACTCHECKS"
_FIELDS = ("claim", "rating", "reviewer", "date", "url", "title", "claimant", "language", "source")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS factchecks (
    n INTEGER PRIMARY KEY,           -- insertion order; the index's row number is n's rank
    id TEXT NOT NULL UNIQUE,
    claim TEXT NOT NULL,
    rating TEXT, reviewer TEXT, date TEXT, url TEXT, title TEXT, claimant TEXT, language TEXT,
    source TEXT,
    source_ids TEXT NOT NULL DEFAULT '[]',
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    id TEXT NOT NULL REFERENCES factchecks(id),
    model TEXT NOT NULL,            -- embedding model id: vectors of two models never mix
    claim BLOB NOT NULL,            -- float32 x 384, the claim text
    title BLOB NOT NULL,            -- float32 x 384, the headline (the claim again when none)
    PRIMARY KEY (id, model)
);
"""


def default_path() -> Path:
    """``$CLAIMSCOPE_FACTCHECKS``, else ``factchecks.sqlite`` in the user's data directory."""
    from claimscope.paths import data_file

    return data_file("factchecks.sqlite", STORE_ENV)


@dataclass
class AddResult:
    added: int = 0
    merged: int = 0  # already stored; ids and missing fields were merged into the stored record


class FactCheckStore:
    """Open (creating when ``create``) the store at ``path``."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise ClaimscopeError(
                f"no fact-check store at {self.path}; import fact-checks first "
                "(claimscope factchecks import FILE --store PATH)"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Several processes may embed into one store at once; wait for each other's writes.
            self._db = sqlite3.connect(self.path, timeout=60)
            self._db.executescript(_SCHEMA)
            version = self._meta("schema_version")
        except sqlite3.DatabaseError as e:
            raise ClaimscopeError(f"{self.path} is not a claimscope fact-check store: {e}") from e
        if version is None:
            self._set_meta("schema_version", str(SCHEMA_VERSION))
            self._set_meta("revision", "0")
            self._db.commit()
        elif int(version) > SCHEMA_VERSION:
            raise ClaimscopeError(
                f"{self.path} was written by a newer claimscope (store schema {version}); upgrade"
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FactCheckStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- meta

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def revision(self) -> int:
        """Moves on with every change of the records; an index built at another revision is stale."""
        return int(self._meta("revision") or 0)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM factchecks").fetchone()[0])

    # --- records

    def add(self, records: Iterable[FactCheck]) -> AddResult:
        """Insert new records and merge re-imported ones, in one transaction."""
        result = AddResult()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            for record in records:
                row = self._db.execute(
                    f"SELECT {', '.join(_FIELDS)}, source_ids FROM factchecks WHERE id = ?",
                    (record.id,),
                ).fetchone()
                if row is None:
                    self._db.execute(
                        f"INSERT INTO factchecks (id, {', '.join(_FIELDS)}, source_ids, added) "
                        f"VALUES (?, {', '.join('?' * len(_FIELDS))}, ?, ?)",
                        (
                            record.id,
                            *(getattr(record, f) for f in _FIELDS),
                            json.dumps(list(record.source_ids)),
                            now,
                        ),
                    )
                    result.added += 1
                    continue
                # Keep what is stored; fill its gaps and remember the new ids.
                stored = dict(zip(_FIELDS, row[:-1], strict=True))
                filled = {
                    f: getattr(record, f)
                    for f in _FIELDS
                    if stored[f] is None and getattr(record, f)
                }
                ids = list(dict.fromkeys([*json.loads(row[-1]), *record.source_ids]))
                sets = ", ".join(f"{f} = ?" for f in filled)
                self._db.execute(
                    f"UPDATE factchecks SET {sets + ', ' if sets else ''}source_ids = ? WHERE id = ?",
                    (*filled.values(), json.dumps(ids), record.id),
                )
                result.merged += 1
            if result.added or result.merged:
                self._set_meta("revision", str(self.revision + 1))
        return result

    def records(self) -> Iterator[FactCheck]:
        """All records in index order."""
        cursor = self._db.execute(
            f"SELECT id, {', '.join(_FIELDS)}, source_ids FROM factchecks ORDER BY n"
        )
        for row in cursor:
            yield FactCheck(
                id=row[0],
                **dict(zip(_FIELDS, row[1:-1], strict=True)),
                source_ids=tuple(json.loads(row[-1])),
            )

    def get(self, record_id: str) -> FactCheck | None:
        return next((r for r in self.records() if r.id == record_id), None) if record_id else None

    # --- vectors

    def missing_vectors(self, model: str) -> list[tuple[str, str, str]]:
        """(id, claim, title) of records with no vector from ``model``."""
        rows = self._db.execute(
            "SELECT f.id, f.claim, coalesce(f.title, f.claim) FROM factchecks f "
            "LEFT JOIN vectors v ON v.id = f.id AND v.model = ? WHERE v.id IS NULL ORDER BY f.n",
            (model,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def embed(
        self,
        encode: Callable[[list[str]], np.ndarray],
        model: str,
        *,
        batch: int = 512,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Embed the records that lack a vector from ``model``; commit every batch, so an
        interrupted import keeps what it embedded. Returns how many were embedded."""
        todo = self.missing_vectors(model)
        for at in range(0, len(todo), batch):
            part = todo[at : at + batch]
            claims = encode([c for _, c, _ in part])
            titles = encode([t for _, _, t in part])
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                    [
                        (
                            rid,
                            model,
                            claims[i].astype(np.float32).tobytes(),
                            titles[i].astype(np.float32).tobytes(),
                        )
                        for i, (rid, _, _) in enumerate(part)
                    ],
                )
            if progress:
                progress(min(at + batch, len(todo)), len(todo))
        return len(todo)

    def vector_models(self) -> dict[str, int]:
        """How many records each embedding model has vectors for."""
        rows = self._db.execute("SELECT model, count(*) FROM vectors GROUP BY model ORDER BY model")
        return {str(m): int(n) for m, n in rows}

    def drop_vectors(self, keep: str) -> int:
        """Delete the vectors of every model but ``keep`` (left behind when the matching model or
        its tuning changes; about 3 KB a review each). Returns how many rows went."""
        with self._db:
            gone = self._db.execute("DELETE FROM vectors WHERE model != ?", (keep,)).rowcount
        self._db.execute("VACUUM")
        return int(gone)

    def vectors(self, model: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(ids, claim vectors, title vectors) in index order, for the records embedded by
        ``model``."""
        rows = self._db.execute(
            "SELECT f.id, v.claim, v.title FROM factchecks f JOIN vectors v "
            "ON v.id = f.id AND v.model = ? ORDER BY f.n",
            (model,),
        ).fetchall()
        ids = [r[0] for r in rows]
        if not rows:
            empty = np.zeros((0, DIMENSIONS), dtype=np.float32)
            return ids, empty, empty.copy()
        claims = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(
            len(rows), -1
        )
        titles = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(
            len(rows), -1
        )
        return ids, claims, titles


def open_store(path: Path | str | None = None, *, create: bool = False) -> FactCheckStore:
    """The store at ``path`` (default :func:`default_path`)."""
    return FactCheckStore(path or default_path(), create=create)


def count(path: Path | str) -> int:
    """How many records the store at ``path`` holds (0 when there is no store)."""
    if not Path(path).is_file():
        return 0
    with closing(FactCheckStore(path, create=False)) as store:
        return len(store)
