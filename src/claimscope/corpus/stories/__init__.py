"""Stories across outlets: the same claim in many articles, copied passages, and outlets side by
side.

* :mod:`.flat`: the flattened claims and paragraphs the functions work on;
* :mod:`.clusters`: claim clusters (MiniLM embeddings, a faiss nearest-neighbour index, a
  cross-outlet-aware threshold), with first appearance and how each outlet carried the claim;
* :mod:`.copies`: near-duplicate passages (MinHash LSH) and republication chains dated by
  publication;
* :mod:`.compare`: an outlet-by-outlet table for a story.
"""

from claimscope.corpus.stories.clusters import ClaimCluster, cluster_claims, usable_claims
from claimscope.corpus.stories.compare import OutletColumn, compare_outlets, summary_rows
from claimscope.corpus.stories.copies import CopyLink, chains, find_copies
from claimscope.corpus.stories.flat import (
    ClaimRecord,
    ParagraphRecord,
    claim_records,
    paragraph_records,
)

__all__ = [
    "ClaimCluster",
    "ClaimRecord",
    "CopyLink",
    "OutletColumn",
    "ParagraphRecord",
    "chains",
    "claim_records",
    "cluster_claims",
    "compare_outlets",
    "find_copies",
    "paragraph_records",
    "summary_rows",
    "usable_claims",
]
