"""The web app: a JSON API (OpenAPI at /api/openapi.json) and HTML pages over one corpus store.

``create_app`` builds it; ``claimscope serve`` runs it with uvicorn. Every response carries a
Content-Security-Policy (scripts only from this server, nothing remote), nosniff and a referrer
policy; request bodies are capped; input errors come back as messages (JSON for the API, a page for
the HTML routes), and unexpected errors as a generic message with the traceback only in the log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimscope._version import __version__
from claimscope.corpus import legacy
from claimscope.corpus.corpus_store import open_corpus
from claimscope.errors import Busy, ClaimscopeError
from claimscope.ingest.url import FetchOptions
from claimscope.web import api, corpus_api, corpus_pages, pages
from claimscope.web.guard import MAX_BODY_BYTES, Guard
from claimscope.web.service import ANALYSIS_TIMEOUT, QUEUE_TIMEOUT, Service

__all__ = ["ANALYSIS_TIMEOUT", "MAX_BODY_BYTES", "QUEUE_TIMEOUT", "Service", "create_app"]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    service: Service | None = getattr(app.state, "service", None)
    if service is not None:
        # the analysis process ends with the server (it starts again with the next request);
        # the store stays open: an app may be served again, as the tests do
        service.worker.close()


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path != "/health"


def create_app(
    db_path: Path,
    *,
    allow_private: bool = False,
    fetch: FetchOptions | None = None,
    corpus: str | Path | None = None,
    analysis_timeout: float = ANALYSIS_TIMEOUT,
    queue_timeout: float = QUEUE_TIMEOUT,
) -> FastAPI:
    """The app over the corpus store in the DuckDB file ``db_path``, or in ``corpus`` (a path or
    a ``postgresql://`` URL) when given; uploads are written briefly beside ``db_path``. Every
    analysis made in the app is one row of that store (see :class:`Service`); the tables earlier
    versions kept in ``db_path`` are moved into it first (:mod:`claimscope.corpus.legacy`). URLs are
    fetched with ``fetch`` (default: the CLI's limits), private and loopback addresses refused
    unless ``allow_private``."""
    options = fetch or FetchOptions()
    if allow_private != options.allow_private:
        options = FetchOptions(
            allow_private=allow_private,
            max_bytes=options.max_bytes,
            timeout=options.timeout,
            connect_timeout=options.connect_timeout,
        )
    app = FastAPI(
        title="claimscope",
        version=__version__,
        description="See how a news article is built: who claims what, through whom, in what "
        "words. Every analysis is a `claimscope.analysis/1` document (`GET /api/schema`).",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; the CSP forbids that
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    db_path = Path(db_path)
    corpus_store = open_corpus(db_path if corpus is None else corpus)
    try:
        corpus_store.verify()  # a damaged store: refuse to start, with one clear error
        legacy.adopt(db_path, corpus_store)
    except BaseException:
        corpus_store.close()
        raise
    app.state.service = Service(
        options,
        corpus_store,
        db_path.parent,
        analysis_timeout=analysis_timeout,
        queue_timeout=queue_timeout,
    )

    @app.exception_handler(ClaimscopeError)
    async def input_error(request: Request, exc: ClaimscopeError) -> Response:
        status = 503 if isinstance(exc, Busy) else 400
        if _wants_html(request):
            return pages.error_page(request, str(exc), status)
        return JSONResponse({"error": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [_describe(e) for e in exc.errors()]
        if _wants_html(request):
            return pages.error_page(request, "; ".join(problems), 422)
        return JSONResponse({"error": "invalid request", "problems": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_html(request) and exc.status_code == 404:
            # A route's own detail ("no cluster 7 in the last build") says more than the default.
            default = exc.detail == "Not Found"
            message = "Not found." if default else f"Not found: {exc.detail}."
            return pages.error_page(request, message, 404)
        if _wants_html(request) and exc.status_code == 409:
            return pages.error_page(request, f"{exc.detail}.", 409)
        return JSONResponse(
            {"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.get("/health", tags=["meta"])
    async def health() -> dict[str, Any]:  # on the event loop: no worker thread to wait for
        return {"status": "ok", "version": __version__}

    app.include_router(api.router)
    app.include_router(corpus_api.router)
    app.include_router(pages.router)
    app.include_router(corpus_pages.router)
    app.mount("/static", StaticFiles(packages=[("claimscope.web", "static")]), name="static")
    app.add_middleware(Guard)
    return app


def _describe(error: Any) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body",))
    msg = str(error.get("msg", "invalid"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return f"{loc}: {msg}" if loc else msg
