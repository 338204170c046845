"""``claimscope serve``: the web app and JSON API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimscope.cli.common import (
    fail,
)
from claimscope.errors import ClaimscopeError


def serve(
    db: Annotated[
        Path,
        typer.Option(
            help="The DuckDB file analyses are kept in (created if missing; uploads are read "
            "beside it)."
        ),
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
            help="The corpus store the app keeps every analysis in and the /corpus pages search: a "
            "DuckDB file or postgresql://... URL (default: the --db file).",
        ),
    ] = None,
) -> None:
    """Run the web app and JSON API (pages at /, corpus at /corpus, OpenAPI at /api/openapi.json)."""
    from claimscope.extras import need

    try:
        for module in ("fastapi", "uvicorn", "duckdb"):
            need(module, "claimscope serve")
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    import uvicorn

    from claimscope.web.app import create_app

    try:
        web_app = create_app(db, allow_private=allow_private, corpus=corpus)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(f"{e.filename or db}: {e.strerror or e}") from None
    except Exception as e:  # duckdb.IOException etc.: a file that cannot be opened as a database
        if type(e).__module__.split(".")[0] in {"duckdb", "_duckdb", "psycopg"}:
            raise fail(f"{db}: {e}") from None
        raise
    uvicorn.run(web_app, host=host, port=port)
