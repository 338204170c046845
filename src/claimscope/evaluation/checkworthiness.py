"""Check-worthiness on ClaimBuster and CheckThat! 2024: claimscope's two scorers against two
baselines, in one run.

Data and split
--------------
ClaimBuster's US presidential debate sentences (Arslan et al. 2020, CC BY 4.0), split by debate as
:mod:`claimscope.training.checkworthiness` describes: a third of the debates held out, the shipped
scorers trained on the crowd-labelled sentences of the others. Two test sets come from the held-out
debates: the expert-labelled ``groundtruth.csv`` sentences (the reported figures) and the
crowd-labelled ``crowdsourced.csv`` sentences (larger, noisier labels). The positive class is
"check-worthy factual sentence" (Verdict 1); unimportant factual and non-factual sentences are
negatives. ``--checkthat2024 FILE`` adds a third test set from elsewhere: the CheckThat! 2024
task 1 English dev-test sentences (later debates, other annotators; "Yes" is positive), on which
nothing here was trained or tuned.

Scores
------
Per system and test set: precision, recall and F1 of the positive class at threshold 0.5 and at a
*tuned* threshold chosen on the training data only (best F1 on out-of-fold scores, folds grouped
by training debate; for the shipped scorers the threshold stored in their file at training time),
plus average precision and ROC-AUC, which need no threshold and show how well a system *ranks*
sentences, the use claimscope makes of the score.

Systems
-------
- **claimscope**: the shipped encoder model (:mod:`claimscope.analyzers.checkworthiness`; sentence
  vectors and hand features), what ``analyze`` runs. The command checks that its file was trained
  with the same held-out debates and warns otherwise.
- **claimscope word model**: the shipped word model (TF-IDF and hand features), what ran before
  the encoder model and what runs with ``CLAIMSCOPE_CHECKWORTHINESS=words``.
- **majority class**: scores every sentence with the training share of check-worthy sentences. At
  0.5 it predicts none; its tuned threshold predicts all, so its tuned F1 is the floor of "flag
  everything".
- **TF-IDF + LR**: scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2))`` and
  ``LogisticRegression()`` with default settings, trained in the same run on the same training
  sentences: what the hand features, number folding and tuning add.

``--limit N`` scores the first N sentences of each test set and trains the in-run baseline on at
most ``max(2000, 20 N)`` training sentences taken evenly across debates: a quick slice for CI, not
a figure to report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claimscope import embeddings
from claimscope.errors import ClaimscopeError
from claimscope.training import checkworthiness as training
from claimscope.training.checkworthiness import Row

Scorer = Callable[[Sequence[str]], Sequence[float]]
VERDICTS = {1: "CFS", 0: "UFS", -1: "NFS"}


@dataclass
class Metrics:
    sentences: int
    positives: int
    threshold: float  # the tuned one
    at_half: tuple[float, float, float]  # precision, recall, F1 at 0.5
    at_tuned: tuple[float, float, float]
    average_precision: float | None
    roc_auc: float | None


@dataclass
class SystemResult:
    name: str
    threshold: float
    tests: dict[str, Metrics] = field(default_factory=dict)


@dataclass
class ErrorCase:
    score: float
    verdict: int
    text: str


@dataclass
class Result:
    folder: str
    debates: int
    held_out: list[str]
    train_sentences: int
    train_positives: int
    baseline_train_sentences: int
    tests: dict[str, tuple[int, int]]  # name -> (sentences, positives)
    systems: list[SystemResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    false_positives: list[ErrorCase] = field(default_factory=list)
    false_negatives: list[ErrorCase] = field(default_factory=list)
    scoring_seconds: float = 0.0
    scored: int = 0


def prf(scores: Sequence[float], labels: Sequence[int], threshold: float) -> tuple[float, ...]:
    """Precision, recall, F1 of the positive class when score >= threshold (0 when undefined)."""
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and y)
    predicted = sum(1 for s in scores if s >= threshold)
    positives = sum(labels)
    p = tp / predicted if predicted else 0.0
    r = tp / positives if positives else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def metrics(scores: Sequence[float], labels: Sequence[int], threshold: float) -> Metrics:
    from sklearn.metrics import average_precision_score, roc_auc_score

    both = len(set(labels)) == 2
    p, r, f = prf(scores, labels, 0.5)
    pt, rt, ft = prf(scores, labels, threshold)
    return Metrics(
        sentences=len(labels),
        positives=sum(labels),
        threshold=threshold,
        at_half=(p, r, f),
        at_tuned=(pt, rt, ft),
        average_precision=float(average_precision_score(labels, scores)) if both else None,
        roc_auc=float(roc_auc_score(labels, scores)) if both else None,
    )


def plain_baseline(texts: Sequence[str], labels: Sequence[int]) -> Scorer:
    """TF-IDF word uni- and bigrams + logistic regression, scikit-learn defaults otherwise."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2))
    model = LogisticRegression(max_iter=1000).fit(vectorizer.fit_transform(texts), list(labels))

    def scorer(batch: Sequence[str]) -> list[float]:
        return [float(p) for p in model.predict_proba(vectorizer.transform(batch))[:, 1]]

    return scorer


EXPERT = "expert labels (groundtruth.csv)"
CROWD = "crowd labels (crowdsourced.csv)"
CHECKTHAT = "CheckThat! 2024 dev-test"
ENCODER_SYSTEM = "claimscope"
WORD_SYSTEM = "claimscope word model"


def evaluate(
    folder: Path,
    limit: int | None = None,
    *,
    errors: int = 5,
    checkthat2024: Path | None = None,
) -> Result:
    """Train the baselines on the training split of ``folder`` and score all systems on its test
    sets (and on ``checkthat2024``, a CheckThat! 2024 TSV, when given)."""
    from claimscope.analyzers import checkworthiness as cw
    from claimscope.extras import need

    need("sklearn", "the check-worthiness baselines")
    crowd, expert = training.read_claimbuster(folder)
    parts = training.split(crowd, expert)
    tests = {EXPERT: parts.test_expert[:limit], CROWD: parts.test_crowd[:limit]}
    if checkthat2024 is not None:
        tests[CHECKTHAT] = training.read_checkthat2024(checkthat2024)[:limit]
    baseline_rows = training.thin(parts.train, None if limit is None else max(2000, 20 * limit))
    result = Result(
        folder=str(folder),
        debates=len({r.debate for r in [*crowd, *expert]}),
        held_out=parts.held_out,
        train_sentences=len(parts.train),
        train_positives=sum(r.label for r in parts.train),
        baseline_train_sentences=len(baseline_rows),
        tests={name: (len(rows), sum(r.label for r in rows)) for name, rows in tests.items()},
    )

    model, words = cw.packaged(cw.PACKAGED), cw.packaged(cw.PACKAGED_WORDS)
    for name, shipped in (("encoder", model), ("word", words)):
        if shipped.meta.get("held_out_debates") != parts.held_out:
            result.warnings.append(
                f"the shipped {name} model was not trained with these held-out debates "
                f"({shipped.meta.get('held_out_debates')!r}): its figures may be optimistic"
            )
        if "--limit" in str(shipped.meta.get("command", "")):
            result.warnings.append(f"the shipped {name} model was trained on a slice (--limit)")

    def encoder_scores(texts: Sequence[str]) -> list[float]:
        encoder, vectors = cw.encoder_vectors(texts)
        if embeddings.weights_id(encoder) != embeddings.weights_id(model.encoder):
            raise ClaimscopeError(
                f"the encoder model was trained on vectors of {model.encoder}, this machine's "
                f"encoder is {encoder}: unset CLAIMSCOPE_EMBEDDING_MODEL to evaluate it"
            )
        note = f"the encoder model ran on {encoder}, the integer copy of its encoder"
        if encoder != model.encoder and note not in result.warnings:
            result.warnings.append(note)
        return model.score(texts, vectors)

    prior = sum(r.label for r in parts.train) / max(len(parts.train), 1)
    with training.single_threaded():
        oof_scores, oof_labels = training.out_of_fold(baseline_rows, plain_baseline)
        plain = plain_baseline([r.text for r in baseline_rows], [r.label for r in baseline_rows])
    systems: list[tuple[str, float, Scorer]] = [
        (ENCODER_SYSTEM, model.threshold, encoder_scores),
        (WORD_SYSTEM, words.threshold, words.score),
        ("majority class (baseline)", prior, lambda texts: [prior] * len(texts)),
        ("TF-IDF + LR (baseline)", training.best_threshold(oof_scores, oof_labels), plain),
    ]
    for name, threshold, scorer in systems:
        system = SystemResult(name=name, threshold=threshold)
        for test_name, rows in tests.items():
            texts = [r.text for r in rows]
            started = time.perf_counter()
            scores = [float(s) for s in scorer(texts)]
            if name == ENCODER_SYSTEM:
                result.scoring_seconds += time.perf_counter() - started
                result.scored += len(texts)
                if test_name == EXPERT:
                    _collect_errors(result, rows, scores, threshold, errors)
            system.tests[test_name] = metrics(scores, [r.label for r in rows], threshold)
        result.systems.append(system)
    return result


def _collect_errors(
    result: Result, rows: Sequence[Row], scores: Sequence[float], threshold: float, top: int
) -> None:
    """The most confident mistakes at the tuned threshold, for error analysis."""
    cases = [ErrorCase(s, r.verdict, r.text) for r, s in zip(rows, scores, strict=True)]
    fp = [c for c in cases if c.score >= threshold and c.verdict != 1]
    fn = [c for c in cases if c.score < threshold and c.verdict == 1]
    result.false_positives = sorted(fp, key=lambda c: -c.score)[:top]
    result.false_negatives = sorted(fn, key=lambda c: c.score)[:top]


# --- reporting ---------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def format_report(result: Result) -> str:
    """The figures as Markdown: one table per test set, then claimscope's worst errors."""
    held = ", ".join(d.removesuffix(".txt") for d in result.held_out)
    lines = [
        f"Check-worthiness, ClaimBuster ({result.folder}): positive class = check-worthy factual "
        f"sentence; {len(result.held_out)} of {result.debates} debates held out ({held})",
        f"training: {result.train_sentences} crowd-labelled sentences of the other debates "
        f"({result.train_positives} check-worthy); the in-run TF-IDF + LR baseline trained on "
        f"{result.baseline_train_sentences} of them",
        "tuned threshold: best F1 on out-of-fold scores of the training debates "
        f"({training.FOLDS} folds grouped by debate), never on the test debates",
    ]
    lines += [f"warning: {w}" for w in result.warnings]
    for test_name, (n, positives) in result.tests.items():
        lines += [
            "",
            f"Test, {test_name}: {n} sentences, {positives} check-worthy",
            "",
            "| system | P @0.5 | R @0.5 | F1 @0.5 | tuned threshold | P @tuned | R @tuned "
            "| F1 @tuned | average precision | ROC-AUC |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for system in result.systems:
            m = system.tests[test_name]
            lines.append(
                f"| {system.name} | {_pct(m.at_half[0])} | {_pct(m.at_half[1])} "
                f"| {_pct(m.at_half[2])} | {m.threshold:.3f} | {_pct(m.at_tuned[0])} "
                f"| {_pct(m.at_tuned[1])} | {_pct(m.at_tuned[2])} "
                f"| {_num(m.average_precision)} | {_num(m.roc_auc)} |"
            )
    if result.scored:
        per = result.scoring_seconds / result.scored * 1e6
        lines += [
            "",
            f"claimscope (encoder model) scored {result.scored} sentences in "
            f"{result.scoring_seconds:.2f} s ({per:.0f} µs per sentence, the encoder pass "
            "included)",
        ]
    for title, cases in (
        (
            "claimscope's most confident false positives (expert test set, tuned threshold)",
            result.false_positives,
        ),
        (
            "claimscope's most confident false negatives (expert test set, tuned threshold)",
            result.false_negatives,
        ),
    ):
        if cases:
            lines += ["", f"{title}:"]
            lines += [
                f"- {c.score:.2f} {VERDICTS.get(c.verdict, c.verdict)}: {_cut(c.text)}"
                for c in cases
            ]
    return "\n".join(lines)


def _cut(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
