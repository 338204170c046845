"""What the web app's routes share: the corpus store, the fetch policy and the analysis worker, one
pipeline run at a time; and :func:`service`, the dependency that hands it to a route."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import HTTPException, Request

from claimscope.corpus.corpus_store import CorpusStore
from claimscope.corpus.keys import article_key
from claimscope.errors import Busy, InputError
from claimscope.ingest.url import FetchOptions
from claimscope.model import Analysis, Article, Failure
from claimscope.web.worker import AnalysisWorker

# How long one request may hold the pipeline, and wait for its turn, before the server says it is
# busy: a long or hostile text must not stall everyone else (issue 17).
ANALYSIS_TIMEOUT = 120.0
QUEUE_TIMEOUT = 60.0


class Service:
    """What the routes share: the corpus store, the fetch policy, and one pipeline run at a time
    (spaCy pipelines are not meant to be run from two threads at once).

    Every analysis is one row of the corpus store, under the key a corpus run would give it
    (:func:`~claimscope.corpus.keys.article_key`): its page, its JSON, search and clusters all read
    that row. The store is used through :meth:`corpus` only: its connection serializes single
    statements, but a search or a cluster page is several statements that should see one state of
    the store, not a half-written article of a concurrent upload. Uploaded files are written to
    ``uploads_dir`` (briefly, under random names) and nowhere else."""

    def __init__(
        self,
        fetch: FetchOptions,
        corpus: CorpusStore,
        uploads_dir: Path,
        *,
        analysis_timeout: float = ANALYSIS_TIMEOUT,
        queue_timeout: float = QUEUE_TIMEOUT,
    ) -> None:
        self.fetch = fetch
        self.data_dir = uploads_dir
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
        key = article_key(article)
        with self.corpus() as corpus:
            corpus.put(key, result)
        return key, result

    def analyze_many(self, items: list[Article | Failure]) -> list[tuple[str, Analysis] | Failure]:
        """Analyse and store a batch (one pipeline pass); failures stay in their place."""
        articles = [item for item in items if isinstance(item, Article)]
        with self.pipeline():
            analysed = iter(
                self.worker.analyze(articles, self.analysis_timeout * max(1, len(articles)))
            )
        results = [item if isinstance(item, Failure) else next(analysed) for item in items]
        # The key is the input article's, as `claimscope corpus run` computes it, so that a run
        # over the same file later finds these articles stored.
        stored: list[tuple[str, Analysis] | Failure] = []
        for item, result in zip(items, results, strict=True):
            if isinstance(result, Failure):
                stored.append(result)
            else:
                assert isinstance(item, Article)  # an Analysis is only made of an Article
                stored.append((article_key(item), result))
        with self.corpus() as corpus:
            corpus.put_many([(*done, None) for done in stored if isinstance(done, tuple)])
        return stored

    def close(self) -> None:
        """End the analysis process and close the store (the server is stopping)."""
        self.worker.close()
        with self._corpus_lock:
            self._corpus.close()


def stored_key(svc: Service, ref: str) -> str:
    """The key of the stored article ``ref`` names (its key, or its input id: a record's id in
    an uploaded file, a pasted text's hash). HTTP 404 when none does, 409 when several do."""
    with svc.corpus() as store:
        keys = store.keys_for(ref)
    if not keys:
        raise HTTPException(404, f"no analysis with id {ref[:100]!r}")
    if len(keys) > 1:
        shown = ", ".join(keys[:5]) + (" ..." if len(keys) > 5 else "")
        raise HTTPException(
            409, f"{len(keys)} stored articles have the id {ref[:100]!r}; open one by key: {shown}"
        )
    return keys[0]


def service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc
