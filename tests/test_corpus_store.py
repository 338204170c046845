"""The corpus store (corpus/corpus_store.py) on both of its backends: a DuckDB file and PostgreSQL.

Every store test runs twice. The PostgreSQL half needs a server: ``CLAIMSCOPE_TEST_POSTGRES`` names
one (``postgresql://user@host:port/db``; .ci/run starts a throw-away server and sets it). Without
it that half is skipped with a message, except in CI, where it fails. Each test gets a schema of
its own on that server, dropped afterwards.

The analyses are real: the pipeline run over the example article, three short texts with known
speakers, places, outlets and findings, and the first FA-KES articles.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from claimscope.corpus.corpus_store import CorpusStore, open_corpus
from claimscope.corpus.db import StoreArgumentError, StoreError
from claimscope.corpus.keys import article_key
from claimscope.corpus.schema import COLUMNS, MIGRATIONS, Migration, current_version, migrate
from claimscope.corpus.search import CLAIM_WEIGHT, K1, TITLE_WEIGHT, B, query_terms, terms
from claimscope.model import Analysis, Article

from .conftest import shared

PER_ARTICLE = {
    "attributions": "attributions",
    "claims": "claims",
    "findings": "findings",
    "entities": "entities",
    "places": "places",
    "times": "times",
    "voices": "voices",
}

SHORT = [
    {
        "text": "Syrian Foreign Minister Walid al-Muallem said on Monday that government forces "
        'would retake Idlib province. "We will liberate every inch of Syria," he told '
        "reporters in Damascus.",
        "title": "Muallem vows to retake Idlib",
        "outlet": "Reuters",
        "published": "2018-09-10",
        "id": "short-1",
    },
    {
        "text": "The terrorists of Jabhat al-Nusra fabricated the so-called chemical attack in "
        "Khan Sheikhoun, the Syrian Foreign Ministry said on Thursday. The ministry said the "
        "mercenaries staged the scene with the help of the White Helmets.",
        "title": "Ministry: chemical attack was staged",
        "outlet": "SANA",
        "published": "2017-04-06",
        "id": "short-2",
    },
    {
        "text": "At least 82 civilians were killed in eastern Aleppo, UN human rights spokesman "
        "Rupert Colville said on Tuesday, citing reports of summary executions by "
        "pro-government forces.",
        "title": "UN says civilians killed in Aleppo",
        "outlet": "Al Jazeera",
        "published": "2016-12-13",
        "id": "short-3",
    },
]


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def store(target: str) -> Iterator[CorpusStore]:
    with open_corpus(target) as opened:
        yield opened


@pytest.fixture(scope="module")
def short_analyses(nlp: Any) -> list[Analysis]:
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze_many

    articles: list[Article | Any] = []
    for i, spec in enumerate(SHORT):
        meta = dict(spec)
        text = meta.pop("text")
        articles.append(read_text(text, source=f"short.jsonl#line {i + 1}", **meta))
    analyses = [a for a in analyze_many(articles, nlp=nlp) if isinstance(a, Analysis)]
    assert len(analyses) == len(SHORT)
    return analyses


@pytest.fixture(scope="module")
def fakes(nlp: Any) -> list[Analysis]:
    """The first 60 FA-KES articles, analysed."""
    from claimscope.ingest.auto import ReadOptions, read
    from claimscope.ingest.jsonl_csv import FieldMap
    from claimscope.pipeline import analyze_many

    path = shared("data/fa-kes/FA-KES-Dataset.csv")
    fields = "text=article_content,title=article_title,id=unit_id,outlet=source,published=date"
    options = ReadOptions(fields=FieldMap.parse(fields))
    articles = [a for a in itertools.islice(read(str(path), options), 60) if isinstance(a, Article)]
    return [a for a in analyze_many(articles, nlp=nlp) if isinstance(a, Analysis)]


@pytest.fixture
def analyses(example_analysis: Analysis, short_analyses: list[Analysis]) -> list[Analysis]:
    return [example_analysis, *short_analyses]


def key_of(analysis: Analysis) -> str:
    return article_key(analysis.article)


def rows_for(store: CorpusStore, table: str, key: str) -> int:
    return int(store._db.scalar(f"SELECT count(*) FROM {table} WHERE key = ?", [key]))


def assert_stats_consistent(store: CorpusStore) -> None:
    """The BM25 totals kept at put time equal what the tables hold."""
    db = store._db
    kept = db.fetchone("SELECT articles, article_terms, claims, claim_terms FROM search_stats")
    articles = db.fetchone("SELECT count(*), coalesce(sum(n_terms), 0) FROM articles")
    claims = db.fetchone("SELECT count(*), coalesce(sum(n_terms), 0) FROM claims")
    assert kept is not None and articles is not None and claims is not None
    assert [int(x) for x in kept] == [int(x) for x in (*articles, *claims)]


# -- opening -------------------------------------------------------------------------------------


def test_open_corpus_picks_the_backend_from_the_target(tmp_path: Path) -> None:
    with open_corpus(tmp_path / "a" / "corpus.duckdb") as store:
        assert store.backend == "duckdb"
        assert store.count() == 0
    with open_corpus(str(tmp_path / "b.db")) as store:
        assert store.backend == "duckdb"
    # Nothing listens on port 1: a clear error, and no password in it.
    with pytest.raises(StoreError, match="cannot connect") as caught:
        open_corpus("postgresql://someone:s3cret@127.0.0.1:1/nothing")
    assert "s3cret" not in str(caught.value)


def test_recent_articles_ids_and_uploads(store: CorpusStore, nlp: Any) -> None:
    """What the web app asks of the store: the latest articles, an article by its input id, and
    the page of an upload of many."""
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    text = SHORT[0]["text"]
    one = read_text(text, source="<t>", outlet="X", published="2018-09-26", id="rec-1")
    two = read_text(text, source="<t>", outlet="Y", id="rec-1")  # same record id, other outlet
    for article in (one, two):
        store.put(article_key(article), analyze(article, nlp=nlp))
    store.put(article_key(one), analyze(one, nlp=nlp))  # again: replaced, now the latest
    upload = store.put_upload({"name": "f.jsonl", "articles": [{"id": article_key(one)}]})
    assert store.count() == 2
    recent = store.recent()
    assert [r.key for r in recent] == [article_key(one), article_key(two)]
    assert (recent[0].outlet, recent[0].published) == ("X", "2018-09-26")
    assert [r.key for r in store.recent(1)] == [article_key(one)]
    assert store.keys_for(article_key(two)) == [article_key(two)]
    assert store.keys_for("rec-1") == [article_key(one), article_key(two)]
    assert store.keys_for("missing") == []
    assert store.get_upload(upload) == {"name": "f.jsonl", "articles": [{"id": article_key(one)}]}
    assert store.get_upload("missing") is None


# -- writing -------------------------------------------------------------------------------------


def test_put_get_round_trip(store: CorpusStore, example_analysis: Analysis) -> None:
    key = key_of(example_analysis)
    store.put(key, example_analysis, source="examples/idlib.txt", run="run-1")
    got = store.get(key)
    assert got is not None
    assert got.to_dict() == example_analysis.to_dict()
    assert store.get_json(key) == example_analysis.to_json(indent=None)
    assert store.get("0" * 32) is None
    assert store.count() == 1
    a = example_analysis.article
    row = store._db.fetchone(
        "SELECT id, title, outlet, published, url, language, source, run, analysed_at "
        "FROM articles WHERE key = ?",
        [key],
    )
    assert row is not None
    assert row[:8] == (
        a.id,
        a.title,
        a.outlet,
        dt.date.fromisoformat(a.published) if a.published else None,
        a.url,
        a.language,
        "examples/idlib.txt",
        "run-1",
    )
    assert isinstance(row[8], dt.datetime)


def test_put_twice_leaves_one_row_everywhere(
    store: CorpusStore, analyses: list[Analysis], example_analysis: Analysis
) -> None:
    key = key_of(example_analysis)
    store.put(key, example_analysis)
    first = store.row_counts()
    for table, field in PER_ARTICLE.items():
        assert first[table] == len(getattr(example_analysis, field)), table
    assert first["articles"] == 1
    assert first["terms"] > 0
    assert first["outlets"] == (1 if example_analysis.article.outlet else 0)

    store.put(key, example_analysis)
    store.put_many([(key, example_analysis, None), (key, example_analysis, "again")])
    assert store.row_counts() == first
    assert_stats_consistent(store)

    # Another analysis under the same key replaces every row of the first.
    other = analyses[2]
    store.put(key, other)
    counts = store.row_counts()
    for table, field in PER_ARTICLE.items():
        assert counts[table] == len(getattr(other, field)), table
    assert counts["articles"] == 1
    got = store.get(key)
    assert got is not None and got.to_dict() == other.to_dict()
    assert_stats_consistent(store)


def test_put_many_and_done_keys(store: CorpusStore, analyses: list[Analysis]) -> None:
    items = [(key_of(a), a, a.article.source) for a in analyses]
    store.put_many(items, run="batch-1")
    keys = [k for k, _, _ in items]
    assert store.count() == len(analyses)
    assert store.done_keys([*keys, "f" * 32]) == set(keys)
    assert store.done_keys([]) == set()
    # More keys than one IN list holds.
    many = [f"{i:032x}" for i in range(1200)] + keys[:2]
    assert store.done_keys(many) == set(keys[:2])
    for key, analysis, _ in items:
        for table, field in PER_ARTICLE.items():
            assert rows_for(store, table, key) == len(getattr(analysis, field)), table
    assert_stats_consistent(store)


def test_failures_are_kept_until_the_article_is_stored(
    store: CorpusStore, analyses: list[Analysis]
) -> None:
    first, second = analyses[1], analyses[2]
    store.put_failure(key_of(first), "short.jsonl#line 1", "analyzer crashed", "analyze", run="r1")
    store.put_failure(None, "short.jsonl#line 9", "row has no text", "ingest", run="r1")
    store.put_failure(None, second.article.source or "", "timed out", "ingest")
    # The same input failing again replaces its row.
    store.put_failure(None, "short.jsonl#line 9", "row has no text in 'text'", "ingest", run="r2")
    listed = store.failures()
    assert len(listed) == 3
    assert {f["source"] for f in listed} == {
        "short.jsonl#line 1",
        "short.jsonl#line 9",
        second.article.source,
    }
    line9 = next(f for f in listed if f["source"] == "short.jsonl#line 9")
    assert line9["reason"] == "row has no text in 'text'"
    assert line9["stage"] == "ingest" and line9["key"] is None and line9["run"] == "r2"
    assert dt.datetime.fromisoformat(line9["at"].rstrip("Z"))
    crashed = next(f for f in listed if f["source"] == "short.jsonl#line 1")
    assert crashed["key"] == key_of(first) and crashed["stage"] == "analyze"

    # Storing the article clears its failure (by key), and an input that failed to be read and
    # later was (by source).
    store.put(key_of(first), first)
    store.put(key_of(second), second)
    assert [f["source"] for f in store.failures()] == ["short.jsonl#line 9"]


# -- crash safety --------------------------------------------------------------------------------


def test_a_put_that_fails_midway_leaves_nothing(
    store: CorpusStore, analyses: list[Analysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = analyses[0], analyses[1]
    assert old.places, "the example must have places: the failure is injected there"
    key = key_of(old)
    store.put(key, old)
    store.put_failure(key, "x#1", "earlier failure", "analyze")
    before = store.row_counts()

    real = store._db.insert_rows
    calls: list[str] = []

    def failing(table: str, columns: Any, rows: Any) -> None:
        calls.append(table)
        if table == "places":
            raise RuntimeError("disk full (injected)")
        real(table, columns, rows)

    monkeypatch.setattr(store._db, "insert_rows", failing)
    with pytest.raises(RuntimeError, match="injected"):
        store.put(key, new)  # a replacement: the old rows are already deleted when it fails
    with pytest.raises(RuntimeError, match="injected"):
        store.put(key_of(analyses[2]), analyses[0])
    with pytest.raises(RuntimeError, match="injected"):
        store.put_many([(key_of(a), a, None) for a in analyses[1:]])
    assert "articles" in calls and "claims" in calls  # it did fail midway
    monkeypatch.setattr(store._db, "insert_rows", real)

    assert store.row_counts() == before
    got = store.get(key)
    assert got is not None and got.to_dict() == old.to_dict()
    assert store.done_keys(key_of(a) for a in analyses) == {key}
    assert [f["reason"] for f in store.failures()] == ["earlier failure"]
    assert_stats_consistent(store)
    # The store is still usable.
    store.put(key_of(new), new)
    assert store.count() == 2


def test_writers_at_once_store_each_article_once(target: str, analyses: list[Analysis]) -> None:
    """Threads putting the same articles at the same time: one store shared (DuckDB: one process
    writes a file) or a connection each (PostgreSQL, as a team's runs would)."""
    items = [(key_of(a), a, None) for a in analyses]
    with open_corpus(target) as single:
        single.put_many(items)
        want = single.row_counts()
    with open_corpus(target) as shared_store:
        shared_store.put_failure(None, "x", "y", "ingest")
        shared_store._db.execute("DELETE FROM failures")
        for table in ("articles", *PER_ARTICLE, "terms"):
            shared_store._db.execute(f"DELETE FROM {table}")
        shared_store._db.execute(
            "UPDATE search_stats SET articles = 0, article_terms = 0, claims = 0, claim_terms = 0"
        )
    errors: list[BaseException] = []
    stores = [open_corpus(target)]
    if stores[0].backend == "postgresql":
        stores += [open_corpus(target) for _ in range(2)]
    else:
        stores *= 3

    def write(store: CorpusStore, order: int) -> None:
        try:
            for round_ in range(3):
                batch = items if (order + round_) % 2 else items[::-1]
                store.put_many(batch)
                for key, analysis, _ in batch[:2]:
                    store.put(key, analysis)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=write, args=(s, i)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for store in set(stores):
        store.close()
    assert not errors, errors
    with open_corpus(target) as store:
        assert store.row_counts() == want
        assert_stats_consistent(store)


_CHILD = """
import sys
from claimscope.corpus.corpus_store import open_corpus
from claimscope.model import Analysis

target, documents, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(documents, encoding="utf-8") as f:
    analyses = [Analysis.from_json(line) for line in f]
keys = [f"key{i:04d}" for i in range(total)]
with open_corpus(target) as store:
    done = store.done_keys(keys)
    for i, key in enumerate(keys):
        if key not in done:
            store.put(key, analyses[i % len(analyses)], source=f"input#{i}")
            print(key, flush=True)
"""


def test_kill_9_midway_then_rerun_finishes_with_nothing_lost_or_doubled(
    target: str, analyses: list[Analysis], tmp_path: Path
) -> None:
    total = 40
    documents = tmp_path / "analyses.jsonl"
    documents.write_text("".join(a.to_json(indent=None) + "\n" for a in analyses), "utf-8")
    script = tmp_path / "child.py"
    script.write_text(_CHILD, "utf-8")
    command = [sys.executable, str(script), target, str(documents), str(total)]
    with open_corpus(target):
        pass  # created and migrated before the child starts

    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    assert child.stdout is not None
    written = []
    while len(written) < 5:
        line = child.stdout.readline()
        if not line:
            child.wait()
            raise AssertionError(f"the writer ended early: {child.stderr and child.stderr.read()}")
        written.append(line.strip())
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL

    def expected(key: str) -> Analysis:
        return analyses[int(key[3:]) % len(analyses)]

    with open_corpus(target) as store:
        stored = store.done_keys(f"key{i:04d}" for i in range(total))
        assert set(written) <= stored
        assert len(stored) < total, "the writer finished before it was killed"
        for key in stored:  # every stored article is whole
            analysis = expected(key)
            for table, field in PER_ARTICLE.items():
                assert rows_for(store, table, key) == len(getattr(analysis, field)), (key, table)
            got = store.get(key)
            assert got is not None and got.to_dict() == analysis.to_dict()
        assert store.row_counts()["articles"] == len(stored)
        assert_stats_consistent(store)

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert set(rerun.stdout.split()) == {f"key{i:04d}" for i in range(total)} - stored

    with open_corpus(target) as store:
        assert store.count() == total
        counts = store.row_counts()
        for table, field in PER_ARTICLE.items():
            want = sum(len(getattr(expected(f"key{i:04d}"), field)) for i in range(total))
            assert counts[table] == want, table
        assert_stats_consistent(store)


# -- migrations ----------------------------------------------------------------------------------


def test_reopening_applies_no_migration(target: str, example_analysis: Analysis) -> None:
    with open_corpus(target) as store:
        store.put(key_of(example_analysis), example_analysis)
        versions = store._db.fetchall(
            "SELECT version, description, applied_at FROM schema_version ORDER BY version"
        )
        assert [v[0] for v in versions] == [m.version for m in MIGRATIONS]
        assert store.schema_version() == MIGRATIONS[-1].version
        # The migrated tables have exactly the columns the store writes.
        for table, columns in COLUMNS.items():
            assert store._db.table_columns(table) == [name for name, _ in columns], table
    with open_corpus(target) as store:
        assert migrate(store._db) == []
        assert (
            store._db.fetchall(
                "SELECT version, description, applied_at FROM schema_version ORDER BY version"
            )
            == versions
        )
        assert store.count() == 1
        got = store.get(key_of(example_analysis))
        assert got is not None and got.to_dict() == example_analysis.to_dict()


def test_migrations_apply_in_order_only_the_missing_ones(target: str) -> None:
    latest = MIGRATIONS[-1].version
    extra = Migration(latest + 1, "test: one more table", ("CREATE TABLE extra_test (x INTEGER)",))
    broken = Migration(
        latest + 2,
        "test: fails halfway",
        ("CREATE TABLE half_done (x INTEGER)", "CREATE TABLE half_done (y INTEGER)"),
    )
    with open_corpus(target) as store:
        db = store._db
        assert migrate(db, [*MIGRATIONS, extra]) == [extra.version]
        assert migrate(db, [*MIGRATIONS, extra]) == []
        assert db.table_columns("extra_test") == ["x"]
        # A migration that fails leaves the database at the version before it, with nothing of
        # it applied.
        with pytest.raises(Exception, match="half_done"):
            migrate(db, [*MIGRATIONS, extra, broken])
        assert current_version(db) == extra.version
        assert db.table_columns("half_done") == []
        with pytest.raises(ValueError, match="increasing"):
            migrate(db, [extra, *MIGRATIONS])


def test_a_newer_schema_is_refused(target: str) -> None:
    with open_corpus(target) as store:
        store._db.execute(
            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
            [99, "from the future", dt.datetime(2030, 1, 1)],
        )
    with pytest.raises(StoreError, match=r"schema version 99, newer than this claimscope knows"):
        open_corpus(target)


# -- search --------------------------------------------------------------------------------------


def test_search_finds_an_article_by_a_word_of_one_of_its_claims(
    store: CorpusStore, analyses: list[Analysis]
) -> None:
    store.put_many([(key_of(a), a, None) for a in analyses])
    # A word that only one claim of the whole store has, and no other article.
    article_terms = {
        key_of(a): set(terms(a.article.text)) | set(terms(a.article.title or "")) for a in analyses
    }
    found = None
    for a in analyses:
        others = set().union(*(t for k, t in article_terms.items() if k != key_of(a)))
        claim_terms = [(c, set(terms(c.text))) for c in a.claims]
        for claim, words in claim_terms:
            unique = words - others - set().union(*(w for c, w in claim_terms if c is not claim))
            if unique:
                found = (a, claim, sorted(unique)[0])
                break
        if found:
            break
    assert found is not None
    analysis, claim, word = found
    hits = store.search(word)
    assert [h.key for h in hits] == [key_of(analysis)]
    hit = hits[0]
    assert (hit.id, hit.title, hit.outlet) == (
        analysis.article.id,
        analysis.article.title,
        analysis.article.outlet,
    )
    assert hit.published == analysis.article.published
    assert hit.claim == claim.id and hit.snippet == claim.text and hit.score > 0

    # Words from a known short article's claim: it comes first, with that claim.
    staged = analyses[2]
    hits = store.search("Mercenaries STAGED the scene")
    assert hits[0].key == key_of(staged)
    best = next(c for c in staged.claims if c.id == hits[0].claim)
    assert "mercenaries" in best.text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # Stop words alone match nothing; no word and no filter lists everything, newest first.
    assert store.search("the of and") == []
    everything = store.search()
    assert len(everything) == len(analyses)
    dates = [h.published or "" for h in everything if h.published]
    assert dates == sorted(dates, reverse=True)
    assert len(store.search(limit=2)) == 2


def _oracle(analyses: list[Analysis]) -> dict[str, dict[str, Any]]:
    """What each stored article is, computed from the analyses themselves (not the store)."""
    out = {}
    for a in analyses:
        art = a.article
        registry = (a.outlet or {}).get("name")
        out[key_of(a)] = {
            "terms": set(terms(art.text)) | set(terms(art.title or "")),
            "outlets": {x.lower() for x in (art.outlet, registry) if x},
            "published": dt.date.fromisoformat(art.published) if art.published else None,
            "speakers": [x.speaker.name.lower() for x in a.attributions if x.speaker],
            "places": {
                v.lower() for p in a.places for v in (p.name, p.admin1, p.country) if v is not None
            },
            "techniques": {f.technique.lower() for f in a.findings},
        }
    return out


def _expected(
    oracle: dict[str, dict[str, Any]], query: str | None = None, **filters: Any
) -> set[str]:
    words = set(query_terms(query)) if query else set()
    keys = set()
    for key, o in oracle.items():
        if words and not words & o["terms"]:
            continue
        if filters.get("outlet") and filters["outlet"].lower() not in o["outlets"]:
            continue
        since, until = filters.get("since"), filters.get("until")
        if since and (o["published"] is None or o["published"] < dt.date.fromisoformat(since)):
            continue
        if until and (o["published"] is None or o["published"] > dt.date.fromisoformat(until)):
            continue
        if filters.get("speaker") and not any(
            filters["speaker"].lower() in s for s in o["speakers"]
        ):
            continue
        if filters.get("place") and filters["place"].lower() not in o["places"]:
            continue
        if filters.get("technique") and filters["technique"].lower() not in o["techniques"]:
            continue
        keys.add(key)
    return keys


def _bm25_oracle(analyses: list[Analysis], query: str) -> dict[str, float]:
    def bm25(tf: int, length: int, df: int, n: int, avgdl: float) -> float:
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avgdl))

    words = query_terms(query)
    docs = {}
    for a in analyses:
        body, head = terms(a.article.text), terms(a.article.title or "")
        docs[key_of(a)] = (
            Counter(body + head * TITLE_WEIGHT),
            len(body) + len(head) * TITLE_WEIGHT,
        )
    claims = {
        (key_of(a), c.id): (Counter(terms(c.text)), len(terms(c.text)))
        for a in analyses
        for c in a.claims
    }
    n, avgdl = len(docs), sum(length for _, length in docs.values()) / len(docs)
    nc, avgc = len(claims), sum(length for _, length in claims.values()) / len(claims)
    df = {w: sum(1 for counts, _ in docs.values() if counts[w]) for w in words}
    dfc = {w: sum(1 for counts, _ in claims.values() if counts[w]) for w in words}
    scores = {}
    for key, (counts, length) in docs.items():
        if not any(counts[w] for w in words):
            continue
        score = sum(bm25(counts[w], length, df[w], n, avgdl) for w in words if counts[w])
        best = max(
            (
                sum(bm25(cc[w], cl, dfc[w], nc, avgc) for w in words if cc[w])
                for (k, _), (cc, cl) in claims.items()
                if k == key
            ),
            default=0.0,
        )
        scores[key] = score + CLAIM_WEIGHT * best
    return scores


def test_search_filters_each_narrow_correctly(
    store: CorpusStore,
    analyses: list[Analysis],
    fakes: list[Analysis],
    report_figure: Any,
) -> None:
    corpus = {key_of(a): a for a in [*analyses, *fakes]}  # FA-KES repeats some articles
    store.put_many([(k, a, None) for k, a in corpus.items()])
    oracle = _oracle(list(corpus.values()))
    query = "attack"
    everything = _expected(oracle, query)
    assert len(everything) >= 10

    def check(query: str | None, **filters: Any) -> set[str]:
        hits = store.search(query, limit=1000, **filters)
        got = {h.key for h in hits}
        assert len(got) == len(hits)
        assert got == _expected(oracle, query, **filters), (query, filters)
        return got

    assert check(query) == everything
    # Filter values taken from the data, so that each keeps some hits and drops others.
    cases = [
        {"outlet": "sana"},
        {"outlet": "REUTERS"},
        {"since": "2017-01-01"},
        {"until": "2016-12-31"},
        {"since": "2016-01-01", "until": "2016-12-31"},
        {"speaker": "ministry"},
        {"since": "2017-04-06", "until": "2017-04-06"},  # both bounds count
        {"place": "Aleppo"},
        {"place": "Idlib"},
        {"place": "Damascus"},  # a place's own name (its region is Dimashq)
        {"technique": "name_calling"},
        {"technique": "loaded_language"},
    ]
    narrowed = 0
    for filters in cases:
        for q in (query, None):
            got = check(q, **filters)
            if q is not None and got and got < everything:
                narrowed += 1
    assert narrowed >= 6, "the data should make most filters narrow the hits"
    # Filters combine with AND.
    both = check(query, place="Aleppo", since="2016-01-01")
    assert both == check(query, place="Aleppo") & check(query, since="2016-01-01")
    check("chemical weapons", outlet="sana", technique="name_calling")
    check(None, speaker="Muallem", place="Idlib", outlet="Reuters", until="2018-12-31")
    # Dates as years and months.
    assert {h.key for h in store.search(query, since="2017", limit=1000)} == _expected(
        oracle, query, since="2017-01-01"
    )
    assert {h.key for h in store.search(query, until="2016-12", limit=1000)} == _expected(
        oracle, query, until="2016-12-31"
    )
    with pytest.raises(StoreArgumentError, match="not a date"):
        store.search(query, since="last week")

    # A hit names a claim with a query word in it, and the speaker filter prefers that
    # speaker's claim.
    for hit in store.search("chemical weapons attack", limit=1000):
        if hit.claim is not None:
            claim = next(c for c in corpus[hit.key].claims if c.id == hit.claim)
            assert set(terms(claim.text)) & set(query_terms("chemical weapons attack"))
            assert hit.snippet == claim.text
    retake = {h.key: h for h in store.search("retake", speaker="muallem")}
    assert retake[key_of(analyses[1])].speaker == "Walid al-Muallem"
    for hit in store.search(speaker="muallem"):  # no words: the speaker's first claim
        assert hit.claim is not None and "muallem" in (hit.speaker or "").lower()

    # Scores are BM25 as written down independently here: the article's (title and text) plus
    # CLAIM_WEIGHT times its best claim's.
    query = "chemical weapons attack"
    expected = _bm25_oracle(list(corpus.values()), query)
    hits = store.search(query, limit=1000)
    assert {h.key for h in hits} == set(expected)
    for hit in hits:
        assert hit.score == pytest.approx(expected[hit.key], abs=1e-3), hit.key
    assert [h.key for h in hits] == sorted(expected, key=lambda k: (-round(expected[k], 4), k))

    started = time.perf_counter()
    for _ in range(5):
        store.search("chemical weapons attack in aleppo")
    took = (time.perf_counter() - started) / 5 * 1000
    report_figure(
        f"corpus search ({store.backend}, {store.count()} articles): {took:.1f} ms per query"
    )


# -- export --------------------------------------------------------------------------------------


def test_export_writes_each_format_with_the_right_rows(
    store: CorpusStore, analyses: list[Analysis], tmp_path: Path
) -> None:
    store.put_many([(key_of(a), a, a.article.source) for a in analyses])
    store.put_failure(None, "feed.xml#entry 3", "no text", "ingest")
    counts = store.row_counts()
    for table in ("articles", "claims", "places", "outlets", "failures"):
        for fmt in ("parquet", "csv", "jsonl"):
            path = tmp_path / f"{table}.{fmt}"
            written = store.export(path, fmt, table)
            assert written == counts[table], (table, fmt)
            if fmt == "parquet":
                back = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")
                assert len(back.fetchall()) == written
                names = back.columns
            elif fmt == "csv":
                with path.open(newline="", encoding="utf-8") as f:
                    reader = csv.DictReader(f)
                    rows = list(reader)
                    names = list(reader.fieldnames or [])
                assert len(rows) == written
            else:
                lines = path.read_text("utf-8").splitlines()
                assert len(lines) == written
                names = list(json.loads(lines[0]))
            assert "n_terms" not in names
            first = {"outlets": "name", "failures": "source"}.get(table, "key")
            assert names[0] == first, (table, fmt)

    # Articles keep their input id and the whole contract document.
    path = tmp_path / "articles.parquet"
    rows = duckdb.sql(f"SELECT key, id, published, document FROM read_parquet('{path}')").fetchall()
    by_key = {key_of(a): a for a in analyses}
    for key, id_, published, document in rows:
        assert id_ == by_key[key].article.id
        assert published is None or isinstance(published, dt.date)
        assert Analysis.from_json(document).to_dict() == by_key[key].to_dict()

    # "analyses" as JSON lines: the documents themselves, as `claimscope analyze` writes them.
    path = tmp_path / "analyses.jsonl"
    assert store.export(path, "jsonl", "analyses") == len(analyses)
    back = [Analysis.from_json(line) for line in path.read_text("utf-8").splitlines()]
    assert sorted(json.dumps(a.to_dict(), sort_keys=True) for a in back) == sorted(
        json.dumps(a.to_dict(), sort_keys=True) for a in analyses
    )
    assert store.export(tmp_path / "analyses.csv", "csv", "analyses") == len(analyses)

    with pytest.raises(StoreArgumentError, match="unknown export format"):
        store.export(tmp_path / "x.xlsx", "xlsx")
    with pytest.raises(StoreArgumentError, match="unknown table"):
        store.export(tmp_path / "x.csv", "csv", "terms; DROP TABLE articles")
