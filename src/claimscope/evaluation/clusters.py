"""Claim clusters on FA-KES: do the claims a cluster joins come from reports of the same place?

Data
----
No annotated set of "the same claim across outlets" exists in ``../shared/data``. FA-KES (804
articles on the Syrian war, 15 outlets) labels each article with the ``location`` of its event
("aleppo", "idlib", "damascus" ...), which gives a proxy: claims that are really one claim travelling
between outlets come, nearly always, from articles about the same place. The store must hold the
FA-KES run with the CSV's ``unit_id`` as the article id::

    claimscope corpus run FA-KES-Dataset.csv --db fakes.duckdb \\
        --fields text=article_content,title=article_title,id=unit_id,outlet=source,published=date

Measure
-------
**Location purity**: over the claims in clusters, the share whose article's location is the most
common location among its cluster's articles (1.0 = no cluster mixes places). Purity rises as a
clustering joins less, so it is reported with what was joined: claims clustered, clusters, and
clusters spanning 2 and 3 or more outlets. Claims of articles without a label are left out of the
purity (counted).

Systems
-------
All on the same claims and the same MiniLM vectors (read from the store, embedded and stored when
missing):

- **claimscope**: :func:`~claimscope.corpus.stories.clusters.cluster_claims` with its defaults
  (cosine 0.78 across outlets, 0.90 within one, a 14-day window, large groups split again);
- **nearest neighbours** (the baseline): the same joins without the time window, which is what a
  plain similarity clustering does;
- the defaults with the cross-outlet bar at 0.82 and 0.85: the trade of purity against coverage.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimscope.corpus.stories.clusters import ClaimCluster
from claimscope.errors import InputError

SYSTEMS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("claimscope (defaults)", {}),
    ("nearest neighbours, no time window (baseline)", {"window_days": None}),
    ("cross-outlet bar 0.82", {"cross_outlet": 0.82}),
    ("cross-outlet bar 0.85", {"cross_outlet": 0.85}),
)


@dataclass
class Row:
    system: str
    clusters: int
    claims: int  # claims in clusters
    labelled: int  # of them, from articles with a location
    pure: int  # of those, from the cluster's most common location
    multi_outlet: int  # clusters over 2+ outlets
    wide: int  # clusters over 3+ outlets

    @property
    def purity(self) -> float:
        return self.pure / self.labelled if self.labelled else 0.0


@dataclass
class Result:
    articles: int
    labelled_articles: int
    usable_claims: int
    rows: list[Row]


def locations(path: Path) -> dict[str, str]:
    """FA-KES ``unit_id`` -> ``location`` (lower case)."""
    try:
        with path.open(encoding="latin-1", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise InputError(f"{path}: {e.strerror or e}") from None
    if not rows or not {"unit_id", "location"} <= rows[0].keys():
        raise InputError(f"{path}: not the FA-KES CSV (no unit_id/location columns)")
    return {r["unit_id"].strip(): r["location"].strip().lower() for r in rows if r["location"]}


def score(system: str, clusters: Sequence[ClaimCluster], place_of: dict[str, str]) -> Row:
    """Location purity of ``clusters``; ``place_of`` maps an article key to its location."""
    claims = labelled = pure = 0
    for cluster in clusters:
        places = [place_of.get(m.key) for m in cluster.members]
        claims += len(places)
        known = [p for p in places if p]
        labelled += len(known)
        if known:
            pure += Counter(known).most_common(1)[0][1]
    return Row(
        system,
        len(clusters),
        claims,
        labelled,
        pure,
        sum(len(c.outlets) >= 2 for c in clusters),
        sum(len(c.outlets) >= 3 for c in clusters),
    )


def evaluate(db: str, fakes: Path, *, progress: Any = None) -> Result:
    from claimscope.corpus.corpus_store import open_corpus
    from claimscope.corpus.stories import stored
    from claimscope.corpus.stories.clusters import cluster_claims, usable_claims

    labels = locations(fakes)
    with open_corpus(db) as store:
        ids = {str(k): str(i) for k, i in store.db.fetchall("SELECT key, id FROM articles")}
        if not ids:
            raise InputError(
                f"{db}: the store holds no articles (run `claimscope corpus run` first)"
            )
        place_of = {key: labels[i] for key, i in ids.items() if i in labels}
        if not place_of:
            raise InputError(
                f"{db}: no stored article has a FA-KES unit_id as its id "
                "(run with --fields ...,id=unit_id)"
            )
        claims = usable_claims(stored.claim_records(store))
        vectors = stored.claim_vectors(store, claims, progress=progress)
    rows = [
        score(name, cluster_claims(claims, vectors=vectors, **settings), place_of)
        for name, settings in SYSTEMS
    ]
    return Result(len(ids), len(place_of), len(claims), rows)


def format_report(result: Result) -> str:
    lines = [
        f"Claim clusters on FA-KES: {result.articles} stored articles ({result.labelled_articles} "
        f"with a location label), {result.usable_claims} claims of 6+ words; location purity = "
        "share of clustered claims from their cluster's most common location",
        "",
        "| system | clusters | 2+ outlets | 3+ outlets | claims clustered | location purity |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in result.rows:
        lines.append(
            f"| {r.system} | {r.clusters} | {r.multi_outlet} | {r.wide} | {r.claims} | "
            f"{r.purity:.1%} ({r.pure}/{r.labelled}) |"
        )
    return "\n".join(lines)
