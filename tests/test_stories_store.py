"""Stories over a corpus store (issue 8): claim vectors kept, clusters saved, and the CLI tables.

Runs on DuckDB and on PostgreSQL (the ``target`` fixture in conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.corpus.corpus_store import CorpusStore, open_corpus
from claimscope.corpus.keys import article_key
from claimscope.corpus.schema import MIGRATIONS, migrate
from claimscope.corpus.stories import stored
from claimscope.corpus.stories.clusters import usable_claims
from claimscope.errors import ClaimscopeError
from claimscope.model import Analysis

COPIED = (
    "The ministry said the militants had moved chlorine canisters into a warehouse near the "
    "town of Saraqib on Sunday night, according to residents who saw the trucks arrive."
)
ARTICLES: list[dict[str, str]] = [
    {
        "title": "Militants kidnap children to stage chemical attack",
        "outlet": "SANA",
        "published": "2018-09-12",
        "text": "Militants kidnapped 22 children in the Aleppo countryside to stage a chemical "
        "attack in Idlib, the Syrian Foreign Ministry said on Wednesday.\n\n" + COPIED,
    },
    {
        "title": "Terrorists abduct children for staged attack",
        "outlet": "Sputnik",
        "published": "2018-09-13",
        "text": "Terrorists abducted twenty-two children from the Aleppo countryside for a staged "
        "chemical attack in Idlib, Russia's Defense Ministry said.\n\n" + COPIED,
    },
    {
        "title": "Russia says rebels plan chemical provocation",
        "outlet": "Reuters",
        "published": "2018-09-14",
        "text": "The Russian Defense Ministry claimed that 22 children were kidnapped in rural "
        "Aleppo to fake a chemical attack in Idlib province.\n\n"
        "The central bank raised its main interest rate by half a percentage point on Tuesday, "
        "analysts said.",
    },
]


class CountingEncoder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        from claimscope import embeddings

        self.inner = embeddings.load()
        self.model_id = self.inner.model_id
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def story_analyses(nlp: Any) -> list[Analysis]:
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze_many

    articles = [
        read_text(a["text"], source=f"story-{n}.txt", **{k: v for k, v in a.items() if k != "text"})
        for n, a in enumerate(ARTICLES)
    ]
    results = [r for r in analyze_many(articles, nlp=nlp) if isinstance(r, Analysis)]
    assert len(results) == len(ARTICLES)
    return results


@pytest.fixture
def filled(target: str, story_analyses: list[Analysis]) -> Iterator[CorpusStore]:
    with open_corpus(target) as store:
        store.put_many([(article_key(a.article), a, None) for a in story_analyses])
        yield store


def _vector_rows(store: CorpusStore) -> int:
    return int(store.db.scalar("SELECT count(*) FROM claim_vectors") or 0)


def test_claims_are_embedded_once_and_kept_in_the_store(filled: CorpusStore) -> None:
    encoder = CountingEncoder()
    usable = usable_claims(stored.claim_records(filled))
    assert len(usable) >= 4
    stored.build_clusters(filled, encoder=encoder)
    assert sorted(encoder.texts) == sorted(c.text for c in usable)
    assert _vector_rows(filled) == len(usable)

    again = CountingEncoder()
    stored.build_clusters(filled, encoder=again)
    assert again.texts == []  # every vector came from the store

    # Replacing an article drops its vectors with its other rows; only its claims are embedded.
    ((key, analysis),) = filled.analyses([usable[0].key])
    filled.put(key, analysis)
    third = CountingEncoder()
    stored.build_clusters(filled, encoder=third)
    assert sorted(third.texts) == sorted(c.text for c in usable if c.key == usable[0].key)
    assert _vector_rows(filled) == len(usable)


def test_the_same_claim_in_three_outlets_is_one_saved_cluster(filled: CorpusStore) -> None:
    assert stored.last_build(filled) is None
    assert stored.saved_clusters(filled) == []
    info, clusters = stored.build_clusters(filled)
    assert info.articles == 3 and info.clusters == len(clusters) >= 1
    assert info.settings["cross_outlet"] == pytest.approx(0.78)

    kidnap = stored.saved_clusters(filled, query="children")
    assert len(kidnap) == 1
    summary = kidnap[0]
    assert summary.outlets == [
        "SANA",
        "Sputnik News",
        "Reuters",
    ]  # first appearance order; registry names
    assert summary.first_outlet == "SANA" and summary.first_published == "2018-09-12"
    assert summary.last_published == "2018-09-14"

    cluster = stored.saved_cluster(filled, summary.id)
    assert cluster is not None
    dates = [m.published for m in cluster.members]
    assert dates == sorted(dates)
    by_outlet = {m.outlet: m for m in cluster.members}
    assert by_outlet["Reuters"].stance == "doubt"  # "claimed": a distancing cue
    assert by_outlet["Reuters"].cue == "claimed"
    assert by_outlet["Sputnik News"].stance == "attributed"
    document = cluster.to_dict()
    assert document["build"]["id"] == info.id
    assert {m["outlet"] for m in document["members"]} == {"SANA", "Sputnik News", "Reuters"}

    assert stored.saved_clusters(filled, outlet="sputnik")[0].id == summary.id
    assert stored.saved_clusters(filled, outlet="Al Jazeera") == []
    assert stored.saved_clusters(filled, min_outlets=4) == []
    assert stored.saved_cluster(filled, 999) is None

    # A rebuild replaces the last one: one build, the same clusters under the same ids.
    info2, _ = stored.build_clusters(filled)
    assert int(filled.db.scalar("SELECT count(*) FROM cluster_builds") or 0) == 1
    assert stored.last_build(filled) == stored.last_build(filled)
    assert stored.last_build(filled).id == info2.id  # type: ignore[union-attr]
    assert stored.saved_clusters(filled, query="children")[0].id == summary.id


def test_paragraphs_from_the_store_find_the_copied_passage(filled: CorpusStore) -> None:
    from claimscope.corpus.stories import find_copies

    links = find_copies(stored.paragraph_records(filled))
    pairs = {(link.source_outlet, link.target_outlet, link.direction) for link in links}
    assert ("SANA", "Sputnik News", "dated") in pairs


def test_a_store_at_version_1_is_migrated_and_clusters(
    target: str, story_analyses: list[Analysis]
) -> None:
    from claimscope.corpus.db import Database

    db = Database(target)
    migrate(db, MIGRATIONS[:1])
    db.close()
    with open_corpus(target) as store:
        assert store.schema_version() == max(m.version for m in MIGRATIONS)
        store.put_many([(article_key(a.article), a, None) for a in story_analyses])
        _, clusters = stored.build_clusters(store)
        assert clusters


# -- the CLI -------------------------------------------------------------------------------------


def test_cli_clusters_cluster_compare_and_copies(filled: CorpusStore) -> None:
    runner = CliRunner()
    db = filled.target
    filled.close()  # one writer at a time on a DuckDB file

    result = runner.invoke(app, ["corpus", "clusters", "--db", db])
    assert result.exit_code == 1
    assert "--build" in result.output

    result = runner.invoke(app, ["corpus", "clusters", "--db", db, "--build", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    kidnap = [r for r in rows if "SANA" in r["outlets"] and "Reuters" in r["outlets"]]
    assert kidnap, rows
    cid = kidnap[0]["id"]

    result = runner.invoke(app, ["corpus", "clusters", "--db", db])
    assert result.exit_code == 0
    assert "Sputnik" in result.stdout and str(cid) in result.stdout

    result = runner.invoke(app, ["corpus", "cluster", "--db", db, str(cid)])
    assert result.exit_code == 0
    lines = result.stdout
    assert lines.index("SANA") < lines.index("Reuters")  # publication order
    assert "doubt" in lines and "(first)" in lines

    result = runner.invoke(app, ["corpus", "cluster", "--db", db, "4242"])
    assert result.exit_code == 1 and "no cluster 4242" in result.output

    result = runner.invoke(app, ["corpus", "compare", "--db", db, "--cluster", str(cid), "--json"])
    assert result.exit_code == 0, result.output
    columns = {json.loads(line)["outlet"]: json.loads(line) for line in result.stdout.splitlines()}
    assert set(columns) >= {"SANA", "Sputnik News", "Reuters"}
    assert "Syria" in columns["SANA"]["state"]  # the outlet registry's entry

    result = runner.invoke(app, ["corpus", "compare", "--db", db, "children"])
    assert result.exit_code == 0 and "Reuters" in result.stdout
    result = runner.invoke(app, ["corpus", "compare", "--db", db])
    assert result.exit_code == 1 and "--cluster" in result.output

    result = runner.invoke(app, ["corpus", "copies", "--db", db, "--json"])
    assert result.exit_code == 0
    links = [json.loads(line) for line in result.stdout.splitlines()]
    assert any(
        link["source_outlet"] == "SANA" and link["target_outlet"] == "Sputnik News"
        for link in links
    )


# -- the clustering evaluation (location purity on FA-KES) ---------------------------------------


def test_location_purity_counts_each_clusters_majority_place() -> None:
    from claimscope.corpus.stories.clusters import ClaimCluster
    from claimscope.corpus.stories.flat import ClaimRecord
    from claimscope.evaluation.clusters import score

    def member(key: str) -> ClaimRecord:
        return ClaimRecord(key, "C1", "words " * 6, "X", "2017-04-04", None, "outlet", None, None)

    clusters = [
        ClaimCluster(1, [member("a"), member("b"), member("c")], 0.9, ["X", "Y"]),
        ClaimCluster(2, [member("d"), member("e")], 0.9, ["X"]),
    ]
    row = score("s", clusters, {"a": "idlib", "b": "idlib", "c": "aleppo", "d": "hama"})
    assert (row.claims, row.labelled, row.pure) == (5, 4, 3)  # "e" has no label
    assert row.purity == pytest.approx(0.75)
    assert (row.clusters, row.multi_outlet, row.wide) == (2, 1, 0)


def test_eval_story_clusters_on_a_fakes_slice(tmp_path: Path, nlp: Any) -> None:
    from claimscope.evaluation.clusters import evaluate, format_report
    from claimscope.ingest.auto import ReadOptions, read
    from claimscope.ingest.jsonl_csv import FieldMap
    from claimscope.model import Article
    from claimscope.pipeline import analyze_many

    from .conftest import shared

    path = shared("data/fa-kes/FA-KES-Dataset.csv")
    fields = "text=article_content,title=article_title,id=unit_id,outlet=source,published=date"
    articles = [
        a
        for a in read(str(path), ReadOptions(fields=FieldMap.parse(fields)))
        if isinstance(a, Article) and "2017-04-03" <= (a.published or "") <= "2017-04-09"
    ]
    assert len(articles) >= 20
    db = str(tmp_path / "slice.duckdb")
    with open_corpus(db) as store:
        done = [r for r in analyze_many(articles, nlp=nlp) if isinstance(r, Analysis)]
        store.put_many([(article_key(a.article), a, None) for a in done])
    result = evaluate(db, path)
    assert result.articles == result.labelled_articles == len({article_key(a) for a in articles})
    ours, baseline = result.rows[0], result.rows[1]
    assert ours.system.startswith("claimscope") and "baseline" in baseline.system
    assert ours.clusters > 0 and 0.0 < ours.purity <= 1.0
    # Within one week the window changes nothing; a higher bar joins no more than the default.
    assert baseline.claims == ours.claims
    assert result.rows[3].claims <= result.rows[2].claims <= ours.claims
    report = format_report(result)
    assert "location purity" in report and "baseline" in report

    empty = str(tmp_path / "empty.duckdb")
    open_corpus(empty).close()
    with pytest.raises(ClaimscopeError, match="no articles"):
        evaluate(empty, path)
