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

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from claimscope.errors import ClaimscopeError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

FORMAT = "claimscope.techniques/1"
MODEL_ENV = "CLAIMSCOPE_TECHNIQUE_MODEL"
FILE_NAME = "techniques.onnx"
WINDOW = 126  # word pieces per window, [CLS] and [SEP] aside (128 in all)
BATCH = 32
MAX_GAP = 1  # word pieces below the threshold a span may run over inside a line


def default_path() -> Path:
    """``$CLAIMSCOPE_TECHNIQUE_MODEL``, else ``techniques.onnx`` in the user's data directory."""
    from claimscope.paths import data_file

    return data_file(FILE_NAME, MODEL_ENV)


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
        """Every word piece of ``text`` with its probabilities (column 0: no technique; column
        ``i``: ``techniques[i - 1]``), in text order."""
        wins = windows(text, self._tokenizer)
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
            for r, w in enumerate(batch):
                ids[r, : len(w.ids)] = w.ids
                mask[r, : len(w.ids)] = 1
            (probs,) = self._session.run(["probs"], {"input_ids": ids, "attention_mask": mask})
            for r, i in enumerate(order[at : at + BATCH]):
                found[i] = probs[r, 1 : len(wins[i].pieces) + 1]
        for i, w in enumerate(wins):
            pieces += w.pieces
            rows.append(found[i])
        width = len(self.techniques) + 1
        return pieces, (np.concatenate(rows) if rows else np.zeros((0, width), np.float32))

    def spans(self, text: str) -> list[Span]:
        pieces, probs = self.probabilities(text)
        return decode(pieces, probs, self.techniques, self.threshold)


def decode(
    pieces: Sequence[Piece], probs: np.ndarray, techniques: Sequence[str], threshold: float
) -> list[Span]:
    """Spans of word pieces whose probability of some technique reaches ``threshold``."""
    some = 1.0 - probs[:, 0] if len(probs) else np.zeros(0)
    out = []
    for first, last in _runs(pieces, some >= threshold):
        block = probs[first : last + 1]
        technique = techniques[int(np.argmax(block[:, 1:].sum(axis=0)))]
        p = float(some[first : last + 1].mean())
        out.append(Span(technique, pieces[first].start, pieces[last].end, p))
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
