"""Copies: passages shared between articles, and which way they went.

Republication is common in news (an agency wire reprinted by outlets, a state outlet's text carried
by its partners) and it is invisible in any one article. Paragraphs are compared by MinHash over
word 5-grams with locality-sensitive hashing (datasketch), so the work grows with the corpus, not
with its square; every candidate pair is then checked with its exact Jaccard similarity. Pairs of
articles sharing passages are reported with the direction their dates give: the earlier one is the
likely source; on the same day, or without dates, the direction is left open.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from claimscope.corpus.stories.flat import ParagraphRecord
from claimscope.extras import need

THRESHOLD = 0.6  # Jaccard of word 5-gram sets
SHINGLE = 5
PERMUTATIONS = 128
_WORD = re.compile(r"\w+")


@dataclass
class CopyLink:
    source: str  # article key: the earlier one when the direction is known
    target: str
    direction: str  # "dated" (source published before target) | "same day" | "undated"
    passages: list[tuple[int, int, float]] = field(
        default_factory=list
    )  # (source para, target para, Jaccard)
    source_outlet: str | None = None
    target_outlet: str | None = None
    source_date: str | None = None
    target_date: str | None = None
    whole: bool = False  # most of the shorter article is shared: a copy, not a quotation


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def find_copies(
    paragraphs: Sequence[ParagraphRecord],
    *,
    threshold: float = THRESHOLD,
    permutations: int = PERMUTATIONS,
) -> list[CopyLink]:
    datasketch: Any = need("datasketch", "finding copies")
    MinHash, MinHashLSH = datasketch.MinHash, datasketch.MinHashLSH

    shingles = [_shingles(p.text) for p in paragraphs]
    lsh = MinHashLSH(threshold=threshold, num_perm=permutations)
    hashes = []
    for i, s in enumerate(shingles):
        m = MinHash(num_perm=permutations)
        m.update_batch([x.encode("utf-8") for x in s])
        hashes.append(m)
        lsh.insert(i, m)
    per_article: dict[str, int] = defaultdict(int)
    for p in paragraphs:
        per_article[p.key] += 1
    pairs: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j <= i or paragraphs[i].key == paragraphs[j].key:
                continue
            sa, sb = shingles[i], shingles[j]
            jaccard = len(sa & sb) / max(len(sa | sb), 1)
            if jaccard < threshold:
                continue
            first, second = (i, j) if paragraphs[i].key < paragraphs[j].key else (j, i)
            pairs[(paragraphs[first].key, paragraphs[second].key)].append(
                (paragraphs[first].index, paragraphs[second].index, round(jaccard, 3))
            )
    info = {p.key: p for p in paragraphs}
    links = []
    for (a, b), passages in pairs.items():
        pa, pb = info[a], info[b]
        if pa.published and pb.published and pa.published != pb.published:
            direction = "dated"
            if pb.published < pa.published:
                pa, pb = pb, pa
                passages = [(y, x, s) for x, y, s in passages]
        else:
            direction = "same day" if pa.published and pa.published == pb.published else "undated"
        shared_a = len({x for x, _, _ in passages})
        shared_b = len({y for _, y, _ in passages})
        whole = min(shared_a / per_article[pa.key], shared_b / per_article[pb.key]) >= 0.5
        links.append(
            CopyLink(
                pa.key,
                pb.key,
                direction,
                sorted(passages),
                pa.outlet,
                pb.outlet,
                pa.published,
                pb.published,
                whole,
            )
        )
    links.sort(key=lambda link: (-len(link.passages), link.source_date or "", link.source))
    return links


def chains(links: Sequence[CopyLink]) -> list[list[str]]:
    """Republication chains: from each article that copies nothing dated earlier, the articles
    that (transitively) carry its passages later, in date order."""
    later: dict[str, set[str]] = defaultdict(set)
    has_source: set[str] = set()
    dates: dict[str, str] = {}
    for link in links:
        if link.direction != "dated":
            continue
        later[link.source].add(link.target)
        has_source.add(link.target)
        dates[link.source] = link.source_date or ""
        dates[link.target] = link.target_date or ""
    out = []
    for root in sorted(set(later) - has_source, key=lambda k: (dates.get(k, ""), k)):
        seen = [root]
        frontier = [root]
        while frontier:
            node = frontier.pop()
            for nxt in sorted(later[node]):
                if nxt not in seen:
                    seen.append(nxt)
                    frontier.append(nxt)
        out.append(sorted(seen, key=lambda k: (dates.get(k, ""), k)))
    return out
