"""The ``claimscope`` command: a thin shell over the library.

User mistakes (a missing file, a refused URL, a bad date) print one line on standard error and
exit non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from claimscope import __version__
from claimscope.errors import ClaimscopeError
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES
from claimscope.model import Analysis, Article, Failure

app = typer.Typer(
    help="See how a news article is built: who claims what, through whom, in what words.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)

# Exit codes: 0 all went through; 1 nothing could be analysed (or a usage error); 3 a batch ran but
# some articles failed (they are listed, and written to --failures when given).
EXIT_ERROR = 1
EXIT_PARTIAL = 3


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


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_ERROR)


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise _fail(f"--published must be a date as YYYY-MM-DD, not {value!r}") from None


@app.command()
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
) -> None:
    """Analyse an article (or every article in a JSONL/CSV/WARC/feed file) and write the result."""
    from claimscope.ingest.auto import ReadOptions, is_corpus, read
    from claimscope.ingest.records import FieldMap
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
            published=_check_date(published),
        )
        many = is_corpus(input, options)
        items = read(input, options)
        if language:
            items = _set_language(items, language)
        if many and plots is not None:
            raise ClaimscopeError("--plots works with one article, not a corpus file")
        if png and plots is None:
            raise ClaimscopeError("--png needs --plots DIR: the directory to write the plots in")
        if many:
            code = _run_batch(items, format, out, failures)
        else:
            code = _run_single(items, format, out, plots, png=png)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    except BrokenPipeError:
        raise  # the reader went away (`| head`): Click stops quietly
    except OSError as e:
        raise _fail(f"{e.filename or input}: {e.strerror or e}") from None
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
) -> int:
    from claimscope.pipeline import analyze_many
    from claimscope.report import render

    with _status("Analysing"):
        results = list(analyze_many(items))
    analyses = [r for r in results if isinstance(r, Analysis)]
    for f in results:
        if isinstance(f, Failure):
            raise ClaimscopeError(f"{f.source}: {f.reason}")
    text = render(analyses[0], fmt.value)
    _write(text, out)
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
) -> int:
    from claimscope.pipeline import analyze_many
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
    done = failed = 0
    started = time.perf_counter()
    try:
        with _progress() as progress:
            task = progress.add_task("Analysing", total=None)
            for result in analyze_many(items):
                if isinstance(result, Failure):
                    failed += 1
                    err.print(
                        f"[yellow]failed:[/] {result.source}: {result.reason}", highlight=False
                    )
                    if fail_file:
                        fail_file.write(json.dumps(result.model_dump(), ensure_ascii=False) + "\n")
                else:
                    done += 1
                    if fmt is OutputFormat.json:
                        sink.write(result.to_json(indent=None) + "\n")
                    else:
                        assert out is not None
                        name = _safe_name(result.article.id) + "." + fmt.value
                        (out / name).write_text(render(result, fmt.value), encoding="utf-8")
                rate = (done + failed) / max(time.perf_counter() - started, 1e-9)
                progress.update(
                    task, advance=1, description=f"{done} analysed, {failed} failed, {rate:.1f}/s"
                )
    finally:
        if opened:
            opened.close()
        if fail_file:
            fail_file.close()
    err.print(f"{done} analysed, {failed} failed", highlight=False)
    if done == 0:
        return EXIT_ERROR
    return EXIT_PARTIAL if failed else 0


def _safe_name(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)[:100] or "article"


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")


@contextmanager
def _status(message: str) -> Iterator[None]:
    if err.is_terminal:
        with err.status(message):
            yield
    else:
        yield


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} articles"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )


eval_app = typer.Typer(
    help="Measure claimscope on annotated data, next to a baseline.", no_args_is_help=True
)
app.add_typer(eval_app, name="eval")


@eval_app.command("html-metadata")
def eval_html_metadata(
    pages: Annotated[
        Path, typer.Option(help="Folder of NAME/source.html + NAME/expected-metadata.json.")
    ],
    limit: Annotated[
        int | None, typer.Option(help="Only the first N pages (a quick slice).")
    ] = None,
) -> None:
    """Title, author, site and date from HTML pages, against trafilatura's own metadata."""
    from claimscope.evaluation.html_metadata import evaluate, format_table

    try:
        result = evaluate(pages, limit)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_table(result))


@eval_app.command("attribution")
def eval_attribution(
    polnear: Annotated[
        Path,
        typer.Option(help="A PolNeAR split folder (text/NAME.txt + attributions/NAME_*.ann)."),
    ],
    limit: Annotated[
        int | None, typer.Option(help="Only the first N articles (a quick slice).")
    ] = None,
    rules_out: Annotated[
        Path | None,
        typer.Option(help="Write claimscope's precision per analyzer rule here, as JSON."),
    ] = None,
) -> None:
    """Attributions (source, cue, content) against PolNeAR, next to textacy's direct quotations."""
    from claimscope.evaluation.polnear import evaluate, format_report, write_rules

    try:
        with _status("Analysing PolNeAR articles"):
            result = evaluate(polnear, limit)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_report(result))
    if rules_out is not None:
        write_rules(result, rules_out)


@eval_app.command("techniques")
def eval_techniques(
    ptc: Annotated[
        Path,
        typer.Option(
            help="A PTC 2019 split folder (articleNNN.txt + articleNNN.labels.tsv), or the corpus "
            "folder holding it."
        ),
    ],
    split: Annotated[
        str, typer.Option(help="The split to use when --ptc is the corpus folder.")
    ] = "dev",
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first N articles (a quick slice).")
    ] = None,
) -> None:
    """Framing techniques against PTC's spans (SemEval-2020 Task 11 scoring), next to a lexicon
    baseline."""
    from claimscope.evaluation.ptc import evaluate, format_report

    try:
        with _status("Analysing PTC articles"):
            result = evaluate(ptc, limit, split=split)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_report(result))


@eval_app.command("checkworthiness")
def eval_checkworthiness(
    claimbuster: Annotated[
        Path, typer.Option(help="The ClaimBuster folder (crowdsourced.csv + groundtruth.csv).")
    ],
    limit: Annotated[
        int | None,
        typer.Option(
            min=1, help="Only the first N test sentences per test set (a quick slice for CI)."
        ),
    ] = None,
) -> None:
    """Check-worthiness on held-out ClaimBuster debates, next to a majority-class and a TF-IDF +
    logistic regression baseline."""
    from claimscope.evaluation.checkworthiness import evaluate, format_report

    try:
        with _status("Training the baseline and scoring ClaimBuster sentences"):
            result = evaluate(claimbuster, limit)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_report(result))


@eval_app.command("places")
def eval_places(
    fakes: Annotated[
        Path, typer.Option(help="The FA-KES CSV (latin-1, with a location column per article).")
    ],
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first N articles (a quick slice).")
    ] = None,
) -> None:
    """Place linking: the share of FA-KES articles whose main place is their labelled city or lies
    in their governorate, next to a most-populous-match baseline."""
    from claimscope.evaluation.places import evaluate, format_report

    try:
        with _status("Analysing FA-KES articles"):
            result = evaluate(fakes, limit)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_report(result))


train_app = typer.Typer(
    help="Rebuild the model files shipped in the package from public annotated data.",
    no_args_is_help=True,
)
app.add_typer(train_app, name="train")


@train_app.command("checkworthiness")
def train_checkworthiness(
    claimbuster: Annotated[
        Path, typer.Option(help="The ClaimBuster folder (crowdsourced.csv + groundtruth.csv).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Where to write the model (default: the file shipped in the package)."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=2, help="Train on N training sentences only (tests; not for shipping)."),
    ] = None,
) -> None:
    """Train the check-worthiness scorer on the ClaimBuster debates not held out for evaluation."""
    from claimscope.training.checkworthiness import format_report, train

    try:
        with _status("Training the check-worthiness scorer"):
            report = train(claimbuster, out, limit=limit)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    except OSError as e:
        raise _fail(f"{e.filename or out}: {e.strerror or e}") from None
    typer.echo(format_report(report))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the analysis document (claimscope.analysis/1)."""
    from importlib.resources import files

    sys.stdout.write(files("claimscope").joinpath("schema/analysis.schema.json").read_text("utf-8"))


@app.command()
def outlet(
    name: Annotated[str, typer.Argument(help="An outlet name, domain or URL.")],
) -> None:
    """Print the outlet registry entry for NAME|DOMAIN as JSON (each rater's verdict separately)."""
    import json

    from claimscope.knowledge.outlets import lookup

    try:
        found = lookup(name)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    if found is None:
        raise _fail(f"no outlet named {name!r} in the registry")
    typer.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))


@app.command()
def serve(
    db: Annotated[
        Path, typer.Option(help="The DuckDB file analyses are kept in (created if missing).")
    ],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    allow_private: Annotated[
        bool, typer.Option(help="Allow fetching private and loopback addresses.")
    ] = False,
) -> None:
    """Run the web app and JSON API (pages at /, OpenAPI at /api/openapi.json)."""
    import uvicorn

    from claimscope.web.app import create_app

    try:
        web_app = create_app(db, allow_private=allow_private)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    except OSError as e:
        raise _fail(f"{e.filename or db}: {e.strerror or e}") from None
    except Exception as e:  # duckdb.IOException etc.: a file that cannot be opened as a database
        if type(e).__module__.startswith("duckdb") or type(e).__module__.startswith("_duckdb"):
            raise _fail(f"{db}: {e}") from None
        raise
    uvicorn.run(web_app, host=host, port=port)


@app.command()
def version() -> None:
    """Print the versions of claimscope, spaCy and the English model."""
    import spacy

    from claimscope.nlp import MODEL_PACKAGES

    model = "none installed"
    for name in MODEL_PACKAGES:
        try:
            meta = spacy.util.get_package_version(name)
        except Exception:
            meta = None
        if meta:
            model = f"{name} {meta}"
            break
    typer.echo(f"claimscope {__version__}\nspaCy {spacy.__version__}\nmodel {model}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
