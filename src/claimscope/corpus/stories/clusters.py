"""The same claim across articles: sentence embeddings, nearest neighbours, a guarded join.

Claims are embedded with all-MiniLM-L6-v2 (:mod:`claimscope.embeddings`) and each looks up its
nearest neighbours in a faiss index (exact inner product for small corpora, HNSW above
:data:`EXACT_UP_TO` claims, so that building stays near-linear as the corpus grows). Two claims are
joined when they are similar enough and come from different articles; the bar is higher when both
articles are from the same outlet (an outlet's own boilerplate, "the Syrian Observatory for Human
Rights said", would otherwise chain its stories together) than across outlets, which is where the
same claim travels in other words. A joined group whose member drifts from the group's centre is
trimmed, so that A~B and B~C do not make A~C without support.

Each cluster says where the claim appeared first and how every outlet carried it: as fact (its own
voice), attributed to someone, or with doubt (hedged, or with a distancing cue).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from claimscope.corpus.stories.flat import ClaimRecord
from claimscope.extras import need

#: Cosine similarity (MiniLM) for a join across outlets, and within one outlet.
CROSS_OUTLET = 0.78
SAME_OUTLET = 0.90
NEIGHBOURS = 10
MIN_WORDS = 6  # "He said so." is not a claim that travels
EXACT_UP_TO = 20_000
#: Claims of articles published further apart than this are not joined: a claim travels in days;
#: the same sentence years apart is background ("Aleppo has been divided since 2012"), not a story.
WINDOW_DAYS = 14
#: A group larger than this is split again at a higher bar (0.03 at a time): generic sentences
#: ("at least 10 people were killed") chain into one blob otherwise.
MAX_SIZE = 40


@dataclass
class ClaimCluster:
    id: int
    members: list[ClaimRecord]  # in order of publication (undated last)
    cohesion: float  # mean cosine of the members to the cluster's centre
    outlets: list[str] = field(default_factory=list)

    @property
    def first(self) -> ClaimRecord:
        return self.members[0]

    def carriage(self) -> dict[str, list[ClaimRecord]]:
        """Each outlet's claims in the cluster (how, when and in what words it carried it)."""
        out: dict[str, list[ClaimRecord]] = defaultdict(list)
        for m in self.members:
            out[m.outlet or "unknown outlet"].append(m)
        return dict(out)


def _date_key(c: ClaimRecord) -> tuple[int, str, str, str]:
    return (0 if c.published else 1, c.published or "", c.key, c.claim)


def _index(vectors: np.ndarray) -> object:
    faiss: Any = need("faiss", "claim clusters")

    d = vectors.shape[1]
    if len(vectors) <= EXACT_UP_TO:
        exact = faiss.IndexFlatIP(d)
        exact.add(vectors)
        return exact
    index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.hnsw.efSearch = 64
    index.add(vectors)
    return index


class _Sets:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def usable_claims(claims: Sequence[ClaimRecord]) -> list[ClaimRecord]:
    """The claims clustering considers (long enough to say something); vectors passed to
    :func:`cluster_claims` are for these, in this order."""
    return [c for c in claims if len(c.text.split()) >= MIN_WORDS]


def cluster_claims(
    claims: Sequence[ClaimRecord],
    *,
    encode: Callable[[list[str]], np.ndarray] | None = None,
    vectors: np.ndarray | None = None,
    cross_outlet: float = CROSS_OUTLET,
    same_outlet: float = SAME_OUTLET,
    neighbours: int = NEIGHBOURS,
    window_days: int | None = WINDOW_DAYS,
    min_articles: int = 2,
) -> list[ClaimCluster]:
    """Clusters of at least ``min_articles`` articles, most outlets first. ``vectors`` (unit rows
    for :func:`usable_claims`) skips the embedding, e.g. when a store keeps them."""
    usable = usable_claims(claims)
    if len(usable) < 2:
        return []
    if vectors is None:
        if encode is None:
            from claimscope import embeddings

            encode = embeddings.load().encode
        vectors = encode([c.text for c in usable])
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) != len(usable):
        raise ValueError(f"{len(vectors)} vectors for {len(usable)} usable claims")
    index = _index(vectors)
    k = min(neighbours + 1, len(usable))
    sims, nbrs = index.search(vectors, k)  # type: ignore[attr-defined]
    days = [_day(c.published) for c in usable]
    edges: list[tuple[float, int, int]] = []
    for i in range(len(usable)):
        for sim, j in zip(sims[i], nbrs[i], strict=True):
            j = int(j)
            if j == i or j < 0:
                continue
            a, b = usable[i], usable[j]
            if a.key == b.key:
                continue
            di, dj = days[i], days[j]
            if (
                window_days is not None
                and di is not None
                and dj is not None
                and abs(di - dj) > window_days
            ):
                continue
            bar = same_outlet if a.outlet and a.outlet == b.outlet else cross_outlet
            if sim >= bar:
                edges.append((float(sim), min(i, j), max(i, j)))
    groups = _components(len(usable), edges, cross_outlet)

    clusters: list[ClaimCluster] = []
    for members in groups:
        if len(members) < 2:
            continue
        members = _trim(members, vectors, cross_outlet)
        records = sorted((usable[i] for i in members), key=_date_key)
        if len({r.key for r in records}) < min_articles:
            continue
        centre = vectors[members].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-9)
        cohesion = float((vectors[members] @ centre).mean())
        outlets = list(dict.fromkeys(r.outlet or "unknown outlet" for r in records))
        clusters.append(ClaimCluster(0, records, round(cohesion, 4), outlets))
    clusters.sort(key=lambda c: (-len(c.outlets), -len(c.members), _date_key(c.first)))
    for n, cluster in enumerate(clusters, 1):
        cluster.id = n
    return clusters


def _day(published: str | None) -> int | None:
    import datetime as dt

    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def _components(n: int, edges: list[tuple[float, int, int]], bar: float) -> list[list[int]]:
    """Connected groups; a group over MAX_SIZE is split again with the bar raised by 0.03."""
    sets = _Sets(n)
    for sim, i, j in edges:
        if sim >= bar:
            sets.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[sets.find(i)].append(i)
    out: list[list[int]] = []
    for members in groups.values():
        if len(members) <= MAX_SIZE or bar >= 0.97:
            out.append(members)
            continue
        inside = set(members)
        local = {m: k for k, m in enumerate(members)}
        sub = [(s, local[i], local[j]) for s, i, j in edges if i in inside and j in inside]
        for part in _components(len(members), sub, bar + 0.03):
            out.append([members[k] for k in part])
    return out


def _trim(members: list[int], vectors: np.ndarray, bar: float) -> list[int]:
    """Drop, one at a time, the member farthest from the centre while it is under ``bar`` - 0.1:
    a chain's far end does not say the same thing as its other end."""
    kept = list(members)
    while len(kept) > 2:
        centre = vectors[kept].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-9)
        sims = vectors[kept] @ centre
        worst = int(np.argmin(sims))
        if sims[worst] >= bar - 0.1:
            break
        kept.pop(worst)
    return kept
