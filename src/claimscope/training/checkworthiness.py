"""Training the check-worthiness scorer on ClaimBuster, and the split evaluation relies on.

Data
----
ClaimBuster (Arslan et al. 2020, CC BY 4.0): sentences of the US presidential debates 1960–2016,
each labelled ``Verdict`` 1 (check-worthy factual, CFS), 0 (unimportant factual) or -1
(non-factual). ``crowdsourced.csv`` (22,501 sentences) was labelled by trained crowd coders,
``groundtruth.csv`` (1,032 other sentences of the same debates) by experts. The positive class is
CFS; the other two are negative, since a fact-checker has no use for either.

Held-out design
---------------
Sentences of one debate share a speaker, topics and phrasing, so a random split of sentences would
measure memory of a debate, not the scorer. The split is by debate instead, fixed and without
randomness: the debates (``File_id``, both files) are sorted by date and every third one, starting
with the second (:data:`HELD_OUT_EVERY`, :data:`HELD_OUT_OFFSET`), is held out: 11 of 33 debates,
spread over all election years. Then

- **training** = crowd-sourced sentences of the other 22 debates, minus any sentence whose
  normalised text (lower case, punctuation dropped) equals a test sentence's or any expert
  sentence's ("Thank you." recurs in every debate and would otherwise be seen in training);
- **test, expert labels** = ``groundtruth.csv`` sentences of the held-out debates (the reported
  figures: experts' labels are the cleaner ones);
- **test, crowd labels** = ``crowdsourced.csv`` sentences of the held-out debates (larger,
  noisier; reported beside).

``groundtruth.csv`` is never trained on. A decision threshold other than 0.5 is chosen on the
training data only: grouped cross-validation over the training debates (fold = debate's index in
date order modulo :data:`FOLDS`), each sentence scored by the model that did not see its debate,
and the threshold that maximises F1 on those out-of-fold scores kept in the shipped file.

Hyper-parameters (``min_df`` 3, ``C`` 4, the hand features on, for the word model; ``C`` 0.1 over
standardised vectors and hand features for the encoder model) were chosen by the same out-of-fold
average precision on the training debates, not on the test debates.

Two models are written (:mod:`claimscope.analyzers.checkworthiness` says which runs when): the
word model (TF-IDF plus hand features), and the encoder model: a logistic regression over the
fact-check matching embedder's sentence vectors plus the hand features, blended with the word
model on the log-odds (:func:`blend`; the share chosen from :data:`BLEND_WEIGHTS` by out-of-fold
average precision, :func:`best_blend`). The training sentences are embedded once (about two
minutes for 15,000 sentences on two cores); the folds reuse the vectors.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimscope.analyzers import checkworthiness as cw
from claimscope.errors import InputError

if TYPE_CHECKING:
    import numpy as np

FILES = ("crowdsourced.csv", "groundtruth.csv")
COLUMNS = ("Sentence_id", "Text", "File_id", "Verdict")
HELD_OUT_EVERY = 3
HELD_OUT_OFFSET = 1
FOLDS = 5
MIN_DF = 3
C = 4.0
C_ENCODER = 0.1
SOURCE = (
    "ClaimBuster (Arslan, Hassan, Li, Tremayne 2020), crowdsourced.csv; CC BY 4.0; "
    "https://doi.org/10.5281/zenodo.3609356"
)
COMMAND = "claimscope train checkworthiness --claimbuster ../shared/data/claimbuster"


@dataclass(frozen=True)
class Row:
    """One labelled sentence."""

    sentence_id: str
    text: str
    debate: str  # File_id, e.g. "1988-09-25.txt"
    verdict: int  # 1 check-worthy factual, 0 unimportant factual, -1 non-factual

    @property
    def label(self) -> int:
        """1 for a check-worthy factual sentence, else 0."""
        return int(self.verdict == 1)


def read_rows(path: Path) -> list[Row]:
    """The sentences of one ClaimBuster CSV file."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path}: not a ClaimBuster file (no column {', '.join(missing)})")
            rows = []
            for n, r in enumerate(reader, start=2):
                try:
                    verdict = int(r["Verdict"])
                except (TypeError, ValueError):
                    raise InputError(
                        f"{path}:{n}: Verdict {r['Verdict']!r} is not -1, 0 or 1"
                    ) from None
                rows.append(Row(r["Sentence_id"], r["Text"] or "", r["File_id"], verdict))
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 ({e})") from None
    return rows


CHECKTHAT_COLUMNS = ("Sentence_id", "Text", "class_label")


def read_checkthat2024(path: Path) -> list[Row]:
    """CheckThat! 2024 task 1 English sentences (``Sentence_id<TAB>Text<TAB>class_label``, Yes or
    No) as rows: "Yes" is verdict 1, "No" verdict -1, the debate is the file's name."""
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected a CheckThat! 2024 TSV)")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter="\t")  # quoted where a sentence holds a comma
        missing = [c for c in CHECKTHAT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: not a CheckThat! 2024 file (no column {', '.join(missing)})")
        rows = []
        for n, r in enumerate(reader, start=2):
            label = (r["class_label"] or "").strip()
            if label not in ("Yes", "No"):
                raise InputError(f"{path}, line {n}: class_label {label!r} is neither Yes nor No")
            rows.append(
                Row(r["Sentence_id"], r["Text"] or "", path.name, 1 if label == "Yes" else -1)
            )
    return rows


def read_claimbuster(folder: Path) -> tuple[list[Row], list[Row]]:
    """(crowd-sourced, expert) sentences from a ClaimBuster folder; a clear error if it is not one."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder (expected ClaimBuster's {' and '.join(FILES)})")
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise InputError(f"{folder}: {' and '.join(missing)} not found (ClaimBuster's CSV files)")
    crowd, expert = (read_rows(folder / name) for name in FILES)
    return crowd, expert


def normalise(text: str) -> str:
    """The form under which two sentences count as the same (case and punctuation ignored)."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def held_out_debates(debates: Sequence[str]) -> list[str]:
    """Every third debate in date order, from the second: spread over all the election years."""
    ordered = sorted(set(debates))
    return [d for i, d in enumerate(ordered) if i % HELD_OUT_EVERY == HELD_OUT_OFFSET]


@dataclass
class Split:
    train: list[Row]
    test_expert: list[Row]
    test_crowd: list[Row]
    held_out: list[str]
    dropped_duplicates: int = 0  # training sentences removed because a test sentence equals them


def split(crowd: Sequence[Row], expert: Sequence[Row]) -> Split:
    """The held-out design of the module docstring."""
    held = held_out_debates([r.debate for r in [*crowd, *expert]])
    held_set = set(held)
    test_expert = [r for r in expert if r.debate in held_set]
    test_crowd = [r for r in crowd if r.debate in held_set]
    unseen = {normalise(r.text) for r in [*expert, *test_crowd]}
    unseen_ids = {r.sentence_id for r in expert}
    candidates = [r for r in crowd if r.debate not in held_set]
    train = [
        r for r in candidates if normalise(r.text) not in unseen and r.sentence_id not in unseen_ids
    ]
    return Split(train, test_expert, test_crowd, held, len(candidates) - len(train))


def thin(rows: Sequence[Row], n: int | None) -> list[Row]:
    """At most ``n`` rows, taken evenly through the list so that every debate stays represented."""
    if n is None or n >= len(rows):
        return list(rows)
    step = len(rows) / n
    return [rows[int(i * step)] for i in range(n)]


# --- fitting -----------------------------------------------------------------------------------


@contextmanager
def single_threaded() -> Iterator[None]:
    """Run BLAS on one thread while fitting.

    These models are small, and OpenBLAS's waiting threads slow scikit-learn's L-BFGS tenfold when
    another process holds a core (measured on a 2-core machine: the eval slice took 1.6 s on one
    thread, 16 s with the default threads).
    """
    import sklearn.linear_model  # noqa: F401  (loads the BLAS and OpenMP libraries to limit)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def _hand_matrix(texts: Sequence[str]) -> np.ndarray:
    import numpy as np

    return np.array([cw.hand_features(t) for t in texts], dtype=float).reshape(
        len(texts), len(cw.HAND_FEATURES)
    )


def fit(
    texts: Sequence[str], labels: Sequence[int], *, min_df: int = MIN_DF, c: float = C
) -> cw.Model:
    """Fit claimscope's scorer and export it as a :class:`~claimscope.analyzers.checkworthiness.Model`.

    scikit-learn's vectorizer runs claimscope's own tokenizer (``analyzer=word_ngrams``), so the
    exported vocabulary and idf score identically without scikit-learn.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    # A tiny slice (tests) would keep almost no term at min_df 3: lower it there.
    min_df = min(min_df, max(1, len(texts) // 50))
    vectorizer = TfidfVectorizer(analyzer=cw.word_ngrams, min_df=min_df, sublinear_tf=True)
    words = vectorizer.fit_transform(texts)
    x = sparse.hstack([words, _hand_matrix(texts)]).tocsr()
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0).fit(
        x, list(labels)
    )
    n_words = words.shape[1]
    coef = [float(v) for v in model.coef_[0]]
    vocabulary = {str(t): int(i) for t, i in vectorizer.vocabulary_.items()}
    exported = cw.Model(
        vocabulary=vocabulary,
        idf=[float(v) for v in vectorizer.idf_],
        word_coef=coef[:n_words],
        hand_coef=coef[n_words:],
        intercept=float(model.intercept_[0]),
    )
    # The shipped scoring re-implements TF-IDF: check that it agrees with scikit-learn's.
    sample = list(texts[:200])
    expected = model.predict_proba(x[: len(sample)])[:, 1]
    drift = max(
        (abs(a - b) for a, b in zip(exported.score(sample), expected, strict=True)), default=0.0
    )
    if drift > 1e-9:
        raise RuntimeError(f"exported model differs from scikit-learn's by {drift:g}")
    return exported


def fit_encoder(
    texts: Sequence[str],
    labels: Sequence[int],
    vectors: np.ndarray,
    encoder: str,
    *,
    c: float = C_ENCODER,
) -> cw.Model:
    """Fit the encoder model: logistic regression over the standardised sentence vectors and hand
    features, exported with the standardisation folded into the coefficients."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.hstack([vectors, _hand_matrix(texts)])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=3000).fit(scaler.transform(x), list(labels))
    coef = model.coef_[0] / scaler.scale_
    intercept = float(
        model.intercept_[0] - float(np.dot(model.coef_[0], scaler.mean_ / scaler.scale_))
    )
    width = vectors.shape[1]
    exported = cw.Model(
        vocabulary={},
        idf=[],
        word_coef=[],
        hand_coef=[float(v) for v in coef[width:]],
        intercept=intercept,
        vector_coef=[float(v) for v in coef[:width]],
        encoder=encoder,
    )
    sample = slice(0, min(200, len(texts)))
    expected = model.predict_proba(scaler.transform(x[sample]))[:, 1]
    got = exported.score(list(texts[sample]), vectors[sample])
    drift = max((abs(a - b) for a, b in zip(got, expected, strict=True)), default=0.0)
    if drift > 1e-6:
        raise RuntimeError(f"exported encoder model differs from scikit-learn's by {drift:g}")
    return exported


BLEND_WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # the vector model's share of the blend


def _logits(p: Sequence[float] | np.ndarray) -> np.ndarray:
    import numpy as np

    q = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return np.log(q / (1 - q))


def best_blend(
    vector_scores: np.ndarray, word_scores: np.ndarray, labels: Sequence[int]
) -> tuple[float, np.ndarray, dict[float, float]]:
    """The share of the vector model in a blend of the two models' log-odds, chosen by average
    precision on out-of-fold scores (ties to the larger share); the blended scores; and the
    average precision of every share tried."""
    import numpy as np
    from sklearn.metrics import average_precision_score

    best: tuple[float, float, np.ndarray] | None = None
    tried: dict[float, float] = {}
    for w in sorted(BLEND_WEIGHTS, reverse=True):
        z = w * _logits(vector_scores) + (1 - w) * _logits(word_scores)
        p = 1 / (1 + np.exp(-z))
        ap = float(average_precision_score(list(labels), p)) if len(set(labels)) == 2 else 0.0
        tried[w] = round(ap, 4)
        if best is None or ap > best[1] + 1e-9:
            best = (w, ap, p)
    assert best is not None
    return best[0], best[2], tried


def blend(vector_model: cw.Model, word_model: cw.Model, weight: float) -> cw.Model:
    """One model whose log-odds are ``weight`` times the vector model's plus ``1 - weight`` times
    the word model's: both are linear in their features, so the blend is too, and one file and
    one scoring pass hold it."""
    w, v = weight, 1 - weight
    return cw.Model(
        vocabulary=dict(word_model.vocabulary),
        idf=list(word_model.idf),
        word_coef=[v * x for x in word_model.word_coef],
        hand_coef=[
            w * a + v * b for a, b in zip(vector_model.hand_coef, word_model.hand_coef, strict=True)
        ],
        intercept=w * vector_model.intercept + v * word_model.intercept,
        vector_coef=[w * x for x in vector_model.vector_coef],
        encoder=vector_model.encoder,
    )


Scorer = Callable[[Sequence[str]], Sequence[float]]


def out_of_fold(
    rows: Sequence[Row], fit_fn: Callable[[list[str], list[int]], Scorer], folds: int = FOLDS
) -> tuple[list[float], list[int]]:
    """(scores, labels) of the rows, each scored by a model fitted without its debate.

    Folds group debates (index in date order modulo ``folds``); a fold whose complement holds a
    single class (possible on tiny slices) is skipped.
    """
    debates = sorted({r.debate for r in rows})
    fold_of = {d: i % folds for i, d in enumerate(debates)}
    scores: list[float] = []
    labels: list[int] = []
    for k in range(folds):
        fit_rows = [r for r in rows if fold_of[r.debate] != k]
        val_rows = [r for r in rows if fold_of[r.debate] == k]
        if not val_rows or len({r.label for r in fit_rows}) < 2:
            continue
        scorer = fit_fn([r.text for r in fit_rows], [r.label for r in fit_rows])
        scores += [float(s) for s in scorer([r.text for r in val_rows])]
        labels += [r.label for r in val_rows]
    return scores, labels


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The score threshold (predict positive when score >= it) with the best F1; 0.5 if none.

    Ties go to the higher threshold (fewer positives for the same F1).
    """
    positives = sum(labels)
    if not scores or positives == 0:
        return 0.5
    pairs = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    best_f1, best_t = -1.0, 0.5
    tp = 0
    for i, (s, y) in enumerate(pairs):
        tp += y
        if i + 1 < len(pairs) and pairs[i + 1][0] == s:
            continue  # the threshold s takes every row scoring s
        f1 = 2 * tp / (i + 1 + positives)
        if f1 > best_f1:
            best_f1, best_t = f1, s
    return best_t


# --- the command -------------------------------------------------------------------------------


@dataclass
class TrainReport:
    out: Path
    train_rows: int
    positives: int
    held_out: list[str]
    dropped_duplicates: int
    threshold: float
    vocabulary: int
    size_bytes: int
    meta: dict[str, Any] = field(default_factory=dict)
    encoder_threshold: float = 0.5
    encoder: str = ""
    encoder_bytes: int = 0
    weight: float = 1.0  # the vector model's share of the encoder model's blend
    tried: dict[float, float] = field(default_factory=dict)  # share -> out-of-fold AP


def default_out() -> Path:
    """The folder of the packaged models (in the source tree for an editable install)."""
    return Path(cw.__file__).parent


def train(
    claimbuster_dir: Path,
    out_dir: Path | None = None,
    *,
    limit: int | None = None,
    min_df: int = MIN_DF,
    c: float = C,
    progress: Callable[[str], None] | None = None,
) -> TrainReport:
    """Train both models on the training split of ``claimbuster_dir`` and write them to
    ``out_dir`` (:data:`~claimscope.analyzers.checkworthiness.PACKAGED` and
    :data:`~claimscope.analyzers.checkworthiness.PACKAGED_WORDS`).

    ``limit`` trains on that many training sentences, taken evenly (for tests; never shipped).
    Deterministic: the same data and versions give the same files.
    """
    import numpy as np

    from claimscope.extras import need

    sklearn = need("sklearn", "training the check-worthiness scorers")
    say = progress or (lambda _: None)
    out = out_dir if out_dir is not None else default_out()
    crowd, expert = read_claimbuster(claimbuster_dir)
    parts = split(crowd, expert)
    rows = thin(parts.train, limit)
    if len({r.label for r in rows}) < 2:
        raise InputError(f"{claimbuster_dir}: the training sentences hold a single class")
    texts, labels = [r.text for r in rows], [r.label for r in rows]

    meta = {
        "source": SOURCE,
        "command": COMMAND + (f" --limit {limit}" if limit else ""),
        "held_out_debates": parts.held_out,
        "train_sentences": len(rows),
        "train_positives": sum(labels),
        "dropped_duplicates": parts.dropped_duplicates,
        "threshold_from": f"best F1 on {FOLDS}-fold out-of-fold scores, folds grouped by debate",
        "trained_with": f"scikit-learn {sklearn.__version__}",
    }
    say(f"encoder model: embedding {len(rows)} sentences")
    encoder, vectors = cw.encoder_vectors(texts)
    # out-of-fold scores of both models, row by row (the folds of out_of_fold)
    debates = sorted({r.debate for r in rows})
    fold_of = {d: i % FOLDS for i, d in enumerate(debates)}
    oof_words, oof_vectors = np.zeros(len(rows)), np.zeros(len(rows))
    scored = np.zeros(len(rows), dtype=bool)
    say(f"both models: {len(rows)} sentences, {FOLDS} folds")
    with single_threaded():
        for k in range(FOLDS):
            fit_idx = [i for i, r in enumerate(rows) if fold_of[r.debate] != k]
            val_idx = [i for i, r in enumerate(rows) if fold_of[r.debate] == k]
            if not val_idx or len({labels[i] for i in fit_idx}) < 2:
                continue
            fit_texts, fit_labels = [texts[i] for i in fit_idx], [labels[i] for i in fit_idx]
            val_texts = [texts[i] for i in val_idx]
            words_k = fit(fit_texts, fit_labels, min_df=min_df, c=c)
            vectors_k = fit_encoder(fit_texts, fit_labels, vectors[fit_idx], encoder)
            oof_words[val_idx] = words_k.score(val_texts)
            oof_vectors[val_idx] = vectors_k.score(val_texts, vectors[val_idx])
            scored[val_idx] = True
        model = fit(texts, labels, min_df=min_df, c=c)
        vector_model = fit_encoder(texts, labels, vectors, encoder)
    seen = [labels[i] for i in np.flatnonzero(scored)]
    model.threshold = round(best_threshold(list(oof_words[scored]), seen), 4)
    model.meta = {**meta, "min_df": min_df, "C": c}
    weight, blended, tried = best_blend(oof_vectors[scored], oof_words[scored], seen)
    encoder_model = blend(vector_model, model, weight)
    encoder_model.threshold = round(best_threshold(list(blended), seen), 4)
    encoder_model.meta = {
        **meta,
        "C": C_ENCODER,
        "min_df": min_df,
        "C_words": c,
        "features": "sentence vectors + hand features, blended with the word model",
        "vector_weight": weight,
        "weight_from": f"best average precision on the out-of-fold scores, of {BLEND_WEIGHTS}",
        "out_of_fold_ap": {str(w): ap for w, ap in tried.items()},
    }
    words_path, encoder_path = out / cw.PACKAGED_WORDS, out / cw.PACKAGED
    model.save(words_path)
    encoder_model.save(encoder_path)
    from claimscope import integrity

    integrity.rerecord([words_path, encoder_path])  # the package runs its own retrained files
    return TrainReport(
        out=out,
        train_rows=len(rows),
        positives=sum(labels),
        held_out=parts.held_out,
        dropped_duplicates=parts.dropped_duplicates,
        threshold=model.threshold,
        vocabulary=len(model.vocabulary),
        size_bytes=words_path.stat().st_size,
        meta=model.meta,
        encoder_threshold=encoder_model.threshold,
        encoder=encoder,
        encoder_bytes=encoder_path.stat().st_size,
        weight=weight,
        tried=tried,
    )


def format_report(report: TrainReport) -> str:
    return "\n".join(
        [
            f"wrote {report.out / cw.PACKAGED} ({report.encoder_bytes / 1024:.0f} KiB: sentence "
            f"vectors of {report.encoder} + {len(cw.HAND_FEATURES)} hand features, blended "
            f"{report.weight:g} : {1 - report.weight:g} with the word model), threshold "
            f"{report.encoder_threshold}",
            f"wrote {report.out / cw.PACKAGED_WORDS} ({report.size_bytes / 1024:.0f} KiB, "
            f"{report.vocabulary} terms + {len(cw.HAND_FEATURES)} hand features), threshold "
            f"{report.threshold}",
            f"trained on {report.train_rows} crowd-labelled sentences ({report.positives} "
            f"check-worthy) of the debates not held out; {report.dropped_duplicates} sentences "
            "equal to a test or expert sentence left out",
            f"held-out debates: {', '.join(d.removesuffix('.txt') for d in report.held_out)}",
            "thresholds: best out-of-fold F1 on the training debates",
            "out-of-fold average precision by the vector model's share of the blend: "
            + ", ".join(f"{w:g}: {ap:.3f}" for w, ap in sorted(report.tried.items())),
        ]
    )
