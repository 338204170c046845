"""Fact-check matches for each claim, from the user's fact-check store.

A reader who sees a claim wants to know whether someone has already checked it. This component
asks the store (:mod:`claimscope.knowledge.factchecks`) for each check-worthy claim of the article
(check-worthiness at or above the scorer's threshold; a greeting or an opinion is not looked up,
which spares a false alarm on it) and lists the matches above the calibrated threshold under
``Claim.factchecks``, best first.

The store is the ``store`` setting (``claimscope analyze --factchecks PATH``), else
``$CLAIMSCOPE_FACTCHECKS``, else ``factchecks.sqlite`` in the user's data directory. No store, or an
empty one, means no matches and no cost: the embedding model is only loaded when there is
something to match against. The index is reopened when the store changes (a long-running web app
sees newly imported reviews).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from claimscope.analyzers.results import Results, factory
from claimscope.model import Claim, FactCheckMatch

if TYPE_CHECKING:
    from claimscope.knowledge.factchecks.match import FactCheckIndex

log = logging.getLogger(__name__)
MATCHES_PER_CLAIM = 3


class FactCheckMatcher:
    def __init__(self, store: str | None, k: int = MATCHES_PER_CLAIM) -> None:
        from claimscope.knowledge.factchecks.store import default_path

        self.path = Path(store).expanduser() if store else default_path()
        self.explicit = bool(store)
        self.k = k
        self._index: FactCheckIndex | None = None
        self._revision: int | None = None

    def _open(self) -> FactCheckIndex | None:
        from claimscope.knowledge.factchecks.match import FactCheckIndex
        from claimscope.knowledge.factchecks.store import FactCheckStore

        if not self.path.is_file():
            if self.explicit:
                from claimscope.errors import ClaimscopeError

                raise ClaimscopeError(f"no fact-check store at {self.path}")
            return None
        with FactCheckStore(self.path, create=False) as store:
            if self._index is not None and store.revision == self._revision:
                return self._index
            if len(store) == 0:
                self._index, self._revision = None, store.revision
                return None
            self._index = FactCheckIndex.open(store)
            self._revision = store.revision
        return self._index

    def __call__(self, doc: Doc) -> Doc:
        from claimscope.analyzers import checkworthiness

        found = Results.of(doc)
        bar = checkworthiness.threshold()
        claims: list[Claim] = [c for c in found.claims if c.checkworthiness >= bar]
        if not claims:
            return doc
        index = self._open()
        if index is None:
            return doc
        shared = found.claim_vectors  # the check-worthiness pass, when it had one
        vectors = None
        if shared is not None and shared.encoder == index.encoder:
            vectors = np.stack([shared.by_claim[c.id] for c in claims])
        texts = [c.text for c in claims]
        for claim, matches in zip(
            claims, index.match(texts, k=self.k, vectors=vectors), strict=True
        ):
            # The sigmoid keeps the score in 0..1; to_dict rounds it.
            claim.factchecks = [FactCheckMatch.model_validate(m.to_dict()) for m in matches]
        return doc


@factory(
    "claimscope_factchecks",
    default_config={"store": None, "k": MATCHES_PER_CLAIM},
    reads=["claims", "claim_vectors"],
    writes=["claims"],  # adds its matches to the check-worthy claims
)
def make_factchecks(nlp: Language, name: str, store: str | None, k: int) -> FactCheckMatcher:
    return FactCheckMatcher(store, k)
