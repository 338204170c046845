"""The web app: a JSON API (OpenAPI at /api/openapi.json) and HTML pages over one store.

``create_app`` builds it; ``claimscope serve`` runs it with uvicorn. Every response carries a
Content-Security-Policy (scripts only from this server, nothing remote), nosniff and a referrer
policy; request bodies are capped; input errors come back as messages (JSON for the API, a page for
the HTML routes), and unexpected errors as a generic message with the traceback only in the log.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimscope import __version__
from claimscope.corpus.corpus_store import CorpusStore, open_corpus
from claimscope.corpus.keys import article_key
from claimscope.corpus.store import AnalysisStore
from claimscope.errors import Busy, ClaimscopeError, InputError
from claimscope.ingest.url import FetchOptions
from claimscope.model import Analysis, Article, Failure
from claimscope.web.worker import AnalysisWorker

# How long one request may hold the pipeline, and wait for its turn, before the server says it is
# busy: a long or hostile text must not stall everyone else (issue 17).
ANALYSIS_TIMEOUT = 120.0
QUEUE_TIMEOUT = 60.0

log = logging.getLogger("claimscope.web")

MAX_BODY_BYTES = 20 * 1024 * 1024

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Guard:
    """Outermost ASGI layer: security headers on every response, the body size cap (413), and a
    last-resort 500 with a generic message for any exception a handler let through."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        body_receive = receive
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            length = _content_length(scope)
            if length is not None and length > self.max_body:
                await _too_large(self.max_body, send_guarded)
                return
            chunks: list[bytes] = []
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await _too_large(self.max_body, send_guarded)
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
            body = b"".join(chunks)
            delivered = False

            async def replay() -> Message:
                nonlocal delivered
                if not delivered:
                    delivered = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            body_receive = replay
        try:
            await self.app(scope, body_receive, send_guarded)
        except Exception:
            log.exception("unexpected error serving %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _send_json(
                    500, {"error": "internal error; the server log has the details"}, send_guarded
                )


def _content_length(scope: Scope) -> int | None:
    for k, v in scope.get("headers", []):
        if k.lower() == b"content-length":
            try:
                return int(v)
            except ValueError:
                return None
    return None


async def _too_large(limit: int, send: Send) -> None:
    await _send_json(413, {"error": f"request body is over the limit of {limit:,} bytes"}, send)


async def _send_json(status: int, payload: dict[str, Any], send: Send) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Service:
    """What the routes share: the stores, the fetch policy, and one pipeline run at a time (spaCy
    pipelines are not meant to be run from two threads at once).

    Every analysis goes to the app's own store (its page) and to the corpus store (search,
    clusters). The corpus store is used through :meth:`corpus` only: its connection serializes
    single statements, but a search or a cluster page is several statements that should see one
    state of the store, not a half-written article of a concurrent upload."""

    def __init__(
        self,
        store: AnalysisStore,
        fetch: FetchOptions,
        corpus: CorpusStore,
        *,
        analysis_timeout: float = ANALYSIS_TIMEOUT,
        queue_timeout: float = QUEUE_TIMEOUT,
    ) -> None:
        self.store = store
        self.fetch = fetch
        self._corpus = corpus
        self._lock = threading.Lock()
        self._corpus_lock = threading.Lock()
        self.analysis_timeout = analysis_timeout
        self.queue_timeout = queue_timeout
        self.worker = AnalysisWorker()

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """The pipeline, one request at a time; a request that waits past ``queue_timeout`` is
        told the server is busy rather than left hanging."""
        if not self._lock.acquire(timeout=self.queue_timeout):
            raise Busy(
                f"the server is busy with other analyses (waited {self.queue_timeout:g} s); "
                "try again shortly"
            )
        try:
            yield
        finally:
            self._lock.release()

    @contextmanager
    def corpus(self) -> Iterator[CorpusStore]:
        """The corpus store, held by this thread until the block ends."""
        with self._corpus_lock:
            yield self._corpus

    def analyze(self, article: Article) -> tuple[str, Analysis]:
        with self.pipeline():
            [result] = self.worker.analyze([article], self.analysis_timeout)
        if isinstance(result, Failure):
            raise InputError(f"{result.source}: {result.reason}")
        analysis = result
        key = self.store.put(analysis)
        with self.corpus() as corpus:
            corpus.put(article_key(article), analysis)
        return key, analysis

    def analyze_many(self, items: list[Article | Failure]) -> list[tuple[str, Analysis] | Failure]:
        """Analyse and store a batch (one pipeline pass); failures stay in their place."""
        articles = [item for item in items if isinstance(item, Article)]
        with self.pipeline():
            analysed = iter(
                self.worker.analyze(articles, self.analysis_timeout * max(1, len(articles)))
            )
        results = [item if isinstance(item, Failure) else next(analysed) for item in items]
        stored = [r if isinstance(r, Failure) else (self.store.put(r), r) for r in results]
        # The corpus key is the input article's, as `claimscope corpus run` computes it, so that a
        # run over the same file later finds these articles stored.
        done = [
            (article_key(item), result, None)
            for item, result in zip(items, results, strict=True)
            if isinstance(item, Article) and isinstance(result, Analysis)
        ]
        with self.corpus() as corpus:
            corpus.put_many(done)
        return stored

    @property
    def data_dir(self) -> Path:
        """The folder holding the store's file: the only place uploads are ever written."""
        if str(self.store.path) == ":memory:":
            import tempfile

            return Path(tempfile.gettempdir())
        return self.store.path.parent


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    service: Service | None = getattr(app.state, "service", None)
    if service is not None:
        service.worker.close()  # the analysis process ends with the server


def service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


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
    """The app over the DuckDB file ``db_path``. URLs are fetched with ``fetch`` (default: the
    CLI's limits), private and loopback addresses refused unless ``allow_private``.

    ``corpus`` is the corpus store the corpus pages read and every analysis is added to: a path
    or a ``postgresql://`` URL; by default the tables sit beside the app's own in ``db_path``
    (two connections to one DuckDB file in one process share one database)."""
    from claimscope.web import api, corpus_api, corpus_pages, pages

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
    store = AnalysisStore(db_path)
    try:
        # a damaged store: refuse to start, with one clear error (the corpus store reads every
        # table of its file, the app's own when they share it)
        if corpus is not None:
            store.verify()
        corpus_store = open_corpus(db_path if corpus is None else corpus)
        corpus_store.verify()
    except BaseException:
        store.close()
        raise
    app.state.service = Service(
        store, options, corpus_store, analysis_timeout=analysis_timeout, queue_timeout=queue_timeout
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
