"""A thin layer over the corpus store's two backends: a DuckDB file and a PostgreSQL server.

The store writes its SQL once, with ``?`` placeholders and the types and syntax both engines accept
(``TEXT``, ``INTEGER``, ``FLOAT8``, ``DATE``, ``TIMESTAMP``; ``INSERT ... ON CONFLICT``); this
module turns the placeholders into psycopg's ``%s`` and hides the few real differences: how a
transaction is opened, and how many rows are loaded at once (DuckDB: one ``INSERT ... SELECT
unnest(...)`` over column lists; PostgreSQL: ``COPY ... FROM STDIN``).

One connection per store, used under a lock: neither connection object may be used from two
threads at once, and a transaction holds the lock until it ends.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimscope.errors import ClaimscopeError
from claimscope.extras import need

Row = tuple[Any, ...]


class StoreError(ClaimscopeError):
    """The corpus store cannot be opened or used as asked (bad target, newer schema, ...)."""


class StoreArgumentError(StoreError, ValueError):
    """A request the store cannot answer: an unknown table or format, a date that is not one."""


_DAMAGE = ("corrupt", "checksum", "read enough bytes", "not a valid duckdb")


def damaged(path: str, error: BaseException) -> str:
    """The one-line message for a store file DuckDB cannot read or write."""
    reason = " ".join(str(error).split())
    if any(word in reason.lower() for word in _DAMAGE):
        return (
            f"{path}: the store file is damaged or truncated ({reason}); restore it from a "
            "copy, or give a new file"
        )
    return f"cannot open {path}: {reason}"


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


@lru_cache(maxsize=256)
def _to_psycopg(sql: str) -> str:
    # The store's SQL never holds a literal "?" or "%" outside a parameter: both are safe to map.
    return sql.replace("%", "%%").replace("?", "%s")


class Database:
    """One connection to one backend. ``backend`` is ``"duckdb"`` or ``"postgresql"``."""

    backend: str

    def __init__(self, target: str | Path) -> None:
        self._lock = threading.RLock()
        self._in_transaction = False
        self._closed = False
        if is_postgres_url(target):
            self.backend = "postgresql"
            self.target = str(target)
            psycopg = need("psycopg", "a corpus store on PostgreSQL")
            try:
                self._pg = psycopg.connect(self.target, autocommit=True)
            except psycopg.OperationalError as e:
                raise StoreError(f"cannot connect to {redacted(self.target)}: {e}") from e
            # The store's queries are short: compiling them (JIT) costs more than it saves, and a
            # generic plan (what psycopg's automatic prepared statements get after five runs)
            # cannot see how selective a search's filters are.
            self._pg.execute("SET jit = off")
            self._pg.prepare_threshold = None
        else:
            duckdb = need("duckdb", "the corpus store")
            self.backend = "duckdb"
            path = Path(target)
            self.target = str(path)
            if str(target) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._duck = duckdb.connect(str(path))
            except duckdb.Error as e:
                raise StoreError(damaged(str(path), e)) from e

    # -- statements ------------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._lock, self._damage():
            if self.backend == "duckdb":
                self._duck.execute(sql, list(params))
            else:
                self._pg.execute(_to_psycopg(sql), list(params))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock, self._damage():
            if self.backend == "duckdb":
                return [tuple(r) for r in self._duck.execute(sql, list(params)).fetchall()]
            return [tuple(r) for r in self._pg.execute(_to_psycopg(sql), list(params)).fetchall()]

    @contextmanager
    def _damage(self) -> Iterator[None]:
        """A DuckDB file that is truncated or corrupt opens, and fails only when a query reaches
        the damaged block: one clear error naming the file, not the driver's traceback."""
        if self.backend != "duckdb":
            yield
            return
        import duckdb

        try:
            yield
        except (duckdb.IOException, duckdb.InternalException) as e:
            raise StoreError(damaged(self.target, e)) from e

    def verify(self) -> None:
        """Read every row of every table, so that a damaged DuckDB file is found now (before a
        server starts on it) rather than by the first query that reaches the damage."""
        if self.backend != "duckdb":
            return
        tables = [
            str(r[0])
            for r in self.fetchall(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            )
        ]
        for table in tables:
            for _ in self.iterate(f'SELECT * FROM "{table}"'):
                pass

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.fetchone(sql, params)
        return None if row is None else row[0]

    def iterate(self, sql: str, params: Sequence[Any] = (), size: int = 5000) -> Iterator[Row]:
        """The rows of a query, fetched ``size`` at a time (a server-side cursor on PostgreSQL)."""
        with self._lock, self._damage():
            if self.backend == "duckdb":
                cur = self._duck.execute(sql, list(params))
                while rows := cur.fetchmany(size):
                    yield from (tuple(r) for r in rows)
                return
            with (
                self._pg.transaction(),
                self._pg.cursor(name="claimscope_rows") as pcur,
            ):
                pcur.execute(_to_psycopg(sql), list(params))
                while prows := pcur.fetchmany(size):
                    yield from (tuple(r) for r in prows)

    def insert_rows(
        self, table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Row]
    ) -> None:
        """Load ``rows`` into ``table``; ``columns`` are (name, SQL type) in row order.

        Table and column names come from the store's own schema, never from input.
        """
        if not rows:
            return
        names = ", ".join(name for name, _ in columns)
        with self._lock, self._damage():
            if self.backend == "duckdb":
                lists = [list(col) for col in zip(*rows, strict=True)]
                select = ", ".join(f"unnest(CAST(? AS {kind}[]))" for _, kind in columns)
                self._duck.execute(f"INSERT INTO {table} ({names}) SELECT {select}", lists)
            else:
                with (
                    self._pg.cursor() as cur,
                    cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
                ):
                    for row in rows:
                        copy.write_row(row)

    # -- transactions ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all (nested calls join the outer one)."""
        with self._lock:
            if self._in_transaction:
                yield
                return
            self._in_transaction = True
            try:
                if self.backend == "duckdb":
                    self._duck.execute("BEGIN TRANSACTION")
                    try:
                        yield
                    except BaseException:
                        self._duck.execute("ROLLBACK")
                        raise
                    self._duck.execute("COMMIT")
                else:
                    with self._pg.transaction():
                        yield
            finally:
                self._in_transaction = False

    def is_conflict(self, error: BaseException) -> bool:
        """Whether ``error`` came from another writer (a key both inserted, a deadlock): the
        transaction was rolled back and may be tried again."""
        if self.backend == "postgresql":
            from psycopg import errors

            return isinstance(
                error,
                errors.UniqueViolation | errors.DeadlockDetected | errors.SerializationFailure,
            )
        import duckdb

        return isinstance(error, duckdb.TransactionException)

    def lock_keys(self, keys: Sequence[str]) -> None:
        """Inside a transaction: wait until no other writer holds any of these article keys.

        PostgreSQL takes a transaction-scoped advisory lock per key, in one order for every
        writer (so two never wait on each other); a DuckDB file has one writer process, whose
        threads the connection's lock already serializes."""
        if self.backend != "postgresql" or not keys:
            return
        ids = sorted({_lock_id(key) for key in keys})
        with self._lock, self._pg.cursor() as cur:
            cur.executemany("SELECT pg_advisory_xact_lock(%s)", [(i,) for i in ids])

    def lock_schema(self) -> None:
        """Inside a transaction: keep two processes from migrating one database at once.

        A DuckDB file has one writer process anyway; PostgreSQL takes a transaction-scoped advisory
        lock (released at commit or rollback)."""
        if self.backend == "postgresql":
            self.execute("SELECT pg_advisory_xact_lock(?)", [0x636C61696D])  # "claim"

    def table_columns(self, table: str) -> list[str]:
        """The columns a table has in the database, in order (empty when it does not exist)."""
        sql = (
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema() ORDER BY ordinal_position"
        )
        return [str(r[0]) for r in self.fetchall(sql, [table])]

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self.backend == "duckdb":
                self._duck.close()
            else:
                self._pg.close()


def _lock_id(key: str) -> int:
    """A signed 64-bit number for an advisory lock on ``key``."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8, person=b"claimscope-key").digest()
    return int.from_bytes(digest, "big", signed=True)


def redacted(url: str) -> str:
    """A connection URL without its password, for messages."""
    head, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{head}://{user}@{host}" if ":" in credentials else url
