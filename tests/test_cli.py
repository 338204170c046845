from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.model import Analysis

from .conftest import EXAMPLE

runner = CliRunner()


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


@pytest.mark.usefixtures("nlp")
def test_analyze_example_json() -> None:
    r = run("analyze", str(EXAMPLE), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = Analysis.from_json(r.stdout)
    assert doc.article.title and doc.article.title.startswith("Militants kidnap kids")
    assert any("2018-09-12" in n for n in doc.notes)


@pytest.mark.usefixtures("nlp")
def test_analyze_options_and_stdin(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    r = run(
        "analyze",
        "-",
        "--published",
        "2018-09-26",
        "--outlet",
        "Press TV",
        "--out",
        str(out),
        input=EXAMPLE.read_text(encoding="utf-8"),
    )
    assert r.exit_code == 0, r.output
    doc = Analysis.from_json(out.read_text(encoding="utf-8"))
    assert doc.article.published == "2018-09-26"
    assert doc.article.outlet == "Press TV"


@pytest.mark.usefixtures("nlp")
def test_markdown_and_html_reports_escape_untrusted_text(tmp_path: Path) -> None:
    evil = tmp_path / "evil.txt"
    evil.write_text(
        'Officials <script>alert(1)</script> said <img src=x onerror="alert(2)"> the plan '
        "[click](javascript:alert(3)) was approved by the ministry in Damascus on Monday.\n",
        encoding="utf-8",
    )
    html = run("analyze", str(evil), "--format", "html")
    assert html.exit_code == 0, html.output
    assert "<script>" not in html.stdout and "<img" not in html.stdout
    assert "&lt;script&gt;" in html.stdout
    assert "Content-Security-Policy" in html.stdout
    md = run("analyze", str(evil), "--format", "md")
    assert md.exit_code == 0
    rendered = MarkdownIt().render(md.stdout)  # what a Markdown viewer would show
    assert "<script>" not in rendered and "<img" not in rendered
    assert 'href="javascript:' not in rendered


def test_schema_and_version() -> None:
    r = run("schema")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["title"] == "claimscope.analysis/1"
    v = run("version")
    assert v.exit_code == 0 and "claimscope" in v.stdout and "spaCy" in v.stdout
    assert "check-worthiness the encoder model" in v.stdout


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"%PDF-1.4 binary", "not text"), (b"\x00\x01\x02\x03" * 10, "not text")],
)
def test_bad_files_give_one_line_and_exit_1(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    r = run("analyze", str(p))
    assert r.exit_code == 1
    assert message in r.stderr
    assert "Traceback" not in r.output


def test_user_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    r = run("analyze", str(tmp_path / "missing.txt"))
    assert r.exit_code == 1 and "no such file" in r.stderr
    r = run("analyze", str(EXAMPLE), "--published", "26/09/2018")
    assert r.exit_code == 1 and "YYYY-MM-DD" in r.stderr
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    r = run("analyze", str(big), "--max-bytes", "100")
    assert r.exit_code == 1 and "size limit" in r.stderr


def test_no_traceback_from_the_real_command(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "claimscope.cli", "analyze", str(p)], capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "empty" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.usefixtures("nlp")
def test_batch_csv_records_failures_and_goes_on(tmp_path: Path) -> None:
    p = tmp_path / "corpus.csv"
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "text"])
        w.writerow(
            [
                "a",
                "Talks fail",
                "The United Nations said on Monday that talks in Geneva had failed.",
            ]
        )
        w.writerow(["b", "Nothing", ""])
        w.writerow(
            ["c", "Aid arrives", "Aid convoys reached Aleppo on Friday, the Red Crescent said."]
        )
    failures = tmp_path / "failures.jsonl"
    r = run("analyze", str(p), "--failures", str(failures))
    assert r.exit_code == 3, r.output
    docs = [Analysis.from_json(line) for line in r.stdout.splitlines() if line.strip()]
    assert [d.article.id for d in docs] == ["a", "c"]
    (failed,) = [json.loads(line) for line in failures.read_text().splitlines()]
    assert "row" in failed["source"]


def test_output_piped_into_a_closed_reader_stops_quietly(tmp_path: Path) -> None:
    p = tmp_path / "many.csv"
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        for i in range(40):
            w.writerow(
                [f"r{i}", "The ministry in Damascus said on Monday that talks had failed. " * 60]
            )
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimscope.cli", "analyze", str(p)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100).startswith(b'{"schema"')
    proc.stdout.close()  # like `| head -c 100`
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) != 0
    assert stderr == ""
