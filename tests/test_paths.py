"""Where claimscope keeps the user's files and what it builds."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_user_files_live_in_one_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimscope.analyzers.framing import tagger
    from claimscope.knowledge.factchecks import store

    monkeypatch.delenv("CLAIMSCOPE_FACTCHECKS", raising=False)
    monkeypatch.delenv("CLAIMSCOPE_TECHNIQUE_MODEL", raising=False)
    monkeypatch.setenv("CLAIMSCOPE_DATA_DIR", str(tmp_path))
    assert store.default_path() == tmp_path / "factchecks.sqlite"
    assert tagger.default_path() == tmp_path / "techniques.onnx"
    monkeypatch.setenv("CLAIMSCOPE_FACTCHECKS", str(tmp_path / "elsewhere.sqlite"))
    assert store.default_path() == tmp_path / "elsewhere.sqlite"  # its own setting wins
