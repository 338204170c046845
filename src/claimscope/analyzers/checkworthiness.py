"""Check-worthiness: how likely a sentence or clause is a factual claim worth checking.

A fact-checker reading an article wants the specific, verifiable statements first ("Unemployment
rose to 9.5 percent in 2010") and the opinions, courtesies and promises last ("I think that's a
wonderful idea"). :func:`score` gives each text a probability (0..1) of being a *check-worthy
factual sentence*, the top class of ClaimBuster's three (check-worthy factual, unimportant factual,
non-factual).

Model
-----
A logistic regression over two blocks of features:

- TF-IDF of word unigrams and bigrams (sublinear term frequency, L2-normalised), from the tokenizer
  :func:`tokens`: lower case, numbers folded to ``<num>`` and years to ``<year>``, ``%`` read as
  "percent", so the model learns "<num> percent" rather than particular figures, and the
  vocabulary stays small;
- a few hand features that carry beyond presidential debates (:data:`HAND_FEATURES`): a number,
  a percentage, money, a date, a capitalised name-like word inside the sentence, a causal or
  comparative word, first and second person pronouns, a modal verb, a question mark, and length
  (ClaimBuster holds no sentence under five words, so very short texts are outside what the model
  has seen: they score low through the length feature).

Weights
-------
Trained on ClaimBuster (Arslan, Hassan, Li and Tremayne, *A Benchmark Dataset of Check-worthy
Factual Claims*, ICWSM 2020; licence CC BY 4.0; https://doi.org/10.5281/zenodo.3609356): the
crowd-sourced sentences of US presidential debates 1960–2016, minus a third of the debates held out
for evaluation (see :mod:`claimscope.training.checkworthiness`). The fitted parameters are shipped
in ``checkworthiness.json.gz`` beside this module (vocabulary, idf, coefficients, intercept and the
settings; no sentence from the data), rebuilt by::

    claimscope train checkworthiness --claimbuster ../shared/data/claimbuster

and measured by ``claimscope eval checkworthiness`` (figures in docs/evaluation.md). The file is
plain JSON rather than a pickle: a pickle runs code when loaded and breaks across scikit-learn
versions, whereas these few arrays are all scoring needs, and scoring needs no scikit-learn.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Any

FORMAT = "claimscope.checkworthiness/1"
PACKAGED = "checkworthiness.json.gz"
MAX_CHARS = 2000  # a "sentence" longer than this is cut: the tail adds no signal, only time

# --- tokenizer ---------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_TOKEN = re.compile(r"[$€£¥%?]|\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")


def tokens(text: str) -> list[str]:
    """Lower-cased words, with numbers folded (``<num>``, ``<year>``) and ``%`` as "percent".

    Folding numbers lets "9.5 percent" and "40 percent" share a feature: what makes a sentence
    checkable is that it gives a figure, not which figure.
    """
    out = []
    for tok in _TOKEN.findall(text[:MAX_CHARS].translate(_APOSTROPHES).lower()):
        if tok[0].isdigit():
            out.append("<year>" if _YEAR.match(tok) else "<num>")
        elif tok == "%":
            out.append("percent")
        else:
            out.append(tok)
    return out


def word_ngrams(text: str) -> list[str]:
    """Unigrams and bigrams of :func:`tokens` (the TF-IDF block's terms)."""
    toks = tokens(text)
    return toks + [f"{a} {b}" for a, b in pairwise(toks)]


# --- hand features -----------------------------------------------------------------------------


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


_DIGIT = re.compile(r"\d")
_QUANTITY = _words(
    r"million",
    r"billion",
    r"trillion",
    r"thousands?",
    r"hundreds?",
    r"dozens?",
    r"half",
    r"twice",
    r"doubled",
    r"tripled",
    r"one[- ]third",
    r"one[- ]quarter",
)
_PERCENT = re.compile(r"%|\b(?:percent|per cent|percentage)\b", re.IGNORECASE)
_MONEY = re.compile(r"[$€£¥]|\b(?:dollars?|euros?|cents?|budget|deficit|debt|taxe?s?)\b", re.I)
_DATE = re.compile(
    r"\b(?:1[5-9]\d\d|20\d\d)\b|\b(?:January|February|March|April|June|July|August|September"
    r"|October|November|December)\b|\bMay \d|\b(?:last|this|next) (?:year|month|week|decade)\b"
    r"|\b(?:yesterday|decades?|centur(?:y|ies))\b"
)
_CAUSAL = _words(
    r"because",
    r"caused?",
    r"causes",
    r"causing",
    r"due to",
    r"led to",
    r"leads? to",
    r"result(?:s|ed)? in",
    r"as a result",
    r"therefore",
    r"thus",
    r"consequently",
    r"since",
)
_COMPARATIVE = _words(
    r"more",
    r"less",
    r"fewer",
    r"than",
    r"higher",
    r"lower",
    r"larger",
    r"smaller",
    r"increased?",
    r"increases",
    r"decreased?",
    r"decreases",
    r"rose",
    r"risen",
    r"fell",
    r"fallen",
    r"grew",
    r"grown",
    r"dropped",
    r"cut",
    r"raised",
    r"most",
    r"least",
    r"largest",
    r"biggest",
    r"highest",
    r"lowest",
    r"record",
)
_FIRST_SINGULAR = _words(r"i", r"i'm", r"i've", r"i'll", r"i'd", r"me", r"my", r"mine", r"myself")
_FIRST_PLURAL = _words(r"we", r"we're", r"we've", r"we'll", r"we'd", r"us", r"our", r"ours")
_SECOND = _words(r"you", r"you're", r"you've", r"you'll", r"you'd", r"your", r"yours")
_MODAL = _words(
    r"should", r"must", r"ought", r"will", r"would", r"could", r"can", r"need to", r"have to"
)
_FIRST_WORD_I = re.compile(r"^I(?:'[a-z]+)?$")
_STRIP = "\"'“”‘’()[]{}.,;:!?-–—*"


def _has_name(text: str) -> bool:
    """A capitalised word that is not the first of the sentence, nor "I": a name-like token."""
    words = text.split()
    for i, raw in enumerate(words[1:], start=1):
        word = raw.strip(_STRIP)
        if not word or not word[0].isupper() or _FIRST_WORD_I.match(word):
            continue
        if words[i - 1].rstrip("\"'”’)").endswith((".", "!", "?", ":")):
            continue  # a new sentence starts here
        return True
    return False


def _length(text: str) -> float:
    return min(len(text.split()), 60) / 60


HAND_FEATURES: dict[str, Callable[[str], float]] = {
    "digit": lambda t: float(bool(_DIGIT.search(t))),
    "quantity_word": lambda t: float(bool(_QUANTITY.search(t))),
    "percent": lambda t: float(bool(_PERCENT.search(t))),
    "money": lambda t: float(bool(_MONEY.search(t))),
    "date": lambda t: float(bool(_DATE.search(t))),
    "name": lambda t: float(_has_name(t)),
    "causal": lambda t: float(bool(_CAUSAL.search(t))),
    "comparative": lambda t: float(bool(_COMPARATIVE.search(t))),
    "first_singular": lambda t: float(bool(_FIRST_SINGULAR.search(t))),
    "first_plural": lambda t: float(bool(_FIRST_PLURAL.search(t))),
    "second_person": lambda t: float(bool(_SECOND.search(t))),
    "modal": lambda t: float(bool(_MODAL.search(t))),
    "question": lambda t: float("?" in t),
    "length": _length,
}
"""Name -> feature of the text in 0..1. Order matters: it is the order of the shipped weights."""


def hand_features(text: str) -> list[float]:
    """The hand features of ``text``, in :data:`HAND_FEATURES` order."""
    text = text[:MAX_CHARS]
    return [f(text) for f in HAND_FEATURES.values()]


# --- the model ---------------------------------------------------------------------------------


@dataclass
class Model:
    """The fitted parameters, and scoring rebuilt from them without scikit-learn.

    The TF-IDF block is computed as scikit-learn's ``TfidfVectorizer(sublinear_tf=True,
    norm="l2")`` does (term frequency ``1 + log(count)`` times idf, then divided by the vector's
    Euclidean norm), so a model exported from training scores the same here.
    """

    vocabulary: dict[str, int]
    idf: list[float]
    word_coef: list[float]
    hand_coef: list[float]
    intercept: float
    threshold: float = 0.5  # best-F1 threshold chosen on training data (out-of-fold)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not len(self.vocabulary) == len(self.idf) == len(self.word_coef):
            raise ValueError("vocabulary, idf and coefficients differ in length")
        if len(self.hand_coef) != len(HAND_FEATURES):
            raise ValueError(
                f"{len(self.hand_coef)} hand coefficients for {len(HAND_FEATURES)} hand features"
            )

    def logit(self, text: str) -> float:
        """The linear score of one text (before the logistic function)."""
        counts = Counter(word_ngrams(text))
        dot = norm = 0.0
        for term, n in counts.items():
            j = self.vocabulary.get(term)
            if j is None:
                continue
            x = (1.0 + math.log(n)) * self.idf[j]
            norm += x * x
            dot += x * self.word_coef[j]
        z = self.intercept + (dot / math.sqrt(norm) if norm else 0.0)
        for c, x in zip(self.hand_coef, hand_features(text), strict=True):
            z += c * x
        return z

    def score(self, texts: Sequence[str]) -> list[float]:
        """Probability (0..1) that each text is a check-worthy factual claim."""
        return [_sigmoid(self.logit(t)) for t in texts]

    def to_json(self) -> dict[str, Any]:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "format": FORMAT,
            "meta": self.meta,
            "threshold": self.threshold,
            "intercept": self.intercept,
            "hand_features": list(HAND_FEATURES),
            "hand_coef": self.hand_coef,
            "terms": terms,
            "idf": self.idf,
            "word_coef": self.word_coef,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file (format {data.get('format')!r})")
        if data["hand_features"] != list(HAND_FEATURES):
            raise ValueError("the file's hand features differ from this version's")
        return cls(
            vocabulary={t: i for i, t in enumerate(data["terms"])},
            idf=[float(x) for x in data["idf"]],
            word_coef=[float(x) for x in data["word_coef"]],
            hand_coef=[float(x) for x in data["hand_coef"]],
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            meta=dict(data.get("meta", {})),
        )

    def save(self, path: Path) -> None:
        """Write as gzipped JSON (floats rounded to 6 significant digits to keep it small)."""
        data = self.to_json()
        for key in ("idf", "word_coef", "hand_coef"):
            data[key] = [float(f"{x:.6g}") for x in data[key]]
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f, gzip.GzipFile("", "wb", fileobj=f, mtime=0) as gz:
            gz.write(raw)  # no name, no time: the same model gives the same bytes

    @classmethod
    def load(cls, path: Path) -> Model:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return cls.from_json(json.load(f))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@lru_cache(maxsize=1)
def packaged() -> Model:
    """The shipped model, read once per process."""
    resource = files("claimscope.analyzers").joinpath(PACKAGED)
    with resource.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        return Model.from_json(json.load(f))


def score(texts: Sequence[str]) -> list[float]:
    """Probability (0..1) that each sentence or clause is a check-worthy factual claim.

    Specific, factual statements (figures, dates, names, causes, comparisons) score high; opinions,
    courtesies, questions and promises low. Empty text scores low, never fails.
    """
    return packaged().score(texts)


def threshold() -> float:
    """The shipped model's decision threshold (best F1 on its training data, out of fold)."""
    return packaged().threshold
