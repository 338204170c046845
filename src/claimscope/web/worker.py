"""The web app's analyses run in a child process, never in the server's own.

spaCy's matcher, and lxml inside trafilatura, run long stretches of compiled code that hold
Python's interpreter lock: a long article analysed in a server thread stalls every other request,
``/health`` included, for seconds (issue 17). In a child process it cannot; and an analysis past
its time limit is ended for real, by ending the process (a thread cannot be stopped), after which
the next request starts a fresh one.
"""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

from claimscope.errors import Busy
from claimscope.model import Analysis, Article, Failure

_STATE: dict[str, Any] = {}


def _init() -> None:
    from claimscope import nlp

    _STATE["nlp"] = nlp.load()


def _ready() -> bool:
    return "nlp" in _STATE


def _analyze(articles: list[str]) -> list[tuple[str, str]]:
    """Article JSON in, ("analysis" | "failure", JSON) out, one per article."""
    from claimscope.pipeline import analyze_many

    items = [Article.model_validate_json(a) for a in articles]
    return [
        ("analysis" if isinstance(r, Analysis) else "failure", r.model_dump_json())
        for r in analyze_many(items, nlp=_STATE["nlp"])
    ]


class AnalysisWorker:
    """One child process holding the pipeline, started on first use and after a time-out."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._pool: Any = None
        self._guard = threading.Lock()

    def analyze(self, articles: list[Article], timeout: float) -> list[Analysis | Failure]:
        """The analyses of ``articles`` (in order), or Busy when they take longer than
        ``timeout`` seconds (the process is ended; the next call starts a new one)."""
        with self._guard:
            if self._pool is None:
                self._pool = self._context.Pool(1, initializer=_init)
                self._pool.apply(_ready)  # loading the pipeline is not the analysis's time
            pool = self._pool
        pending = pool.apply_async(_analyze, ([a.model_dump_json() for a in articles],))
        try:
            rows = pending.get(timeout)
        except multiprocessing.TimeoutError:
            self.close()
            total = sum(len(a.text) for a in articles)
            raise Busy(
                f"the analysis took longer than {timeout:g} s and was stopped; the text has "
                f"{total:,} characters: try a shorter one"
            ) from None
        return [
            Analysis.model_validate_json(data)
            if kind == "analysis"
            else Failure.model_validate_json(data)
            for kind, data in rows
        ]

    def close(self) -> None:
        with self._guard:
            if self._pool is not None:
                self._pool.terminate()
                self._pool = None
