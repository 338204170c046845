"""Training the fact-check fusion on CheckThat! 2020 Task 2 *train* (the dev split is for the
evaluation only).

Every train tweet is asked twice against the store of verified claims: once as it is (its review
is among the candidates: one positive, the rest negatives) and once with its review removed (all
candidates negative, the closest ones often about the same subject). The second pass is what makes
the probability mean something for a news claim that no one has checked: without it, the best
candidate of every query would look like a match.

A logistic regression (scikit-learn, ``C`` = 10) is fitted on the six features of
:mod:`claimscope.knowledge.factchecks.match` over all candidates of both passes. The display
threshold is the lowest probability at which, over both passes, the first result is right at least
:data:`TARGET_PRECISION` of the times it is shown: a match a reader sees should be right nine times
in ten.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from claimscope.evaluation.checkthat import read_split, store_for
from claimscope.knowledge.factchecks.match import FEATURES, FactCheckIndex, Fusion

C = 10.0
TARGET_PRECISION = 0.9
SOURCE = (
    "CheckThat! 2020 Task 2 English, train split (Barrón-Cedeño et al. 2020): tweets, "
    "verified_claims.docs.tsv (Snopes reviews) and tweet-vclaim-pairs.qrels"
)


def training_data(
    index: FactCheckIndex, texts: list[str], golds: list[set[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every candidate, over both passes."""
    ids = [set(r.source_ids) for r in index.records]
    hidden = [[j for j, i in enumerate(ids) if i & gold] for gold in golds]
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for exclude in (None, hidden):
        for s, gold in zip(index.score(texts, exclude=exclude), golds, strict=True):
            if not len(s.rows):
                continue
            xs.append(s.features)
            ys.append(np.array([bool(ids[int(j)] & gold) for j in s.rows]))
    return np.vstack(xs), np.concatenate(ys)


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


def train(data_dir: Path, *, progress: Callable[[int, int], None] | None = None) -> Fusion:
    from sklearn.linear_model import LogisticRegression

    split = read_split(data_dir, "train")
    texts = [t for _, t in split.queries]
    golds = [split.gold[q] for q, _ in split.queries]
    with store_for(data_dir) as store:
        index = FactCheckIndex.open(store, progress=progress)
    x, y = training_data(index, texts, golds)
    model = LogisticRegression(C=C, max_iter=5000).fit(x, y)
    fusion = Fusion(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]), 0.5, {})

    # Threshold from each query's first result, both passes.
    ids = [set(r.source_ids) for r in index.records]
    hidden = [[j for j, i in enumerate(ids) if i & gold] for gold in golds]
    tops: list[float] = []
    right: list[bool] = []
    for exclude in (None, hidden):
        for s, gold in zip(index.score(texts, exclude=exclude), golds, strict=True):
            if not len(s.rows):
                continue
            prob = fusion.probability(s.features)
            top = int(np.argmax(prob))
            tops.append(float(prob[top]))
            right.append(bool(ids[int(s.rows[top])] & gold))
    provenance: dict[str, Any] = {
        "trained_on": SOURCE,
        "queries": len(texts),
        "candidates": len(y),
        "positives": int(y.sum()),
        "model": f"sklearn LogisticRegression(C={C}) over {', '.join(FEATURES)}",
        "threshold": f"lowest fused probability whose shown first results are right >= {TARGET_PRECISION:.0%} on train (answerable and review-removed queries)",
        "command": "claimscope train factcheck-matching --checkthat DIR",
        "embedding_model": "all-MiniLM-L6-v2-onnx-int8",
    }
    return Fusion(fusion.weights, fusion.bias, choose_threshold(tops, right), provenance)


def save(fusion: Fusion, path: Path) -> None:
    path.write_text(json.dumps(fusion.to_dict(), indent=1) + "\n", encoding="utf-8")
