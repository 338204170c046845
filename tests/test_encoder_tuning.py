"""The encoder tuning of fact-check matching: its file, the checks made before it is used, that
PyTorch (where it is learnt) and onnxruntime (where it runs) agree on what its values mean, and
the training command end to end on a slice of CheckThat train."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from claimscope import embeddings
from claimscope.cli import app
from claimscope.errors import ClaimscopeError
from claimscope.knowledge.factchecks.match import (
    Fusion,
    matching_embedder,
    packaged_fusion,
    packaged_tuning,
)
from claimscope.training import encoder
from tests.conftest import need, shared

TEXTS = [
    "Syria surrendered its entire chemical stockpile in 2013.",
    "Did a photograph show a shark swimming on a flooded highway after Hurricane Harvey?",
    "BREAKING: the governor signed the bill banning plastic bags statewide",
]
# Posts and the headlines of reviews that check them, written for this test.
PAIRS = [
    ("Sharks swimming down the freeway in Houston!! #Harvey", "Shark on a Flooded Highway?"),
    ("They are putting microchips in the vaccines, wake up", "Do Vaccines Contain Microchips?"),
    ("NASA admits the moon landing was filmed in a studio", "Was the Moon Landing Faked?"),
    ("Bill Gates bought all the farmland in America", "Does Bill Gates Own Most US Farmland?"),
    ("The Pope endorsed Donald Trump for president", "Pope Francis Endorses Donald Trump?"),
    ("Drinking bleach cures the virus, doctors say", "Can Drinking Bleach Cure COVID-19?"),
    ("5G towers are spreading the coronavirus", "Does 5G Spread Coronavirus?"),
    ("Walmart is closing all of its stores next month", "Is Walmart Closing All Its Stores?"),
]
BIAS = "inner.encoder.layer.0.output.dense.bias"


def test_a_tuning_round_trips_and_changes_the_vectors(tmp_path: Path) -> None:
    base = embeddings.load()
    tuning = embeddings.Tuning("probe", {BIAS: np.full(384, 0.05, np.float32)})
    path = tmp_path / "tuning.npz"
    tuning.save(path)
    again = embeddings.Tuning.load(path)
    assert (again.name, again.id, again.base_sha256) == (
        tuning.name,
        tuning.id,
        embeddings.DEFAULT_SHA256,
    )
    assert embeddings.Tuning.load(path.read_bytes()).id == tuning.id
    tuned = embeddings.Embedder(tuning=again)
    assert tuned.model_id == f"{base.model_id}+{tuning.id}" != base.model_id
    plain, moved = base.encode(TEXTS), tuned.encode(TEXTS)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1.0, atol=1e-5)
    assert np.all((plain * moved).sum(axis=1) < 0.999)  # the new values are in use


def test_a_tuning_that_does_not_fit_the_model_is_refused(tmp_path: Path) -> None:
    other = embeddings.Tuning("x", {BIAS: np.zeros(384, np.float32)}, base_sha256="0" * 64)
    with pytest.raises(ClaimscopeError, match="another model file"):
        embeddings.Embedder(tuning=other)
    # onnxruntime itself would ignore a value the graph does not have.
    unknown = embeddings.Tuning("x", {"inner.encoder.layer.9.output.dense.bias": np.zeros(384)})
    with pytest.raises(ClaimscopeError, match="lacks"):
        embeddings.Embedder(tuning=unknown)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not an npz file" * 10)
    with pytest.raises(ClaimscopeError, match="cannot read the embedding tuning"):
        embeddings.Tuning.load(junk)


def test_matching_runs_on_the_packaged_tuning_the_fusion_was_trained_with() -> None:
    tuning = packaged_tuning()
    embedder = matching_embedder()
    assert embedder.tuning is tuning
    assert packaged_fusion().provenance["embedding_model"] == embedder.model_id
    # BitFit: every bias and layer norm of the six layers and the embeddings, nothing else.
    assert len(tuning.arrays) == 62
    assert all(encoder.is_tunable(n.removeprefix(encoder.ONNX_PREFIX)) for n in tuning.arrays)


def test_onnx_with_the_tuning_gives_the_vectors_pytorch_learnt_it_for() -> None:
    need("torch")
    tuning = packaged_tuning()
    learnt = encoder.torch_vectors(tuning, TEXTS)
    run = matching_embedder().encode(TEXTS)
    untuned = embeddings.load().encode(TEXTS)
    same = (learnt * run).sum(axis=1)
    # int8 weights against fp32 ones: close, and much closer than the untuned model is.
    assert same.min() > 0.97, same
    assert np.all(same > (learnt * untuned).sum(axis=1))


def test_tuning_pulls_its_training_pairs_together() -> None:
    need("torch")
    queries = [q for q, _ in PAIRS]
    reviews = [r for _, r in PAIRS]
    tuning = encoder.tune(PAIRS, [None] * len(PAIRS), epochs=4, batch=4, learning_rate=2e-3)
    assert len(tuning.arrays) == 62
    before = encoder.torch_vectors(None, queries + reviews)
    after = encoder.torch_vectors(tuning, queries + reviews)
    n = len(PAIRS)

    def margin(v: np.ndarray) -> float:  # own review against the others
        sim = v[:n] @ v[n:].T
        return float(np.mean(np.diag(sim) - (sim.sum(axis=1) - np.diag(sim)) / (n - 1)))

    assert margin(after) > margin(before) + 0.01
    embeddings.Embedder(tuning=tuning)  # and it loads into the run-time model
    with pytest.raises(ValueError, match="one negative"):
        encoder.tune(PAIRS, [None])


def test_train_command_on_a_slice_writes_both_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need("torch")
    data = shared("data/checkthat2020-claim-retrieval")
    monkeypatch.setenv("CLAIMSCOPE_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "trained"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "factcheck-matching",
            "--checkthat",
            str(data),
            "--limit",
            "20",
            "--folds",
            "2",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    fusion = Fusion.from_dict(json.loads((out / "fusion.json").read_text(encoding="utf-8")))
    tuning = embeddings.Tuning.load(out / "encoder-tuning.npz")
    assert fusion.provenance["queries"] == 20 and fusion.provenance["folds"] == 2
    assert fusion.provenance["embedding_model"].endswith(tuning.id)
    assert 0.0 < fusion.threshold <= 1.0
    # Cosine with the claim is evidence for a match, as it must be.
    assert fusion.weights[0] > 0


def test_batching_by_length_keeps_every_vector() -> None:
    """Texts of very different lengths go into different batches (padding is wasted time), and
    each text's vector is the one it gets alone, in input order."""
    texts = [
        "Short.",
        "A much longer sentence about the ministry's report on the strike near the town, with "
        "figures, dates and names that make it run to forty word pieces or so.",
        "",
        "Medium length claim about 22 children.",
        "Short too.",
    ]
    embedder = embeddings.load()
    together = embedder.encode(texts)
    alone = np.vstack([embedder.encode([t]) for t in texts])
    assert together.shape == (len(texts), embeddings.DIMENSIONS)
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
