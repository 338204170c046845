"""Matching claims to stored fact-checks: BM25 and MiniLM embeddings, fused by a small model.

Words and meanings fail differently. BM25 finds the review that shares the rare words of a claim
(names, numbers, a quoted phrase) even when the sentence is built differently; the embeddings find
a review that says the same in other words. The embeddings come from MiniLM with a small tuning for
this task (:data:`TUNING_FILE`, see :mod:`claimscope.training.encoder`): it learnt from CheckThat!
2020 train pairs that a post and the headline of the review that checks it belong together. Each
candidate from either list gets six features:

* cosine of the claim with the review's claim text, and with its headline;
* that cosine minus the best cosine any review gets for this claim (how far from the top it is);
* BM25 divided by the best BM25 for this claim, and log(1 + BM25) (how much text is shared at all);
* the share of the claim's content words the review contains;

and a logistic regression turns them into a probability that the review checks this claim
(:data:`FUSION_FILE`, trained by ``claimscope train factcheck-matching`` on CheckThat! 2020 train,
with each query also asked once with its true review removed, so that "no review matches" is part
of what the model learned). Matches below the shipped threshold are not shown. Plain reciprocal-rank
fusion is kept as :func:`rrf` for the evaluation to compare against.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from claimscope import embeddings
from claimscope.errors import ClaimscopeError
from claimscope.knowledge.factchecks.readers import FactCheck
from claimscope.knowledge.factchecks.store import FactCheckStore

log = logging.getLogger(__name__)
FUSION_FILE = "fusion.json"
TUNING_FILE = "encoder-tuning.npz"
CANDIDATES = 50  # from each list; the union is scored
FEATURES = ("cos_claim", "cos_title", "cos_gap", "bm25_rel", "bm25_log", "overlap")
_WORD = re.compile(r"\w\w+")
_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """scikit-learn's English stop words, packaged (``stopwords.txt``): the list the matcher was
    trained and measured with, without scikit-learn in the core install."""

    text = resources.files("claimscope.knowledge.factchecks").joinpath("stopwords.txt").read_text()
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


_QUOTE_MARKS = '"“”„«»'


def prepare(text: str) -> str:
    """Claims come from articles and posts: drop links, split hashtags ("#ImpeachTrump" -> "Impeach
    Trump") so both halves of the index see the words, and drop the quotation marks around a
    quoted claim: the encoder reads a sentence in quotation marks as something else (on
    CheckThat! 2024, check-worthiness from these vectors fell from F1 0.82 to 0.76 when half the
    sentences kept the marks of their CSV quoting)."""
    text = _URL.sub(" ", text)
    text = _HASHTAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)), text)
    return " ".join(text.split()).strip(_QUOTE_MARKS).strip()


def terms(text: str) -> list[str]:
    """Lower-cased, stop-worded, Porter-stemmed words: BM25's tokens and the overlap feature's."""
    stop = stopwords()
    words = [w for w in _WORD.findall(text.casefold()) if w not in stop]
    return list(_stemmer().stemWords(words))


@dataclass(frozen=True)
class Fusion:
    """The logistic-regression weights over :data:`FEATURES` and the display threshold."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    provenance: dict[str, Any]

    def probability(self, features: np.ndarray) -> np.ndarray:
        z = features @ np.asarray(self.weights, dtype=np.float64) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fusion:
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError(
                f"fusion weights are for features {data.get('features')}, not {FEATURES}"
            )
        return cls(
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
            data.get("provenance", {}),
        )


@lru_cache(maxsize=1)
def packaged_fusion() -> Fusion:
    from claimscope import integrity

    text = integrity.packaged(f"knowledge/factchecks/{FUSION_FILE}").read_text("utf-8")
    return Fusion.from_dict(json.loads(text))


@lru_cache(maxsize=1)
def packaged_tuning() -> embeddings.Tuning:
    from claimscope import integrity

    data = integrity.packaged(f"knowledge/factchecks/{TUNING_FILE}").read_bytes()
    return embeddings.Tuning.load(data)


def matching_embedder() -> embeddings.Embedder:
    """MiniLM with the packaged tuning: what the fusion was trained on and stores are embedded
    with. A model file of one's own (``$CLAIMSCOPE_EMBEDDING_MODEL``) runs untuned, with a
    warning, since the tuning was learnt on the packaged file's weights."""
    try:
        return embeddings.load(packaged_tuning())
    except ClaimscopeError as e:
        import warnings

        warnings.warn(f"fact-check matching runs on the untuned model: {e}", stacklevel=2)
        return embeddings.load()


@dataclass(frozen=True)
class Match:
    """A stored fact-check ranked for a claim. ``score`` is the fused probability (0..1)."""

    factcheck: FactCheck
    score: float
    cosine: float
    bm25: float

    def to_dict(self) -> dict[str, Any]:
        f = self.factcheck
        return {
            "id": f.id,
            "claim": f.claim,
            "reviewer": f.reviewer,
            "rating": f.rating,
            "url": f.url,
            "date": f.date,
            "title": f.title,
            "score": round(self.score, 4),
        }


@dataclass
class Scored:
    """The candidates for one query, their features, and the query's two rankings."""

    rows: np.ndarray  # candidate row numbers in the index
    features: np.ndarray  # len(rows) x len(FEATURES)
    cosine: np.ndarray  # full cosine row (claim text)
    bm25: np.ndarray  # full BM25 row


class FactCheckIndex:
    """The store's records, vectors and BM25 index in memory, ready to match claims against."""

    def __init__(
        self,
        records: Sequence[FactCheck],
        claim_vectors: np.ndarray,
        title_vectors: np.ndarray,
        bm25: Any,
        *,
        encode: Callable[[list[str]], np.ndarray],
        fusion: Fusion | None = None,
        encoder: str | None = None,
    ) -> None:
        self.records = list(records)
        self.encoder = encoder  # the model id of ``encode``: who may pass vectors of their own
        self.claim_vectors = claim_vectors
        self.title_vectors = title_vectors
        self.bm25 = bm25
        self.encode = encode
        self.fusion = fusion or packaged_fusion()
        self._doc_terms = [frozenset(terms(_doc_text(r))) for r in self.records]

    def __len__(self) -> int:
        return len(self.records)

    @classmethod
    def open(
        cls,
        store: FactCheckStore,
        *,
        embedder: Any | None = None,
        fusion: Fusion | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> FactCheckIndex:
        """Embed what the store lacks (incremental), load vectors and the saved BM25 index
        (rebuilt and saved again when the store has changed since)."""
        if embedder is None:
            embedder = matching_embedder()
        if progress is None:
            missing = len(store.missing_vectors(embedder.model_id))
            if missing >= 1000:  # a pause worth explaining (about 8 ms a review)
                log.warning(
                    "embedding %d fact-checks of %s for %s (once per store and model)",
                    missing,
                    store.path,
                    embedder.model_id,
                )
        store.embed(embedder.encode, embedder.model_id, progress=progress)
        ids, claims, titles = store.vectors(embedder.model_id)
        by_id = {r.id: r for r in store.records()}
        records = [by_id[i] for i in ids]
        bm25 = _load_bm25(store, records)
        return cls(
            records,
            claims,
            titles,
            bm25,
            encode=embedder.encode,
            fusion=fusion,
            encoder=embedder.model_id,
        )

    # --- scoring

    def bm25_scores(self, query: str) -> np.ndarray:
        tokens = terms(query)
        if not tokens or not len(self.records):
            return np.zeros(len(self.records), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)

    def score(
        self,
        queries: Sequence[str],
        *,
        exclude: Sequence[Sequence[int]] | None = None,
        vectors: np.ndarray | None = None,
    ) -> list[Scored]:
        """Candidates and features for each query. ``exclude[i]`` hides rows from query i, as if
        they were not stored (how training and the evaluation ask "what if no review matched").
        ``vectors``: the queries' vectors, already made by this index's encoder from the prepared
        queries (:attr:`encoder`), so that they are not encoded twice."""
        prepared = [prepare(q) for q in queries]
        if vectors is not None and len(vectors) != len(prepared):
            raise ValueError(f"{len(vectors)} vectors for {len(prepared)} queries")
        vectors = (
            vectors
            if vectors is not None
            else self.encode(prepared)
            if prepared
            else np.zeros(
                (0, self.claim_vectors.shape[1] if self.claim_vectors.size else 384), np.float32
            )
        )
        out: list[Scored] = []
        block = 256  # queries per matrix product: one BLAS call instead of 256 small ones
        cos_block = title_block = np.zeros((0, len(self.records)), np.float32)
        for i, text in enumerate(prepared):
            if i % block == 0:
                cos_block = vectors[i : i + block] @ self.claim_vectors.T
                title_block = vectors[i : i + block] @ self.title_vectors.T
            cos = cos_block[i % block]
            cos_title = title_block[i % block]
            bm = self.bm25_scores(text)
            hidden = list(exclude[i]) if exclude else []
            if hidden:
                cos, cos_title, bm = cos.copy(), cos_title.copy(), bm.copy()
                cos[hidden] = -1.0
                cos_title[hidden] = -1.0
                bm[hidden] = -1.0
            rows = _candidates(cos, bm, hidden)
            out.append(Scored(rows, self._features(text, rows, cos, cos_title, bm), cos, bm))
        return out

    def _features(
        self, text: str, rows: np.ndarray, cos: np.ndarray, cos_title: np.ndarray, bm: np.ndarray
    ) -> np.ndarray:
        if not len(rows):
            return np.zeros((0, len(FEATURES)))
        best_cos = float(cos.max())
        best_bm = max(float(bm.max()), 1e-9)
        query_terms = set(terms(text))
        feats = np.zeros((len(rows), len(FEATURES)))
        for k, j in enumerate(rows):
            shared = len(query_terms & self._doc_terms[j])
            b = max(float(bm[j]), 0.0)
            feats[k] = (
                cos[j],
                cos_title[j],
                cos[j] - best_cos,
                b / best_bm,
                math.log1p(b),
                shared / max(len(query_terms), 1),
            )
        return feats

    def match(
        self,
        queries: Sequence[str],
        *,
        k: int = 5,
        min_score: float | None = None,
        vectors: np.ndarray | None = None,
    ) -> list[list[Match]]:
        """The top ``k`` fact-checks for each query at or above ``min_score`` (default: the
        fusion's calibrated threshold; pass 0 to see every candidate). ``vectors`` as for
        :meth:`score`."""
        threshold = self.fusion.threshold if min_score is None else min_score
        results: list[list[Match]] = []
        for scored in self.score(queries, vectors=vectors):
            if not len(scored.rows):
                results.append([])
                continue
            prob = self.fusion.probability(scored.features)
            order = np.argsort(-prob, kind="stable")[:k]
            results.append(
                [
                    Match(
                        self.records[scored.rows[o]],
                        float(prob[o]),
                        float(scored.cosine[scored.rows[o]]),
                        float(scored.bm25[scored.rows[o]]),
                    )
                    for o in order
                    if prob[o] >= threshold
                ]
            )
        return results


def _doc_text(record: FactCheck) -> str:
    return f"{record.claim} {record.title or ''}"


def _candidates(cos: np.ndarray, bm: np.ndarray, hidden: list[int]) -> np.ndarray:
    n = len(cos)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    take = min(CANDIDATES, n)
    top_cos = np.argpartition(-cos, take - 1)[:take]
    top_bm = np.argpartition(-bm, take - 1)[:take]
    top_bm = top_bm[bm[top_bm] > 0]
    rows = np.union1d(top_cos, top_bm)
    if hidden:
        rows = np.setdiff1d(rows, np.asarray(hidden))
    return rows


def rrf(rankings: Sequence[np.ndarray], *, k: int = 60) -> dict[int, float]:
    """Reciprocal-rank fusion (Cormack et al. 2009): each list gives 1/(k + rank)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, 1):
            fused[int(row)] = fused.get(int(row), 0.0) + 1.0 / (k + rank)
    return fused


# --- the BM25 half, saved beside the store -------------------------------------------------------


def _bm25_dir(store: FactCheckStore) -> Path:
    return store.path.with_name(store.path.name + ".bm25")


def _build_bm25(records: Sequence[FactCheck]) -> Any:
    import bm25s

    index = bm25s.BM25()
    corpus = [terms(_doc_text(r)) or ["\x00"] for r in records]
    if corpus:
        index.index(corpus, show_progress=False)
    return index


def _load_bm25(store: FactCheckStore, records: Sequence[FactCheck]) -> Any:
    import bm25s

    folder = _bm25_dir(store)
    stamp = folder / "claimscope-revision.json"
    want = {"revision": store.revision, "records": len(records), "ids": _ids_digest(records)}
    if stamp.is_file():
        try:
            if json.loads(stamp.read_text()) == want:
                return bm25s.BM25.load(str(folder))
        except (OSError, ValueError, KeyError):
            pass  # a damaged or vanishing saved index is rebuilt below
    index = _build_bm25(records)
    if records:
        # Written beside, then renamed into place: processes opening the store at once (corpus
        # workers, Ray actors) never read a half-written index, and a loser of the race just
        # keeps its own copy in memory.
        partial = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
        try:
            shutil.rmtree(partial, ignore_errors=True)
            index.save(str(partial))
            (partial / stamp.name).write_text(json.dumps(want))
            shutil.rmtree(folder, ignore_errors=True)
            os.rename(partial, folder)
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)  # read-only, or another process won
    return index


def _ids_digest(records: Sequence[FactCheck]) -> str:
    import hashlib

    digest = hashlib.sha1()
    for r in records:
        digest.update(r.id.encode())
    return digest.hexdigest()
