"""Check-worthiness: the shipped scorer, its training command and ``claimscope eval checkworthiness``.

The full held-out figures are in docs/evaluation.md; here the scorer is checked on edge inputs and
on sentences whose order is not in doubt, the split on its promises (no held-out debate or test
sentence in training), and both commands on small slices of ClaimBuster.
"""

from __future__ import annotations

import gzip
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimscope.analyzers import checkworthiness as cw
from claimscope.cli import app
from claimscope.evaluation.checkworthiness import prf
from claimscope.training.checkworthiness import (
    best_threshold,
    held_out_debates,
    normalise,
    read_claimbuster,
    split,
)

from .conftest import shared

runner = CliRunner()

FACTUAL = [
    "Unemployment rose to 9.5 percent in 2010.",
    "Syria surrendered its entire chemical stockpile in 2013.",
    "The company's profits doubled last year to $4 billion.",
]
OPINIONS = [
    "I think that's a wonderful idea.",
    "Thank you very much.",
    "We must stand together.",
    "What do you think?",
]


def test_scores_are_probabilities_for_edge_inputs() -> None:
    texts = [
        "",
        "   ",
        "?",
        "\u200b",
        "word " * 20000,  # very long
        "Les élèves étaient 3 000 à manifester à Paris le 12 mars.",
        "中国经济去年增长了百分之六。",
        "Emoji 🚀 and\ttabs\nand newlines",
    ]
    scores = cw.score(texts)
    assert len(scores) == len(texts)
    assert all(isinstance(s, float) and 0.0 <= s <= 1.0 for s in scores)
    assert cw.score([]) == []


def test_factual_claims_rank_above_opinions() -> None:
    factual, opinions = cw.score(FACTUAL), cw.score(OPINIONS)
    assert min(factual) > max(opinions), (factual, opinions)
    # At the shipped threshold the opinions are not flagged, the figures are.
    assert max(opinions) < cw.threshold() <= min(factual), (cw.threshold(), factual, opinions)


def test_numbers_and_specifics_raise_the_score() -> None:
    vague, specific = cw.score(
        [
            "The economy did well.",
            "The economy grew by 3.2 percent in 2018, the Commerce Department said.",
        ]
    )
    assert specific > vague


def test_tokenizer_folds_numbers_and_percent() -> None:
    assert cw.tokens("Rose 9.5% in 2010, to 1,200 jobs.") == [
        "rose",
        "<num>",
        "percent",
        "in",
        "<year>",
        "to",
        "<num>",
        "jobs",
    ]
    assert "<num> percent" in cw.word_ngrams("9.5 percent")


@pytest.mark.parametrize("name", [cw.PACKAGED, cw.PACKAGED_WORDS])
def test_packaged_models_load_and_name_their_source(name: str) -> None:
    resource = files("claimscope.analyzers").joinpath(name)
    assert resource.is_file()
    with resource.open("rb") as raw:
        size = len(raw.read())
    assert size < 2_000_000
    model = cw.packaged(name)
    if name == cw.PACKAGED:  # sentence vectors of the fact-check matching encoder
        from claimscope.knowledge.factchecks.match import matching_embedder

        assert len(model.vector_coef) == 384 and len(model.vocabulary) > 1000  # blended
        assert model.encoder == matching_embedder().model_id
        assert 0.5 <= model.meta["vector_weight"] <= 1.0
    else:
        assert len(model.vocabulary) > 1000 and not model.vector_coef
    assert 0.0 < model.threshold < 1.0
    assert "ClaimBuster" in model.meta["source"] and "CC BY 4.0" in model.meta["source"]
    assert model.meta["command"].startswith("claimscope train checkworthiness")
    assert "--limit" not in model.meta["command"]


def test_the_encoder_model_runs_unless_words_are_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert cw.active() is cw.packaged(cw.PACKAGED)
    encoded = cw.vectors(FACTUAL)
    assert encoded is not None and encoded[1].shape == (len(FACTUAL), 384)
    # the vectors passed in give the scores computed without them
    assert cw.score(FACTUAL, encoded) == pytest.approx(cw.score(FACTUAL))
    monkeypatch.setenv(cw.MODE_ENV, "words")
    assert cw.active() is cw.packaged(cw.PACKAGED_WORDS)
    assert cw.vectors(FACTUAL) is None
    assert cw.threshold() == cw.packaged(cw.PACKAGED_WORDS).threshold
    assert min(cw.score(FACTUAL)) > max(cw.score(OPINIONS))


@pytest.mark.parametrize("name", [cw.PACKAGED, cw.PACKAGED_WORDS])
def test_model_round_trip_and_refusals(tmp_path: Path, name: str) -> None:
    model = cw.packaged(name)
    path = tmp_path / "model.json.gz"
    model.save(path)
    again = cw.Model.load(path)
    texts = [*FACTUAL, *OPINIONS]
    vectors = cw.encoder_vectors(texts)[1] if model.needs_vectors else None
    assert again.score(texts, vectors) == pytest.approx(model.score(texts, vectors), abs=1e-4)
    data = again.to_json()
    with pytest.raises(ValueError, match="format"):
        cw.Model.from_json({**data, "format": "something/else"})
    with pytest.raises(ValueError, match="hand features"):
        cw.Model.from_json({**data, "hand_features": ["digit"]})
    if model.needs_vectors:
        with pytest.raises(ValueError, match="sentence vectors"):
            again.score(texts)
        with pytest.raises(ValueError, match="encoder"):
            cw.Model.from_json({**data, "encoder": None})
    else:
        with pytest.raises(ValueError, match="differ in length"):
            cw.Model.from_json({**data, "idf": data["idf"][:-1]})


def test_best_threshold_and_prf() -> None:
    scores = [0.9, 0.8, 0.6, 0.4, 0.3, 0.1]
    labels = [1, 1, 0, 1, 0, 0]
    # 0.9/0.8 alone: F1 0.8; down to 0.4: P 3/4, R 1 -> F1 0.857 (the best).
    assert best_threshold(scores, labels) == 0.4
    assert best_threshold([0.2, 0.2], [0, 0]) == 0.5  # no positive: keep the default
    p, r, f = prf(scores, labels, 0.5)
    assert (p, r) == (pytest.approx(2 / 3), pytest.approx(2 / 3)) and f == pytest.approx(2 / 3)
    assert prf([0.1, 0.2], [1, 0], 0.5) == (0.0, 0.0, 0.0)


def test_split_holds_out_whole_debates_and_their_sentences() -> None:
    crowd, expert = read_claimbuster(shared("data/claimbuster"))
    parts = split(crowd, expert)
    held = set(parts.held_out)
    assert parts.held_out == held_out_debates([r.debate for r in crowd])  # deterministic
    assert len(held) == 11
    assert parts.test_expert and all(r.debate in held for r in parts.test_expert)
    assert parts.test_crowd and all(r.debate in held for r in parts.test_crowd)
    assert not {r.debate for r in parts.train} & held
    unseen = {normalise(r.text) for r in [*expert, *parts.test_crowd]}
    assert not any(normalise(r.text) in unseen for r in parts.train)
    assert not {r.sentence_id for r in parts.train} & {r.sentence_id for r in expert}
    assert len(parts.train) + parts.dropped_duplicates + len(parts.test_crowd) == len(crowd)
    # The shipped models were trained with this split.
    assert cw.packaged(cw.PACKAGED).meta["held_out_debates"] == parts.held_out
    assert cw.packaged(cw.PACKAGED_WORDS).meta["held_out_debates"] == parts.held_out


def test_train_command_writes_loadable_models(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        [
            "train",
            "checkworthiness",
            "--claimbuster",
            str(shared("data/claimbuster")),
            "--out",
            str(tmp_path),
            "--limit",
            "800",
        ],
    )
    assert r.exit_code == 0, r.output
    assert str(tmp_path / cw.PACKAGED) in r.stdout and str(tmp_path / cw.PACKAGED_WORDS) in r.stdout
    texts = [*FACTUAL, *OPINIONS]
    for name in (cw.PACKAGED, cw.PACKAGED_WORDS):
        with gzip.open(tmp_path / name, "rt", encoding="utf-8") as f:
            assert json.load(f)["format"] == cw.FORMAT
        model = cw.Model.load(tmp_path / name)
        assert model.meta["train_sentences"] == 800 and "--limit 800" in model.meta["command"]
        vectors = cw.encoder_vectors(texts)[1] if model.needs_vectors else None
        scores = model.score(texts, vectors)
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert len(set(scores)) > 1  # it learned something, not a constant


def _eval(checkthat: Path, limit: int) -> Any:
    options = {
        "--claimbuster": str(shared("data/claimbuster")),
        "--checkthat2024": str(checkthat),
        "--limit": str(limit),
    }
    return runner.invoke(
        app, ["eval", "checkworthiness", *(x for kv in options.items() for x in kv)]
    )


def test_eval_command_on_a_slice() -> None:
    r = _eval(shared("data/checkthat2024-checkworthiness/dev-test.tsv"), 40)
    assert r.exit_code == 0, r.output
    out = r.stdout
    for system in (
        "| claimscope |",
        "| claimscope word model |",
        "| majority class (baseline) |",
        "| TF-IDF + LR (baseline) |",
    ):
        assert out.count(system) == 3, system  # one row per test set
    assert "Test, expert labels (groundtruth.csv): 40 sentences" in out
    assert "Test, crowd labels (crowdsourced.csv): 40 sentences" in out
    assert "Test, CheckThat! 2024 dev-test: 40 sentences" in out
    assert "warning:" not in out


def test_eval_refuses_a_file_that_is_not_checkthat(tmp_path: Path) -> None:
    bad = tmp_path / "x.tsv"
    bad.write_text("id\ttext\tlabel\n1\tHello\tYes\n", "utf-8")
    r = _eval(bad, 5)
    assert r.exit_code == 1
    assert "not a CheckThat! 2024 file" in r.stderr and "Traceback" not in r.output


@pytest.mark.parametrize("command", ["eval", "train"])
def test_commands_explain_a_folder_without_the_files(tmp_path: Path, command: str) -> None:
    (tmp_path / "crowdsourced.csv").write_text("Sentence_id,Text,File_id,Verdict\n", "utf-8")
    r = runner.invoke(app, [command, "checkworthiness", "--claimbuster", str(tmp_path)])
    assert r.exit_code == 1
    assert "groundtruth.csv not found" in r.stderr and "Traceback" not in r.output


def test_the_blend_is_the_two_models_log_odds() -> None:
    """The encoder model is one linear model whose log-odds are the weighted sum of the vector
    model's and the word model's: scoring it equals blending their scores."""
    import math

    from claimscope.training.checkworthiness import blend

    words = cw.packaged(cw.PACKAGED_WORDS)
    texts = [*FACTUAL, *OPINIONS]
    vectors = cw.encoder_vectors(texts)[1]
    vector_model = cw.Model(
        vocabulary={},
        idf=[],
        word_coef=[],
        hand_coef=[0.1 * (i % 3) for i in range(len(cw.HAND_FEATURES))],
        intercept=-0.5,
        vector_coef=[0.01 * ((i % 7) - 3) for i in range(vectors.shape[1])],
        encoder="test",
    )
    blended = blend(vector_model, words, 0.6)

    def logit(p: float) -> float:
        return math.log(p / (1 - p))

    for text, v, got in zip(texts, vectors, blended.score(texts, vectors), strict=True):
        want = 0.6 * vector_model.logit(text, v) + 0.4 * logit(words.score([text])[0])
        assert logit(got) == pytest.approx(want, abs=1e-6)
