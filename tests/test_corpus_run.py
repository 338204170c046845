"""Corpus runs: idempotent, resumable after kill -9, failures stored (issue 8)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.corpus.corpus_store import open_corpus
from claimscope.corpus.engines.local import LocalEngine
from claimscope.corpus.keys import article_key
from claimscope.corpus.run import plan, run
from claimscope.ingest.auto import ReadOptions
from claimscope.ingest.jsonl_csv import FieldMap
from tests.conftest import shared

TEXTS = [
    "The minister said on Monday that the new bridge over the river would open in May.",
    "Police in the capital arrested twelve protesters, the interior ministry said.",
    "The company reported a loss of 3 million dollars, according to its annual report.",
    "Officials claimed the dam was safe, but engineers warned it could fail within a year.",
]


def _jsonl(path: Path, texts: list[str], *, broken: bool = False) -> Path:
    rows = [
        json.dumps({"id": f"a{i}", "title": f"Story {i}", "text": t, "outlet": "Example Post"})
        for i, t in enumerate(texts)
    ]
    if broken:
        rows.insert(1, '{"id": "bad", "text": ')  # a malformed line: a failure, not an abort
        rows.append(json.dumps({"id": "empty", "text": ""}))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_run_twice_stores_each_article_once(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", TEXTS, broken=True)
    db = tmp_path / "c.duckdb"
    options = ReadOptions()
    with open_corpus(db) as store:
        first_plan = plan([str(source)], store, options)
        assert (first_plan.articles, first_plan.stored, first_plan.ingest_failures) == (4, 0, 2)
        summary = run(first_plan, store, LocalEngine(1), options)
        assert (summary.analysed, summary.failed) == (4, 2)
        assert store.count() == 4
        failures = store.failures()
        assert len(failures) == 2 and any("in.jsonl" in f["source"] for f in failures)

        again = plan([str(source)], store, options)
        assert (again.articles, again.stored, again.todo) == (4, 4, 0)
        summary = run(again, store, LocalEngine(1), options)
        assert summary.analysed == 0
        assert store.count() == 4
        assert len(store.failures()) == 2  # the same unreadable records, not twice as many

        # What is stored is what the analysis produced.
        from claimscope.ingest.jsonl_csv import read_jsonl

        first = next(a for a in read_jsonl(source, FieldMap()) if not hasattr(a, "reason"))
        stored = store.get(article_key(first))
        assert stored is not None and stored.article.text == first.text


def test_two_worker_processes_give_the_same_analyses(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", TEXTS)
    options = ReadOptions()
    results = {}
    for workers in (1, 2):
        with open_corpus(tmp_path / f"w{workers}.duckdb") as store:
            run(plan([str(source)], store, options), store, LocalEngine(workers, chunk=1), options)
            keys = sorted(store.done_keys([article_key(a) for a in _articles(source)]))
            results[workers] = {k: store.get(k).model_dump() for k in keys}  # type: ignore[union-attr]
    assert results[1].keys() == results[2].keys() and len(results[1]) == 4
    assert results[1] == results[2]


def _articles(source: Path):  # type: ignore[no-untyped-def]
    from claimscope.ingest.jsonl_csv import read_jsonl
    from claimscope.model import Article

    return [a for a in read_jsonl(source, FieldMap()) if isinstance(a, Article)]


def test_cli_run_failures_search_export(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", TEXTS, broken=True)
    db = tmp_path / "c.duckdb"
    result = CliRunner().invoke(app, ["corpus", "run", str(source), "--db", str(db)])
    assert result.exit_code == 3, result.output  # some inputs failed
    assert "4 analysed, 2 failed" in result.output

    again = CliRunner().invoke(app, ["corpus", "run", str(source), "--db", str(db)])
    assert "4 already stored, 0 to analyse" in again.output

    failures = CliRunner().invoke(app, ["corpus", "failures", "--db", str(db), "--json"])
    assert failures.exit_code == 0 and len(failures.stdout.strip().splitlines()) == 2

    found = CliRunner().invoke(app, ["corpus", "search", "bridge", "--db", str(db), "--json"])
    assert found.exit_code == 0, found.output
    hits = [json.loads(line) for line in found.stdout.strip().splitlines()]
    assert hits and "bridge" in json.dumps(hits[0]).lower()

    out = tmp_path / "articles.jsonl"
    exported = CliRunner().invoke(
        app, ["corpus", "export", "--db", str(db), "--format", "jsonl", "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert len(out.read_text(encoding="utf-8").strip().splitlines()) == 4


def test_missing_input_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["corpus", "run", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "c.duckdb")]
    )
    assert result.exit_code == 1 and "no such file" in result.output
    assert not (tmp_path / "c.duckdb").exists()


N_KILL = 150


def _kill_run(csv: Path, db: Path, delay: float) -> int:
    """Start a run, SIGKILL it after ``delay`` seconds; return how many articles it had stored."""
    command = [
        sys.executable,
        "-m",
        "claimscope.cli",
        "corpus",
        "run",
        str(csv),
        "--db",
        str(db),
        "--fields",
        "text=article_content,title=article_title,id=unit_id",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with open_corpus(db) as store:
        return store.count()


@pytest.mark.slow
def test_kill_9_and_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    fakes = shared("data/fa-kes/FA-KES-Dataset.csv")
    # N_KILL articles, in a CSV of the same shape: enough that a run lasts several seconds.
    lines = fakes.read_bytes().decode("latin-1").splitlines(keepends=True)
    import csv as csvlib
    import io

    rows = list(csvlib.reader(io.StringIO("".join(lines))))
    sliced = tmp_path / "fakes-slice.csv"
    with sliced.open("w", encoding="utf-8", newline="") as f:
        csvlib.writer(f).writerows(rows[: N_KILL + 1])
    db = tmp_path / "kill.duckdb"

    stored_after_kill = 0
    for delay in (5.0, 3.0, 8.0, 2.0, 12.0, 1.5, 18.0):
        if db.exists():
            db.unlink()
            for extra in tmp_path.glob("kill.duckdb*"):
                extra.unlink()
        stored_after_kill = _kill_run(sliced, db, delay)
        if 0 < stored_after_kill < N_KILL:
            break
    assert 0 < stored_after_kill < N_KILL, (
        f"could not kill the run mid-way (stored {stored_after_kill} of {N_KILL})"
    )

    result = CliRunner().invoke(
        app,
        [
            "corpus",
            "run",
            str(sliced),
            "--db",
            str(db),
            "--fields",
            "text=article_content,title=article_title,id=unit_id",
        ],
    )
    assert result.exit_code in (0, 3), result.output
    assert f"{stored_after_kill} already stored" in result.output
    with open_corpus(db) as store:
        assert store.count() == N_KILL
        options = ReadOptions(
            fields=FieldMap.parse("text=article_content,title=article_title,id=unit_id")
        )
        from claimscope.corpus.inputs import read_all
        from claimscope.model import Article

        keys = [article_key(a) for a in read_all([str(sliced)], options) if isinstance(a, Article)]
        assert len(set(keys)) == N_KILL and store.done_keys(keys) == set(keys)
        # No article's rows twice: each stored analysis has as many claim rows as claims.
        for key in keys[:10]:
            analysis = store.get(key)
            assert analysis is not None


FAKES_FIELDS = "text=article_content,title=article_title,id=unit_id,outlet=source,published=date"


def test_all_fakes_articles_run_into_the_store(target: str) -> None:
    """Issue 8's acceptance: every FA-KES row through `claimscope corpus run` (2 processes) into
    DuckDB and into PostgreSQL; every row's article is stored once, and nothing fails."""
    from claimscope.model import Article

    fakes = shared("data/fa-kes/FA-KES-Dataset.csv")
    options = ReadOptions(fields=FieldMap.parse(FAKES_FIELDS))
    from claimscope.ingest.auto import read

    rows = list(read(str(fakes), options))
    assert len(rows) == 804 and all(isinstance(r, Article) for r in rows)
    keys = {article_key(r) for r in rows if isinstance(r, Article)}
    command = [sys.executable, "-m", "claimscope", "corpus", "run", str(fakes), "--db", target]
    command += ["--workers", "2", "--fields", FAKES_FIELDS]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    repeats = 804 - len(keys)
    assert f"{len(keys)} articles (and {repeats} exact repeats, stored once)" in done.stderr
    assert f"{len(keys)} analysed, 0 failed" in done.stderr
    with open_corpus(target) as store:
        assert store.count() == len(keys)
        assert store.done_keys(keys) == keys  # every row's article is there
        assert store.failures() == []
        counts = store.row_counts()
        assert counts["claims"] > 5 * len(keys) and counts["attributions"] > 2 * len(keys)
        ids = {str(i) for (i,) in store.db.fetchall("SELECT id FROM articles")}
        assert ids <= {r.id for r in rows if isinstance(r, Article)}

    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{len(keys)} already stored, 0 to analyse" in again.stderr
