"""``claimscope setup``: build every cache ahead of time (see :mod:`claimscope.caches`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimscope.cli.common import fail
from claimscope.errors import ClaimscopeError


def setup(
    factchecks: Annotated[
        Path | None,
        typer.Option(help="The fact-check store to prepare (default: the user's, if any)."),
    ] = None,
) -> None:
    """Build every cache ahead of time (place index, model checks, fact-check store), for an
    offline machine or before many processes start at once."""
    from claimscope.caches import prepare

    try:
        for step in prepare(factchecks):
            typer.echo(f"{step.name}: {step.detail} ({step.seconds:.1f} s)")
    except ClaimscopeError as e:
        raise fail(str(e)) from None
