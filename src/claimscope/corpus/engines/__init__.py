"""Engines run the analysis over many articles: local processes by default, Ray for clusters.

An engine takes ``(key, Article)`` pairs and yields ``(key, Analysis | Failure)`` pairs, in any
order, each input exactly once. It knows nothing of the store: the corpus run
(:mod:`claimscope.corpus.run`) decides what to analyse and writes what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from claimscope.model import Analysis, Article, Failure

Result = tuple[str, Analysis | Failure]


class Engine(Protocol):
    def run(self, items: Iterable[tuple[str, Article]]) -> Iterator[Result]: ...
