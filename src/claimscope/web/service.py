"""What the web app's routes share: the stores, the fetch policy and the analysis worker, one
pipeline run at a time; and :func:`service`, the dependency that hands it to a route."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request

from claimscope.corpus.corpus_store import CorpusStore
from claimscope.corpus.keys import article_key
from claimscope.corpus.store import AnalysisStore
from claimscope.errors import Busy, InputError
from claimscope.ingest.url import FetchOptions
from claimscope.model import Analysis, Article, Failure
from claimscope.web.worker import AnalysisWorker

# How long one request may hold the pipeline, and wait for its turn, before the server says it is
# busy: a long or hostile text must not stall everyone else (issue 17).
ANALYSIS_TIMEOUT = 120.0
QUEUE_TIMEOUT = 60.0


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


def service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc
