"""Model files checked against the SHA-256 values recorded in the package (issue 23)."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from claimscope import embeddings, integrity
from claimscope.nlp import MODEL_PACKAGES

PACKAGED = sorted(integrity.recorded()["packaged"])


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSCOPE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(integrity.UNVERIFIED_ENV, raising=False)


def _installed_spacy() -> object:
    for name in MODEL_PACKAGES:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise AssertionError("no English model installed")


def test_the_installed_files_are_the_recorded_ones() -> None:
    assert {"analyzers/checkworthiness.json.gz", "knowledge/factchecks/fusion.json"} <= set(
        PACKAGED
    )
    for relative in PACKAGED:
        assert integrity.packaged(relative).is_file()
    integrity.check_spacy(_installed_spacy())
    assert integrity.sha256(embeddings.model_file()) == embeddings.DEFAULT_SHA256
    # hashed once, then known by size and time
    cached = (Path(integrity._cache_file())).read_text("utf-8")
    assert str(embeddings.model_file().resolve()) in cached


def _tampered_package(tmp_path: Path, relative: str) -> Path:
    root = tmp_path / "claimscope"
    (root / relative).parent.mkdir(parents=True)
    shutil.copy(integrity.package_root() / integrity.RECORD_FILE, root / integrity.RECORD_FILE)
    shutil.copy(integrity.package_root() / relative, root / relative)
    with (root / relative).open("ab") as f:
        f.write(b" ")  # one byte more: still valid JSON, not the measured file
    return root


def test_a_tampered_shipped_file_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimscope.knowledge.factchecks import match

    root = _tampered_package(tmp_path, "knowledge/factchecks/fusion.json")
    monkeypatch.setattr(integrity, "package_root", lambda: root)
    match.packaged_fusion.cache_clear()
    try:
        with pytest.raises(integrity.ModelMismatch) as caught:
            match.packaged_fusion()
        message = str(caught.value)
        assert str(root / "knowledge/factchecks/fusion.json") in message
        assert "measured with" in message and integrity.UNVERIFIED_ENV in message
        monkeypatch.setenv(integrity.UNVERIFIED_ENV, "1")  # the user's own file, on purpose
        assert match.packaged_fusion()
    finally:
        match.packaged_fusion.cache_clear()


def test_a_tampered_spacy_model_is_refused_naming_the_file(tmp_path: Path) -> None:
    installed = integrity.spacy_data_dir(_installed_spacy())
    copy = tmp_path / "pkg" / installed.name
    shutil.copytree(installed, copy)
    fake = SimpleNamespace(__file__=str(tmp_path / "pkg" / "__init__.py"))
    integrity.check_spacy(fake)  # a faithful copy passes
    with (copy / "ner" / "cfg").open("ab") as f:
        f.write(b"\n")
    with pytest.raises(integrity.ModelMismatch, match=r"ner/cfg is not the file of the English"):
        integrity.check_spacy(fake)
    (copy / "ner" / "cfg").unlink()
    with pytest.raises(integrity.ModelMismatch, match=r"missing: ner/cfg"):
        integrity.check_spacy(fake)


def test_a_tampered_sentence_encoder_is_refused_unless_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tampered = tmp_path / "model.onnx"
    shutil.copy(embeddings.model_file(), tampered)
    data = bytearray(tampered.read_bytes())
    data[-1] ^= 1
    tampered.write_bytes(bytes(data))
    monkeypatch.delenv(embeddings.MODEL_ENV, raising=False)
    monkeypatch.setattr(embeddings, "model_file", lambda: tampered)
    with pytest.raises(integrity.ModelMismatch, match=str(tampered)):
        embeddings.Embedder()
    monkeypatch.setenv(embeddings.MODEL_ENV, str(tampered))  # another export, named on purpose
    assert embeddings.Embedder().model_id.startswith("onnx-")  # its vectors get an id of their own


def test_retraining_into_the_package_records_the_new_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    relative = "knowledge/factchecks/fusion.json"
    root = _tampered_package(tmp_path, relative)
    monkeypatch.setattr(integrity, "package_root", lambda: root)
    integrity.recorded.cache_clear()
    try:
        with pytest.raises(integrity.ModelMismatch):
            integrity.packaged(relative)
        assert integrity.rerecord([root / relative, tmp_path / "elsewhere.json"]) == [relative]
        integrity.packaged(relative)  # passes now
    finally:
        integrity.recorded.cache_clear()  # the real package's record again


def test_a_missing_shipped_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    integrity.recorded()  # the real record, read (and kept) before the package moves
    root = tmp_path / "claimscope"
    root.mkdir()
    monkeypatch.setattr(integrity, "package_root", lambda: root)
    with pytest.raises(integrity.ModelMismatch, match=r"fusion\.json, a file of .* cannot be read"):
        integrity.packaged("knowledge/factchecks/fusion.json")
