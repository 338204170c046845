"""Stories over a corpus store: claims and passages read from its tables, claim vectors kept in it,
and the last clustering saved so that a cluster has a stable id (for a CLI call or a web page).

The story functions (:mod:`.clusters`, :mod:`.copies`, :mod:`.compare`) work on records and know
nothing of the store; this module feeds them from it and writes back what is worth keeping:
vectors, because embedding is the slow part (about 3 minutes for FA-KES's 10,000 claims on two
cores, then never again for those claims), and clusters, because a reader follows links to them.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from claimscope.corpus.corpus_store import CorpusStore
from claimscope.corpus.stories import clusters as clustering
from claimscope.corpus.stories.clusters import ClaimCluster
from claimscope.corpus.stories.flat import ClaimRecord, ParagraphRecord, paragraphs
from claimscope.embeddings import DIMENSIONS

EMBED_BATCH = 512  # claims embedded and stored per transaction (progress and resumability)

#: (done, total) claims embedded so far.
EmbedProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class ClusterSummary:
    """One saved cluster as a list shows it: the first claim's words and who carried it."""

    id: int
    claims: int
    articles: int
    outlets: list[str]
    cohesion: float | None
    first_published: str | None
    last_published: str | None
    first_outlet: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SavedCluster:
    """A saved cluster with its member claims (publication order) and the build it came from."""

    summary: ClusterSummary
    members: list[ClaimRecord]
    build: BuildInfo

    def carriage(self) -> dict[str, list[ClaimRecord]]:
        out: dict[str, list[ClaimRecord]] = {}
        for m in self.members:
            out.setdefault(m.outlet or "unknown outlet", []).append(m)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "build": self.build.to_dict(),
            "members": [member_dict(m) for m in self.members],
        }


@dataclass(frozen=True)
class BuildInfo:
    id: str
    built_at: str  # UTC, ISO 8601
    articles: int
    claims: int  # usable claims clustered
    clusters: int
    model: str
    settings: dict[str, Any] = field(default_factory=dict)
    seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def member_dict(m: ClaimRecord) -> dict[str, Any]:
    return {
        "key": m.key,
        "claim": m.claim,
        "outlet": m.outlet,
        "published": m.published,
        "title": m.title,
        "voice": m.voice,
        "speaker": m.speaker,
        "cue": m.cue,
        "hedges": list(m.hedges),
        "stance": m.stance,
        "text": m.text,
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def _hedges(words: str | None) -> tuple[str, ...]:
    return tuple(w for w in (words or "").split("; ") if w)


# -- reading -------------------------------------------------------------------------------------


def claim_records(store: CorpusStore) -> list[ClaimRecord]:
    """Every stored claim with its article's outlet, date and title, and its attribution's cue."""
    rows = store.db.fetchall(
        """SELECT c.key, c.id, c.text, a.outlet_name, a.published, a.title, c.voice, c.speaker,
                  t.cue, c.hedge_words
           FROM claims c JOIN articles a ON a.key = c.key
           LEFT JOIN attributions t ON t.key = c.key AND t.id = c.attribution
           ORDER BY c.key, c.start_offset, c.id"""
    )
    return [_record(row) for row in rows]


def _record(row: tuple[Any, ...]) -> ClaimRecord:
    """A claim from a row of (key, claim id, text, outlet, published, title, voice, speaker, cue,
    hedge words): the columns both the claims and the saved clusters are read with."""
    key, cid, text, outlet, published, title, voice, speaker, cue, hedges = row
    return ClaimRecord(
        key=str(key),
        claim=str(cid),
        text=str(text),
        outlet=outlet,
        published=_iso(published),
        title=title,
        voice=str(voice or "outlet"),
        speaker=speaker,
        cue=cue,
        hedges=_hedges(hedges),
    )


def paragraph_records(store: CorpusStore, *, min_words: int = 12) -> list[ParagraphRecord]:
    """The passages of every stored article (for :func:`~.copies.find_copies`)."""
    out: list[ParagraphRecord] = []
    for key, text, outlet, published, title in store.db.iterate(
        "SELECT key, text, outlet_name, published, title FROM articles ORDER BY key"
    ):
        out += paragraphs(str(key), str(text), outlet, _iso(published), title, min_words=min_words)
    return out


def claim_vectors(
    store: CorpusStore,
    claims: Sequence[ClaimRecord],
    *,
    encoder: Any = None,
    progress: EmbedProgress | None = None,
) -> np.ndarray:
    """Unit vectors for ``claims`` (rows in their order): those stored for the encoder's model are
    read, the others embedded and stored, in batches, so an interrupted run keeps its work."""
    if encoder is None:
        from claimscope import embeddings

        encoder = embeddings.load()
    model = str(encoder.model_id)
    # Stored vectors go straight into their row of one array: a store of 250,000 claims would
    # otherwise hold each vector three times over (bytes, rows, the stacked array).
    row_of = {(c.key, c.claim): n for n, c in enumerate(claims)}
    out = np.zeros((len(claims), DIMENSIONS), dtype=np.float32)
    found = np.zeros(len(claims), dtype=bool)
    for k, i, v in store.db.iterate(
        "SELECT key, id, vector FROM claim_vectors WHERE model = ?", [model]
    ):
        n = row_of.get((str(k), str(i)))
        if n is not None:
            out[n] = np.frombuffer(bytes(v), dtype=np.float32)
            found[n] = True
    missing = [int(n) for n in np.flatnonzero(~found)]
    if progress:
        progress(0, len(missing))
    for at in range(0, len(missing), EMBED_BATCH):
        part = missing[at : at + EMBED_BATCH]
        vectors = np.asarray(encoder.encode([claims[n].text for n in part]), dtype=np.float32)
        out[part] = vectors
        _store_vectors(
            store,
            [
                (claims[n].key, claims[n].claim, model, vector.tobytes())
                for n, vector in zip(part, vectors, strict=True)
            ],
        )
        if progress:
            progress(min(at + EMBED_BATCH, len(missing)), len(missing))
    return out


def _store_vectors(store: CorpusStore, rows: list[tuple[str, str, str, bytes]]) -> None:
    from claimscope.corpus.schema import COLUMNS

    db = store.db
    with db.transaction():
        # An article replaced meanwhile loses its vectors with its rows; a claim already given a
        # vector by another process is skipped rather than written twice.
        keys = sorted({r[0] for r in rows})
        present = {
            (str(k), str(i))
            for chunk in (keys[i : i + 500] for i in range(0, len(keys), 500))
            for k, i in db.fetchall(
                "SELECT key, id FROM claim_vectors WHERE model = ? AND key IN ("
                + ", ".join("?" for _ in chunk)
                + ")",
                [rows[0][2], *chunk],
            )
        }
        fresh = [r for r in rows if (r[0], r[1]) not in present]
        db.insert_rows("claim_vectors", COLUMNS["claim_vectors"], fresh)


# -- clusters ------------------------------------------------------------------------------------


def build_clusters(
    store: CorpusStore,
    *,
    encoder: Any = None,
    progress: EmbedProgress | None = None,
    **settings: Any,
) -> tuple[BuildInfo, list[ClaimCluster]]:
    """Cluster every stored claim (:func:`~.clusters.cluster_claims` with ``settings``) and save
    the result in place of the last build."""
    started = time.perf_counter()
    if encoder is None:
        from claimscope import embeddings

        encoder = embeddings.load()
    records = clustering.usable_claims(claim_records(store))
    vectors = claim_vectors(store, records, encoder=encoder, progress=progress)
    found = clustering.cluster_claims(records, vectors=vectors, **settings)
    info = BuildInfo(
        id=uuid.uuid4().hex[:12],
        built_at=dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z",
        articles=store.count(),
        claims=len(records),
        clusters=len(found),
        model=str(encoder.model_id),
        settings={
            "cross_outlet": settings.get("cross_outlet", clustering.CROSS_OUTLET),
            "same_outlet": settings.get("same_outlet", clustering.SAME_OUTLET),
            "window_days": settings.get("window_days", clustering.WINDOW_DAYS),
            "neighbours": settings.get("neighbours", clustering.NEIGHBOURS),
            "min_articles": settings.get("min_articles", 2),
        },
        seconds=round(time.perf_counter() - started, 2),
    )
    _save(store, info, found)
    return info, found


def _save(store: CorpusStore, info: BuildInfo, found: Sequence[ClaimCluster]) -> None:
    from claimscope.corpus.schema import COLUMNS

    cluster_rows = []
    member_rows = []
    for c in found:
        dates = [m.published for m in c.members if m.published]
        cluster_rows.append(
            (
                c.id,
                info.id,
                len(c.members),
                len({m.key for m in c.members}),
                len(c.outlets),
                json.dumps(c.outlets, ensure_ascii=False),
                c.cohesion,
                _date(min(dates)) if dates else None,
                _date(max(dates)) if dates else None,
                c.first.outlet,
                c.first.text,
            )
        )
        member_rows += [
            (
                c.id,
                seq,
                m.key,
                m.claim,
                m.outlet,
                _date(m.published),
                m.title,
                m.voice,
                m.speaker,
                m.cue,
                "; ".join(m.hedges) or None,
                m.stance,
                m.text,
            )
            for seq, m in enumerate(c.members)
        ]
    db = store.db
    with db.transaction():
        for table in ("cluster_claims", "clusters", "cluster_builds"):
            db.execute(f"DELETE FROM {table}")
        db.execute(
            "INSERT INTO cluster_builds (id, built_at, articles, claims, clusters, model, "
            "settings, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                info.id,
                dt.datetime.fromisoformat(info.built_at.rstrip("Z")),
                info.articles,
                info.claims,
                info.clusters,
                info.model,
                json.dumps(info.settings),
                info.seconds,
            ],
        )
        db.insert_rows("clusters", COLUMNS["clusters"], cluster_rows)
        db.insert_rows("cluster_claims", COLUMNS["cluster_claims"], member_rows)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def last_build(store: CorpusStore) -> BuildInfo | None:
    """What the saved clusters were built over, or None when they never were."""
    row = store.db.fetchone(
        "SELECT id, built_at, articles, claims, clusters, model, settings, seconds "
        "FROM cluster_builds ORDER BY built_at DESC LIMIT 1"
    )
    if row is None:
        return None
    bid, at, articles, claims, n, model, settings, seconds = row
    return BuildInfo(
        str(bid),
        at.isoformat(timespec="seconds") + "Z",
        int(articles),
        int(claims),
        int(n),
        str(model),
        json.loads(settings),
        None if seconds is None else float(seconds),
    )


_SUMMARY = (
    "SELECT id, claims, articles, outlet_names, cohesion, first_published, last_published, "
    "first_outlet, text FROM clusters"
)


def _summary(row: tuple[Any, ...]) -> ClusterSummary:
    cid, claims, articles, outlets, cohesion, first, last, first_outlet, text = row
    return ClusterSummary(
        int(cid),
        int(claims),
        int(articles),
        list(json.loads(outlets)),
        None if cohesion is None else float(cohesion),
        _iso(first),
        _iso(last),
        first_outlet,
        str(text),
    )


def saved_clusters(
    store: CorpusStore,
    *,
    min_outlets: int = 1,
    outlet: str | None = None,
    query: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ClusterSummary]:
    """Saved clusters, most outlets first (their build order). ``outlet``: one of the outlets
    carried it (any case); ``query``: words any of its claims contains (any case)."""
    where = ["outlets >= ?"]
    params: list[Any] = [min_outlets]
    if outlet:
        from claimscope.knowledge.outlets import lookup

        # As given, or as the registry names it (clusters list outlets by their registry name).
        entry = lookup(outlet, labels=True)
        names = list(dict.fromkeys(n.lower() for n in (outlet, entry.name if entry else None) if n))
        where.append("(" + " OR ".join("lower(outlet_names) LIKE ?" for _ in names) + ")")
        params += ["%" + json.dumps(n, ensure_ascii=False)[1:-1] + "%" for n in names]
    if query:
        for word in query.lower().split():
            where.append("id IN (SELECT cluster FROM cluster_claims WHERE lower(text) LIKE ?)")
            params.append("%" + word.replace("%", "").replace("_", "") + "%")
    rows = store.db.fetchall(
        f"{_SUMMARY} WHERE {' AND '.join(where)} ORDER BY id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_summary(r) for r in rows]


def saved_cluster(store: CorpusStore, cluster_id: int) -> SavedCluster | None:
    """One saved cluster with its members, or None when the last build has no such id."""
    row = store.db.fetchone(f"{_SUMMARY} WHERE id = ?", [cluster_id])
    build = last_build(store)
    if row is None or build is None:
        return None
    members = [
        _record(row)
        for row in store.db.fetchall(
            "SELECT key, claim, text, outlet, published, title, voice, speaker, cue, hedge_words "
            "FROM cluster_claims WHERE cluster = ? ORDER BY seq",
            [cluster_id],
        )
    ]
    return SavedCluster(_summary(row), members, build)
