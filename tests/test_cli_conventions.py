"""The command's conventions (issue 23): --version, exit codes as documented, a warning for text
that is not English, one-line hints for missing extras, help readable when piped, and setup."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimscope._version import __version__
from claimscope.cli import app
from claimscope.model import Analysis

runner = CliRunner()
ENGLISH = (
    "Officials say talks resume\n\nGENEVA (Reuters) - Talks between the two sides will resume next "
    'week, a United Nations spokesman said on Tuesday. "We are hopeful," he told reporters.\n'
)
FRENCH = (
    "Les négociations reprendront la semaine prochaine à Genève, a déclaré mardi un porte-parole "
    "des Nations unies. « Nous avons bon espoir », a-t-il dit aux journalistes, qui attendaient "
    "depuis le matin devant le palais des Nations.\n"
)


def test_version_option() -> None:
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout == f"claimscope {__version__}\n"


@pytest.mark.usefixtures("nlp")
def test_exit_codes_are_as_documented(tmp_path: Path) -> None:
    """0 all went through, 1 an error, 2 a usage error, 3 a batch with failures."""
    good = tmp_path / "good.txt"
    good.write_text(ENGLISH, encoding="utf-8")
    assert runner.invoke(app, ["analyze", str(good)]).exit_code == 0
    missing = runner.invoke(app, ["analyze", str(tmp_path / "missing.txt")])
    assert missing.exit_code == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert runner.invoke(app, ["analyze", str(good), "--no-such-option"]).exit_code == 2
    assert runner.invoke(app, ["analyze"]).exit_code == 2  # a missing argument
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"text": ENGLISH}) + "\n" + '{"text": \n', encoding="utf-8")
    partial = runner.invoke(app, ["analyze", str(batch)])
    assert partial.exit_code == 3, partial.output
    assert "1 analysed, 1 failed" in partial.stderr


@pytest.mark.usefixtures("nlp")
def test_text_not_in_english_warns_in_one_line(tmp_path: Path) -> None:
    french = tmp_path / "fr.txt"
    french.write_text(FRENCH, encoding="utf-8")
    r = runner.invoke(app, ["analyze", str(french)])
    assert r.exit_code == 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning:") and "'fr', not English" in lines[0]
    analysis = Analysis.from_json(r.stdout)
    assert analysis.article.language == "fr" and not analysis.attributions
    assert any("not English" in n for n in analysis.notes)  # the analysis keeps its note

    batch = tmp_path / "mixed.jsonl"
    batch.write_text(
        "\n".join(json.dumps({"id": i, "text": t}) for i, t in (("en", ENGLISH), ("fr", FRENCH))),
        encoding="utf-8",
    )
    r = runner.invoke(app, ["analyze", str(batch)])
    assert r.exit_code == 0, r.output
    assert "1 analysed, 0 failed, 1 skipped (not English)" in r.stderr
    assert len(r.stdout.strip().splitlines()) == 2  # both documents written, the French one noted


@pytest.mark.usefixtures("nlp")
def test_corpus_run_counts_text_not_in_english_as_skipped(tmp_path: Path) -> None:
    batch = tmp_path / "mixed.jsonl"
    batch.write_text(
        "\n".join(json.dumps({"id": i, "text": t}) for i, t in (("en", ENGLISH), ("fr", FRENCH))),
        encoding="utf-8",
    )
    db = tmp_path / "c.duckdb"
    r = runner.invoke(app, ["corpus", "run", str(batch), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "1 analysed, 0 failed, 0 skipped (already stored), 1 skipped (not English)" in r.stderr


@pytest.mark.parametrize(
    ("missing", "args", "extra"),
    [
        ("fastapi", ["serve", "--db", "x.duckdb"], "web"),
        ("duckdb", ["corpus", "search", "x", "--db", "{tmp}/c.duckdb"], "corpus"),
        ("resvg_py", ["analyze", "{tmp}/a.txt", "--plots", "{tmp}/p", "--png"], "plots"),
    ],
)
@pytest.mark.usefixtures("nlp")
def test_a_missing_extra_is_named_in_one_line(
    missing: str, args: list[str], extra: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    monkeypatch.setitem(sys.modules, missing, None)  # import fails as if not installed
    r = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert r.exit_code == 1, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"pip install 'claimscope[{extra}]'" in lines[0], r.stderr


def test_help_is_plain_text_within_80_columns_when_piped() -> None:
    for command in (["--help"], ["analyze", "--help"], ["corpus", "search", "--help"]):
        proc = subprocess.run(
            [sys.executable, "-m", "claimscope.cli", *command],
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
        )
        lines = proc.stdout.splitlines()
        assert lines[0].startswith("Usage: ") and all(len(line) <= 80 for line in lines), command
        assert "─" not in proc.stdout  # no boxes
    assert any("Only this outlet." in line for line in lines)  # a help text on one line


def test_setup_builds_the_caches_ahead_of_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nlp: Any
) -> None:
    from claimscope.knowledge import gazetteer

    monkeypatch.setenv("CLAIMSCOPE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(
        gazetteer,
        "build_index",
        lambda: {
            "places": [[163799, "Taftanāz", "city", "SY", "Idlib", 35.99832, 36.78579, 0, 0]],
            "keys": {"taftanaz": [0]},
            "country_names": {"SY": "Syria"},
        },
    )
    r = runner.invoke(app, ["setup"])
    assert r.exit_code == 0, r.output
    steps = [line.split(":")[0] for line in r.stdout.splitlines()]
    assert steps == ["place index", "English model", "shipped models", "fact-check store"]
    assert gazetteer.cache_path().exists() and "files verified" in r.stdout
