"""Fact-checks: import published reviews, store them, and find the ones that check a claim.

* :mod:`.records`: the record and its readers (ClaimReview JSON-LD and feeds, CSV/TSV, CheckThat).
* :mod:`.store`: the SQLite store with vectors, incremental.
* :mod:`.match`: hybrid BM25 + embedding retrieval with a calibrated fused score.
"""

from claimscope.knowledge.factchecks.match import FactCheckIndex, Match
from claimscope.knowledge.factchecks.readers import FactCheck, ReadResult, RecordProblem, read_path
from claimscope.knowledge.factchecks.store import FactCheckStore, default_path, open_store

__all__ = [
    "FactCheck",
    "FactCheckIndex",
    "FactCheckStore",
    "Match",
    "ReadResult",
    "RecordProblem",
    "default_path",
    "open_store",
    "read_path",
]
