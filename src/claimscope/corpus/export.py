"""Writing a corpus store's tables out as Parquet, CSV or JSON lines.

DuckDB writes all three itself (``COPY ... TO``), so no Arrow or pandas is needed. A PostgreSQL
store's rows are first loaded, in chunks, into a temporary DuckDB file with the same column types,
and written by the same ``COPY``: both backends give the same files.

``table`` is one of the store's tables, or ``analyses``: the contract documents themselves, one
JSON document per line (``jsonl``, the same lines ``claimscope analyze`` writes), or ``key`` and
``document`` columns (``csv``, ``parquet``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from claimscope.corpus.db import Database, Row, StoreArgumentError
from claimscope.corpus.schema import COLUMNS

FORMATS = ("parquet", "csv", "jsonl")

# What each exportable table is written as: its columns (the store's bookkeeping columns left
# out) and the order of its rows.
_ORDER = {
    "articles": "key",
    "attributions": "key, id",
    "claims": "key, start_offset, id",
    "findings": "key, start_offset, id",
    "entities": "key, id",
    "places": "key, seq",
    "times": "key, seq",
    "voices": "key, seq",
    "outlets": "name",
    "failures": "failed_at, source, stage",
    "clusters": "id",
    "cluster_claims": "cluster, seq",
}
_HIDDEN = {"n_terms"}
TABLES = (*_ORDER, "analyses")
_CHUNK = 5000


def _columns(table: str) -> list[tuple[str, str]]:
    if table == "analyses":
        return [("key", "TEXT"), ("document", "TEXT")]
    return [(name, kind) for name, kind in COLUMNS[table] if name not in _HIDDEN]


def _select(table: str) -> str:
    if table == "analyses":
        return "SELECT key, document FROM articles ORDER BY key"
    names = ", ".join(name for name, _ in _columns(table))
    return f"SELECT {names} FROM {table} ORDER BY {_ORDER[table]}"


def export(db: Database, path: Path, fmt: str, table: str = "articles") -> int:
    """Write ``table`` to ``path`` in ``fmt``; return the number of rows written."""
    if fmt not in FORMATS:
        raise StoreArgumentError(
            f"unknown export format {fmt!r}; the formats are {', '.join(FORMATS)}"
        )
    if table not in TABLES:
        raise StoreArgumentError(f"unknown table {table!r}; the tables are {', '.join(TABLES)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if table == "analyses" and fmt == "jsonl":
        count = 0
        with path.open("w", encoding="utf-8") as out:
            for _key, document in _rows(db, _select(table)):
                out.write(str(document) + "\n")
                count += 1
        return count
    if db.backend == "duckdb":
        return _copy(db, _select(table), path, fmt)
    with tempfile.TemporaryDirectory(prefix="claimscope-export-") as tmp:
        staging = Database(Path(tmp) / "export.duckdb")
        try:
            columns = _columns(table)
            defs = ", ".join(f"{name} {kind}" for name, kind in columns)
            staging.execute(f"CREATE TABLE staged ({defs})")
            chunk: list[Row] = []
            for row in _rows(db, _select(table)):
                chunk.append(row)
                if len(chunk) >= _CHUNK:
                    staging.insert_rows("staged", columns, chunk)
                    chunk = []
            staging.insert_rows("staged", columns, chunk)
            return _copy(staging, "SELECT * FROM staged", path, fmt)
        finally:
            staging.close()


def _copy(db: Database, select: str, path: Path, fmt: str) -> int:
    options = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER", "jsonl": "FORMAT json"}
    target = str(path).replace("'", "''")
    return int(db.scalar(f"COPY ({select}) TO '{target}' ({options[fmt]})"))


def _rows(db: Database, sql: str) -> Iterator[Row]:
    yield from db.iterate(sql, size=_CHUNK)
