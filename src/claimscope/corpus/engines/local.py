"""The local engine: the analysis in this process, or in a pool of worker processes.

With one worker the articles stream through ``analyze_many`` here (no pickling, no start-up). With
more, each worker process loads the spaCy pipeline once (``spawn``: a fresh interpreter, so no
thread or file state of the parent is inherited) and analyses chunks of articles; results come
back as contract JSON in the order chunks finish.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from claimscope.corpus.engines import Result
from claimscope.corpus.engines.rows import analyze_rows
from claimscope.model import Analysis, Article, Failure

_STATE: dict[str, Any] = {}


def _init(factchecks: str | None) -> None:
    from claimscope import nlp

    _STATE["nlp"] = nlp.load(factchecks=factchecks)


def _analyze_chunk(chunk: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(key, article JSON) in; (key, "analysis" | "failure", JSON) out, one per input."""
    return analyze_rows([k for k, _ in chunk], [a for _, a in chunk], _STATE["nlp"])


def _decode(key: str, kind: str, data: str) -> Result:
    if kind == "analysis":
        return key, Analysis.model_validate_json(data)
    return key, Failure.model_validate_json(data)


class LocalEngine:
    """``workers`` processes (1: this process). ``chunk`` articles go to a worker at a time."""

    def __init__(self, workers: int = 1, *, chunk: int = 8, factchecks: str | None = None) -> None:
        self.workers = max(1, workers)
        self.chunk = chunk
        self.factchecks = factchecks

    def run(self, items: Iterable[tuple[str, Article]]) -> Iterator[Result]:
        if self.workers == 1:
            yield from self._in_process(items)
            return
        context = multiprocessing.get_context("spawn")
        chunks = _chunks(((k, a.model_dump_json()) for k, a in items), self.chunk)
        with context.Pool(self.workers, initializer=_init, initargs=(self.factchecks,)) as pool:
            for results in pool.imap_unordered(_analyze_chunk, chunks):
                for key, kind, data in results:
                    yield _decode(key, kind, data)

    def _in_process(self, items: Iterable[tuple[str, Article]]) -> Iterator[Result]:
        from claimscope import nlp
        from claimscope.pipeline import analyze_many

        pipeline = nlp.load(factchecks=self.factchecks)
        keys: deque[str] = deque()  # analyze_many keeps input order: keys wait here until then

        def articles() -> Iterator[Article]:
            for key, article in items:
                keys.append(key)
                yield article

        for result in analyze_many(articles(), nlp=pipeline):
            yield keys.popleft(), result


def _chunks(pairs: Iterator[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    while True:
        chunk = list(islice(pairs, size))
        if not chunk:
            return
        yield chunk
