"""The web app's own tables of earlier versions, moved into the corpus store.

Up to version 0.1.0 the app kept every analysis twice: in an ``analyses`` table of its ``--db``
DuckDB file (for its pages, under an id of its own) and in the corpus store; an upload of many
articles was a ``batches`` row. The corpus store is now the one store: :func:`adopt` moves what
those tables hold into it (an analysis the corpus store lacks is stored; an upload's links point
to the corpus keys) and then drops them, so nothing a user made in the app is lost by upgrading.
It runs when the app starts, and costs one look at the file's table names when there is nothing
to move.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import quote

from claimscope.corpus.corpus_store import CorpusStore
from claimscope.corpus.db import StoreError, damaged
from claimscope.corpus.keys import article_key
from claimscope.extras import need
from claimscope.model import Analysis

log = logging.getLogger(__name__)

OLD_TABLES = ("analyses", "batches")


def adopt(path: Path, store: CorpusStore) -> int:
    """Move the old app tables of the DuckDB file ``path`` (if it has them) into ``store``, which
    may be the same file; return how many analyses were moved. A missing file has nothing."""
    if not path.is_file():
        return 0
    duckdb = need("duckdb", "the corpus store")
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as e:
        raise StoreError(damaged(str(path), e)) from e
    try:
        tables = {
            str(r[0])
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        if "analyses" not in tables:
            return 0
        rows = con.execute("SELECT id, document FROM analyses ORDER BY created").fetchall()
        new_key: dict[str, str] = {}
        items = []
        unread = 0
        for old_id, document in rows:
            try:
                analysis = Analysis.from_json(str(document))
            except ValueError:  # a document this version cannot read: left where it is
                unread += 1
                continue
            key = article_key(analysis.article)
            new_key[str(old_id)] = key
            items.append((key, analysis))
        have = store.done_keys(key for key, _ in items)
        store.put_many([(key, a, None) for key, a in items if key not in have])
        if "batches" in tables:
            for upload_id, created, document in con.execute(
                "SELECT id, created, document FROM batches"
            ).fetchall():
                _adopt_upload(store, str(upload_id), created, json.loads(str(document)), new_key)
        if unread:  # nothing is lost: the old tables stay, and are read again next time
            log.warning(
                "%d stored analyses in %s could not be read; the old tables are kept", unread, path
            )
        else:
            for table in OLD_TABLES:  # only once all of it is in the store
                con.execute(f"DROP TABLE IF EXISTS {table}")
        moved = len(items) - len(have)
        log.info("moved %d analyses and the uploads of %s into the corpus store", moved, path)
        return moved
    except duckdb.Error as e:
        raise StoreError(damaged(str(path), e)) from e
    finally:
        con.close()


def _adopt_upload(
    store: CorpusStore, upload_id: str, created: object, document: dict, new_key: dict[str, str]
) -> None:
    for item in document.get("articles", []):
        key = new_key.get(str(item.get("id")))
        if key is not None:
            item["id"], item["href"] = key, f"/a/{quote(key, safe='')}"
    store.db.execute(
        "INSERT INTO uploads (id, created, document) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
        [upload_id, created, json.dumps(document)],
    )
