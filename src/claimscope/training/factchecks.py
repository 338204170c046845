"""Training fact-check matching on CheckThat! 2020 Task 2 *train* (the dev split is for the
evaluation only): the encoder tuning, then the fusion on top of it.

1. **Encoder tuning** (:mod:`claimscope.training.encoder`): BitFit on each train tweet paired
   with the claim text and the headline of its review, with the nearest wrong review (by the
   untuned model) as a hard negative.
2. **Fusion**: a logistic regression (scikit-learn, ``C`` = 10) over the six features of
   :mod:`claimscope.knowledge.factchecks.match`. Its cosine features must look as they will on
   claims the tuning never saw, so they are *cross-fitted*: the train tweets are cut into
   :data:`FOLDS` folds, and each fold's features come from a tuning learnt on the other folds.
   The shipped tuning is then learnt on all train tweets.

Every train tweet is asked twice against the store of verified claims: once as it is (its review
is among the candidates: one positive, the rest negatives) and once with its review removed (all
candidates negative, the closest ones often about the same subject). The second pass is what makes
the probability mean something for a news claim that no one has checked: without it, the best
candidate of every query would look like a match.

The display threshold is the lowest probability at which, over both passes of the cross-fitted
features, the first result is right at least :data:`TARGET_PRECISION` of the times it is shown: a
match a reader sees should be right nine times in ten.

The whole run takes about 35 minutes on two CPU cores (six tunings of about four minutes, and the
10,375 reviews embedded six times); it needs the ``train`` extra.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claimscope import embeddings
from claimscope.knowledge.factchecks.checkthat import (
    raw_claims,
    read_split,
    slice_claims,
    store_for,
)
from claimscope.knowledge.factchecks.match import (
    FEATURES,
    FactCheckIndex,
    Fusion,
    Scored,
    prepare,
)
from claimscope.training import encoder

C = 10.0
TARGET_PRECISION = 0.9
FOLDS = 5
SOURCE = (
    "CheckThat! 2020 Task 2 English, train split (Barrón-Cedeño et al. 2020): tweets, "
    "verified_claims.docs.tsv (Snopes reviews) and tweet-vclaim-pairs.qrels"
)
Progress = Callable[[str], None]


@dataclass
class Trained:
    fusion: Fusion
    tuning: embeddings.Tuning


def hidden_rows(index: FactCheckIndex, golds: Sequence[set[str]]) -> list[list[int]]:
    """Per query, the rows of its gold reviews (what "review removed" hides)."""
    ids = [set(r.source_ids) for r in index.records]
    return [[j for j, i in enumerate(ids) if i & gold] for gold in golds]


def both_passes(
    index: FactCheckIndex, texts: Sequence[str], golds: Sequence[set[str]]
) -> list[tuple[Scored, np.ndarray]]:
    """Each query scored as it is and with its review removed, with the candidates' labels."""
    ids = [set(r.source_ids) for r in index.records]
    out: list[tuple[Scored, np.ndarray]] = []
    for exclude in (None, hidden_rows(index, golds)):
        for s, gold in zip(index.score(texts, exclude=exclude), golds, strict=True):
            out.append((s, np.array([bool(ids[int(j)] & gold) for j in s.rows], dtype=bool)))
    return out


def training_pairs(
    index: FactCheckIndex, texts: Sequence[str], golds: Sequence[set[str]]
) -> list[tuple[list[tuple[str, str]], list[str | None]]]:
    """Per query: (query, claim) and (query, headline) pairs for each gold review, and as hard
    negative the claim of the wrong review nearest by ``index``'s embeddings."""
    rows = hidden_rows(index, golds)
    out: list[tuple[list[tuple[str, str]], list[str | None]]] = []
    for text, s, gold_rows in zip(texts, index.score(texts), rows, strict=True):
        wrong = [int(j) for j in s.rows if int(j) not in gold_rows]
        negative = (
            index.records[max(wrong, key=lambda j: float(s.cosine[j]))].claim if wrong else None
        )
        query = prepare(text)
        pairs: list[tuple[str, str]] = []
        for j in gold_rows:
            record = index.records[j]
            pairs.append((query, record.claim))
            if record.title:
                pairs.append((query, record.title))
        out.append((pairs, [negative] * len(pairs)))
    return out


def tuned_index(base: FactCheckIndex, tuning: embeddings.Tuning) -> FactCheckIndex:
    """``base``'s records and BM25 with vectors from the tuned model (kept in memory only: the
    fold tunings are thrown away)."""
    embedder = embeddings.Embedder(tuning=tuning)
    claims = embedder.encode([r.claim for r in base.records])
    titles = embedder.encode([r.title or r.claim for r in base.records])
    return FactCheckIndex(
        base.records, claims, titles, base.bm25, encode=embedder.encode, fusion=base.fusion
    )


def choose_threshold(
    probabilities: list[float], right: list[bool], target: float = TARGET_PRECISION
) -> float:
    """The lowest threshold whose shown first results are right at least ``target`` of the time."""
    pairs = sorted(zip(probabilities, right, strict=True), key=lambda p: -p[0])
    best = 1.0
    hits = 0
    for n, (p, ok) in enumerate(pairs, 1):
        hits += ok
        if hits / n >= target:
            best = p
    return round(best, 4)


def fit_fusion(scored: Sequence[tuple[Scored, np.ndarray]], provenance: dict[str, Any]) -> Fusion:
    """The logistic regression over every candidate, and the display threshold."""
    from sklearn.linear_model import LogisticRegression

    kept = [(s, y) for s, y in scored if len(s.rows)]
    x = np.vstack([s.features for s, _ in kept])
    y = np.concatenate([y for _, y in kept])
    model = LogisticRegression(C=C, max_iter=5000).fit(x, y)
    fusion = Fusion(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]), 0.5, {})
    tops: list[float] = []
    right: list[bool] = []
    for s, labels in kept:
        prob = fusion.probability(s.features)
        top = int(np.argmax(prob))
        tops.append(float(prob[top]))
        right.append(bool(labels[top]))
    provenance = {
        **provenance,
        "candidates": len(y),
        "positives": int(y.sum()),
        "model": f"sklearn LogisticRegression(C={C}) over {', '.join(FEATURES)}",
        "threshold": f"lowest fused probability whose shown first results are right >= {TARGET_PRECISION:.0%} on train (answerable and review-removed queries, cross-fitted features)",
    }
    return Fusion(fusion.weights, fusion.bias, choose_threshold(tops, right), provenance)


def train(
    data_dir: Path,
    *,
    folds: int = FOLDS,
    limit: int | None = None,
    epochs: int = encoder.EPOCHS,
    store_path: Path | None = None,
    progress: Progress | None = None,
) -> Trained:
    """The tuning and the fusion from CheckThat train. ``limit``: the first N tweets only,
    against their gold reviews and 1,000 others (as ``eval --limit`` does), for a quick check of
    the whole path, not for weights to ship."""
    from claimscope.extras import need

    need("sklearn", "training fact-check matching")
    say = progress or (lambda _message: None)
    split = read_split(data_dir, "train")
    queries = split.queries[:limit] if limit else split.queries
    texts = [t for _, t in queries]
    golds = [split.gold[q] for q, _ in queries]
    part = slice_claims(raw_claims(data_dir), set().union(*golds)) if limit else None
    with store_for(data_dir, store_path, part) as store:
        say("embedding the reviews with the untuned model (once; kept in the cache)")
        base = FactCheckIndex.open(store, embedder=embeddings.load())
    pairs = training_pairs(base, texts, golds)

    def tune(rows: Sequence[int], seed: int, label: str) -> embeddings.Tuning:
        flat = [p for i in rows for p in pairs[i][0]]
        negatives = [n for i in rows for n in pairs[i][1]]

        def step(done: int, total: int) -> None:
            if done % 10 == 0 or done == total:
                say(f"{label}: tuning step {done}/{total}")

        return encoder.tune(flat, negatives, epochs=epochs, seed=seed, progress=step)

    scored: list[tuple[Scored, np.ndarray]] = []
    for fold in range(folds):
        held = [i for i in range(len(texts)) if i % folds == fold]
        rest = [i for i in range(len(texts)) if i % folds != fold]
        tuning = tune(rest, fold, f"fold {fold + 1}/{folds}")
        say(f"fold {fold + 1}/{folds}: embedding the reviews and scoring {len(held)} tweets")
        index = tuned_index(base, tuning)
        scored += both_passes(index, [texts[i] for i in held], [golds[i] for i in held])
    final = tune(range(len(texts)), 0, "all train tweets")
    fusion = fit_fusion(
        scored,
        {
            "trained_on": SOURCE,
            "queries": len(texts),
            "folds": folds,
            "command": "claimscope train factcheck-matching --checkthat DIR",
            "embedding_model": f"{embeddings.DEFAULT_MODEL_ID}+{final.id}",
            "tuning": f"BitFit ({epochs} epochs, learning rate {encoder.LEARNING_RATE}, "
            f"batch {encoder.BATCH}) on {sum(len(p[0]) for p in pairs)} pairs",
        },
    )
    return Trained(fusion, final)


def save(fusion: Fusion, path: Path) -> None:
    path.write_text(json.dumps(fusion.to_dict(), indent=1) + "\n", encoding="utf-8")
