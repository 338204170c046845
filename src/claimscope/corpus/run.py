"""A corpus run: read inputs, skip what the store has, analyse the rest, store every result.

Resumable by construction: an article's key is a hash of its content and metadata
(:func:`~claimscope.corpus.keys.article_key`), results are written in small transactions as they
arrive, and a run first asks the store which keys it already holds. Killing a run (even with
``kill -9``) loses at most the analyses not yet committed; starting it again analyses exactly those,
and an article is never stored twice because its key is the row's primary key.

Inputs are read twice: once to count what there is and what is left (for the progress bar's ETA
and the summary), once to analyse. Reading is a few per cent of the analysis time.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from claimscope.corpus.engines import Engine
from claimscope.corpus.inputs import expand, read_all
from claimscope.corpus.keys import article_key
from claimscope.ingest.auto import ReadOptions
from claimscope.model import Analysis, Article, Failure
from claimscope.pipeline import language_warning

CHECK_EVERY = 512  # keys asked of the store at a time
WRITE_EVERY = 32  # analyses per transaction
WRITE_SECONDS = 2.0  # ... or this long after the first one waiting


@dataclass
class Plan:
    inputs: list[str]
    articles: int = 0  # readable articles in the inputs (duplicates counted once)
    stored: int = 0  # of them, already in the store
    ingest_failures: int = 0
    repeats: int = 0  # readable items that repeat an earlier one's text and metadata exactly

    @property
    def todo(self) -> int:
        return self.articles - self.stored


@dataclass
class Summary:
    run: str
    plan: Plan
    analysed: int = 0  # stored analyses, those below included
    not_english: int = 0  # of them, articles passed over for their language (stored with a note)
    failed: int = 0  # analysis failures plus unreadable inputs
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)  # the first few, for the summary

    @property
    def rate(self) -> float:
        return self.analysed / self.seconds if self.seconds else 0.0


Progress = Callable[[int, int, int], None]  # analysed, failed, to do


def failure_key(failure: Failure) -> str:
    """A failed input has no article to hash; its source names it, so a re-run replaces it."""
    return "failure-" + hashlib.blake2b(failure.source.encode("utf-8"), digest_size=12).hexdigest()


def _keyed(items: Iterable[Article | Failure]) -> Iterator[tuple[str, Article | Failure]]:
    for item in items:
        yield (article_key(item) if isinstance(item, Article) else failure_key(item)), item


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def plan(inputs: Iterable[str], store: Any, options: ReadOptions) -> Plan:
    """Count the articles of the inputs and how many the store already holds."""
    result = Plan(expand(inputs))
    seen: set[str] = set()
    for chunk in _chunks(_keyed(read_all(result.inputs, options)), CHECK_EVERY):
        readable = [k for k, item in chunk if isinstance(item, Article)]
        result.ingest_failures += len(chunk) - len(readable)
        fresh = list(dict.fromkeys(k for k in readable if k not in seen))
        seen.update(fresh)
        result.articles += len(fresh)
        result.repeats += len(readable) - len(fresh)
        result.stored += len(store.done_keys(fresh))
    return result


def run(
    the_plan: Plan,
    store: Any,
    engine: Engine,
    options: ReadOptions,
    *,
    progress: Progress | None = None,
) -> Summary:
    """Analyse what ``the_plan`` found missing and write it to ``store``."""
    summary = Summary(uuid.uuid4().hex[:12], the_plan)
    started = time.perf_counter()
    waiting: list[tuple[str, Analysis, str | None]] = []
    first_waiting = 0.0
    submitted: set[str] = set()

    def todo() -> Iterator[tuple[str, Article]]:
        for chunk in _chunks(_keyed(read_all(the_plan.inputs, options)), CHECK_EVERY):
            done = store.done_keys([k for k, item in chunk if isinstance(item, Article)])
            for key, item in chunk:
                if isinstance(item, Failure):
                    store.put_failure(key, item.source, item.reason, item.stage, run=summary.run)
                    _failed(item)
                elif key not in done and key not in submitted:
                    submitted.add(key)
                    yield key, item

    def _failed(failure: Failure) -> None:
        summary.failed += 1
        if len(summary.failures) < 20:
            summary.failures.append(failure)
        if progress:
            progress(summary.analysed, summary.failed, the_plan.todo)

    def flush() -> None:
        if waiting:
            store.put_many(waiting)
            summary.analysed += len(waiting)
            waiting.clear()
            if progress:
                progress(summary.analysed, summary.failed, the_plan.todo)

    try:
        for key, result in engine.run(todo()):
            if isinstance(result, Failure):
                store.put_failure(key, result.source, result.reason, result.stage, run=summary.run)
                _failed(result)
                continue
            if not waiting:
                first_waiting = time.perf_counter()
            summary.not_english += language_warning(result) is not None
            waiting.append((key, result, result.article.source))
            if len(waiting) >= WRITE_EVERY or time.perf_counter() - first_waiting > WRITE_SECONDS:
                flush()
    finally:
        flush()  # on Ctrl-C too: what is analysed is kept
        summary.seconds = time.perf_counter() - started
    if summary.analysed and hasattr(store, "refresh_statistics"):
        store.refresh_statistics()
    return summary
