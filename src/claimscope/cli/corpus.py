"""``claimscope corpus ...``: batch runs into a store, failures, search and export.

A thin shell over :mod:`claimscope.corpus`; the story commands are added by
:mod:`claimscope.cli.stories`."""

from __future__ import annotations

import datetime as dt
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from claimscope.cli.common import (
    EXIT_ERROR,
    EXIT_PARTIAL,
    DbOption,
    MaxChars,
    OutletFilter,
    SinceFilter,
    UntilFilter,
    err,
    fail,
    filters,
    open_store,
)
from claimscope.errors import ClaimscopeError

corpus_app = typer.Typer(
    help="Analyse many articles into a store (DuckDB file or PostgreSQL), resumably; search and "
    "export it.",
    no_args_is_help=True,
)


class EngineName(StrEnum):
    local = "local"
    ray = "ray"


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


@corpus_app.command("run")
def corpus_run(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories, globs or URLs: text, HTML, JSONL, CSV, WARC, feeds."
        ),
    ],
    db: DbOption,
    workers: Annotated[
        int, typer.Option(min=1, help="Local engine: worker processes (each loads spaCy once).")
    ] = 1,
    engine: Annotated[
        EngineName, typer.Option(help="local processes, or a Ray cluster.")
    ] = EngineName.local,
    address: Annotated[
        str | None,
        typer.Option(
            help="Ray: the cluster address (auto, ray://host:10001); default a local Ray."
        ),
    ] = None,
    actors: Annotated[int, typer.Option(min=1, help="Ray: analysis actors.")] = 2,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            help="Ray: where results are written as Parquet (shared storage on a cluster)."
        ),
    ] = None,
    fields: Annotated[
        str | None,
        typer.Option(
            help="CSV/JSONL column mapping, e.g. text=article_content,title=article_title,id=unit_id"
        ),
    ] = None,
    input_format: Annotated[
        str, typer.Option("--input-format", help="auto|text|html|jsonl|csv|warc|feed")
    ] = "auto",
    outlet: Annotated[
        str | None, typer.Option(help="The outlet, for inputs that do not say.")
    ] = None,
    factchecks: Annotated[
        Path | None, typer.Option(help="Fact-check store to match claims against.")
    ] = None,
    max_chars: MaxChars = None,
) -> None:
    """Analyse every article of INPUTS into the store. Re-running skips what is stored; a killed
    run picks up where it stopped. Failures are stored and listed by `corpus failures`."""
    if max_chars is not None:
        os.environ["CLAIMSCOPE_MAX_CHARS"] = str(max_chars)  # worker processes read it too
    from claimscope.corpus import run as corpus
    from claimscope.ingest.auto import ReadOptions
    from claimscope.ingest.jsonl_csv import FieldMap

    try:
        from claimscope.corpus.inputs import expand

        expand(inputs)  # a missing input is a usage error before anything is opened
        options = ReadOptions(
            format=input_format,
            fields=FieldMap.parse(fields) if fields else FieldMap(),
            outlet=outlet,
        )
        if factchecks is not None and not factchecks.is_file():
            raise ClaimscopeError(f"no fact-check store at {factchecks}")
        store_arg = str(factchecks) if factchecks else None
        if engine is EngineName.ray:
            from claimscope.corpus.engines.ray_engine import RayEngine

            chosen: Any = RayEngine(
                address, actors=actors, output_dir=output_dir, factchecks=store_arg
            )
        else:
            from claimscope.corpus.engines.local import LocalEngine

            chosen = LocalEngine(workers, factchecks=store_arg)
    except ClaimscopeError as e:
        raise fail(str(e)) from None

    store = open_store(db)
    try:
        with err.status("Reading the inputs and checking the store"):
            the_plan = corpus.plan(inputs, store, options)
        repeats = (
            f" (and {the_plan.repeats} exact repeats, stored once)" if the_plan.repeats else ""
        )
        err.print(
            f"{the_plan.articles} articles{repeats} in {len(the_plan.inputs)} input(s): "
            f"{the_plan.stored} already stored, {the_plan.todo} to analyse"
            + (f"; {the_plan.ingest_failures} unreadable" if the_plan.ingest_failures else ""),
            highlight=False,
            soft_wrap=True,
        )
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f}/s"),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("Analysing", total=the_plan.todo, rate=0.0, failed=0)
            started = dt.datetime.now()

            def step(analysed: int, failed: int, total: int) -> None:
                seconds = max((dt.datetime.now() - started).total_seconds(), 1e-9)
                bar.update(
                    task, completed=analysed + failed, rate=analysed / seconds, failed=failed
                )

            summary = corpus.run(the_plan, store, chosen, options, progress=step)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    finally:
        store.close()
    for failure in summary.failures[:5]:
        err.print(
            f"[yellow]failed:[/] {escape(failure.source)}: {escape(failure.reason)}",
            highlight=False,
            soft_wrap=True,
        )
    err.print(
        f"run {summary.run}: {summary.analysed - summary.not_english} analysed, "
        f"{summary.failed} failed, {the_plan.stored} skipped (already stored)"
        + (f", {summary.not_english} skipped (not English)" if summary.not_english else "")
        + f" in {summary.seconds:.1f} s "
        f"({summary.rate:.1f} articles/s); store: {db}",
        highlight=False,
        soft_wrap=True,
    )
    if summary.failed:
        err.print(
            "list them with: claimscope corpus failures --db " + db, highlight=False, soft_wrap=True
        )
    if summary.analysed == 0 and summary.failed and the_plan.stored == 0:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_PARTIAL if summary.failed else 0)


@corpus_app.command("failures")
def corpus_failures(
    db: DbOption,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Inputs and articles that could not be analysed, with the reason."""
    store = open_store(db)
    try:
        rows = store.failures()
    finally:
        store.close()
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    if not rows:
        err.print("no failures stored", highlight=False)
        return
    table = Table("source", "stage", "reason", "when")
    for row in rows:
        table.add_row(
            str(row.get("source")),
            str(row.get("stage")),
            str(row.get("reason")),
            str(row.get("at")),
        )
    Console(markup=False).print(table)


@corpus_app.command("search")
def corpus_search(
    db: DbOption,
    query: Annotated[
        str | None, typer.Argument(help="Words to find in articles and claims.")
    ] = None,
    outlet: OutletFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    speaker: Annotated[str | None, typer.Option(help="Quoting this speaker.")] = None,
    place: Annotated[str | None, typer.Option(help="Naming this place.")] = None,
    technique: Annotated[
        str | None, typer.Option(help="With this framing technique (e.g. doubt).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Full-text search over articles and claims, with filters."""
    store = open_store(db)
    try:
        hits = store.search(
            query,
            **filters(outlet, since, until),
            speaker=speaker,
            place=place,
            technique=technique,
            limit=limit,
        )
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    finally:
        store.close()
    rows = [h if isinstance(h, dict) else getattr(h, "__dict__", {"hit": str(h)}) for h in hits]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    if not rows:
        err.print("no match", highlight=False)
        return
    columns = [
        c
        for c in ("score", "published", "outlet", "title", "snippet", "key")
        if any(c in r for r in rows)
    ]
    table = Table(*columns)
    for row in rows:
        table.add_row(
            *(
                f"{row[c]:.2f}"
                if c == "score" and isinstance(row.get(c), float)
                else str(row.get(c) or "")
                for c in columns
            )
        )
    Console(markup=False).print(table)


@corpus_app.command("export")
def corpus_export(
    db: DbOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write.")],
    format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.jsonl,
    table: Annotated[
        str,
        typer.Option(
            help="articles, attributions, claims, findings, entities, places, times, voices, outlets, failures"
        ),
    ] = "articles",
) -> None:
    """Write a table of the store as Parquet, CSV or JSON lines."""
    store = open_store(db)
    try:
        written = store.export(out, format.value, table)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(f"{e.filename or out}: {e.strerror or e}") from None
    finally:
        store.close()
    err.print(f"{written} rows of {table} written to {out}", highlight=False, soft_wrap=True)
