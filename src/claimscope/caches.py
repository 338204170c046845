"""Everything claimscope builds on first use, built ahead of time (``claimscope setup``).

A first analysis builds the place index (about 20 s), checks the model files against their
recorded SHA-256 values and, when a fact-check store exists, embeds what it lacks and saves its
word index. On a machine that will run offline, in a container image, or before many worker
processes start at once, that is better done once, up front, with a line per step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    detail: str


def _timed(name: str, run: Callable[[], str]) -> Step:
    started = time.perf_counter()
    detail = run()
    return Step(name, time.perf_counter() - started, detail)


def _places() -> str:
    from claimscope.knowledge import gazetteer

    path = gazetteer.ensure_index()
    return f"{path} ({path.stat().st_size / 1e6:.0f} MB)"


def _english_model() -> str:
    from claimscope import nlp

    pipeline = nlp.load_model()  # its files checked against the recorded values
    return f"{pipeline.meta.get('name', '?')} {pipeline.meta.get('version', '?')}, files verified"


def _models() -> str:
    from claimscope import embeddings
    from claimscope.analyzers import checkworthiness
    from claimscope.analyzers.attribution import rule_confidence
    from claimscope.knowledge.factchecks.match import matching_embedder, packaged_fusion

    rule_confidence()
    packaged_fusion()
    embedder = matching_embedder()  # the encoder's integer copy is made here when asked for
    model = checkworthiness.active()
    kind = "encoder" if model.needs_vectors else "word"
    return f"sentence encoder {embedder.model_id} ({embeddings.model_file()}); {kind} model"


def _factchecks(store: Path | None) -> Callable[[], str]:
    def run() -> str:
        from claimscope.knowledge.factchecks.match import FactCheckIndex
        from claimscope.knowledge.factchecks.store import FactCheckStore, default_path

        path = store or default_path()
        if not path.is_file():
            return f"no store at {path} (nothing to prepare)"
        with FactCheckStore(path, create=False) as opened:
            if len(opened) == 0:
                return f"{path} is empty"
            index = FactCheckIndex.open(opened)
        return f"{path}: {len(index)} reviews embedded and indexed"

    return run


def prepare(factchecks: Path | None = None) -> Iterator[Step]:
    """Build every cache, one step at a time (a ClaimscopeError says what failed)."""
    yield _timed("place index", _places)
    yield _timed("English model", _english_model)
    yield _timed("shipped models", _models)
    yield _timed("fact-check store", _factchecks(factchecks))
