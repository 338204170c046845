"""What every ``claimscope`` command shares: the app, the error console, exit codes, the one-line
error, the status spinner and progress bar, and the options several groups take.

User mistakes (a missing file, a refused URL, a bad date) print one line on standard error and
exit non-zero; tracebacks are for bugs only. Exit codes: 0 all went through; 1 an error (nothing
could be analysed); 2 a usage error (Typer's); 3 a batch ran but some articles failed (they are
listed, and written to --failures when given).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from claimscope.errors import ClaimscopeError

app = typer.Typer(
    help="See how a news article is built: who claims what, through whom, in what words.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)  # one line per message, piped or not


def _print_version(value: bool) -> None:
    if value:
        from claimscope._version import __version__

        typer.echo(f"claimscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    # no docstring: the app's own help stays the group's
    pass


EXIT_ERROR = 1
EXIT_PARTIAL = 3

# The longest article text analysed (sets $CLAIMSCOPE_MAX_CHARS, which worker processes read too).
MaxChars = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Longest article text analysed, in characters (default 1,000,000, spaCy's "
        "limit; the parser needs about 1 GB per 100,000 more).",
    ),
]

DbOption = Annotated[
    str, typer.Option("--db", help="A DuckDB file (created if missing) or postgresql://... URL.")
]
# The filters every command over a corpus store offers (checked with option_date)
OutletFilter = Annotated[str | None, typer.Option(help="Only this outlet.")]
SinceFilter = Annotated[str | None, typer.Option(help="Published on or after YYYY-MM-DD.")]
UntilFilter = Annotated[str | None, typer.Option(help="Published on or before YYYY-MM-DD.")]


def fail(message: str) -> typer.Exit:
    """Print ``message`` as one error line (its brackets kept: "pip install 'claimscope[train]'"
    is not Rich markup) and return the exit to raise."""
    err.print(
        f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True
    )
    return typer.Exit(EXIT_ERROR)


def option_date(value: str | None, name: str) -> str | None:
    """The option ``name``'s ``value`` as YYYY-MM-DD, or a one-line error when it is no date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise fail(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


def filters(outlet: str | None, since: str | None, until: str | None) -> dict[str, str | None]:
    """The corpus filters as the store's search takes them, the dates checked."""
    return {
        "outlet": outlet,
        "since": option_date(since, "--since"),
        "until": option_date(until, "--until"),
    }


def open_store(db: str) -> Any:
    """The corpus store at ``db``, or a one-line error when it cannot be opened."""
    from claimscope.corpus.corpus_store import open_corpus

    try:
        return open_corpus(db)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    except Exception as e:  # duckdb / psycopg connection errors: the target is unusable
        if type(e).__module__.split(".")[0] in {"duckdb", "_duckdb", "psycopg"}:
            raise fail(f"{db}: {e}") from None
        raise


def write(text: str, out: Path | None) -> None:
    """``text`` to ``out``, or to standard output with a final newline."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")


@contextmanager
def status(message: str) -> Iterator[None]:
    """A spinner with ``message`` while the block runs, on a terminal only."""
    if err.is_terminal:
        with err.status(message):
            yield
    else:
        yield


@contextmanager
def working(message: str) -> Iterator[None]:
    """:func:`status` with ``message`` while the block runs; a :class:`ClaimscopeError` it raises
    becomes the one-line error and exit 1."""
    try:
        with status(message):
            yield
    except ClaimscopeError as e:
        raise fail(str(e)) from None


def progress_bar() -> Progress:
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
