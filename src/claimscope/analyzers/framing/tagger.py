"""A learned span tagger for framing techniques, beside the rules, when the user has trained one.

The rules find single words of a few techniques with good precision; annotators of the
Propaganda Techniques Corpus (PTC) mark phrases and clauses of 18 (median 24 characters), which
the rules miss. The tagger is all-MiniLM-L6-v2 fine-tuned on PTC train to label each word piece
with a technique or none (``claimscope train techniques --ptc DIR``,
:mod:`claimscope.training.techniques`), exported to ONNX and quantised to int8, and run here on
onnxruntime: no PyTorch at run time.

PTC's terms allow research use but not redistribution, so no weights trained on it ship with
claimscope: the model is built on the user's machine into the user's data directory
(:func:`default_path`, or ``$CLAIMSCOPE_TECHNIQUE_MODEL``) and used from then on. Without it the
rules run alone and the analysis says a stronger model can be trained. A file that is truncated,
not a tagger, or written for another format version is reported once (a log warning and a note in
every analysis) and the rules still run.

Decoding: each line of the text is cut into windows of at most :data:`WINDOW` word pieces (the
length the model was trained on); a word piece whose probability of carrying some technique
reaches the model's threshold (chosen on held-out training articles) joins a span, spans run over
gaps of at most one word piece inside a line, and a span's technique is the one with the largest
summed probability over its word pieces.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from claimscope.errors import ClaimscopeError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

# 3: column 0 is the probability of some technique and the others each technique's own
# (independent sigmoids, so that two techniques can share words); the cues of features() beside
# the encoder's states
FORMAT = "claimscope.techniques/3"
MODEL_ENV = "CLAIMSCOPE_TECHNIQUE_MODEL"
FILE_NAME = "techniques.onnx"
WINDOW = 126  # word pieces per window, [CLS] and [SEP] aside (128 in all)
BATCH = 32
MAX_GAP = 1  # word pieces below the threshold a span may run over inside a line


def default_path() -> Path:
    """``$CLAIMSCOPE_TECHNIQUE_MODEL``, else ``techniques.onnx`` in the user's data directory."""
    override = os.environ.get(MODEL_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("claimscope")) / FILE_NAME


@dataclass(frozen=True)
class Piece:
    """One word piece of the text: where it is and which window row and column it sits in."""

    start: int
    end: int
    line: int  # index of the text line, so that no span crosses a line break


@dataclass(frozen=True)
class Window:
    ids: list[int]  # with [CLS] and [SEP]
    pieces: list[Piece]  # one per inner id


def windows(text: str, tokenizer: Tokenizer, size: int = WINDOW) -> list[Window]:
    """The text's lines as model inputs: each non-blank line cut into windows of ``size`` word
    pieces. Shared by training and tagging, so that both see the same inputs."""
    out = []
    pos = 0
    for n, line in enumerate(text.split("\n")):
        if line.strip():
            enc = tokenizer.encode(line)
            cls, sep = enc.ids[0], enc.ids[-1]
            inner = range(1, len(enc.ids) - 1)
            for at in range(0, len(inner), size):
                part = inner[at : at + size]
                pieces = [Piece(pos + enc.offsets[i][0], pos + enc.offsets[i][1], n) for i in part]
                out.append(Window([cls, *(enc.ids[i] for i in part), sep], pieces))
        pos += len(line) + 1
    return out


FEATURES = 8  # see features()
_WORD = re.compile(r"\w+")


def features(text: str, pieces: Sequence[Piece]) -> np.ndarray:
    """Cheap cues beside the encoder's states, one row per word piece (published PTC systems
    found them worth it): how often the piece's word, and the two words starting with it, occur
    in the whole article (repetition spans the article, the model's window one line); whether
    the piece is inside quotation marks; whether its line holds "!" or "?"; where the line is in
    the article, and whether it is the first (the headline); whether the word is in capitals."""
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
    starts = [w[0] for w in words]
    single = Counter(w[2] for w in words)
    pairs = Counter((a[2], b[2]) for a, b in pairwise(words))
    quoted = _quoted(text)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    out = np.zeros((len(pieces), FEATURES), dtype=np.float32)
    for k, p in enumerate(pieces):
        i = bisect.bisect_right(starts, p.start) - 1
        if i >= 0 and words[i][0] <= p.start < words[i][1]:
            word = words[i][2]
            out[k, 0] = np.log1p(single[word]) / 3
            if i + 1 < len(words):
                out[k, 1] = np.log1p(pairs[word, words[i + 1][2]]) / 3
            out[k, 7] = float(text[words[i][0] : words[i][1]].isupper() and len(word) > 1)
        out[k, 2] = float(quoted[p.start]) if p.start < len(quoted) else 0.0
        line = lines[p.line] if p.line < len(lines) else ""
        out[k, 3] = float("!" in line)
        out[k, 4] = float("?" in line)
        out[k, 5] = p.line / max(1, len(lines) - 1)
        out[k, 6] = float(p.line == first)
    return out


def _quoted(text: str) -> list[bool]:
    """For each character, whether it sits between quotation marks on its line."""
    out = [False] * len(text)
    inside = False
    for i, ch in enumerate(text):
        if ch == "\n":
            inside = False
        elif ch == "“":
            inside = True
        elif ch == "”":
            inside = False
        elif ch == '"':
            inside = not inside
        out[i] = inside
    return out


def tokenizer() -> Tokenizer:
    """The packaged MiniLM WordPiece tokenizer, without padding or truncation (windows are cut
    here)."""
    from claimscope.embeddings import _tokenizer

    tok = _tokenizer()
    tok.no_padding()
    tok.no_truncation()
    return tok


@dataclass(frozen=True)
class Span:
    technique: str
    start: int
    end: int
    probability: float  # the mean probability of some technique over the span's word pieces


class TechniqueModel:
    """A trained tagger file, checked and loaded once."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        import onnxruntime

        if not path.is_file():
            raise ClaimscopeError(f"no technique model at {path}")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        if threads:
            options.intra_op_num_threads = threads
        try:
            self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own types for unreadable files
            raise ClaimscopeError(
                f"the technique model {path} cannot be read ({type(e).__name__}); train it "
                "again with: claimscope train techniques --ptc DIR"
            ) from None
        meta = self._session.get_modelmeta().custom_metadata_map
        if meta.get("format") != FORMAT:
            raise ClaimscopeError(
                f"{path} is not a claimscope technique model of format {FORMAT} (it says "
                f"{meta.get('format')!r}); train it again with: claimscope train techniques "
                "--ptc DIR"
            )
        try:
            self.techniques: list[str] = json.loads(meta["techniques"])
            self.threshold = float(meta["threshold"])
            self.also = float(meta["also"]) if meta.get("also") else None
        except (KeyError, ValueError) as e:
            raise ClaimscopeError(f"{path}: incomplete technique model ({e})") from None
        self.path = path
        self.name = meta.get("name", path.name)
        self.description = meta.get("trained_on", "")
        self._tokenizer = tokenizer()

    @property
    def label(self) -> str:
        """Which model ran, for notes and ``claimscope version``."""
        return f"{self.name} ({self.description})" if self.description else self.name

    def probabilities(self, text: str) -> tuple[list[Piece], np.ndarray]:
        """Every word piece of ``text`` with its probabilities (column 0: some technique; column
        ``i``: ``techniques[i - 1]``), in text order."""
        wins = windows(text, self._tokenizer)
        every = features(text, [p for w in wins for p in w.pieces])  # the article's counts once
        bounds = np.cumsum([0, *(len(w.pieces) for w in wins)])
        cues = [every[bounds[i] : bounds[i + 1]] for i in range(len(wins))]
        pieces: list[Piece] = []
        rows: list[np.ndarray] = []
        # windows of similar length batch with little padding
        order = sorted(range(len(wins)), key=lambda i: len(wins[i].ids))
        found: dict[int, np.ndarray] = {}
        for at in range(0, len(order), BATCH):
            batch = [wins[i] for i in order[at : at + BATCH]]
            width = max(len(w.ids) for w in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            extra = np.zeros((len(batch), width, FEATURES), dtype=np.float32)
            for r, i in enumerate(order[at : at + BATCH]):
                w = wins[i]
                ids[r, : len(w.ids)] = w.ids
                mask[r, : len(w.ids)] = 1
                extra[r, 1 : len(w.pieces) + 1] = cues[i]
            feeds = {"input_ids": ids, "attention_mask": mask, "features": extra}
            (probs,) = self._session.run(["probs"], feeds)
            for r, i in enumerate(order[at : at + BATCH]):
                found[i] = probs[r, 1 : len(wins[i].pieces) + 1]
        for i, w in enumerate(wins):
            pieces += w.pieces
            rows.append(found[i])
        width = len(self.techniques) + 1
        return pieces, (np.concatenate(rows) if rows else np.zeros((0, width), np.float32))

    def spans(self, text: str) -> list[Span]:
        pieces, probs = self.probabilities(text)
        return decode(pieces, probs, self.techniques, self.threshold, self.also)


def decode(
    pieces: Sequence[Piece],
    probs: np.ndarray,
    techniques: Sequence[str],
    threshold: float,
    also: float | None = None,
) -> list[Span]:
    """Spans of word pieces whose probability of carrying some technique (column 0) reaches
    ``threshold``, each with its likeliest technique (the largest mean over the span) and, when
    ``also`` is given, every other technique whose mean reaches it: annotators often put two
    techniques on the same words (a loaded word that is also a repetition)."""
    some = probs[:, 0] if len(probs) else np.zeros(0)
    out = []
    for first, last in _runs(pieces, some >= threshold):
        means = probs[first : last + 1, 1:].mean(axis=0)
        p = float(some[first : last + 1].mean())
        best = int(np.argmax(means))
        chosen = [best] + [
            i for i in np.argsort(-means) if also is not None and i != best and means[i] >= also
        ]
        for i in chosen:
            out.append(Span(techniques[int(i)], pieces[first].start, pieces[last].end, p))
    return out


def _runs(pieces: Sequence[Piece], on: np.ndarray) -> Iterator[tuple[int, int]]:
    """Index ranges of marked pieces, bridging gaps of at most :data:`MAX_GAP` within a line."""
    k, n = 0, len(pieces)
    while k < n:
        if not on[k]:
            k += 1
            continue
        first = last = k
        j = k + 1
        while j < n and pieces[j].line == pieces[first].line and j - last <= MAX_GAP + 1:
            if on[j]:
                last = j
            j += 1
        yield first, last
        k = last + 1


_UNSET = object()
_override: object = _UNSET


@contextmanager
def using(model: TechniqueModel | None) -> Iterator[None]:
    """Run analyses with ``model`` (None: the rules alone) instead of the user's file: how the
    evaluation scores the rules and the tagger apart in one run."""
    global _override
    before, _override = _override, model
    try:
        yield
    finally:
        _override = before


@lru_cache(maxsize=4)
def _load(path: str, stamp: float) -> TechniqueModel | ClaimscopeError:
    try:
        return TechniqueModel(Path(path))
    except ClaimscopeError as e:
        log.warning("%s; framing uses the rules alone", e)
        return e


def active(path: Path | None = None) -> TechniqueModel | ClaimscopeError | None:
    """The user's technique model; None when there is none, the error when it cannot be used.

    Loaded once per file version (a retrained file is picked up by a long-running server).
    """
    if _override is not _UNSET and path is None:
        return _override  # type: ignore[return-value]
    where = path or default_path()
    try:
        stamp = where.stat().st_mtime
    except OSError:
        return None
    return _load(str(where), stamp)
