"""Fact-check records, the store and matching (issue 7)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.errors import ClaimscopeError
from claimscope.knowledge.factchecks import FactCheckIndex, FactCheckStore, read_path
from claimscope.knowledge.factchecks.readers import read_html, read_jsonld, read_table
from tests.conftest import shared

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://example.org/checks/stockpile",
    "claimReviewed": "Syria handed over its entire chemical weapons stockpile in 2013.",
    "datePublished": "2018-04-20T09:00:00Z",
    "author": {"@type": "Organization", "name": "Example Check"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A Minister"}},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "alternateName": "Mostly false",
    },
    "headline": "Did Syria give up all its chemical weapons?",
}

OTHER_REVIEWS = [
    (
        "https://example.org/checks/vaccine",
        "The measles vaccine causes autism in children.",
        "False",
    ),
    (
        "https://example.org/checks/moon",
        "The 1969 Moon landing was filmed in a studio.",
        "Pants on fire",
    ),
    ("https://example.org/checks/wall", "Mexico paid for the border wall.", "False"),
    (
        "https://example.org/checks/bees",
        "A city banned honey bees from all public parks.",
        "Unproven",
    ),
    (
        "https://example.org/checks/tax",
        "The new law doubles the income tax for pensioners.",
        "Misleading",
    ),
]


def _review(url: str, claim: str, rating: str) -> dict[str, object]:
    return {
        **REVIEW,
        "url": url,
        "claimReviewed": claim,
        "reviewRating": {"alternateName": rating},
        "headline": None,
    }


# --- readers -------------------------------------------------------------------------------------


def test_claimreview_object_keeps_claim_rating_reviewer_date_url() -> None:
    result = read_jsonld(json.dumps(REVIEW), source="one.json")
    assert result.problems == []
    (record,) = result.records
    assert record.claim == REVIEW["claimReviewed"]
    assert record.rating == "Mostly false"
    assert record.reviewer == "Example Check"
    assert record.date == "2018-04-20"
    assert record.url == "https://example.org/checks/stockpile"
    assert record.claimant == "A Minister"
    assert record.title == "Did Syria give up all its chemical weapons?"


def test_rating_value_without_a_name_is_shown_on_its_scale() -> None:
    review = {**REVIEW, "reviewRating": {"ratingValue": 1, "bestRating": 5}}
    (record,) = read_jsonld(json.dumps(review)).records
    assert record.rating == "1/5"


def test_feed_with_a_malformed_item_loads_the_valid_ones_and_names_the_bad_one() -> None:
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {
                "@type": "DataFeedItem",
                "item": [REVIEW, {"@type": "ClaimReview", "url": "https://x.org/2"}, "junk"],
            },
            {"@type": "DataFeedItem", "item": [_review(*OTHER_REVIEWS[0])]},
        ],
    }
    result = read_jsonld(json.dumps(feed), source="feed.json")
    assert [r.rating for r in result.records] == ["Mostly false", "False"]
    messages = [str(p) for p in result.problems]
    assert any(
        "feed.json $.dataFeedElement[0].item[1]" in m and "no claim text" in m for m in messages
    )
    assert any("$.dataFeedElement[0].item[2]" in m and "found str" in m for m in messages)
    assert all(p.skipped for p in result.problems)


def test_graph_and_list_forms() -> None:
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, REVIEW]}
    assert len(read_jsonld(json.dumps(graph)).records) == 1
    assert len(read_jsonld(json.dumps([REVIEW, _review(*OTHER_REVIEWS[1])])).records) == 2


def test_json_lines_with_a_broken_line() -> None:
    lines = [
        json.dumps(REVIEW),
        '{"@type": "ClaimReview", "claimReviewed": "cut off',
        json.dumps(_review(*OTHER_REVIEWS[2])),
    ]
    result = read_jsonld("\n".join(lines), source="reviews.jsonl")
    assert len(result.records) == 2
    (problem,) = result.problems
    assert problem.where == "reviews.jsonl line 2" and "not valid JSON" in problem.message


def test_invalid_json_document_is_one_clear_problem() -> None:
    result = read_jsonld('{"@type": "ClaimReview", ', source="bad.json")
    assert result.records == []
    assert "not valid JSON" in str(result.problems[0])


def test_bad_optional_fields_are_dropped_and_the_record_kept() -> None:
    review = {**REVIEW, "datePublished": "sometime last spring", "url": "javascript:alert(1)"}
    result = read_jsonld(json.dumps(review))
    (record,) = result.records
    assert record.date is None and record.url is None
    assert len(result.problems) == 2 and not any(p.skipped for p in result.problems)


def test_fact_check_tools_api_answer() -> None:
    answer = {
        "claims": [
            {
                "text": "Drinking hot water cures the flu.",
                "claimant": "Social media posts",
                "claimDate": "2020-03-01T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Checker A", "site": "a.org"},
                        "url": "https://a.org/1",
                        "title": "No",
                        "reviewDate": "2020-03-04T00:00:00Z",
                        "textualRating": "False",
                        "languageCode": "en",
                    },
                    "oops",
                ],
            },
            {"text": "No reviews here"},
        ]
    }
    result = read_jsonld(json.dumps(answer))
    (record,) = result.records
    assert (record.reviewer, record.rating, record.date, record.claimant) == (
        "Checker A",
        "False",
        "2020-03-04",
        "Social media posts",
    )
    assert len(result.problems) == 2


def test_html_page_with_a_broken_json_ld_block() -> None:
    page = f"""<!doctype html><html><head>
    <script type="application/ld+json">{json.dumps({"@type": "BreadcrumbList"})}</script>
    <script type="application/ld+json">{{ "@type": "ClaimReview", "claimReviewed": </script>
    <script type="application/ld+json">{json.dumps(REVIEW)}</script>
    </head><body></body></html>"""
    result = read_html(page, source="page.html")
    assert len(result.records) == 1
    (problem,) = result.problems
    assert problem.where == "page.html script 2" and "not valid JSON" in problem.message


def test_csv_rows_with_errors_are_reported_by_line_and_the_rest_load() -> None:
    text = (
        "claim,rating,reviewer,date,url\n"
        '"A claim, with a comma",False,Checker,2019-05-01,https://c.org/1\n'
        ",True,Checker,2019-05-02,https://c.org/2\n"
        "Too,many,fields,here,https://c.org/3,extra\n"
        "Another claim,Mixture,Checker,not a date,https://c.org/4\n"
    )
    result = read_table(text, source="checks.csv")
    assert [r.claim for r in result.records] == ["A claim, with a comma", "Another claim"]
    wheres = {p.where: p for p in result.problems}
    assert (
        wheres["checks.csv line 3"].skipped
        and "no claim text" in wheres["checks.csv line 3"].message
    )
    assert wheres["checks.csv line 4"].skipped and "6 fields" in wheres["checks.csv line 4"].message
    assert not wheres["checks.csv line 5"].skipped


def test_table_without_a_claim_column_is_refused() -> None:
    result = read_table("headline,verdict\nx,y\n", source="t.csv")
    assert result.records == [] and "no claim column" in str(result.problems[0])


def test_checkthat_style_tsv_keeps_ids_and_quoted_newlines() -> None:
    text = '\tvclaim\ttitle\n0\tFirst claim.\tFirst title\n1\t"A claim\nover two lines."\tSecond\n'
    result = read_table(text, source="v.tsv", delimiter="\t")
    assert [(r.source_ids, r.claim) for r in result.records] == [
        (("0",), "First claim."),
        (("1",), "A claim over two lines."),
    ]


def test_read_path_refuses_binary_and_non_utf8(tmp_path: Path) -> None:
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\x00\x01\x02{}")
    with pytest.raises(ClaimscopeError, match="binary"):
        read_path(binary)
    latin = tmp_path / "x.csv"
    latin.write_bytes("claim\nCaf\xe9 claim\n".encode("latin-1"))
    with pytest.raises(ClaimscopeError, match="not UTF-8"):
        read_path(latin)
    with pytest.raises(ClaimscopeError, match="verified_claims"):
        read_path(tmp_path)


# --- store ---------------------------------------------------------------------------------------


def _records(reviews: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    return read_jsonld(json.dumps(reviews), source="test").records


def test_reimport_merges_instead_of_duplicating(tmp_path: Path) -> None:
    with FactCheckStore(tmp_path / "s.sqlite") as store:
        first = store.add(_records([REVIEW]))
        revision = store.revision
        # The same review with other quote marks and a rating filled in later is the same record.
        again = {
            **REVIEW,
            "claimReviewed": REVIEW["claimReviewed"].upper(),
            "author": None,
            "publisher": {"name": "Example Check"},
        }
        second = store.add(_records([again]))
        assert (first.added, second.added, second.merged) == (1, 0, 1)
        assert len(store) == 1 and store.revision == revision + 1


def test_embedding_is_incremental(tmp_path: Path) -> None:
    calls: list[int] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.ones((len(texts), 4), dtype=np.float32)

    with FactCheckStore(tmp_path / "s.sqlite") as store:
        store.add(_records([REVIEW, _review(*OTHER_REVIEWS[0])]))
        assert store.embed(encode, "m1") == 2
        assert store.embed(encode, "m1") == 0  # nothing new
        store.add(_records([_review(*OTHER_REVIEWS[1])]))
        assert store.embed(encode, "m1") == 1
        assert store.embed(encode, "m2") == 3  # another model: everything again
        ids, claims, titles = store.vectors("m1")
        assert len(ids) == 3 and claims.shape == (3, 4) and titles.shape == (3, 4)


def test_store_refuses_other_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ClaimscopeError, match="not a claimscope fact-check store"):
        FactCheckStore(junk)
    with pytest.raises(ClaimscopeError, match="no fact-check store"):
        FactCheckStore(tmp_path / "missing.sqlite", create=False)


# --- matching (real embeddings) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fc") / "store.sqlite"
    with FactCheckStore(path) as store:
        store.add(_records([REVIEW, *(_review(*r) for r in OTHER_REVIEWS)]))
    return path


def test_paraphrase_finds_its_review_and_an_unrelated_claim_finds_none(store_path: Path) -> None:
    with FactCheckStore(store_path) as store:
        index = FactCheckIndex.open(store)
    found, unrelated = index.match(
        [
            "Damascus gave up its whole stock of chemical weapons back in 2013",
            "The football club signed a new goalkeeper on Tuesday.",
        ]
    )
    assert found and found[0].factcheck.rating == "Mostly false"
    assert found[0].score >= index.fusion.threshold
    assert unrelated == []
    # Every candidate is still there when asked for.
    (everything,) = index.match(
        ["The football club signed a new goalkeeper on Tuesday."], k=10, min_score=0.0
    )
    assert len(everything) >= 1 and all(m.score < index.fusion.threshold for m in everything)


def test_excluding_the_right_review_leaves_no_confident_match(store_path: Path) -> None:
    with FactCheckStore(store_path) as store:
        index = FactCheckIndex.open(store)
    row = next(j for j, r in enumerate(index.records) if r.url == REVIEW["url"])
    (scored,) = index.score(
        ["Syria handed over its entire chemical weapons stockpile in 2013"], exclude=[[row]]
    )
    assert row not in set(scored.rows.tolist())
    assert index.fusion.probability(scored.features).max() < index.fusion.threshold


def test_bm25_index_is_saved_and_rebuilt_when_the_store_changes(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with FactCheckStore(path) as store:
        store.add(_records([REVIEW, _review(*OTHER_REVIEWS[0])]))
        FactCheckIndex.open(store)
        stamp = path.with_name("s.sqlite.bm25") / "claimscope-revision.json"
        assert json.loads(stamp.read_text())["records"] == 2
        store.add(_records([_review(*OTHER_REVIEWS[1])]))
        index = FactCheckIndex.open(store)
        assert json.loads(stamp.read_text())["records"] == 3 and len(index) == 3
        (hits,) = index.match(["The Moon landing in 1969 was faked in a film studio"])
        assert hits and "Moon" in hits[0].factcheck.claim


def test_analysis_lists_matches_under_the_claim(store_path: Path, example_text: str) -> None:
    from claimscope.ingest.text import read_text
    from claimscope.nlp import load
    from claimscope.pipeline import analyze

    analysis = analyze(
        read_text(example_text, source="example"), nlp=load(factchecks=str(store_path))
    )
    matched = [c for c in analysis.claims if c.factchecks]
    assert any("stockpile" in c.text for c in matched)
    stockpile = next(c for c in matched if "stockpile" in c.text)
    top = stockpile.factchecks[0]
    assert (top.reviewer, top.rating, top.url) == ("Example Check", "Mostly false", REVIEW["url"])
    assert 0.0 < top.score <= 1.0
    # Round trip through the contract JSON.
    from claimscope.model import Analysis

    again = Analysis.model_validate_json(analysis.to_json())
    assert again.claims[analysis.claims.index(stockpile)].factchecks[0].url == REVIEW["url"]


def test_only_check_worthy_claims_are_looked_up(tmp_path: Path) -> None:
    from claimscope.analyzers import checkworthiness
    from claimscope.ingest.text import read_text
    from claimscope.nlp import load
    from claimscope.pipeline import analyze

    opinion = "I love this city and its people"
    fact = "The city budget rose by 40 percent in 2019 to $2 billion"
    path = tmp_path / "two.sqlite"
    with FactCheckStore(path) as store:
        store.add(
            _records(
                [
                    _review("https://example.org/c/love", opinion, "Opinion"),
                    _review("https://example.org/c/budget", fact, "True"),
                ]
            )
        )
    analysis = analyze(
        read_text(f"{opinion}. {fact}.\n", source="t"), nlp=load(factchecks=str(path))
    )
    by_text = {c.text.rstrip("."): c for c in analysis.claims}
    bar = checkworthiness.threshold()
    assert by_text[opinion].checkworthiness < bar <= by_text[fact].checkworthiness
    assert (
        by_text[opinion].factchecks == []
    )  # its exact twin is stored, but it is not a claim to check
    assert by_text[fact].factchecks[0].url == "https://example.org/c/budget"


def test_analysis_without_a_store_has_no_matches(example_analysis) -> None:  # type: ignore[no-untyped-def]
    assert all(c.factchecks == [] for c in example_analysis.claims)


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_import_reports_bad_records_and_loads_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "reviews.jsonl"
    source.write_text(
        "\n".join([json.dumps(REVIEW), "{not json", json.dumps(_review(*OTHER_REVIEWS[3]))]),
        encoding="utf-8",
    )
    store = tmp_path / "s.sqlite"
    result = CliRunner().invoke(app, ["factchecks", "import", str(source), "--store", str(store)])
    assert result.exit_code == 3, result.output
    assert "reviews.jsonl line 2" in result.output and "2 added" in result.output
    again = CliRunner().invoke(app, ["factchecks", "import", str(source), "--store", str(store)])
    assert "0 added, 2 already stored" in again.output

    search = CliRunner().invoke(
        app,
        [
            "factchecks",
            "search",
            "Honey bees were banned from every park in the city",
            "--store",
            str(store),
            "--json",
        ],
    )
    assert search.exit_code == 0, search.output
    hits = json.loads(search.stdout)
    assert hits[0]["rating"] == "Unproven" and hits[0]["url"] == "https://example.org/checks/bees"

    info = json.loads(CliRunner().invoke(app, ["factchecks", "info", "--store", str(store)]).stdout)
    assert info["factchecks"] == 2
    assert info["vectors"] == {info["embedding_model"]: 2}  # imported with the tuned model

    # Vectors of a model no longer used (as after an upgrade) are listed, and pruned on request.
    with FactCheckStore(store) as opened:
        opened.embed(_FakeEmbedder().encode, "old-model")
    info = json.loads(CliRunner().invoke(app, ["factchecks", "info", "--store", str(store)]).stdout)
    assert info["vectors"] == {info["embedding_model"]: 2, "old-model": 2}
    pruned = json.loads(
        CliRunner().invoke(app, ["factchecks", "info", "--store", str(store), "--prune"]).stdout
    )
    assert pruned["pruned_vectors"] == 2 and pruned["vectors"] == {info["embedding_model"]: 2}
    hits = CliRunner().invoke(
        app,
        [
            "factchecks",
            "search",
            "Honey bees were banned from every park",
            "--store",
            str(store),
            "--json",
        ],
    )
    assert json.loads(hits.stdout)[0]["url"] == "https://example.org/checks/bees"


def test_cli_analyze_with_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The minister said the bridge would open in May.", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["analyze", str(article), "--factchecks", str(tmp_path / "none.sqlite")]
    )
    assert result.exit_code == 1 and "no fact-check store" in result.output


# --- evaluation on CheckThat ---------------------------------------------------------------------


def test_eval_factcheck_matching_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report_figure
) -> None:  # type: ignore[no-untyped-def]
    data = shared("data/checkthat2020-claim-retrieval")
    from claimscope.evaluation.factchecks import evaluate, format_report

    result = evaluate(data, limit=40, store_path=tmp_path / "checkthat.sqlite")
    text = format_report(result)
    for name in (
        "BM25",
        "embeddings, untuned",
        "embeddings, tuned",
        "RRF (k=60)",
        "claimscope fusion",
        "official protocol",
    ):
        assert name in text
    fusion = result.systems["claimscope fusion"]
    assert all(0.0 <= v <= 1.0 for v in (fusion.map1, fusion.map5, fusion.recall5))
    # On this slice the fused ranking must beat words alone, as it does on the whole split.
    assert fusion.map5 > result.systems["BM25"].map5
    assert re.search(r"a match shown and right \d+", text)
    report_figure(
        f"fact-check matching, 40 CheckThat dev tweets (slice): fusion MAP@5 {fusion.map5:.3f}, BM25 {result.systems['BM25'].map5:.3f}"
    )


class _FakeEmbedder:
    """Random unit vectors: enough to exercise the index without the model."""

    model_id = "fake-model"

    def encode(self, texts: list[str]) -> np.ndarray:
        rng = np.random.default_rng(len(texts))
        v = rng.normal(size=(len(texts), 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_long_first_embedding_is_announced_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    reviews = [
        _review(f"https://example.org/c/{i}", f"Claim number {i} is true", "False")
        for i in range(1000)
    ]
    with FactCheckStore(tmp_path / "big.sqlite") as store:
        store.add(_records(reviews))
        with caplog.at_level("WARNING", logger="claimscope.knowledge.factchecks.match"):
            index = FactCheckIndex.open(store, embedder=_FakeEmbedder())
            assert len(index) == 1000
            assert "embedding 1000 fact-checks" in caplog.text
            caplog.clear()
            FactCheckIndex.open(store, embedder=_FakeEmbedder())  # stored now: nothing to say
            assert "embedding" not in caplog.text


def test_packaged_stop_words_are_scikit_learns() -> None:
    """Matching keeps the stop list it was trained with, without scikit-learn in the core."""
    from claimscope.knowledge.factchecks.match import stopwords

    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    assert stopwords() == frozenset(sklearn_text.ENGLISH_STOP_WORDS)
