"""CheckThat! 2020 Task 2 (claim retrieval): tweets, the verified claims they match, and a store.

Data
----
CheckThat! 2020 Task 2 English (Barrón-Cedeño et al. 2020): ``verified_claims.docs.tsv`` holds
10,375 claims reviewed by Snopes (claim text ``vclaim`` and the review's ``title``); ``train/`` and
``dev/`` hold tweets (``tweets.queries.tsv``) and the verified claim each one makes
(``tweet-vclaim-pairs.qrels``, TREC format: ``tweet 0 vclaim 1``).

Duplicates
----------
180 groups of verified claims (361 rows) are the same review twice, differing only in quote
marks (``"invasion"`` / ``'invasion'``) or case. The store merges them (one record, both ids in
``source_ids``), as it merges any review imported twice, and a match on a merged record counts for
each of its ids. The evaluation also reports the official protocol, every row separate, in the
same run.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from claimscope.errors import InputError
from claimscope.knowledge.factchecks.readers import FactCheck, read_path
from claimscope.knowledge.factchecks.store import FactCheckStore
from claimscope.paths import cache_dir

CLAIMS_FILE = "verified_claims.docs.tsv"
QUERIES_FILE = "tweets.queries.tsv"
QRELS_FILE = "tweet-vclaim-pairs.qrels"


@dataclass
class Split:
    name: str
    queries: list[tuple[str, str]]  # (tweet id, text), file order
    gold: dict[str, set[str]]  # tweet id -> vclaim ids


def check_dir(data_dir: Path) -> Path:
    if not (data_dir / CLAIMS_FILE).is_file():
        raise InputError(
            f"{data_dir} is not the CheckThat 2020 claim-retrieval folder (no {CLAIMS_FILE})"
        )
    return data_dir


def read_split(data_dir: Path, name: str) -> Split:
    folder = check_dir(data_dir) / name
    if not (folder / QUERIES_FILE).is_file() or not (folder / QRELS_FILE).is_file():
        raise InputError(f"{folder} lacks {QUERIES_FILE} or {QRELS_FILE}")
    text = (folder / QUERIES_FILE).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    queries = [(r[0], " ".join(r[1].split())) for r in rows[1:] if len(r) >= 2]
    gold: dict[str, set[str]] = {}
    for line in (folder / QRELS_FILE).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] != "0":
            gold.setdefault(parts[0], set()).add(parts[2])
    queries = [(q, t) for q, t in queries if q in gold]
    return Split(name, queries, gold)


def raw_claims(data_dir: Path) -> list[FactCheck]:
    """Every verified-claim row as a record (ids merged as the store would; one source id each)."""
    result = read_path(check_dir(data_dir) / CLAIMS_FILE)
    if result.problems:
        raise InputError(f"{CLAIMS_FILE}: {result.problems[0]}")
    return result.records


SLICE_OTHERS = 1_000


def slice_claims(raw: list[FactCheck], gold: set[str]) -> list[FactCheck]:
    """The rows of the gold claims and the first :data:`SLICE_OTHERS` others (duplicates of a
    kept row come along, so merging works as on the whole file): a small store for quick runs."""
    kept = {r.id for r in raw if set(r.source_ids) & gold}
    for r in raw:
        if len(kept) >= len(gold) + SLICE_OTHERS:
            break
        kept.add(r.id)
    return [r for r in raw if r.id in kept]


def store_for(
    data_dir: Path, path: Path | None = None, records: list[FactCheck] | None = None
) -> FactCheckStore:
    """A fact-check store holding the verified claims (or ``records``, a part of them), kept in the
    cache directory (keyed by the file's hash and the part) so that a second run does not embed
    them again."""
    claims_file = check_dir(data_dir) / CLAIMS_FILE
    if path is None:
        digest = hashlib.sha1(claims_file.read_bytes())
        if records is not None:
            digest.update(",".join(r.source_ids[0] for r in records).encode())
        path = cache_dir() / f"checkthat2020-{digest.hexdigest()[:12]}.sqlite"
    store = FactCheckStore(path)
    if len(store) == 0:
        store.add(raw_claims(data_dir) if records is None else records)
    return store
