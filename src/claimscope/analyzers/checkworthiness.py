"""Check-worthiness: how likely a sentence or clause is a factual claim worth checking.

A fact-checker reading an article wants the specific, verifiable statements first ("Unemployment
rose to 9.5 percent in 2010") and the opinions, courtesies and promises last ("I think that's a
wonderful idea"). :func:`score` gives each text a probability (0..1) of being a *check-worthy
factual sentence*, the top class of ClaimBuster's three (check-worthy factual, unimportant factual,
non-factual).

Models
------
Two logistic regressions, both shipped (``claimscope train checkworthiness`` rebuilds them):

- **the encoder model** (:data:`PACKAGED`, used by default): the sentence vector of the text from
  all-MiniLM-L6-v2 with the fact-check matching tuning (the packaged int8 model and BitFit values
  of :func:`claimscope.knowledge.factchecks.match.matching_embedder`) and the hand features below,
  blended on the log-odds with the word model (one linear model over all three blocks). The same
  vectors serve fact-check matching, so an analysis with a fact-check store encodes each claim
  once for both (:func:`vectors`). Measured against the word model in the same run (``claimscope
  eval checkworthiness``, ``docs/evaluation.md``): better ranking on held-out debates and on
  CheckThat! 2024, at the cost of one MiniLM pass over the claims;
- **the word model** (:data:`PACKAGED_WORDS`): TF-IDF of word unigrams and bigrams from the
  tokenizer :func:`tokens` (lower case, numbers folded to ``<num>`` and years to ``<year>``, ``%``
  read as "percent") plus the hand features. Pure Python, about 90 µs a sentence. It runs when
  ``$CLAIMSCOPE_CHECKWORTHINESS`` is ``words`` (bulk runs that cannot afford the encoder pass), and
  when the sentence encoder is not the one the encoder model was trained with (a model file of
  one's own in ``$CLAIMSCOPE_EMBEDDING_MODEL``).

The hand features (:data:`HAND_FEATURES`) carry beyond presidential debates: a number, a
percentage, money, a date, a capitalised name-like word inside the sentence, a causal or
comparative word, first and second person pronouns, a modal verb, a question mark, and length
(ClaimBuster holds no sentence under five words, so very short texts are outside what the model
has seen: they score low through the length feature).

Weights
-------
Trained on ClaimBuster (Arslan, Hassan, Li and Tremayne, *A Benchmark Dataset of Check-worthy
Factual Claims*, ICWSM 2020; licence CC BY 4.0; https://doi.org/10.5281/zenodo.3609356): the
crowd-sourced sentences of US presidential debates 1960–2016, minus a third of the debates held out
for evaluation (see :mod:`claimscope.training.checkworthiness`). The fitted parameters are shipped
as gzipped JSON beside this module (coefficients, intercept, the vocabulary and idf of the word
model, the id of the encoder the vectors come from, and the settings; no sentence from the data).
The files are plain JSON rather than pickles: a pickle runs code when loaded and breaks across
scikit-learn versions, whereas these few arrays are all scoring needs, and scoring needs no
scikit-learn.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimscope import embeddings
from claimscope.errors import ClaimscopeError

if TYPE_CHECKING:
    import numpy as np

FORMAT = "claimscope.checkworthiness/2"
PACKAGED = "checkworthiness.json.gz"  # the encoder model
PACKAGED_WORDS = "checkworthiness-words.json.gz"  # the word model
MODE_ENV = "CLAIMSCOPE_CHECKWORTHINESS"  # "words": the word model alone, no encoder pass
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
    Euclidean norm), so a model exported from training scores the same here. Either block may be
    empty: the word model has no vector coefficients, the encoder model no vocabulary.
    """

    vocabulary: dict[str, int]
    idf: list[float]
    word_coef: list[float]
    hand_coef: list[float]
    intercept: float
    threshold: float = 0.5  # best-F1 threshold chosen on training data (out-of-fold)
    meta: dict[str, Any] = field(default_factory=dict)
    vector_coef: list[float] = field(default_factory=list)
    encoder: str | None = None  # the id of the embedder whose vectors vector_coef weighs

    def __post_init__(self) -> None:
        if not len(self.vocabulary) == len(self.idf) == len(self.word_coef):
            raise ValueError("vocabulary, idf and coefficients differ in length")
        if len(self.hand_coef) != len(HAND_FEATURES):
            raise ValueError(
                f"{len(self.hand_coef)} hand coefficients for {len(HAND_FEATURES)} hand features"
            )
        if bool(self.vector_coef) != bool(self.encoder):
            raise ValueError("vector coefficients need the id of their encoder, and back")

    @property
    def needs_vectors(self) -> bool:
        return bool(self.vector_coef)

    def logit(self, text: str, vector: Sequence[float] | None = None) -> float:
        """The linear score of one text (before the logistic function)."""
        z = self.intercept
        if self.vocabulary:
            counts = Counter(word_ngrams(text))
            dot = norm = 0.0
            for term, n in counts.items():
                j = self.vocabulary.get(term)
                if j is None:
                    continue
                x = (1.0 + math.log(n)) * self.idf[j]
                norm += x * x
                dot += x * self.word_coef[j]
            z += dot / math.sqrt(norm) if norm else 0.0
        for c, x in zip(self.hand_coef, hand_features(text), strict=True):
            z += c * x
        if self.vector_coef:
            if vector is None:
                raise ValueError(f"the model needs the sentence vectors of {self.encoder}")
            z += sum(c * float(x) for c, x in zip(self.vector_coef, vector, strict=True))
        return z

    def score(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[float]:
        """Probability (0..1) that each text is a check-worthy factual claim; ``vectors`` (one row
        per text, from :attr:`encoder`) when the model weighs them."""
        if vectors is None:
            return [_sigmoid(self.logit(t)) for t in texts]
        return [_sigmoid(self.logit(t, v)) for t, v in zip(texts, vectors, strict=True)]

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
            "encoder": self.encoder,
            "vector_coef": self.vector_coef,
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
            vector_coef=[float(x) for x in data.get("vector_coef") or []],
            encoder=data.get("encoder"),
        )

    def save(self, path: Path) -> None:
        """Write as gzipped JSON (floats rounded to 6 significant digits to keep it small)."""
        data = self.to_json()
        for key in ("idf", "word_coef", "hand_coef", "vector_coef"):
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


def packaged(name: str = PACKAGED) -> Model:
    """A shipped model (the encoder model by default), read once per process."""
    return _packaged(name)


@lru_cache(maxsize=2)
def _packaged(name: str) -> Model:
    from claimscope import integrity

    resource = integrity.packaged(f"analyzers/{name}")
    with resource.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        return Model.from_json(json.load(f))


def encoder_vectors(texts: Sequence[str]) -> tuple[str, np.ndarray]:
    """(encoder id, one unit vector per text) from the fact-check matching embedder, on the texts
    as fact-check matching prepares them, so that matching can reuse the vectors."""
    from claimscope.knowledge.factchecks.match import matching_embedder, prepare

    embedder = matching_embedder()
    return embedder.model_id, embedder.encode([prepare(t) for t in texts])


def active() -> Model:
    """The model :func:`score` runs: the encoder model, unless ``$CLAIMSCOPE_CHECKWORTHINESS`` is
    ``words`` or the sentence encoder is not the one it was trained with."""
    if os.environ.get(MODE_ENV, "").strip().lower() == "words":
        return packaged(PACKAGED_WORDS)
    model = packaged()
    if embeddings.weights_id(model.encoder) != embeddings.weights_id(running_encoder()):
        return packaged(PACKAGED_WORDS)
    return model


@lru_cache(maxsize=1)
def running_encoder() -> str | None:
    """The id the fact-check matching embedder gives its vectors on this machine, loading it once
    (None: no usable encoder)."""
    from claimscope.knowledge.factchecks.match import matching_embedder

    try:
        return matching_embedder().model_id
    except (ClaimscopeError, OSError) as e:  # no usable encoder: the word model runs, logged
        import logging

        logging.getLogger(__name__).warning("check-worthiness uses the word model: %s", e)
        return None


def vectors(texts: Sequence[str]) -> tuple[str, np.ndarray] | None:
    """The encoder pass for :func:`score`, or None when the active model needs none."""
    if not texts or not active().needs_vectors:
        return None
    return encoder_vectors(texts)


def score(texts: Sequence[str], encoded: tuple[str, np.ndarray] | None = None) -> list[float]:
    """Probability (0..1) that each sentence or clause is a check-worthy factual claim.

    Specific, factual statements (figures, dates, names, causes, comparisons) score high; opinions,
    courtesies, questions and promises low. Empty text scores low, never fails. ``encoded`` is
    :func:`vectors` of the same texts, when the caller keeps them for other uses.
    """
    model = active()
    if not model.needs_vectors or not texts:
        return model.score(texts)
    if encoded is None:
        encoded = encoder_vectors(texts)
    return model.score(texts, encoded[1])


def threshold() -> float:
    """The running model's decision threshold (best F1 on its training data, out of fold)."""
    return active().threshold
