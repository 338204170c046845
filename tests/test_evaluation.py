"""Evaluation commands run on a small slice here; their full figures are in docs/evaluation.md."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from claimscope.cli import app

from .conftest import shared


def test_eval_html_metadata_on_a_slice() -> None:
    pages = shared("data/html-pages")
    r = CliRunner().invoke(app, ["eval", "html-metadata", "--pages", str(pages), "--limit", "12"])
    assert r.exit_code == 0, r.output
    assert "(12 pages, 0 failed to ingest)" in r.stdout
    rows = {
        m[0]: m[1:] for m in re.findall(r"^\| (\w+) \| (\d+) \| (\d+) .*\| (\d+) ", r.stdout, re.M)
    }
    assert "title" in rows
    pages_with, ours, baseline = map(int, rows["title"])
    assert 0 < pages_with <= 12 and ours <= pages_with and baseline <= pages_with
    assert ours >= baseline  # the metadata rules must not do worse than the extractor alone


def test_eval_html_metadata_refuses_a_folder_without_pages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(app, ["eval", "html-metadata", "--pages", str(tmp_path)])
    assert r.exit_code == 1
    assert "no NAME/source.html pages" in r.stderr


def test_eval_speakers_on_a_slice() -> None:
    gold = shared("data/speakers-dev")
    r = CliRunner().invoke(
        app, ["eval", "speakers", "--gold", str(gold), "--limit", "6", "--errors", "3"]
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("speakers-dev: 6 articles")
    row = re.search(
        r"^\| all \| (\d+) \| [\d.]+% \((\d+)/\d+\) \| [\d.]+% \((\d+)/\d+\) "
        r"\| [\d.]+% \((\d+)/\d+\) \|",
        r.stdout,
        re.M,
    )
    assert row is not None, r.stdout
    gold_n, found, ours, baseline = map(int, row.groups())
    assert 0 < found <= gold_n
    assert ours > baseline  # resolution must beat copying the mention
    assert "Statements counted in voices" in r.stdout


def test_speakers_scoring_follows_the_sets_readme() -> None:
    from claimscope.evaluation.speakers import GoldStatement, Piece, match, speaker_ok

    # equals or contains, case-insensitive, curly quotes folded
    assert speaker_ok("Russian Defense Ministry spokesman Igor Konashenkov", "Igor Konashenkov")
    assert not speaker_ok("Konashenkov", "Igor Konashenkov")
    assert speaker_ok("Syria’s Ambassador", "syria's ambassador")
    gold = [GoldStatement(0, 10, "direct", "he", "A", "person", True)]
    gold.append(GoldStatement(20, 30, "direct", "he", "A", "person", True))
    # one piece is used for one gold statement only; overlap must reach half the shorter span
    pieces = [Piece(0, 30, "A1", "A", "he"), Piece(24, 26, "A2", "A", "he")]
    found = match(gold, pieces)
    assert found[0] is not None and found[0].attribution == "A1"
    assert found[1] is not None and found[1].attribution == "A2"
    assert match(gold[:1], [Piece(8, 30, "A3", "A", "he")]) == [None]
