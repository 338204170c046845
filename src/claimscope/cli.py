"""The ``claimscope`` command: a thin shell over the library.

User mistakes (a missing file, a refused URL, a bad date) print one line on standard error and
exit non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from claimscope._version import __version__
from claimscope.cli_corpus import MaxChars
from claimscope.errors import ClaimscopeError
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES
from claimscope.model import Analysis, Article, Failure

app = typer.Typer(
    help="See how a news article is built: who claims what, through whom, in what words.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)  # one line per message, piped or not

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
    from rich.markup import escape  # "pip install 'claimscope[train]'" must keep its brackets

    err.print(
        f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True
    )
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
    factchecks: str | None = None,
) -> int:
    from claimscope import nlp
    from claimscope.pipeline import analyze_many
    from claimscope.report import render

    with _status("Analysing"):
        results = list(analyze_many(items, nlp=nlp.load(factchecks=factchecks)))
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
    factchecks: str | None = None,
) -> int:
    from claimscope import nlp
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
            for result in analyze_many(items, nlp=nlp.load(factchecks=factchecks)):
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


@eval_app.command("speakers")
def eval_speakers(
    gold: Annotated[
        Path,
        typer.Option(help="The speakers-dev folder (gold.jsonl + articles/ID.txt)."),
    ],
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first N articles (a quick slice).")
    ] = None,
    errors: Annotated[
        int, typer.Option(min=0, help="How many wrong and missed statements to list.")
    ] = 25,
) -> None:
    """Who said what: statements found, speakers resolved to the full name and voices that are
    speech, next to the source mention as the speaker (baseline)."""
    from claimscope.evaluation.speakers import evaluate, format_report

    try:
        with _status("Analysing speakers-dev articles"):
            result = evaluate(gold, limit)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_report(result, errors))


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
    model: Annotated[
        Path | None,
        typer.Option(help="A technique tagger file to score (default: the installed one, if any)."),
    ] = None,
) -> None:
    """Framing techniques against PTC's spans (SemEval-2020 Task 11 scoring): the rules, the
    learned tagger and the two merged, next to a lexicon baseline."""
    from claimscope.evaluation.ptc import evaluate, format_report

    try:
        with _status("Analysing PTC articles"):
            result = evaluate(ptc, limit, split=split, model=model)
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
    checkthat2024: Annotated[
        Path | None,
        typer.Option(
            "--checkthat2024",
            help="Also score a CheckThat! 2024 task 1 TSV (Sentence_id, Text, class_label), "
            "e.g. its English dev-test.",
        ),
    ] = None,
) -> None:
    """Check-worthiness on held-out ClaimBuster debates (and CheckThat! 2024 sentences): the
    encoder model and the word model, next to a majority-class and a TF-IDF + logistic
    regression baseline."""
    from claimscope.evaluation.checkworthiness import evaluate, format_report

    try:
        with _status("Training the baseline and scoring the test sentences"):
            result = evaluate(claimbuster, limit, checkthat2024=checkthat2024)
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
    gold: Annotated[
        Path | None,
        typer.Option(
            help="Also score every link on hand-annotated articles (docs/places-gold.tsv): "
            "precision and recall."
        ),
    ] = None,
    pages: Annotated[
        Path | None,
        typer.Option(help="The html-pages folder, for the gold's pages (one folder per page)."),
    ] = None,
    links: Annotated[
        Path | None, typer.Option(help="Write every gold-scored link of every system to this TSV.")
    ] = None,
) -> None:
    """Place linking: the share of FA-KES articles whose main place is their labelled city or lies
    in their governorate, and with --gold the precision and recall of every link on hand-annotated
    articles; each next to a most-populous-match baseline."""
    from claimscope.evaluation import place_links
    from claimscope.evaluation.places import evaluate, format_report

    try:
        if gold is not None:
            with _status("Linking the places of the gold articles"):
                scored = place_links.evaluate(gold, pages, fakes)
            typer.echo(place_links.format_report(scored))
            if links is not None:
                place_links.write_links(scored, links)
            typer.echo("")
        with _status("Analysing FA-KES articles"):
            result = evaluate(fakes, limit)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_report(result))


@eval_app.command("story-clusters")
def eval_story_clusters(
    db: Annotated[
        str,
        typer.Option(
            help="A corpus store holding the FA-KES run (corpus run ... --fields ...,id=unit_id)."
        ),
    ],
    fakes: Annotated[Path, typer.Option(help="The FA-KES CSV (its location column is the label).")],
) -> None:
    """Claim clusters: location purity on FA-KES for claimscope's clustering and a no-time-window
    nearest-neighbour baseline, in one run (claim vectors are embedded once and kept in the store)."""
    from claimscope.evaluation.clusters import evaluate, format_report

    try:
        with _status("Clustering the stored claims"):
            result = evaluate(db, fakes)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_report(result))


@eval_app.command("factcheck-matching")
def eval_factcheck_matching(
    checkthat: Annotated[
        Path,
        typer.Option(
            help="The CheckThat! 2020 claim-retrieval folder (verified_claims.docs.tsv, dev/, train/)."
        ),
    ],
    split: Annotated[
        str, typer.Option(help="Which split's tweets to ask (dev is held out).")
    ] = "dev",
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Only the first N tweets, against their claims and 1,000 others (a quick slice).",
        ),
    ] = None,
) -> None:
    """Fact-check retrieval: MAP@1, MAP@5 and recall@5 for BM25, embeddings, RRF and claimscope's
    fusion, in one run; the first run embeds the verified claims into a cached store."""
    from claimscope.evaluation.factchecks import evaluate, format_report

    try:
        with _progress() as progress:
            task = progress.add_task("Embedding the verified claims (once per store)", total=None)

            def step(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = evaluate(checkthat, split=split, limit=limit, progress=step)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    typer.echo(format_report(result))


train_app = typer.Typer(
    help="Rebuild the model files shipped in the package from public annotated data.",
    no_args_is_help=True,
)
app.add_typer(train_app, name="train")


@contextmanager
def _training(title: str, where: Path | None) -> Iterator[Callable[[str], None]]:
    """A progress callback: a spinner line on a terminal; otherwise each step on its own line
    (a log). A claimscope error or a file error inside becomes the one-line failure (``where``
    names the file when the error does not)."""
    from rich.markup import escape

    status = err.status(title) if err.is_terminal else None

    def say(message: str) -> None:
        if status is not None:
            status.update(f"Training: {escape(message)}")
        else:
            err.print(escape(message), highlight=False)

    try:
        with status or nullcontext():
            yield say
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    except OSError as e:
        raise _fail(f"{e.filename or where}: {e.strerror or e}") from None


@train_app.command("checkworthiness")
def train_checkworthiness(
    claimbuster: Annotated[
        Path, typer.Option(help="The ClaimBuster folder (crowdsourced.csv + groundtruth.csv).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            help="The folder to write the two models to (default: the package's own, where "
            "analyze reads them)."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=2, help="Train on N training sentences only (tests; not for shipping)."),
    ] = None,
) -> None:
    """Train the check-worthiness scorers (the encoder model and the word model) on the
    ClaimBuster debates not held out for evaluation; about three minutes on two cores."""
    from claimscope.training.checkworthiness import format_report, train

    with _training("Training the check-worthiness scorers", out) as say:
        report = train(claimbuster, out, limit=limit, progress=say)
    typer.echo(format_report(report))


@train_app.command("factcheck-matching")
def train_factcheck_matching(
    checkthat: Annotated[
        Path, typer.Option(help="The CheckThat! 2020 claim-retrieval folder (train/ is used).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            help="A folder for fusion.json and encoder-tuning.npz (default: the package's own "
            "files, replaced)."
        ),
    ] = None,
    folds: Annotated[
        int, typer.Option(min=2, max=20, help="Folds for the cross-fitted fusion features.")
    ] = 5,
    limit: Annotated[
        int | None, typer.Option(min=10, help="Train on the first N tweets only (a quick check).")
    ] = None,
) -> None:
    """Tune the encoder (BitFit) and fit the fact-check fusion and its display threshold on
    CheckThat 2020 train. Needs the optional training packages (pip install 'claimscope\\[train]');
    about 35 minutes on two cores."""
    import json
    from importlib.resources import files

    from claimscope.knowledge.factchecks.match import FUSION_FILE, TUNING_FILE
    from claimscope.training.factchecks import save, train

    folder = out or Path(str(files("claimscope.knowledge.factchecks")))
    with _training("Training fact-check matching", folder) as say:
        folder.mkdir(parents=True, exist_ok=True)
        trained = train(checkthat, folds=folds, limit=limit, progress=say)
        save(trained.fusion, folder / FUSION_FILE)
        trained.tuning.save(folder / TUNING_FILE)
    typer.echo(json.dumps(trained.fusion.to_dict(), indent=1))
    typer.echo(f"written to {folder / FUSION_FILE} and {folder / TUNING_FILE}")


@train_app.command("techniques")
def train_techniques(
    ptc: Annotated[
        Path, typer.Option(help="The PTC 2019 corpus folder (train/ is used) or its train folder.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the model (default: techniques.onnx in the user's data "
            "directory, or $CLAIMSCOPE_TECHNIQUE_MODEL), which analyze then uses."
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, max=10, help="Passes over the training data.")] = 2,
    limit: Annotated[
        int | None, typer.Option(min=2, help="Train on the first N articles only (a quick check).")
    ] = None,
) -> None:
    """Fine-tune the framing-technique tagger on PTC train, on this machine (PTC's licence allows
    no redistribution, so no such weights ship). Needs the optional training packages (pip install
    'claimscope\\[train]'); about 12 minutes on two cores."""

    from claimscope.training.techniques import train

    with _training("Training the technique tagger", out) as say:
        report = train(ptc, out, epochs=epochs, limit=limit, progress=say)
    f1 = "–" if report.held_out_si_f1 is None else f"{report.held_out_si_f1:.3f}"
    typer.echo(
        f"trained on {report.articles} articles ({report.pieces} word pieces), {report.epochs} "
        f"epochs, in {report.seconds / 60:.1f} min; threshold {report.threshold} (span F1 {f1} "
        f"on {report.held_out} held-out articles)\nwritten to {report.path}"
    )


factchecks_app = typer.Typer(
    help="Import fact-checks into a store and search it (claims are matched during analyze).",
    no_args_is_help=True,
)
app.add_typer(factchecks_app, name="factchecks")

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store", help="The store file (default: $CLAIMSCOPE_FACTCHECKS or the user's store)."
    ),
]


@factchecks_app.command("import")
def factchecks_import(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="ClaimReview JSON-LD/JSON Lines/HTML pages, CSV/TSV, or a CheckThat folder."
        ),
    ],
    store: StoreOption = None,
    embed: Annotated[
        bool, typer.Option(help="Embed the new records now (else on first match).")
    ] = True,
) -> None:
    """Add fact-checks to the store. Malformed records are listed and skipped; the rest load, and
    re-imported reviews are merged, not duplicated."""
    from rich.markup import escape

    from claimscope.knowledge.factchecks import FactCheckStore, default_path, read_path

    path = store or default_path()
    skipped = 0
    try:
        with FactCheckStore(path) as target:
            for file in files:
                result = read_path(file)
                for problem in result.problems:
                    skipped += problem.skipped
                    err.print(
                        f"[yellow]{'skipped' if problem.skipped else 'note'}:[/] "
                        + escape(str(problem)),
                        highlight=False,
                        soft_wrap=True,
                    )
                added = target.add(result.records)
                err.print(
                    f"{file}: {added.added} added, {added.merged} already stored (merged), "
                    f"{sum(p.skipped for p in result.problems)} skipped",
                    highlight=False,
                    soft_wrap=True,
                )
            if embed:
                from claimscope.knowledge.factchecks.match import matching_embedder

                embedder = matching_embedder()
                with _progress() as progress:
                    task = progress.add_task("Embedding new records", total=None)
                    target.embed(
                        embedder.encode,
                        embedder.model_id,
                        progress=lambda done, total: progress.update(
                            task, completed=done, total=total
                        ),
                    )
            total = len(target)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    except OSError as e:
        raise _fail(f"{e.filename or path}: {e.strerror or e}") from None
    err.print(f"{path}: {total} fact-checks", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_PARTIAL if skipped else 0)


@factchecks_app.command("search")
def factchecks_search(
    text: Annotated[str, typer.Argument(help="A claim to look for.")],
    store: StoreOption = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="How many matches.")] = 5,
    all_scores: Annotated[
        bool, typer.Option("--all", help="Show matches under the display threshold too.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The stored fact-checks that match a claim, best first, with their fused score."""
    from rich.table import Table

    from claimscope.knowledge.factchecks import FactCheckIndex, open_store

    try:
        with open_store(store) as opened:
            index = FactCheckIndex.open(opened)
        matches = index.match([text], k=k, min_score=0.0 if all_scores else None)[0]
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    if as_json:
        typer.echo(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=1))
        return
    if not matches:
        err.print(
            f"no match at or above the threshold {index.fusion.threshold:.2f} (--all shows the nearest)",
            highlight=False,
        )
        return
    table = Table("score", "rating", "reviewer", "claim checked", "url")
    for m in matches:
        f = m.factcheck
        table.add_row(f"{m.score:.2f}", f.rating or "", f.reviewer or "", f.claim, f.url or "")
    Console().print(table)


@factchecks_app.command("info")
def factchecks_info(
    store: StoreOption = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Delete vectors of models matching no longer uses (left by an upgrade).",
        ),
    ] = False,
) -> None:
    """Where the store is, how many fact-checks it holds, the matching threshold, and the vectors
    it keeps per embedding model."""
    from claimscope.knowledge.factchecks import open_store
    from claimscope.knowledge.factchecks.match import matching_embedder, packaged_fusion

    try:
        # The vectors matching compares (MiniLM with the packaged tuning, unless another model
        # file is configured); a store keeps vectors per model.
        model = matching_embedder().model_id
        with open_store(store) as opened:
            info: dict[str, object] = {
                "store": str(opened.path),
                "factchecks": len(opened),
                "revision": opened.revision,
            }
            if prune:
                info["pruned_vectors"] = opened.drop_vectors(keep=model)
            info["vectors"] = opened.vector_models()
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    info["threshold"] = packaged_fusion().threshold
    info["embedding_model"] = model
    typer.echo(json.dumps(info, indent=1))


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
        found = lookup(name, labels=True)
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
    corpus: Annotated[
        str | None,
        typer.Option(
            metavar="TARGET",
            help="The corpus store the /corpus pages search and analyses are added to: a DuckDB "
            "file or postgresql://... URL (default: the --db file).",
        ),
    ] = None,
) -> None:
    """Run the web app and JSON API (pages at /, corpus at /corpus, OpenAPI at /api/openapi.json)."""
    import uvicorn

    from claimscope.web.app import create_app

    try:
        web_app = create_app(db, allow_private=allow_private, corpus=corpus)
    except ClaimscopeError as e:
        raise _fail(str(e)) from None
    except OSError as e:
        raise _fail(f"{e.filename or db}: {e.strerror or e}") from None
    except Exception as e:  # duckdb.IOException etc.: a file that cannot be opened as a database
        if type(e).__module__.split(".")[0] in {"duckdb", "_duckdb", "psycopg"}:
            raise _fail(f"{db}: {e}") from None
        raise
    uvicorn.run(web_app, host=host, port=port)


@app.command()
def version() -> None:
    """Print the versions of claimscope, spaCy and the English model, and which framing-technique
    and check-worthiness models run."""
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
    from claimscope.analyzers.framing import tagger

    found = tagger.active()
    if found is None:
        techniques = (
            f"rules only (no tagger at {tagger.default_path()}; "
            "claimscope train techniques --ptc DIR builds one)"
        )
    elif isinstance(found, ClaimscopeError):
        techniques = f"rules only ({found})"
    else:
        techniques = f"rules and the tagger {found.label}, {found.path}"
    from claimscope.analyzers import checkworthiness

    scorer = checkworthiness.active()
    worthiness = (
        f"the encoder model (sentence vectors of {scorer.encoder} + hand features)"
        if scorer.needs_vectors
        else "the word model (TF-IDF + hand features)"
    )
    if scorer.needs_vectors:
        running = checkworthiness.running_encoder()
        if running is not None and running != scorer.encoder:
            worthiness += f", run on {running}"
    typer.echo(
        f"claimscope {__version__}\nspaCy {spacy.__version__}\nmodel {model}\n"
        f"framing techniques {techniques}\ncheck-worthiness {worthiness}"
    )


def main() -> None:
    app()


# The corpus commands live in their own modules (cli_corpus, and cli_stories which adds to it).
from claimscope import cli_stories  # noqa: E402,F401  (registers the story commands)
from claimscope.cli_corpus import corpus_app  # noqa: E402

app.add_typer(corpus_app, name="corpus")


if __name__ == "__main__":
    main()
