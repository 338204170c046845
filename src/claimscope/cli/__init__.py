"""The ``claimscope`` command: a thin shell over the library, one module per command group
(:mod:`~claimscope.cli.analyze`, :mod:`~claimscope.cli.evaluate`, :mod:`~claimscope.cli.train`,
:mod:`~claimscope.cli.factchecks`, :mod:`~claimscope.cli.info`, :mod:`~claimscope.cli.serve`,
:mod:`~claimscope.cli.setup`,
:mod:`~claimscope.cli.corpus` with :mod:`~claimscope.cli.stories`) over one shared module
(:mod:`~claimscope.cli.common`: the app, errors, exit codes). This module assembles them, in the
order ``claimscope --help`` lists them.
"""

from __future__ import annotations

import sys

import typer

from claimscope.cli import (
    analyze,
    corpus,
    evaluate,
    factchecks,
    info,
    serve,
    setup,
    stories,  # noqa: F401  (adds the story commands to corpus_app)
    train,
)
from claimscope.cli.common import EXIT_ERROR, EXIT_PARTIAL, app

__all__ = ["EXIT_ERROR", "EXIT_PARTIAL", "app", "main"]

app.command()(analyze.analyze)
app.command()(info.schema)
app.command()(info.outlet)
app.command()(serve.serve)
app.command()(info.version)
app.command()(setup.setup)
app.add_typer(evaluate.eval_app, name="eval")
app.add_typer(train.train_app, name="train")
app.add_typer(factchecks.factchecks_app, name="factchecks")
app.add_typer(corpus.corpus_app, name="corpus")  # with the story commands of cli.stories


def plain_help(group: typer.Typer) -> None:
    """Help as plain text wrapped at 80 columns (click's), not Rich's boxed tables, whose option
    column leaves the help text a few words wide when the output is not a terminal."""
    group.rich_markup_mode = None
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            plain_help(sub.typer_instance)


def main() -> None:
    if not sys.stdout.isatty():  # piped, redirected, or read by another program
        plain_help(app)
    app()
