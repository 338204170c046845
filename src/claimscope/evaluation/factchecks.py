"""Fact-check matching on CheckThat! 2020 Task 2: BM25, embeddings, RRF and the shipped fusion.

Each dev tweet is a query against the 10,375 verified claims (see
:mod:`claimscope.knowledge.factchecks.checkthat` for the data and how duplicate reviews are merged).

Measures (CheckThat's): **MAP@k**: average precision over the top k, counting the gold claims
found at their ranks and dividing by the number of gold claims (one for nearly every tweet, so
MAP@1 is the share of tweets whose first result is right); **recall@5**: the share of gold claims
in the top five.

Systems, all on the same store and the same prepared query text (links dropped, hashtags split):

- **BM25**: bm25s (Lucene variant, k1 1.5, b 0.75) over claim + headline, Porter-stemmed words
  without stop words;
- **embeddings, untuned**: cosine of all-MiniLM-L6-v2 vectors (int8 ONNX) of the tweet and the
  claim text, the model as published;
- **embeddings, tuned**: the same with the shipped tuning (:mod:`claimscope.training.encoder`,
  learnt on the *train* split), the vectors the fusion uses;
- **RRF**: reciprocal-rank fusion of BM25 and the tuned embeddings (k = 60, top 100 of each);
- **claimscope fusion**: the shipped logistic fusion of six features
  (:mod:`claimscope.knowledge.factchecks.match`), trained on the *train* split.

Two more figures, from the same run:

- **official protocol**: the fusion over every verified-claim row kept separate, as CheckThat
  scores it (a review and its quote-mark twin then compete for the first place);
- **threshold**: how the shipped display threshold behaves. For each answerable tweet, is a match
  shown and is it right? And with the tweet's true review removed from the index, is anything
  shown at all (a false alarm a reader would see)?

``--limit N`` takes the first N dev tweets against their gold claims plus the first 1,000 others:
a quick slice for CI, not a figure to report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from claimscope import embeddings
from claimscope.knowledge.factchecks.checkthat import (
    Split,
    raw_claims,
    read_split,
    slice_claims,
    store_for,
)
from claimscope.knowledge.factchecks.match import (
    FactCheckIndex,
    Fusion,
    Scored,
    _build_bm25,
    prepare,
    rrf,
)
from claimscope.knowledge.factchecks.readers import FactCheck
from claimscope.knowledge.factchecks.store import FactCheckStore


@dataclass
class Scores:
    map1: float
    map5: float
    recall5: float


@dataclass
class ThresholdReport:
    threshold: float
    answerable: int
    shown_right: int
    shown_wrong: int
    unanswerable_shown: int


@dataclass
class Result:
    split: str
    queries: int
    stored: int
    rows: int  # verified-claim rows before merging
    systems: dict[str, Scores] = field(default_factory=dict)
    official: Scores | None = None
    threshold: ThresholdReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    sliced: bool = False


def average_precision(ranked: Sequence[set[str]], gold: set[str], k: int) -> float:
    """CheckThat's AP@k. ``ranked`` holds, per result, the ids that result stands for."""
    found: set[str] = set()
    total = 0.0
    for rank, ids in enumerate(ranked[:k], 1):
        new = (ids & gold) - found
        if new:
            found |= new
            total += len(found) / rank
    return total / len(gold) if gold else 0.0


def scores(rankings: Sequence[Sequence[set[str]]], golds: Sequence[set[str]]) -> Scores:
    n = max(len(golds), 1)
    return Scores(
        map1=sum(average_precision(r, g, 1) for r, g in zip(rankings, golds, strict=True)) / n,
        map5=sum(average_precision(r, g, 5) for r, g in zip(rankings, golds, strict=True)) / n,
        recall5=sum(
            len(set().union(*r[:5]) & g) / len(g) if g else 0.0
            for r, g in zip(rankings, golds, strict=True)
        )
        / n,
    )


def _ids(records: Sequence[FactCheck]) -> list[set[str]]:
    return [set(r.source_ids) for r in records]


def _system_rankings(scored: Sequence[Scored], fusion: Fusion) -> dict[str, list[list[int]]]:
    """The top five rows of each system, per query, from one scoring pass."""
    out: dict[str, list[list[int]]] = {
        "BM25": [],
        "embeddings, tuned": [],
        "RRF (k=60)": [],
        "claimscope fusion": [],
    }
    for s in scored:
        bm = np.argsort(-s.bm25, kind="stable")[:100]
        cos = np.argsort(-s.cosine, kind="stable")[:100]
        out["BM25"].append([int(j) for j in bm[s.bm25[bm] > 0][:5]])
        out["embeddings, tuned"].append([int(j) for j in cos[:5]])
        fused = rrf([bm[s.bm25[bm] > 0], cos])
        out["RRF (k=60)"].append(sorted(fused, key=lambda j: -fused[j])[:5])
        prob = fusion.probability(s.features) if len(s.rows) else np.zeros(0)
        out["claimscope fusion"].append(
            [int(s.rows[o]) for o in np.argsort(-prob, kind="stable")[:5]]
        )
    return out


def evaluate(
    data_dir: Path,
    *,
    split: str = "dev",
    limit: int | None = None,
    store_path: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    data = read_split(data_dir, split)
    if limit:
        data = Split(data.name, data.queries[:limit], data.gold)
    golds = [data.gold[q] for q, _ in data.queries]
    texts = [t for _, t in data.queries]
    started = time.perf_counter()
    raw = raw_claims(data_dir)
    if limit:
        raw = slice_claims(raw, set().union(*golds))
    store = store_for(data_dir, store_path, raw if limit else None)
    index = FactCheckIndex.open(store, progress=progress)
    opened = time.perf_counter()
    result = Result(split, len(texts), len(index), len(raw), sliced=bool(limit))
    result.seconds["index"] = opened - started

    ids = _ids(index.records)
    scored = index.score(texts)
    systems = _system_rankings(scored, index.fusion)
    result.seconds["match"] = time.perf_counter() - opened
    untuned = _untuned(store, texts, index.records, progress)
    for name, ranking in {"BM25": systems.pop("BM25"), **untuned, **systems}.items():
        result.systems[name] = scores([[ids[j] for j in r] for r in ranking], golds)

    result.official = _official(index, raw, texts, golds)
    result.threshold = _threshold(index, scored, texts, golds, ids)
    store.close()
    return result


def _untuned(
    store: FactCheckStore,
    texts: list[str],
    records: list[FactCheck],
    progress: Callable[[int, int], None] | None,
) -> dict[str, list[list[int]]]:
    """The baseline the tuning is measured against: the published model's top five by cosine."""
    embedder = embeddings.load()
    store.embed(embedder.encode, embedder.model_id, progress=progress)
    stored_ids, claims, _ = store.vectors(embedder.model_id)
    row = {record.id: j for j, record in enumerate(records)}
    rows = np.array([row[i] for i in stored_ids])
    similarity = embedder.encode([prepare(t) for t in texts]) @ claims.T
    return {
        "embeddings, untuned": [
            [int(rows[j]) for j in np.argsort(-sim, kind="stable")[:5]] for sim in similarity
        ]
    }


def _official(
    index: FactCheckIndex, raw: list[FactCheck], texts: list[str], golds: list[set[str]]
) -> Scores:
    """The fusion with every row its own record: vectors of the merged record when the row's text
    is the stored text, fresh ones for the twins whose quote marks differ."""
    row_of = {i: j for j, r in enumerate(index.records) for i in r.source_ids}
    claims = np.zeros((len(raw), index.claim_vectors.shape[1]), np.float32)
    titles = np.zeros_like(claims)
    fresh: list[int] = []
    for n, record in enumerate(raw):
        j = row_of[record.source_ids[0]]
        stored = index.records[j]
        if stored.claim == record.claim and stored.title == record.title:
            claims[n], titles[n] = index.claim_vectors[j], index.title_vectors[j]
        else:
            fresh.append(n)
    if fresh:
        claims[fresh] = index.encode([raw[n].claim for n in fresh])
        titles[fresh] = index.encode([raw[n].title or raw[n].claim for n in fresh])
    separate = [
        FactCheck(
            id=f"row-{r.source_ids[0]}", claim=r.claim, title=r.title, source_ids=r.source_ids
        )
        for r in raw
    ]
    official = FactCheckIndex(
        separate, claims, titles, _build_bm25(separate), encode=index.encode, fusion=index.fusion
    )
    ids = _ids(separate)
    rankings = []
    for s in official.score(texts):
        prob = official.fusion.probability(s.features) if len(s.rows) else np.zeros(0)
        rankings.append([ids[int(s.rows[o])] for o in np.argsort(-prob, kind="stable")[:5]])
    return scores(rankings, golds)


def _threshold(
    index: FactCheckIndex,
    scored: Sequence[Scored],
    texts: list[str],
    golds: list[set[str]],
    ids: list[set[str]],
) -> ThresholdReport:
    fusion = index.fusion
    report = ThresholdReport(fusion.threshold, len(texts), 0, 0, 0)
    for s, gold in zip(scored, golds, strict=True):
        if not len(s.rows):
            continue
        prob = fusion.probability(s.features)
        top = int(np.argmax(prob))
        if prob[top] >= fusion.threshold:
            if ids[int(s.rows[top])] & gold:
                report.shown_right += 1
            else:
                report.shown_wrong += 1
    hidden = [[j for j, i in enumerate(ids) if i & gold] for gold in golds]
    for s in index.score(texts, exclude=hidden):
        if len(s.rows) and float(fusion.probability(s.features).max()) >= fusion.threshold:
            report.unanswerable_shown += 1
    return report


def format_report(result: Result) -> str:
    lines = [
        f"Fact-check matching on CheckThat! 2020 {result.split}: {result.queries} tweets against "
        f"{result.stored:,} stored reviews ({result.rows:,} verified-claim rows; twins that differ "
        "only in quote marks or case are merged)",
    ]
    if result.sliced:
        lines.append("(a --limit slice: gold claims plus 1,000 others; not a figure to report)")
    lines += ["", f"{'system':<22}{'MAP@1':>8}{'MAP@5':>8}{'R@5':>8}"]
    for name, s in result.systems.items():
        lines.append(f"{name:<22}{s.map1:>8.3f}{s.map5:>8.3f}{s.recall5:>8.3f}")
    if result.official:
        s = result.official
        lines.append(
            f"{'fusion, rows separate':<22}{s.map1:>8.3f}{s.map5:>8.3f}{s.recall5:>8.3f}   (CheckThat's official protocol)"
        )
    t = result.threshold
    if t:
        n = max(t.answerable, 1)
        lines += [
            "",
            f"Display threshold {t.threshold:.2f} (fused probability):",
            f"  answerable tweets: a match shown and right {t.shown_right} ({t.shown_right / n:.0%}), "
            f"shown and wrong {t.shown_wrong} ({t.shown_wrong / n:.0%}), nothing shown "
            f"{t.answerable - t.shown_right - t.shown_wrong}",
            f"  the same tweets with their review removed: something shown {t.unanswerable_shown} "
            f"({t.unanswerable_shown / n:.0%}), a false alarm",
        ]
    lines.append("")
    lines.append(
        f"Time: index {result.seconds.get('index', 0):.1f} s (embedding runs once per store), "
        f"matching {result.seconds.get('match', 0):.1f} s"
    )
    return "\n".join(lines)
