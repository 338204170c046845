"""The learned technique tagger (issue 19): decoding, windows, the model file's checks, and the
whole path on a small slice of PTC train (train, save, load, analyse, evaluate), as CI runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claimscope import embeddings
from claimscope.analyzers.framing import tagger
from claimscope.errors import ClaimscopeError
from claimscope.ingest.text import read_text
from claimscope.model import Analysis
from claimscope.pipeline import analyze
from tests.conftest import need, shared

TECHNIQUES = ["doubt", "loaded_language"]


def _probs(rows: list[tuple[float, float, float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def test_decode_bridges_one_gap_inside_a_line_only() -> None:
    pieces = [tagger.Piece(i * 5, i * 5 + 4, 0 if i < 5 else 1) for i in range(8)]
    probs = _probs(
        [
            (0.1, 0.1, 0.8),  # on
            (0.8, 0.1, 0.1),  # a gap of one: bridged
            (0.2, 0.7, 0.1),  # on
            (0.9, 0.05, 0.05),  # two off: the span ends
            (0.9, 0.05, 0.05),
            (0.2, 0.7, 0.1),  # on, next line
            (0.9, 0.05, 0.05),
            (0.9, 0.05, 0.05),
        ]
    )
    spans = tagger.decode(pieces, probs, TECHNIQUES, threshold=0.5)
    assert [(s.start, s.end) for s in spans] == [(0, 14), (25, 29)]
    # the technique with the most probability over the span: 0.8+0.1+0.1 against 0.1+0.1+0.7
    assert spans[0].technique == "loaded_language" and spans[1].technique == "doubt"
    line_break = [tagger.Piece(0, 4, 0), tagger.Piece(5, 9, 1)]
    both_on = _probs([(0.1, 0.9, 0.0), (0.1, 0.9, 0.0)])
    assert len(tagger.decode(line_break, both_on, TECHNIQUES, 0.5)) == 2  # never across lines


def test_windows_cover_the_text_and_keep_offsets() -> None:
    tok = tagger.tokenizer()
    text = "First line here.\n\n" + " ".join(["word"] * 300) + "\nLast one."
    wins = tagger.windows(text, tok)
    assert all(len(w.pieces) <= tagger.WINDOW and len(w.ids) == len(w.pieces) + 2 for w in wins)
    pieces = [p for w in wins for p in w.pieces]
    assert [text[p.start : p.end] for p in pieces][:3] == ["First", "line", "here"]
    assert sum(text[p.start : p.end] == "word" for p in pieces) == 300
    assert text[pieces[-1].start : pieces[-1].end] == "."
    assert len({p.line for p in pieces}) == 3


def test_missing_broken_or_foreign_model_files(tmp_path: Path) -> None:
    assert tagger.active(tmp_path / "none.onnx") is None  # no model: the rules, silently
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x08\x07not a model")
    error = tagger.active(broken)
    assert isinstance(error, ClaimscopeError) and "train techniques" in str(error)
    # a valid ONNX file that is not a tagger (the packaged sentence encoder)
    with pytest.raises(ClaimscopeError, match="not a claimscope technique model"):
        tagger.TechniqueModel(embeddings.model_file())


def test_a_broken_model_leaves_the_rules_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_analysis: Analysis, nlp: Any
) -> None:
    broken = tmp_path / "truncated.onnx"
    broken.write_bytes(embeddings.model_file().read_bytes()[:5000])  # a file cut short
    monkeypatch.setenv(tagger.MODEL_ENV, str(broken))
    text = shared("examples/presstv-2018-idlib.txt").read_text(encoding="utf-8")
    analysis = analyze(read_text(text), nlp=nlp)
    assert analysis.technique_model is None
    assert [f.model_dump() for f in analysis.findings] == [
        f.model_dump() for f in example_analysis.findings
    ]
    assert any(str(broken) in n and "rules alone" in n for n in analysis.notes)


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tagger trained on six PTC train articles for one epoch: useless as a model, but every
    step of the real path (about 20 s)."""
    from claimscope.training.techniques import train

    need("torch")
    need("onnx")
    out = tmp_path_factory.mktemp("tagger") / "techniques.onnx"
    report = train(shared("data/ptc2019"), out, epochs=1, limit=6)
    assert report.path == out and out.stat().st_size > 1_000_000
    assert report.articles == 6 and report.pieces > 1000
    return out


def test_trained_model_is_used_by_analyze_and_named(small_model: Path, nlp: Any) -> None:
    model = tagger.TechniqueModel(small_model)
    assert model.techniques and 0.0 < model.threshold < 1.0
    assert "PTC train, 6 articles" in model.label
    text = shared("examples/presstv-2018-idlib.txt").read_text(encoding="utf-8")
    with tagger.using(model):
        analysis = analyze(read_text(text), nlp=nlp)
    assert analysis.technique_model == model.label
    # the rules' findings stay, with their targets
    kept = {(f.technique, f.text, f.target) for f in analysis.findings}
    for expected in (
        ("name_calling", "Takfiri", "militants"),
        ("scare_quotes", "“aid group”", "White Helmets"),
        ("doubt", "alleged", "gas attack"),
        ("doubt", "purported", "goal"),
    ):
        assert expected in kept, expected
    for f in analysis.findings:
        assert analysis.article.text[f.start : f.end] == f.text and f.explanation


def test_evaluation_scores_rules_tagger_and_both(small_model: Path, nlp: Any) -> None:
    from claimscope.evaluation.ptc import evaluate, format_report

    result = evaluate(shared("data/ptc2019"), 3, split="dev", nlp=nlp, model=small_model)
    assert result.model is not None and result.combined is not None
    assert result.model.classification.gold == result.claimscope.classification.gold > 0
    report = format_report(result)
    for name in ("claimscope rules", "| tagger |", "rules + tagger", "lexicon baseline"):
        assert name in report, name


def test_reports_and_version_say_which_model_ran(example_analysis: Analysis) -> None:
    from typer.testing import CliRunner

    from claimscope.cli import app
    from claimscope.report import render

    for fmt in ("md", "html"):
        assert "claimscope train techniques --ptc DIR" in render(example_analysis, fmt)
        named = example_analysis.model_copy(update={"technique_model": "tagger-x (PTC train)"})
        shown = render(named, fmt)
        assert "learned tagger tagger-x (PTC train)" in shown
        assert "claimscope train techniques" not in shown
    out = CliRunner().invoke(app, ["version"]).output
    assert "framing techniques rules only" in out and "train techniques" in out


def test_a_model_of_another_format_version_is_refused(small_model: Path, tmp_path: Path) -> None:
    import onnx

    model = onnx.load(str(small_model))
    for entry in model.metadata_props:
        if entry.key == "format":
            entry.value = "claimscope.techniques/0"
    old = tmp_path / "old.onnx"
    onnx.save(model, str(old))
    with pytest.raises(ClaimscopeError, match=r"format claimscope\.techniques/1"):
        tagger.TechniqueModel(old)
