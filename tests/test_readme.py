"""The README says what the tool does; these tests hold it to that (issue 23).

Every ``claimscope`` command line in the README's shell blocks must name a command that exists,
with options it takes; the cheap ones are run as written (placeholders replaced by real files).
The Python block runs; the JSON excerpts of the example's analysis are what analysing it gives;
the TOML outlet entry loads; the figures quoted around them are counted.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.model import Analysis

from .conftest import EXAMPLE, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.S | re.M)


def command_lines() -> list[list[str]]:
    """Every claimscope command of the shell blocks, as its words (comments, continuation lines
    and redirections taken off)."""
    out = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "claimscope":
                for i, word in enumerate(words):
                    if word in {"<", ">", "|"}:
                        words = words[:i]
                        break
                out.append(words[1:])
    return out


def _resolve(words: list[str]) -> tuple[Any, list[str]]:
    """The command the words name (Typer's click objects: groups have ``commands``)."""
    command: Any = typer.main.get_command(app)
    rest = list(words)
    while getattr(command, "commands", None) is not None and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        assert sub is not None, f"no command {rest[0]!r} in {' '.join(words)!r}"
        command, rest = sub, rest[1:]
    return command, rest


def test_every_readme_command_exists_with_its_options() -> None:
    lines = command_lines()
    assert len(lines) > 30
    for words in lines:
        command, rest = _resolve(words)
        known = {o for p in command.params for o in [*p.opts, *p.secondary_opts]}
        for word in rest:
            if word.startswith("--"):
                assert word.split("=")[0] in known, f"{' '.join(words)!r}: no option {word}"


def test_the_set_up_commands_are_make_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    setup = blocks("sh")[0]
    targets = re.findall(r"^make (\S+)", setup, flags=re.M)
    assert targets == ["example", "test"]  # exactly two set-up commands
    for target in targets:
        assert re.search(rf"^{target}:", makefile, flags=re.M)


def _run(words: list[str], tmp_path: Path, *, stdin: str | None = None) -> Any:
    swap = {
        "ARTICLE.txt": str(EXAMPLE),
        "article.txt": str(EXAMPLE),
        "report.html": str(tmp_path / "report.html"),
    }
    args = [swap.get(w, w) for w in words]
    r = runner.invoke(app, args, input=stdin)
    assert r.exit_code == 0, (words, r.output)
    return r


@pytest.mark.usefixtures("nlp")
def test_the_cheap_readme_commands_run_as_written(tmp_path: Path) -> None:
    ran = 0
    for words in command_lines():
        if words[:1] in (["schema"], ["outlet"], ["version"]) or words == [
            "analyze",
            "ARTICLE.txt",
        ]:
            r = _run(words, tmp_path)
            ran += 1
            if words[0] == "schema":
                assert json.loads(r.stdout)["title"]
            if words[0] == "outlet":
                assert json.loads(r.stdout)["name"] == "Press TV"
            if words[0] == "analyze":
                assert Analysis.from_json(r.stdout).attributions
        elif words[:2] == ["analyze", "-"]:  # ... < article.txt
            stdin = EXAMPLE.read_text(encoding="utf-8")
            doc = Analysis.from_json(_run(words, tmp_path, stdin=stdin).stdout)
            assert doc.article.published == "2018-09-26" and doc.article.outlet == "Press TV"
            ran += 1
    assert ran >= 5


@pytest.mark.usefixtures("nlp")
def test_the_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [code] = blocks("python")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "corpus.jsonl").write_text(
        json.dumps({"text": "The minister said the talks had failed in Geneva on Monday."}) + "\n",
        encoding="utf-8",
    )
    exec(compile(code, "README.md", "exec"), {})


def _matches(excerpt: Any, actual: Any) -> bool:
    """The README's excerpt is a part of the real value: dicts by their keys, list items by any
    real item they match (the README shows some of them), a string ending in "..." by its
    beginning."""
    if isinstance(excerpt, dict):
        return isinstance(actual, dict) and all(
            k in actual and _matches(v, actual[k]) for k, v in excerpt.items()
        )
    if isinstance(excerpt, list):
        return isinstance(actual, list) and all(
            any(_matches(item, a) for a in actual) for item in excerpt
        )
    if isinstance(excerpt, str) and excerpt.endswith("..."):
        return isinstance(actual, str) and actual.startswith(excerpt[:-3])
    return bool(excerpt == actual)


def test_the_example_excerpts_are_what_analysing_it_gives(example_analysis: Analysis) -> None:
    actual = json.loads(example_analysis.to_json())
    document, attribution = (json.loads(b) for b in blocks("json"))
    for key, value in document.items():
        assert _matches(value, actual[key]), key
    assert _matches([attribution], actual["attributions"])
    counts = re.search(
        r"two\s+of its (\d+) entities, one of its (\d+) places, two of its (\d+) time expressions "
        r"and one of its (\d+) notes",
        README,
    )
    assert counts is not None
    a = example_analysis
    assert [int(n) for n in counts.groups()] == [
        len(a.entities),
        len(a.places),
        len(a.times),
        len(a.notes),
    ]


def test_the_outlet_entry_example_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimscope.knowledge import outlets

    [entry] = blocks("toml")
    path = tmp_path / "mine.toml"
    path.write_text(entry, encoding="utf-8")
    monkeypatch.setenv("CLAIMSCOPE_OUTLETS", str(path))
    outlets_cache = [f for f in vars(outlets).values() if hasattr(f, "cache_clear")]
    for f in outlets_cache:
        f.cache_clear()
    try:
        found = outlets.lookup("ExNews", labels=True)
        assert found is not None and found.name == "Example News"
        assert outlets.lookup("https://example.org/a/story") is not None
    finally:
        monkeypatch.delenv("CLAIMSCOPE_OUTLETS")
        for f in outlets_cache:
            f.cache_clear()
