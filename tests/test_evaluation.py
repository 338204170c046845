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
