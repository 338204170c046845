"""The corpus store's tables, and the versioned migrations that create and change them.

Both backends get the same tables from the same statements. ``schema_version`` lists the
migrations a database has had; opening a store applies the missing ones in order, each in its own
transaction together with its ``schema_version`` row, so a run killed during a migration leaves the
database at the previous version. A database written by a newer claimscope (a version this one does
not know) is refused rather than misread.

A migration's statements never change once released: a later change to the tables is a new
migration appended to :data:`MIGRATIONS` (and :data:`COLUMNS` updated to the result).

The web app keeps nothing of its own beside these: every analysis it makes is an ``articles`` row
like those of a corpus run, and an upload of many articles is an ``uploads`` row listing what it
stored and what failed (migration 4). Earlier versions kept an ``analyses`` and a ``batches``
table of their own; :mod:`claimscope.corpus.legacy` moves their rows here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from claimscope.corpus.db import Database, StoreError


@dataclass(frozen=True)
class ForBackend:
    """A statement that differs between the backends (physical tuning only: indexes)."""

    duckdb: str | None = None
    postgresql: str | None = None

    def sql(self, backend: str) -> str | None:
        return self.duckdb if backend == "duckdb" else self.postgresql


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str | ForBackend, ...]


_V1 = (
    # One row per article: the key (a content hash, corpus/keys.py) and the input's own id; the
    # full contract document as JSON text; ``text`` for snippets; ``n_terms`` for BM25.
    """CREATE TABLE articles (
        key TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        outlet_name TEXT,
        published DATE,
        url TEXT,
        language TEXT,
        source TEXT,
        run TEXT,
        analysed_at TIMESTAMP NOT NULL,
        n_terms INTEGER NOT NULL,
        text TEXT NOT NULL,
        document TEXT NOT NULL
    )""",
    """CREATE TABLE attributions (
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT,
        speaker TEXT,
        speaker_entity TEXT,
        speaker_type TEXT,
        cue TEXT,
        source_text TEXT,
        content TEXT,
        confidence FLOAT8,
        rule TEXT,
        PRIMARY KEY (key, id)
    )""",
    """CREATE TABLE claims (
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL,
        text TEXT NOT NULL,
        voice TEXT,
        attribution TEXT,
        speaker TEXT,
        checkworthiness FLOAT8,
        hedges INTEGER,
        n_terms INTEGER NOT NULL,
        PRIMARY KEY (key, id)
    )""",
    """CREATE TABLE findings (
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        technique TEXT NOT NULL,
        start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL,
        text TEXT NOT NULL,
        target TEXT,
        explanation TEXT,
        confidence FLOAT8,
        PRIMARY KEY (key, id)
    )""",
    """CREATE TABLE entities (
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT,
        subtype TEXT,
        mentions INTEGER,
        PRIMARY KEY (key, id)
    )""",
    """CREATE TABLE places (
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        entity TEXT,
        name TEXT NOT NULL,
        country TEXT,
        admin1 TEXT,
        kind TEXT,
        lat FLOAT8,
        lon FLOAT8,
        gazetteer_id TEXT,
        confidence FLOAT8,
        mentions INTEGER,
        PRIMARY KEY (key, seq)
    )""",
    """CREATE TABLE times (
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL,
        text TEXT NOT NULL,
        value TEXT,
        basis TEXT,
        kind TEXT,
        earliest DATE,
        latest DATE,
        PRIMARY KEY (key, seq)
    )""",
    """CREATE TABLE voices (
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        speaker TEXT NOT NULL,
        entity TEXT,
        affiliation TEXT,
        category TEXT,
        attributions INTEGER,
        PRIMARY KEY (key, seq)
    )""",
    # One row per outlet: the registry entry when the registry knows it (``document``, JSON).
    """CREATE TABLE outlets (
        name TEXT PRIMARY KEY,
        country TEXT,
        typology TEXT,
        parent TEXT,
        status TEXT,
        document TEXT,
        updated_at TIMESTAMP NOT NULL
    )""",
    # An input that did not become a stored analysis: one row per input and stage; ``key`` is
    # null when the input never became an article (an ingest failure).
    """CREATE TABLE failures (
        source TEXT NOT NULL,
        stage TEXT NOT NULL,
        key TEXT,
        reason TEXT NOT NULL,
        run TEXT,
        failed_at TIMESTAMP NOT NULL,
        PRIMARY KEY (source, stage)
    )""",
    # The full-text index: one row per (term, article) for the article's title and text
    # (field 'a', claim '') and per (term, claim) for each claim (field 'c'), with the term's
    # count there and the length (in terms) of that text: all BM25 needs but the corpus totals.
    """CREATE TABLE terms (
        term TEXT NOT NULL,
        key TEXT NOT NULL,
        field TEXT NOT NULL,
        claim TEXT NOT NULL,
        tf INTEGER NOT NULL,
        doc_len INTEGER NOT NULL
    )""",
    # What BM25 needs about the whole corpus, kept up to date by every put (one row).
    """CREATE TABLE search_stats (
        id INTEGER PRIMARY KEY,
        articles BIGINT NOT NULL,
        article_terms BIGINT NOT NULL,
        claims BIGINT NOT NULL,
        claim_terms BIGINT NOT NULL
    )""",
    "INSERT INTO search_stats VALUES (1, 0, 0, 0, 0)",
    # A term's postings are read from the index alone on PostgreSQL (a covering index; the
    # table's rows for one term are spread over every page). DuckDB has no covering indexes.
    ForBackend(
        duckdb="CREATE INDEX terms_term ON terms (term)",
        postgresql="CREATE INDEX terms_term ON terms (term, field) INCLUDE (key, claim, tf, doc_len)",
    ),
    "CREATE INDEX terms_key ON terms (key)",
    "CREATE INDEX failures_key ON failures (key)",
)

_V2 = (
    # The hedge words of a claim ("alleged; reportedly"), for showing how an outlet carried it.
    "ALTER TABLE claims ADD COLUMN hedge_words TEXT",
    # A claim's sentence vector (float32, unit length) per embedding model: embedding is the slow
    # part of clustering, so it is done once per claim. Rows go with their article's other rows.
    """CREATE TABLE claim_vectors (
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        model TEXT NOT NULL,
        vector BYTEA NOT NULL,
        PRIMARY KEY (key, id, model)
    )""",
    # The last clustering of the corpus's claims (``claimscope corpus clusters --build``): what it
    # was built over and with which settings, one row per cluster, and one per member claim with
    # what a cluster page shows of it. A rebuild replaces all three in one transaction, so cluster
    # ids are stable between builds; members copy their claim's words, so a cluster still reads
    # whole after one of its articles is replaced.
    """CREATE TABLE cluster_builds (
        id TEXT PRIMARY KEY,
        built_at TIMESTAMP NOT NULL,
        articles INTEGER NOT NULL,
        claims INTEGER NOT NULL,
        clusters INTEGER NOT NULL,
        model TEXT NOT NULL,
        settings TEXT NOT NULL,
        seconds FLOAT8
    )""",
    """CREATE TABLE clusters (
        id INTEGER PRIMARY KEY,
        build TEXT NOT NULL,
        claims INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        outlets INTEGER NOT NULL,
        outlet_names TEXT NOT NULL,
        cohesion FLOAT8,
        first_published DATE,
        last_published DATE,
        first_outlet TEXT,
        text TEXT NOT NULL
    )""",
    """CREATE TABLE cluster_claims (
        cluster INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        key TEXT NOT NULL,
        claim TEXT NOT NULL,
        outlet TEXT,
        published DATE,
        title TEXT,
        voice TEXT,
        speaker TEXT,
        cue TEXT,
        hedge_words TEXT,
        stance TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (cluster, seq)
    )""",
    "CREATE INDEX cluster_claims_key ON cluster_claims (key)",
)

# PostgreSQL plans a filtered search from its estimate of how many rows a filter keeps; for an
# expression such as ``lower(speaker) LIKE ?`` it has no statistics and guesses a handful, and then
# probes the word index once per matching article (0.45 s for "attack" said by "Observatory" over
# 20,000 articles). An index on the expression makes ANALYZE keep statistics for it (0.09 s), and
# serves the equality filters directly. DuckDB plans these well without them.
_V3 = tuple(
    ForBackend(postgresql=f"CREATE INDEX {name} ON {table} ({expression})")
    for name, table, expression in (
        ("attributions_speaker_lower", "attributions", "lower(speaker)"),
        ("places_name_lower", "places", "lower(name)"),
        ("places_admin1_lower", "places", "lower(admin1)"),
        ("places_country_lower", "places", "lower(country)"),
        ("findings_technique_lower", "findings", "lower(technique)"),
        ("articles_outlet_lower", "articles", "lower(outlet)"),
        ("articles_outlet_name_lower", "articles", "lower(outlet_name)"),
    )
)

# The web app's uploads of many articles: the page that lists what one upload stored (article keys)
# and what failed, as a JSON document. Its home page lists the articles analysed last.
_V4 = (
    """CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        created TIMESTAMP NOT NULL,
        document TEXT NOT NULL
    )""",
    ForBackend(postgresql="CREATE INDEX articles_analysed_at ON articles (analysed_at)"),
    ForBackend(postgresql="CREATE INDEX articles_id ON articles (id)"),
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "corpus tables and full-text index", _V1),
    Migration(2, "claim vectors, stored claim clusters, hedge words", _V2),
    Migration(3, "PostgreSQL: indexes on the lower-cased filter columns", _V3),
    Migration(4, "the web app's uploads; articles found by input id and by time", _V4),
)

# The columns of each table after every migration, in order, with their types: what the store
# writes. A test checks that the migrated databases have exactly these.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "articles": (
        ("key", "TEXT"),
        ("id", "TEXT"),
        ("title", "TEXT"),
        ("outlet", "TEXT"),
        ("outlet_name", "TEXT"),
        ("published", "DATE"),
        ("url", "TEXT"),
        ("language", "TEXT"),
        ("source", "TEXT"),
        ("run", "TEXT"),
        ("analysed_at", "TIMESTAMP"),
        ("n_terms", "INTEGER"),
        ("text", "TEXT"),
        ("document", "TEXT"),
    ),
    "attributions": (
        ("key", "TEXT"),
        ("id", "TEXT"),
        ("kind", "TEXT"),
        ("speaker", "TEXT"),
        ("speaker_entity", "TEXT"),
        ("speaker_type", "TEXT"),
        ("cue", "TEXT"),
        ("source_text", "TEXT"),
        ("content", "TEXT"),
        ("confidence", "FLOAT8"),
        ("rule", "TEXT"),
    ),
    "claims": (
        ("key", "TEXT"),
        ("id", "TEXT"),
        ("start_offset", "INTEGER"),
        ("end_offset", "INTEGER"),
        ("text", "TEXT"),
        ("voice", "TEXT"),
        ("attribution", "TEXT"),
        ("speaker", "TEXT"),
        ("checkworthiness", "FLOAT8"),
        ("hedges", "INTEGER"),
        ("n_terms", "INTEGER"),
        ("hedge_words", "TEXT"),
    ),
    "findings": (
        ("key", "TEXT"),
        ("id", "TEXT"),
        ("technique", "TEXT"),
        ("start_offset", "INTEGER"),
        ("end_offset", "INTEGER"),
        ("text", "TEXT"),
        ("target", "TEXT"),
        ("explanation", "TEXT"),
        ("confidence", "FLOAT8"),
    ),
    "entities": (
        ("key", "TEXT"),
        ("id", "TEXT"),
        ("name", "TEXT"),
        ("type", "TEXT"),
        ("subtype", "TEXT"),
        ("mentions", "INTEGER"),
    ),
    "places": (
        ("key", "TEXT"),
        ("seq", "INTEGER"),
        ("entity", "TEXT"),
        ("name", "TEXT"),
        ("country", "TEXT"),
        ("admin1", "TEXT"),
        ("kind", "TEXT"),
        ("lat", "FLOAT8"),
        ("lon", "FLOAT8"),
        ("gazetteer_id", "TEXT"),
        ("confidence", "FLOAT8"),
        ("mentions", "INTEGER"),
    ),
    "times": (
        ("key", "TEXT"),
        ("seq", "INTEGER"),
        ("start_offset", "INTEGER"),
        ("end_offset", "INTEGER"),
        ("text", "TEXT"),
        ("value", "TEXT"),
        ("basis", "TEXT"),
        ("kind", "TEXT"),
        ("earliest", "DATE"),
        ("latest", "DATE"),
    ),
    "voices": (
        ("key", "TEXT"),
        ("seq", "INTEGER"),
        ("speaker", "TEXT"),
        ("entity", "TEXT"),
        ("affiliation", "TEXT"),
        ("category", "TEXT"),
        ("attributions", "INTEGER"),
    ),
    "outlets": (
        ("name", "TEXT"),
        ("country", "TEXT"),
        ("typology", "TEXT"),
        ("parent", "TEXT"),
        ("status", "TEXT"),
        ("document", "TEXT"),
        ("updated_at", "TIMESTAMP"),
    ),
    "failures": (
        ("source", "TEXT"),
        ("stage", "TEXT"),
        ("key", "TEXT"),
        ("reason", "TEXT"),
        ("run", "TEXT"),
        ("failed_at", "TIMESTAMP"),
    ),
    "terms": (
        ("term", "TEXT"),
        ("key", "TEXT"),
        ("field", "TEXT"),
        ("claim", "TEXT"),
        ("tf", "INTEGER"),
        ("doc_len", "INTEGER"),
    ),
    "search_stats": (
        ("id", "INTEGER"),
        ("articles", "BIGINT"),
        ("article_terms", "BIGINT"),
        ("claims", "BIGINT"),
        ("claim_terms", "BIGINT"),
    ),
    "claim_vectors": (
        ("key", "TEXT"),
        ("id", "TEXT"),
        ("model", "TEXT"),
        ("vector", "BYTEA"),
    ),
    "cluster_builds": (
        ("id", "TEXT"),
        ("built_at", "TIMESTAMP"),
        ("articles", "INTEGER"),
        ("claims", "INTEGER"),
        ("clusters", "INTEGER"),
        ("model", "TEXT"),
        ("settings", "TEXT"),
        ("seconds", "FLOAT8"),
    ),
    "clusters": (
        ("id", "INTEGER"),
        ("build", "TEXT"),
        ("claims", "INTEGER"),
        ("articles", "INTEGER"),
        ("outlets", "INTEGER"),
        ("outlet_names", "TEXT"),
        ("cohesion", "FLOAT8"),
        ("first_published", "DATE"),
        ("last_published", "DATE"),
        ("first_outlet", "TEXT"),
        ("text", "TEXT"),
    ),
    "uploads": (
        ("id", "TEXT"),
        ("created", "TIMESTAMP"),
        ("document", "TEXT"),
    ),
    "cluster_claims": (
        ("cluster", "INTEGER"),
        ("seq", "INTEGER"),
        ("key", "TEXT"),
        ("claim", "TEXT"),
        ("outlet", "TEXT"),
        ("published", "DATE"),
        ("title", "TEXT"),
        ("voice", "TEXT"),
        ("speaker", "TEXT"),
        ("cue", "TEXT"),
        ("hedge_words", "TEXT"),
        ("stance", "TEXT"),
        ("text", "TEXT"),
    ),
}

# The tables that hold one article's rows (deleted and rewritten when the article is put again).
ARTICLE_TABLES = (
    "articles",
    "attributions",
    "claims",
    "findings",
    "entities",
    "places",
    "times",
    "voices",
    "terms",
)
# Rows derived from an article's rows later (not by a put): deleted with them on a replacement.
DERIVED_TABLES = ("claim_vectors",)

_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL
)"""


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return max((m.version for m in migrations), default=0)


def current_version(db: Database) -> int:
    """The highest migration the database has had (0 for a new database)."""
    if "version" not in db.table_columns("schema_version"):
        return 0
    return int(db.scalar("SELECT coalesce(max(version), 0) FROM schema_version") or 0)


def migrate(db: Database, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations the database lacks, in order; return the versions applied.

    Refuses (StoreError) a database whose version is newer than the newest migration known.
    """
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError("migrations must have distinct versions in increasing order")
    known = latest_version(migrations)
    with db.transaction():
        db.lock_schema()
        db.execute(_VERSION_TABLE)
    found = current_version(db)
    if found > known:
        raise StoreError(
            f"the corpus store {db.target!r} has schema version {found}, newer than this "
            f"claimscope knows (version {known}): upgrade claimscope to use it"
        )
    applied: list[int] = []
    for migration in migrations:
        with db.transaction():
            db.lock_schema()
            done = db.fetchone(
                "SELECT version FROM schema_version WHERE version = ?", [migration.version]
            )
            if done is not None:
                continue
            for statement in migration.statements:
                sql = statement.sql(db.backend) if isinstance(statement, ForBackend) else statement
                if sql:
                    db.execute(sql)
            db.execute(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                [migration.version, migration.description, _now()],
            )
        applied.append(migration.version)
    return applied


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
