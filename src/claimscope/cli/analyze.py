"""``claimscope analyze``: one article, a file of many, a URL or a feed, to JSON, Markdown, HTML."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.markup import escape

from claimscope.cli.common import (
    EXIT_ERROR,
    EXIT_PARTIAL,
    MaxChars,
    err,
    fail,
    option_date,
    progress_bar,
    status,
    write,
)
from claimscope.errors import ClaimscopeError
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES
from claimscope.model import Analysis, Article, Failure


class OutputFormat(StrEnum):
    json = "json"
    md = "md"
    html = "html"


class InputFormat(StrEnum):
    auto = "auto"
    text = "text"
    html = "html"
    jsonl = "jsonl"
    csv = "csv"
    warc = "warc"
    feed = "feed"


def analyze(
    input: Annotated[
        str, typer.Argument(help="A file, a URL (http/https) or - for standard input.")
    ],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.json,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write here instead of standard output (a directory for md/html of many articles).",
        ),
    ] = None,
    published: Annotated[str | None, typer.Option(help="Publication date, YYYY-MM-DD.")] = None,
    outlet: Annotated[
        str | None, typer.Option(help="The outlet that published the article.")
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="The article's title, if the input lacks one.")
    ] = None,
    input_format: Annotated[
        InputFormat, typer.Option("--input-format", help="Reader to use.")
    ] = InputFormat.auto,
    fields: Annotated[
        str | None,
        typer.Option(
            help="CSV/JSONL column mapping, e.g. text=article_content,title=article_title,id=unit_id"
        ),
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="Override the detected language (e.g. en).")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow fetching private and loopback addresses.")
    ] = False,
    fetch_links: Annotated[
        bool, typer.Option(help="For feeds: fetch each entry's linked page.")
    ] = False,
    max_bytes: Annotated[
        int, typer.Option(help="Size limit for one input or article, in bytes.")
    ] = DEFAULT_MAX_BYTES,
    max_chars: MaxChars = None,
    timeout: Annotated[
        float, typer.Option(help="Time limit for fetching a URL, in seconds.")
    ] = 20.0,
    failures: Annotated[
        Path | None, typer.Option(help="Write failed inputs here as JSON lines.")
    ] = None,
    plots: Annotated[
        Path | None,
        typer.Option(
            help="Also write sourcing.svg, timeline.svg, map.svg and graph.svg into this "
            "directory (one article only)."
        ),
    ] = None,
    png: Annotated[
        bool, typer.Option("--png", help="With --plots, also write each plot as PNG.")
    ] = False,
    factchecks: Annotated[
        Path | None,
        typer.Option(
            help="Fact-check store to match claims against (default: $CLAIMSCOPE_FACTCHECKS or "
            "the user's store, when it exists)."
        ),
    ] = None,
) -> None:
    """Analyse an article (or every article in a JSONL/CSV/WARC/feed file) and write the result."""
    if max_chars is not None:
        os.environ["CLAIMSCOPE_MAX_CHARS"] = str(max_chars)
    from claimscope.ingest.auto import ReadOptions, is_corpus, read
    from claimscope.ingest.jsonl_csv import FieldMap
    from claimscope.ingest.url import FetchOptions

    try:
        options = ReadOptions(
            format=input_format.value,
            fields=FieldMap.parse(fields) if fields else FieldMap(),
            fetch=FetchOptions(allow_private=allow_private, max_bytes=max_bytes, timeout=timeout),
            fetch_links=fetch_links,
            max_bytes=max_bytes,
            title=title,
            outlet=outlet,
            published=option_date(published, "--published"),
        )
        many = is_corpus(input, options)
        items = read(input, options)
        if language:
            items = _set_language(items, language)
        if many and plots is not None:
            raise ClaimscopeError("--plots works with one article, not a corpus file")
        if png and plots is None:
            raise ClaimscopeError("--png needs --plots DIR: the directory to write the plots in")
        if factchecks is not None and not factchecks.is_file():
            raise ClaimscopeError(
                f"no fact-check store at {factchecks}; create one with "
                "claimscope factchecks import FILE --store PATH"
            )
        store = str(factchecks) if factchecks else None
        if many:
            code = _run_batch(items, format, out, failures, store)
        else:
            code = _run_single(items, format, out, plots, png=png, factchecks=store)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    except BrokenPipeError:
        raise  # the reader went away (`| head`): Click stops quietly
    except OSError as e:
        raise fail(f"{e.filename or input}: {e.strerror or e}") from None
    raise typer.Exit(code)


def _set_language(items: Iterator[Article | Failure], language: str) -> Iterator[Article | Failure]:
    for item in items:
        if isinstance(item, Article):
            item.language = language
        yield item


def _run_single(
    items: Iterator[Article | Failure],
    fmt: OutputFormat,
    out: Path | None,
    plots: Path | None = None,
    *,
    png: bool = False,
    factchecks: str | None = None,
) -> int:
    from claimscope import nlp
    from claimscope.pipeline import analyze_many, language_warning
    from claimscope.report import render

    with status("Analysing"):
        results = list(analyze_many(items, nlp=nlp.load(factchecks=factchecks)))
    analyses = [r for r in results if isinstance(r, Analysis)]
    for f in results:
        if isinstance(f, Failure):
            raise ClaimscopeError(f"{f.source}: {f.reason}")
    warning = language_warning(analyses[0])
    if warning:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    text = render(analyses[0], fmt.value)
    write(text, out)
    if plots is not None:
        from claimscope.report.plots import write_plots

        written = write_plots(analyses[0], plots, png=png)
        err.print(f"plots: {', '.join(str(p) for p in written)}", highlight=False)
    return 0


def _run_batch(
    items: Iterator[Article | Failure],
    fmt: OutputFormat,
    out: Path | None,
    failures_path: Path | None,
    factchecks: str | None = None,
) -> int:
    from claimscope import nlp
    from claimscope.pipeline import analyze_many, language_warning
    from claimscope.report import render

    if fmt is not OutputFormat.json and out is None:
        raise ClaimscopeError(f"--format {fmt.value} for many articles needs --out DIRECTORY")
    if fmt is not OutputFormat.json and out is not None:
        out.mkdir(parents=True, exist_ok=True)
    sink: TextIO = sys.stdout
    opened: TextIO | None = None
    if fmt is OutputFormat.json and out is not None:
        opened = sink = out.open("w", encoding="utf-8")
    fail_file = failures_path.open("w", encoding="utf-8") if failures_path else None
    done = failed = skipped = 0
    started = time.perf_counter()
    try:
        with progress_bar() as progress:
            task = progress.add_task("Analysing", total=None)
            for result in analyze_many(items, nlp=nlp.load(factchecks=factchecks)):
                if isinstance(result, Failure):
                    failed += 1
                    err.print(
                        f"[yellow]failed:[/] {escape(result.source)}: {escape(result.reason)}",
                        highlight=False,
                    )
                    if fail_file:
                        fail_file.write(json.dumps(result.model_dump(), ensure_ascii=False) + "\n")
                else:
                    warning = language_warning(result)
                    if warning:
                        skipped += 1
                        err.print(f"[yellow]skipped:[/] {escape(warning)}", highlight=False)
                    else:
                        done += 1
                    if fmt is OutputFormat.json:
                        sink.write(result.to_json(indent=None) + "\n")
                    else:
                        assert out is not None
                        name = _safe_name(result.article.id) + "." + fmt.value
                        (out / name).write_text(render(result, fmt.value), encoding="utf-8")
                rate = (done + skipped + failed) / max(time.perf_counter() - started, 1e-9)
                progress.update(
                    task, advance=1, description=f"{done} analysed, {failed} failed, {rate:.1f}/s"
                )
    finally:
        if opened:
            opened.close()
        if fail_file:
            fail_file.close()
    passed = f", {skipped} skipped (not English)" if skipped else ""
    err.print(f"{done} analysed, {failed} failed{passed}", highlight=False)
    if done == 0 and not skipped:
        return EXIT_ERROR
    return EXIT_PARTIAL if failed else 0


def _safe_name(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)[:100] or "article"
