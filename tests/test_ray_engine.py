"""The Ray engine gives the same analyses as the in-process path, on a local Ray instance.

One Ray run (50 FA-KES articles and one broken article, two actors) is shared by the tests of this
module: starting Ray and loading the pipeline in each actor is most of its cost.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from claimscope.corpus.engines.ray_engine import RayEngine
from claimscope.corpus.engines.rows import analyze_rows
from claimscope.corpus.keys import article_key
from claimscope.errors import ClaimscopeError
from claimscope.ingest.jsonl_csv import FieldMap, read_csv
from claimscope.model import Analysis, Article, Failure, Section
from tests.conftest import need, shared

# Ray Data sets its own deprecated options when it copies its context: its warnings, not ours.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")

ARTICLES = 50
FAKES_FIELDS = "text=article_content,title=article_title,id=unit_id"


def _ray() -> Any:
    """Ray, which CI installs (make test-extras): skipped without it on a user's machine only."""
    need("ray.data")
    return need("ray")


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[Any]:
    ray = _ray()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level="ERROR",
        ignore_reinit_error=True,
    )
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def fakes() -> list[tuple[str, Article]]:
    """The first 50 FA-KES articles, read as ``claimscope analyze --fields ...`` reads them."""
    path = shared("data/fa-kes/FA-KES-Dataset.csv")
    items: dict[str, Article] = {}
    for item in islice(read_csv(path, FieldMap.parse(FAKES_FIELDS)), ARTICLES):
        assert isinstance(item, Article), item
        items.setdefault(article_key(item), item)
    return list(items.items())


def _broken() -> Article:
    """An article that cannot be validated where it is analysed: its section runs past the text."""
    return Article.model_construct(
        id="broken-1",
        text="Too short.",
        sections=[Section(kind="body", start=0, end=500)],
        source="test#broken",
        language="en",
    )


def _over_long() -> Article:
    """Longer than the parser's limit, but readable: it reached spaCy and broke its batch."""
    return Article(id="long-1", text="word " * 200_010, source="test#long")


# One record of each bad kind, each failing alone with its own reason (issue 17); the one with a
# lone surrogate is analysed, the surrogate replaced.
BAD = [
    ("broken-key", _broken()),
    ("long-key", _over_long()),
    ("surrogate-key", Article(id="s", text="Officials said \ud800 it failed.", source="t#s")),
]
BAD_KEYS = {"broken-key", "long-key", "surrogate-key"}


@pytest.fixture(scope="module")
def ray_run(
    ray_instance: Any, fakes: list[tuple[str, Article]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[RayEngine, list[tuple[str, Analysis | Failure]]]:
    # Chunks of 40 rows: the input is streamed to Ray as two datasets, as a large corpus would be.
    engine = RayEngine(
        actors=2, batch_size=8, output_dir=tmp_path_factory.mktemp("ray-out"), chunk_size=40
    )
    items = [*fakes, *BAD]
    results = list(engine.run(iter(items)))
    assert ray_instance.is_initialized(), "the engine shut down a Ray instance it did not start"
    return engine, results


def test_ray_engine_gives_the_same_rows_as_the_local_path(
    ray_run: tuple[RayEngine, list[tuple[str, Analysis | Failure]]],
    fakes: list[tuple[str, Article]],
    nlp: Any,
    report_figure: Any,
) -> None:
    from claimscope.pipeline import analyze_many

    _, results = ray_run
    local = dict(
        zip((k for k, _ in fakes), analyze_many([a for _, a in fakes], nlp=nlp), strict=True)
    )
    got = {k: r for k, r in results if k not in BAD_KEYS}
    assert len(results) == len(fakes) + len(BAD), "each input comes back exactly once"
    assert got.keys() == local.keys()
    differing = [
        k
        for k in local
        if not isinstance(got[k], Analysis) or got[k].model_dump() != local[k].model_dump()
    ]
    assert not differing, f"{len(differing)} analyses differ, e.g. key {differing[:3]}"
    # Nothing of the analysis is run-specific (no timestamps): documents match as a whole.
    report_figure(f"Ray engine: {len(local)} FA-KES analyses identical to the in-process path")


def test_results_are_parquet_partitions_on_disk(
    ray_run: tuple[RayEngine, list[tuple[str, Analysis | Failure]]],
) -> None:
    import pyarrow.parquet as pq

    engine, results = ray_run
    assert engine.run_dir is not None
    run_dir = Path(engine.run_dir)
    chunks = sorted(p.name for p in run_dir.iterdir())
    assert chunks == ["chunk-00000", "chunk-00001"]  # 51 rows in chunks of 40
    files = sorted(run_dir.rglob("*.parquet"))
    table = pq.read_table(files[0])
    assert table.column_names == ["key", "kind", "json"]
    assert sum(pq.read_metadata(f).num_rows for f in files) == len(results)


def test_a_broken_article_is_a_failure_and_its_batch_goes_on(
    ray_run: tuple[RayEngine, list[tuple[str, Analysis | Failure]]],
) -> None:
    _, results = ray_run
    by_key = dict(results)
    failure = by_key["broken-key"]
    assert isinstance(failure, Failure)
    assert failure.stage == "analyze" and failure.source == "test#broken"
    assert "could not be read in the worker" in failure.reason
    # It shared its chunk and batch with real articles, and they were analysed.
    long = by_key["long-key"]
    assert isinstance(long, Failure) and long.source == "test#long"
    assert "over the limit of 1,000,000" in long.reason
    surrogate = by_key["surrogate-key"]
    assert isinstance(surrogate, Analysis) and "\ufffd" in surrogate.article.text
    assert sum(isinstance(r, Analysis) for r in by_key.values()) == len(by_key) - 2


def test_an_error_inside_the_pipeline_fails_only_its_article(
    monkeypatch: pytest.MonkeyPatch, nlp: Any, example_text: str
) -> None:
    """Should the pipeline raise outside analyze_many's guard, the batch is redone one by one."""
    import claimscope.pipeline as pipeline
    from claimscope.ingest.text import read_text

    real = pipeline.analyze_many

    def analyze_many(items: list[Article], **kwargs: Any) -> Iterator[Analysis | Failure]:
        if any(a.id == "boom" for a in items):
            raise RuntimeError("tokenizer exploded")
        return real(items, **kwargs)

    monkeypatch.setattr(pipeline, "analyze_many", analyze_many)
    good = read_text(example_text[:1500], id="good", source="example")
    bad = read_text("Officials said the talks failed.", id="boom", source="bad-source")
    rows = analyze_rows(["k1", "k2"], [good.model_dump_json(), bad.model_dump_json()], nlp)
    assert [(k, kind) for k, kind, _ in rows] == [("k1", "analysis"), ("k2", "failure")]
    failure = Failure.model_validate_json(rows[1][2])
    assert failure.source == "bad-source" and "tokenizer exploded" in failure.reason
    analysis = Analysis.model_validate_json(rows[0][2])
    assert analysis.model_dump() == next(iter(real([good], nlp=nlp))).model_dump()


def test_without_ray_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.data", None)
    with pytest.raises(ClaimscopeError, match=r"claimscope\[ray\]"):
        next(RayEngine().run([]))


def test_settings_are_checked_up_front() -> None:
    with pytest.raises(ClaimscopeError, match="--actors"):
        RayEngine(actors=0)
