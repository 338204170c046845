"""The integer copy of the sentence encoder (encoder_int8.py): opt-in, made once into the cache,
close to the packaged model's vectors, with an id of its own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimscope import embeddings, encoder_int8
from claimscope.errors import ClaimscopeError
from claimscope.knowledge.factchecks.match import packaged_tuning
from claimscope.paths import CACHE_ENV
from tests.conftest import need

TEXTS = [
    "Syria surrendered its entire chemical stockpile in 2013.",
    "The strike on April 14 hit three sites near Damascus and Homs.",
    "Armed groups met representatives of the White Helmets in Idlib, the ministry said.",
]


def test_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(encoder_int8.ENV, raising=False)
    assert not encoder_int8.wanted()
    monkeypatch.setenv(encoder_int8.ENV, "0")
    assert not encoder_int8.wanted()
    monkeypatch.setenv(encoder_int8.ENV, "1")
    need("onnx")  # asked for, it needs onnx to make the copy (the next test)
    assert encoder_int8.wanted()


def test_asking_without_onnx_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "onnx" else real(name, *a)
    )
    monkeypatch.setenv(encoder_int8.ENV, "1")
    with pytest.raises(ClaimscopeError, match="pip install onnx"):
        encoder_int8.wanted()


def test_the_copy_is_close_to_the_packaged_model_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need("onnx")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    tuning = packaged_tuning()
    monkeypatch.delenv(encoder_int8.ENV, raising=False)
    exact = embeddings.Embedder(tuning=tuning)
    monkeypatch.setenv(encoder_int8.ENV, "1")
    fast = embeddings.Embedder(tuning=tuning)

    # its own id (stores never mix the two), the same weights for heads trained on either
    assert fast.model_id != exact.model_id
    assert embeddings.weights_id(fast.model_id) == exact.model_id
    # made once into the cache, under a name that holds the tuning
    assert fast.runtime_path.parent == tmp_path / "models"
    assert tuning.id in fast.runtime_path.name
    made = fast.runtime_path.stat().st_mtime_ns
    again = embeddings.Embedder(tuning=tuning)
    assert again.runtime_path == fast.runtime_path
    assert again.runtime_path.stat().st_mtime_ns == made

    a, b = exact.encode(TEXTS), fast.encode(TEXTS)
    cosines = (a * b).sum(axis=1)
    assert np.all(cosines > 0.98), cosines
    # the tuning is written into the copy: without it the vectors move much further
    untuned = embeddings.Embedder()
    assert np.all((untuned.encode(TEXTS) * b).sum(axis=1) < cosines)
