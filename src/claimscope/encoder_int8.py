"""A faster copy of the sentence encoder: its matrix products in 8-bit integers.

The packaged ``all-MiniLM-L6-v2`` export stores its weights as int8 but multiplies in float32:
onnxruntime turns the weights back into floats when it loads the file, so every product is a
float one and a claim costs about as much as spaCy's parse of its sentence. Dynamic quantisation
(onnxruntime's ``quantize_dynamic``: int8 weights per output channel, activations quantised per
call) runs the products as integer ones, about twice as fast on a laptop CPU, with vectors at a
cosine of 0.994 to the float ones on average (0.987 at worst, 600 FA-KES sentences;
``docs/benchmarks.md``).

It is opt-in (``CLAIMSCOPE_EMBEDDING_INT8=1``): the integer products cost fact-check matching's
tuned vectors 1.5 points of MAP@5 (the fusion 0.3) and moved check-worthiness' learnt threshold
(docs/evaluation.md, "Check-worthiness: the encoder model"); a fact-checker's default is the
measured model. Vectors of the copy carry an id of their own, so stores never mix them.

The copy is made on the user's machine from the packaged file, with a tuning's values
written into the graph first, and kept in the cache directory (:mod:`claimscope.paths`) under a
name that holds the source file's hash, the tuning's id and :data:`VERSION`: a copy of anything
else is never read. Making it takes a few seconds, once. It needs the ``onnx`` package
(onnxruntime's quantiser is written over it; in the ``[train]`` extra).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from claimscope.errors import ClaimscopeError
from claimscope.paths import cache_dir

if TYPE_CHECKING:
    from collections.abc import Mapping

log = logging.getLogger(__name__)

VERSION = 1
ENV = "CLAIMSCOPE_EMBEDDING_INT8"


def wanted() -> bool:
    """Whether to run the integer copy: the user asked for it (``CLAIMSCOPE_EMBEDDING_INT8=1``)
    and ``onnx`` is installed (a clear error when it is not)."""
    if os.environ.get(ENV, "0").strip().lower() not in {"1", "true", "yes", "on"}:
        return False
    if importlib.util.find_spec("onnx") is None:
        raise ClaimscopeError(
            f"{ENV}=1 needs the onnx package to make the integer copy: pip install onnx"
        )
    return True


def copy_path(sha256: str, tuning: str | None) -> Path:
    tuned = tuning or "untuned"
    return cache_dir() / "models" / f"minilm-{sha256[:16]}-{tuned}-int8-v{VERSION}.onnx"


def integer_copy(
    source: Path, sha256: str, tuning: tuple[str, Mapping[str, np.ndarray]] | None = None
) -> Path:
    """The integer copy of ``source``, made first if absent; ``tuning`` is a tuning's id and its
    values (:class:`claimscope.embeddings.Tuning`), written into the copy."""
    path = copy_path(sha256, tuning[0] if tuning is not None else None)
    if path.is_file():
        return path
    started = time.perf_counter()
    log.warning("making the fast copy of the sentence encoder (once, a few seconds): %s", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="minilm-", dir=path.parent))
    except OSError:
        work = Path(tempfile.mkdtemp(prefix="claimscope-minilm-"))
    try:
        made = _make(source, tuning, work)
        try:
            os.replace(made, path)
        except OSError:
            return made.rename(work.parent / f"{work.name}.onnx")  # this process only
    except Exception as e:  # onnx and onnxruntime raise their own types
        raise ClaimscopeError(f"could not make the integer copy of {source}: {e}") from e
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("integer copy made in %.1f s", time.perf_counter() - started)
    return path


def _make(source: Path, tuning: tuple[str, Mapping[str, np.ndarray]] | None, work: Path) -> Path:
    import onnx
    import onnxruntime
    from onnx import numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(source))
    if tuning is not None:
        values = dict(tuning[1])
        for initializer in model.graph.initializer:
            if initializer.name in values:
                array = np.asarray(values.pop(initializer.name), dtype=np.float32)
                shaped = array.reshape(tuple(initializer.dims))
                initializer.CopyFrom(numpy_helper.from_array(shaped, initializer.name))
        if values:
            raise ClaimscopeError(f"the tuning names values the model lacks: {sorted(values)[:3]}")
    tuned = work / "tuned.onnx"
    onnx.save(model, str(tuned))
    # Fold the int8 -> float conversions of the weights into float weights, then quantise those.
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(work / "folded.onnx")
    options.log_severity_level = 3
    onnxruntime.InferenceSession(str(tuned), options, providers=["CPUExecutionProvider"])
    out = work / "int8.onnx"
    logging.disable(logging.WARNING)  # the quantiser logs advice to the root logger
    try:
        quantize_dynamic(work / "folded.onnx", out, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(logging.NOTSET)
    return out
