"""Corpus runs, the corpus store and claim clusters on FA-KES, next to bare spaCy (issue 8).

    python benchmarks/bench_corpus.py [--fakes CSV] [--articles N] [--sizes 1000,5000,20000]
                                      [--postgres URL] [--workdir DIR] [--keep] [--repeat R]
                                      [--runs-only] [--json PATH] [--svg PATH]

Timed once each, in this order, over the distinct articles of the FA-KES CSV (792 in 804 rows;
``--articles N``: the first N rows, written to a smaller CSV first):
- ``bare spaCy``: ``nlp.pipe`` of the bare English model over the articles' texts (batch size 32,
  warm: the model is loaded and run on 10 texts first): the reference. Also with
  ``n_process=2`` (spaCy's own multiprocessing, its start-up included).
- ``corpus run, 2 processes`` and ``1 process``: what ``claimscope corpus run`` does, into a fresh
  DuckDB file: open the store, ``plan`` (read and count the inputs), ``run`` with
  ``LocalEngine(workers)`` (read again, analyse, ``put_many`` every 32 analyses). Cold: the time
  includes loading the pipeline (1 process: in this process; 2 processes: the spawned workers'
  start-up). ``steady`` is the rate between the first and the last write of the run.
- ``embed``: ``claim_vectors`` over the usable claims of the 2-process run's store, embedding and
  storing every one of them (done once; later builds read the stored vectors).
- ``insert``: ``put_many`` of analysed articles in batches of 32 (the run's batch size) into a
  fresh DuckDB file (and a fresh PostgreSQL schema with ``--postgres``), from 0 up to the largest
  size. Above 792 articles the FA-KES analyses are replicated (see below); making a replica and
  copying its claim vectors are not in the time.
- ``clusters``: at each size (792 and ``--sizes``), ``build_clusters(store)`` on the DuckDB store in
  a fresh subprocess (every vector stored, so nothing is embedded), split into reading the claims
  and their vectors, building the faiss index, the nearest-neighbour search, joining (edges,
  components, trimming) and saving the clusters (the parts are timed by wrapping the stories
  module's ``cluster_claims``, ``_index`` and ``_save``); with the subprocess's peak RSS (VmHWM).
- ``search``: at each size, a fixed list of queries (words, with and without filters, and
  filters alone), warm (every query once first), ``--repeat`` times each: the median and max of
  each, and the median, p95 and max over all. PostgreSQL gets an ``ANALYZE`` first (what
  autovacuum would do after such a load).
``--runs-only``: bare spaCy and the corpus runs alone (a quick re-measure on a quiet machine).

Replicas: replica r (1, 2, ...) of an article has its publication date moved r * 400 days later
(so a new key, and far outside the 14-day clustering window) and each of its claims' stored vector
turned by a random rotation Q_r of the embedding space (one per replica, seeded). A rotation keeps
every cosine within the replica, so the replica clusters exactly as the original does, while its
vectors are nearly orthogonal to every other replica's (cosines around 0 +- 0.05). Copying the
vectors unchanged would fill each claim's nearest neighbours with its own identical replicas
(rejected by the date window), hiding its real neighbours: fewer edges and clusters than a corpus
of distinct articles would give. Texts and search terms are copied unchanged.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from claimscope.corpus.corpus_store import CorpusStore, open_corpus
from claimscope.corpus.keys import article_key
from claimscope.corpus.run import WRITE_EVERY, plan, run
from claimscope.corpus.schema import COLUMNS
from claimscope.ingest.auto import ReadOptions, read
from claimscope.ingest.jsonl_csv import FieldMap
from claimscope.model import Analysis, Article
from common import timed, version

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_FAKES = SHARED / "data" / "fa-kes" / "FA-KES-Dataset.csv"
FIELDS = "text=article_content,title=article_title,id=unit_id,outlet=source,published=date"
SHIFT_DAYS = 400  # a replica's date moves this many days per replica number
CURVE_EVERY = 1000  # articles between two points of the insert curve
T = TypeVar("T")

#: (label, query, filters): words, phrases, words with each filter, and filters alone.
QUERIES: list[tuple[str, str | None, dict[str, Any]]] = [
    ("one word", "Aleppo", {}),
    ("two words", "chemical weapons", {}),
    ("sentence", "Russian air strikes killed civilians in Idlib province", {}),
    ("common word", "Syria", {}),
    ("word + outlet", "rebels", {"outlet": "reuters"}),
    ("word + dates", "ceasefire", {"since": "2016-01", "until": "2016-12"}),
    ("word + speaker", "attack", {"speaker": "Observatory"}),
    ("word + place", "hospital", {"place": "Aleppo"}),
    ("word + technique", "terrorists", {"technique": "loaded_language"}),
    ("outlet only", None, {"outlet": "sana"}),
    ("dates only", None, {"since": "2016-07-01", "until": "2016-07-31"}),
    ("place only", None, {"place": "Idlib"}),
    ("technique + outlet", None, {"technique": "loaded_language", "outlet": "manar"}),
]


def max_rss_mib() -> float:
    """This process's peak RSS (ru_maxrss; for the benchmark's own process, started by a shell)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def status_mib(field: str, pid: int | str = "self") -> float | None:
    """A memory line of /proc/PID/status in MiB (VmHWM: peak RSS, VmRSS: RSS now).

    A child's ru_maxrss is no use here: Linux carries the parent's resident size over the fork and
    exec, so a child of a big process reports at least the parent's size. VmHWM starts afresh."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        return None
    return None


class ChildPeaks:
    """Polls the peak RSS (VmHWM) of this process's children every half second (the engine's
    workers); the largest seen is their peak, to within the last half second of each."""

    def __init__(self) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _children(self) -> list[int]:
        me = str(os.getpid())
        out = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if stat.rsplit(")", 1)[1].split()[1] == me:
                    out.append(int(entry.name))
        return out

    def _poll(self) -> None:
        while not self._stop.wait(0.5):
            for pid in self._children():
                peak = status_mib("VmHWM", pid)
                if peak is not None:
                    self.peaks[pid] = max(peak, self.peaks.get(pid, 0.0))

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- inputs --------------------------------------------------------------------------------------


def subset_csv(source: Path, rows: int, target: Path) -> Path:
    """The header and first ``rows`` rows of ``source`` (latin-1 round-trips every byte)."""
    csv.field_size_limit(sys.maxsize)
    with (
        source.open(encoding="latin-1", newline="") as f,
        target.open("w", encoding="latin-1", newline="") as out,
    ):
        writer = csv.writer(out)
        for n, row in enumerate(csv.reader(f)):
            if n > rows:
                break
            writer.writerow(row)
    return target


def distinct_articles(path: Path, options: ReadOptions) -> list[Article]:
    """The articles a corpus run would analyse: one per key, in input order."""
    seen: set[str] = set()
    out = []
    for item in read(str(path), options):
        if isinstance(item, Article):
            key = article_key(item)
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


# -- corpus runs ---------------------------------------------------------------------------------


def corpus_run(path: Path, store_path: Path, workers: int, options: ReadOptions) -> dict[str, Any]:
    """A fresh store, plan and run with the local engine: the CLI's ``corpus run``."""
    from claimscope.corpus.engines.local import LocalEngine

    store_path.unlink(missing_ok=True)
    writes: list[tuple[float, int]] = []

    def progress(analysed: int, failed: int, todo: int) -> None:
        writes.append((time.perf_counter(), analysed))

    t0 = time.perf_counter()
    store = open_corpus(store_path)
    the_plan = plan([str(path)], store, options)
    summary = run(the_plan, store, LocalEngine(workers), options, progress=progress)
    store.close()
    seconds = time.perf_counter() - t0
    (t_first, n_first), (t_last, n_last) = writes[0], writes[-1]
    steady = (n_last - n_first) / (t_last - t_first) if t_last > t_first else None
    return {
        "workers": workers,
        "articles": the_plan.articles,
        "analysed": summary.analysed,
        "failed": summary.failed,
        "seconds": round(seconds, 2),
        "run_seconds": round(summary.seconds, 2),
        "first_write_s": round(t_first - t0, 2),
        "articles_per_s": round(summary.analysed / seconds, 2),
        "steady_articles_per_s": round(steady, 2) if steady else None,
    }


# -- replicas ------------------------------------------------------------------------------------


def rotation(r: int, d: int) -> np.ndarray:
    """A random orthogonal d x d matrix, the same for the same replica number."""
    q, rr = np.linalg.qr(np.random.default_rng(1000 + r).standard_normal((d, d)))
    return q * np.sign(np.diag(rr))  # sign fix: uniformly distributed (Haar)


def replica(analysis: Analysis, r: int) -> Analysis:
    """Replica ``r`` of an analysis: published r * SHIFT_DAYS days later (a new key)."""
    if r == 0:
        return analysis
    a = analysis.article
    if a.published:
        day = dt.date.fromisoformat(a.published[:10]) + dt.timedelta(days=r * SHIFT_DAYS)
        update = {"published": day.isoformat() + a.published[10:]}
    else:  # undated: the URL tells replicas apart
        update = {"url": f"https://replica.invalid/{r}/{a.id}"}
    return analysis.model_copy(update={"article": a.model_copy(update=update)})


class Replicas:
    """Analysed articles in replica order (all originals, then replica 1 of each, ...), with the
    rows of claim vectors each one needs."""

    def __init__(
        self,
        originals: list[tuple[str, Analysis]],
        vectors: dict[str, list[tuple[str, str, bytes]]],
    ) -> None:
        self.originals = originals
        self.vectors = vectors  # key -> (claim id, model, vector)
        self.at = 0
        self._rotations: dict[int, np.ndarray] = {}

    def take(self, n: int) -> list[tuple[int, str, Analysis]]:
        out = []
        for _ in range(n):
            r, i = divmod(self.at, len(self.originals))
            key, analysis = self.originals[i]
            copy = replica(analysis, r)
            out.append((r, key, copy))
            self.at += 1
        return out

    def vector_rows(self, batch: list[tuple[int, str, Analysis]]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for r, original, analysis in batch:
            stored = self.vectors.get(original, [])
            if not stored:
                continue
            key = article_key(analysis.article)
            matrix = np.stack([np.frombuffer(v, dtype=np.float32) for _, _, v in stored])
            if r:
                if r not in self._rotations:
                    self._rotations[r] = rotation(r, matrix.shape[1])
                matrix = (matrix @ self._rotations[r].T).astype(np.float32)
            rows += [
                (key, cid, model, row.tobytes())
                for (cid, model, _), row in zip(stored, matrix, strict=True)
            ]
        return rows


# -- search --------------------------------------------------------------------------------------


def search_latency(store: CorpusStore, repeat: int) -> dict[str, Any]:
    """Warm latency of each query of QUERIES (ms): every query once, then ``repeat`` rounds.
    Median and max per query; median, p95 and max over all of them."""
    for _, query, filters in QUERIES:
        store.search(query, **filters)
    samples: dict[str, list[float]] = {label: [] for label, _, _ in QUERIES}
    hits: dict[str, int] = {}
    for _ in range(repeat):
        for label, query, filters in QUERIES:
            t0 = time.perf_counter()
            found = store.search(query, **filters)
            samples[label].append((time.perf_counter() - t0) * 1000)
            hits[label] = len(found)
    per_query = {}
    for label, values in samples.items():
        values.sort()
        per_query[label] = {
            "median_ms": round(statistics.median(values), 1),
            "max_ms": round(values[-1], 1),
            "hits": hits[label],
        }
    every = sorted(v for values in samples.values() for v in values)
    return {
        "queries": len(QUERIES),
        "repeat": repeat,
        "median_ms": round(statistics.median(every), 1),
        "p95_ms": round(every[round(0.95 * (len(every) - 1))], 1),
        "max_ms": round(every[-1], 1),
        "slowest": max(per_query, key=lambda k: per_query[k]["median_ms"]),
        "per_query": per_query,
    }


# -- PostgreSQL ----------------------------------------------------------------------------------


def pg_schema_url(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def pg_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(sql)


def pg_size_mib(store: CorpusStore) -> float:
    size = store.db.scalar(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
    )
    return round(int(size) / 2**20, 1)


# -- cluster builds (in a subprocess) ------------------------------------------------------------


class _TimedIndex:
    """A faiss index whose ``search`` is timed into ``times``."""

    def __init__(self, index: Any, times: dict[str, float]) -> None:
        self._index = index
        self._times = times

    def search(self, vectors: np.ndarray, k: int) -> Any:
        t, found = timed(lambda: self._index.search(vectors, k))
        self._times["knn_s"] = self._times.get("knn_s", 0.0) + t
        return found


def cluster_child(path: Path) -> None:
    """``build_clusters`` on the store at ``path``, its parts timed; JSON on stdout."""
    import faiss  # noqa: F401  (imported before the clock starts, as a long-lived process has)

    from claimscope import embeddings
    from claimscope.corpus.stories import clusters as clustering
    from claimscope.corpus.stories import stored

    encoder = embeddings.load()
    store = open_corpus(path)
    rss_before = status_mib("VmHWM")
    times: dict[str, float] = {}
    missing: list[int] = []
    real_index, real_cluster, real_save = clustering._index, clustering.cluster_claims, stored._save

    def index(vectors: np.ndarray) -> object:
        t, built = timed(lambda: real_index(vectors))
        times["index_s"] = t
        return _TimedIndex(built, times)

    def cluster(*args: Any, **kwargs: Any) -> Any:
        t, found = timed(lambda: real_cluster(*args, **kwargs))
        times["cluster_s"] = t
        return found

    def save(*args: Any, **kwargs: Any) -> None:
        times["save_s"], _ = timed(lambda: real_save(*args, **kwargs))

    clustering._index = index
    clustering.cluster_claims = cluster
    stored._save = save
    total, (info, found) = timed(
        lambda: stored.build_clusters(
            store, encoder=encoder, progress=lambda done, todo: missing.append(todo)
        )
    )
    store.close()
    claims = info.claims
    figures = {
        "articles": info.articles,
        "usable_claims": claims,
        "clusters": info.clusters,
        "index": "exact" if claims <= clustering.EXACT_UP_TO else "HNSW",
        "embedded": missing[0] if missing else 0,
        "build_s": round(total, 2),
        "read_s": round(total - times["cluster_s"] - times["save_s"], 2),
        "index_s": round(times.get("index_s", 0.0), 2),
        "knn_s": round(times.get("knn_s", 0.0), 2),
        "join_s": round(
            times["cluster_s"] - times.get("index_s", 0.0) - times.get("knn_s", 0.0), 2
        ),
        "cluster_s": round(times["cluster_s"], 2),
        "save_s": round(times["save_s"], 2),
        "rss_before_build_mib": rss_before,
        "peak_rss_mib": status_mib("VmHWM"),
        "largest_cluster": max((len(c.members) for c in found), default=0),
    }
    print(json.dumps(figures))


def build_in_subprocess(path: Path) -> dict[str, Any]:
    t, done = timed(
        lambda: subprocess.run(
            [sys.executable, __file__, "--cluster-child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["subprocess_wall_s"] = round(t, 2)
    return figures


# -- the growth curve ----------------------------------------------------------------------------


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top`` (steps of 1, 2, 2.5 or 5 times a power of 10)."""
    raw = max(top, 1e-9) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * i for i in range(math.ceil(top / step - 1e-9) + 1)]


def _label(value: float, thousands: bool = False) -> str:
    if thousands and value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def growth_svg(points: list[dict[str, Any]], date: str) -> str:
    """Build time (and its parts) and peak memory of the cluster build against stored articles."""
    width, height = 780, 345
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-labelledby": "growth-title growth-desc",
            "font-family": "system-ui, sans-serif",
            "font-size": "12",
        },
    )
    ET.SubElement(
        svg, "title", {"id": "growth-title"}
    ).text = "Claim cluster building as the corpus grows"
    ET.SubElement(svg, "desc", {"id": "growth-desc"}).text = (
        f"Measured {date} by benchmarks/bench_corpus.py. Left: wall time of build_clusters in "
        "seconds against stored articles, in total and in parts (reading the claims and their "
        "vectors; the faiss index build and nearest-neighbour search; joining and saving). Right: "
        "peak resident memory of the build process in MiB, and its size before the build. "
        + "; ".join(
            f"{p['articles']:,} articles ({p['usable_claims']:,} claims): {p['build_s']} s, "
            f"{p['peak_rss_mib']:.0f} MiB"
            for p in points
        )
        + "."
    )
    ET.SubElement(svg, "rect", {"width": str(width), "height": str(height), "fill": "#fff"})
    rows = [
        {**p, "faiss_s": p["index_s"] + p["knn_s"], "rest_s": p["join_s"] + p["save_s"]}
        for p in points
    ]
    panels = [
        (
            "cluster build time (s)",
            [
                ("total", "build_s", "#1a1a1a"),
                ("faiss index + k-NN", "faiss_s", "#b3261e"),
                ("read claims + vectors", "read_s", "#1f5fbf"),
                ("join + save", "rest_s", "#8a5a00"),
            ],
            70,
        ),
        (
            "memory of the build process (MiB)",
            [
                ("peak RSS", "peak_rss_mib", "#1a1a1a"),
                ("before the build", "rss_before_build_mib", "#1f5fbf"),
            ],
            470,
        ),
    ]
    xticks = nice_ticks(max(r["articles"] for r in rows))
    pw, ph, top = 280, 200, 40
    for heading, series, left in panels:
        yticks = nice_ticks(max(r[key] for r in rows for _, key, _ in series))
        xmax, ymax = xticks[-1], yticks[-1]

        def x(v: float, left: int = left, xmax: float = xmax) -> float:
            return left + pw * v / xmax

        def y(v: float, ymax: float = ymax) -> float:
            return top + ph - ph * v / ymax

        g = ET.SubElement(svg, "g")
        ET.SubElement(
            g, "text", {"x": str(left - 40), "y": "22", "font-weight": "bold"}
        ).text = heading
        for v in yticks:
            ET.SubElement(
                g,
                "line",
                {"x1": str(left), "x2": str(left + pw), "y1": f"{y(v):.1f}", "y2": f"{y(v):.1f}"}
                | {"stroke": "#ddd"},
            )
            ET.SubElement(
                g,
                "text",
                {"x": str(left - 6), "y": f"{y(v) + 4:.1f}", "text-anchor": "end", "fill": "#555"},
            ).text = _label(v)
        for v in xticks:
            ET.SubElement(
                g,
                "text",
                {"x": f"{x(v):.1f}", "y": str(top + ph + 16), "text-anchor": "middle"}
                | {"fill": "#555"},
            ).text = _label(v, thousands=True)
        ET.SubElement(
            g, "text", {"x": str(left + pw / 2), "y": str(top + ph + 36), "text-anchor": "middle"}
        ).text = "articles in the store"
        for n, (name, key, colour) in enumerate(series):
            ET.SubElement(
                g,
                "polyline",
                {
                    "points": " ".join(f"{x(r['articles']):.1f},{y(r[key]):.1f}" for r in rows),
                    "fill": "none",
                    "stroke": colour,
                    "stroke-width": "2",
                },
            )
            last_label = -1e9
            for r in rows:
                cx, cy = x(r["articles"]), y(r[key])
                ET.SubElement(
                    g, "circle", {"cx": f"{cx:.1f}", "cy": f"{cy:.1f}", "r": "3", "fill": colour}
                )
                if n == 0 and cx - last_label > 40:  # the first series' values, not crowded
                    last_label = cx
                    ET.SubElement(
                        g,
                        "text",
                        {"x": f"{cx - 5:.1f}", "y": f"{cy - 7:.1f}", "text-anchor": "end"}
                        | {"fill": colour},
                    ).text = f"{r[key]:,.0f}" if r[key] >= 10 else f"{r[key]:.1f}"
            ly = top + ph + 56 + 16 * (n // 2)
            lx = left - 30 + 170 * (n % 2)
            ET.SubElement(
                g,
                "line",
                {"x1": str(lx), "x2": str(lx + 18), "y1": str(ly), "y2": str(ly)}
                | {"stroke": colour, "stroke-width": "2"},
            )
            ET.SubElement(g, "text", {"x": str(lx + 23), "y": str(ly + 4)}).text = name
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode") + "\n"


# -- the benchmark -------------------------------------------------------------------------------


def fill(
    stores: dict[str, CorpusStore],
    replicas: Replicas,
    count: int,
    insert: dict[str, float],
    curve: dict[str, list[tuple[int, float]]],
) -> tuple[int, float]:
    """Put ``count`` more replicas into every store, WRITE_EVERY at a time; vectors into DuckDB.
    Adds each backend's put time to ``insert`` (and, every CURVE_EVERY articles, the articles
    stored and that time so far to ``curve``); returns (claims put, vector copy seconds)."""
    claims = 0
    vector_s = 0.0
    left = count
    while left:
        batch = replicas.take(min(WRITE_EVERY, left))
        left -= len(batch)
        items = [(article_key(a.article), a, a.article.source) for _, _, a in batch]
        claims += sum(len(a.claims) for _, _, a in batch)
        for name, store in stores.items():
            t0 = time.perf_counter()
            store.put_many(items)
            insert[name] += time.perf_counter() - t0
            if replicas.at // CURVE_EVERY > (replicas.at - len(batch)) // CURVE_EVERY:
                curve[name].append((replicas.at, round(insert[name], 2)))
        rows = replicas.vector_rows(batch)
        duck = stores["duckdb"].db
        t0 = time.perf_counter()
        with duck.transaction():
            duck.insert_rows("claim_vectors", COLUMNS["claim_vectors"], rows)
        vector_s += time.perf_counter() - t0
    return claims, vector_s


def measure_runs(path: Path, texts: list[str], options: ReadOptions, work: Path) -> dict[str, Any]:
    """Bare spaCy (1 and 2 processes) and corpus runs with 2 and 1 processes, in that order."""
    import spacy

    from claimscope.nlp import load_model

    n = len(texts)
    bare = load_model()
    list(bare.pipe(texts[:10]))
    t_bare, _ = timed(lambda: list(bare.pipe(texts, batch_size=32)))
    log(f"bare spaCy: {t_bare:.1f} s ({n / t_bare:.1f} articles/s)")
    t_bare2, _ = timed(lambda: list(bare.pipe(texts, batch_size=32, n_process=2)))
    log(f"bare spaCy, 2 processes: {t_bare2:.1f} s ({n / t_bare2:.1f} articles/s)")
    model_name = f"{bare.meta.get('name')} {bare.meta.get('version')} (spaCy {spacy.__version__})"
    runs = []
    for workers in (2, 1):
        with ChildPeaks() as children:
            figures = corpus_run(path, work / f"run-{workers}.duckdb", workers, options)
        figures["time_ratio_to_bare"] = round(figures["seconds"] / t_bare, 3)
        if figures["steady_articles_per_s"]:
            figures["steady_ratio_to_bare"] = round(
                (n / t_bare) / figures["steady_articles_per_s"], 3
            )
        if workers > 1:
            figures["largest_worker_peak_rss_mib"] = max(children.peaks.values(), default=None)
        runs.append(figures)
        log(f"corpus run, {workers} process(es): {figures}")
    return {
        "bare_spacy": {"seconds": round(t_bare, 2), "articles_per_s": round(n / t_bare, 2)},
        "bare_spacy_2_processes": {
            "seconds": round(t_bare2, 2),
            "articles_per_s": round(n / t_bare2, 2),
        },
        "runs": runs,
        "spacy_model": model_name,
    }


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def versions(model: str) -> dict[str, Any]:
    packages = ("claimscope", "spacy", "duckdb", "psycopg", "faiss-cpu", "onnxruntime")
    return {p: version(p) for p in packages} | {"spacy_model": model}


def record(
    started: str,
    load_start: Any,
    input_name: str,
    texts: list[str],
    reference: dict[str, Any],
    **measured: Any,
) -> dict[str, Any]:
    """The results file: when and on what the run was made, and what it measured."""
    return {
        "date": started[:10],
        "started": started,
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "input": input_name,
        "articles": len(texts),
        "characters": sum(len(t) for t in texts),
        **reference,
        **measured,
        "peak_rss_mib": max_rss_mib(),
        "machine": machine(),
        "versions": versions(reference["spacy_model"]),
    }


def write_json(path: Path | None, figures: dict[str, Any]) -> None:
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--fakes", type=Path, default=DEFAULT_FAKES)
    ap.add_argument("--articles", type=int, help="only the first N rows of the CSV")
    ap.add_argument("--sizes", default="1000,5000,20000", help="store sizes (articles)")
    ap.add_argument("--postgres", help="also a PostgreSQL store: a URL of a database to use")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "bench-corpus")
    ap.add_argument("--keep", action="store_true", help="keep the stores (default: delete them)")
    ap.add_argument("--repeat", type=int, default=10, help="rounds of the search queries")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--svg", type=Path, help="write the growth curve here")
    ap.add_argument("--runs-only", action="store_true", help="only bare spaCy and the corpus runs")
    ap.add_argument("--cluster-child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cluster_child:
        cluster_child(args.cluster_child)
        return
    if not args.fakes.is_file():
        sys.exit(f"no FA-KES data: {args.fakes} is missing (pass --fakes CSV)")

    from claimscope import embeddings
    from claimscope.corpus.stories.clusters import usable_claims
    from claimscope.corpus.stories.stored import claim_records, claim_vectors

    started = dt.datetime.now().isoformat(timespec="seconds")
    load_start = os.getloadavg()
    args.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=args.workdir))
    options = ReadOptions(fields=FieldMap.parse(FIELDS))
    path = args.fakes
    if args.articles:
        path = subset_csv(args.fakes, args.articles, work / "fakes.csv")
    input_name = str(args.fakes) + (f" (first {args.articles} rows)" if args.articles else "")
    articles = distinct_articles(path, options)
    texts = [a.text for a in articles]
    n = len(articles)
    log(f"{n} distinct articles ({sum(len(t) for t in texts):,} characters); load {load_start}")

    # -- bare spaCy and the corpus runs
    reference = measure_runs(path, texts, options, work)
    if args.runs_only:
        shutil.rmtree(work, ignore_errors=True)
        figures = record(started, load_start, input_name, texts, reference)
        print_runs(figures)
        write_json(args.json, figures)
        return
    runs = reference["runs"]

    # -- embedding, once, and the analyses to replicate
    t_encoder, encoder = timed(embeddings.load)
    with open_corpus(work / "run-2.duckdb") as store:
        records = claim_records(store)
        usable = usable_claims(records)
        t_embed, _ = timed(lambda: claim_vectors(store, usable, encoder=encoder))
        keys = [str(k) for (k,) in store.db.fetchall("SELECT key FROM articles ORDER BY key")]
        originals = store.analyses(keys)
        vectors: dict[str, list[tuple[str, str, bytes]]] = {}
        for key, cid, model, vector in store.db.iterate(
            "SELECT key, id, model, vector FROM claim_vectors ORDER BY key, id"
        ):
            vectors.setdefault(str(key), []).append((str(cid), str(model), bytes(vector)))
    embed = {
        "claims": len(records),
        "usable_claims": len(usable),
        "encoder_load_s": round(t_encoder, 2),
        "seconds": round(t_embed, 1),
        "claims_per_s": round(len(usable) / t_embed, 1),
    }
    log(f"embed: {embed}")
    for figures in runs:
        (work / f"run-{figures['workers']}.duckdb").unlink()

    # -- growth: insert, clusters, search
    sizes = sorted({n, *(int(s) for s in args.sizes.split(",") if s)})
    stores: dict[str, CorpusStore] = {"duckdb": open_corpus(work / "growth.duckdb")}
    pg_admin = pg_url = None
    if args.postgres:
        schema = f"bench_corpus_{uuid.uuid4().hex[:8]}"
        pg_admin = args.postgres
        pg_execute(pg_admin, f"CREATE SCHEMA {schema}")
        pg_url = pg_schema_url(args.postgres, schema)
        stores["postgresql"] = open_corpus(pg_url)
    replicas = Replicas(originals, vectors)
    insert = dict.fromkeys(stores, 0.0)
    curve: dict[str, list[tuple[int, float]]] = {name: [] for name in stores}
    growth = []
    try:
        done = 0
        for size in sizes:
            before = dict(insert)
            claims, vector_s = fill(stores, replicas, size - done, insert, curve)
            point: dict[str, Any] = {"articles": size}
            point["insert"] = {
                name: {
                    "articles": size - done,
                    "claims": claims,
                    "seconds": round(insert[name] - before[name], 2),
                    "articles_per_s": round((size - done) / (insert[name] - before[name]), 1),
                }
                for name in stores
            }
            point["vector_copy_s"] = round(vector_s, 2)
            done = size
            stores["duckdb"].close()
            point["duckdb_mib"] = round((work / "growth.duckdb").stat().st_size / 2**20, 1)
            log(f"{size} articles: insert {point['insert']}; building clusters")
            point["clusters"] = build_in_subprocess(work / "growth.duckdb")
            log(f"clusters: {point['clusters']}")
            stores["duckdb"] = open_corpus(work / "growth.duckdb")
            point["search"] = {}
            for name, store in stores.items():
                if name == "postgresql":
                    store.db.execute("ANALYZE")
                    point["postgresql_mib"] = pg_size_mib(store)
                point["search"][name] = search_latency(store, args.repeat)
                s = point["search"][name]
                log(
                    f"search {name}: median {s['median_ms']} ms, p95 {s['p95_ms']} ms, "
                    f"max {s['max_ms']} ms (slowest: {s['slowest']})"
                )
            growth.append(point)
    finally:
        for store in stores.values():
            store.close()
        if pg_admin and pg_url and not args.keep:
            pg_execute(pg_admin, f"DROP SCHEMA {pg_url.rsplit('%3D', 1)[1]} CASCADE")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    figures = record(
        started,
        load_start,
        input_name,
        texts,
        reference,
        embed=embed,
        replica_shift_days=SHIFT_DAYS,
        growth=growth,
        insert_curve=curve,
    )
    print_tables(figures)
    write_json(args.json, figures)
    if args.svg:
        args.svg.parent.mkdir(parents=True, exist_ok=True)
        args.svg.write_text(growth_svg([p["clusters"] for p in growth], figures["date"]))


def print_tables(f: dict[str, Any]) -> None:
    print_runs(f)
    e = f["embed"]
    print(f"\nembed: {e['usable_claims']} claims in {e['seconds']} s ({e['claims_per_s']}/s)")
    print(
        "\n| articles | usable claims | clusters | index | build s | read | index | k-NN | join "
        "| save | peak RSS MiB | insert art/s (DuckDB, PG) | search p95 / max ms (DuckDB, PG) |"
    )
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for p in f["growth"]:
        c = p["clusters"]
        ins = ", ".join(str(v["articles_per_s"]) for v in p["insert"].values())
        srch = ", ".join(f"{v['p95_ms']} / {v['max_ms']}" for v in p["search"].values())
        print(
            f"| {p['articles']} | {c['usable_claims']} | {c['clusters']} | {c['index']} | "
            f"{c['build_s']} | {c['read_s']} | {c['index_s']} | {c['knn_s']} | {c['join_s']} | "
            f"{c['save_s']} | {c['peak_rss_mib']} | {ins} | {srch} |"
        )


def print_runs(f: dict[str, Any]) -> None:
    n = f["articles"]
    print(f"\n{n} articles; load average at start {f['load_average_start'][0]}")
    print("\n| what | seconds | articles/s | time / bare spaCy time |")
    print("|---|---:|---:|---:|")
    print(
        f"| bare spaCy, 1 process | {f['bare_spacy']['seconds']} | "
        f"{f['bare_spacy']['articles_per_s']} | 1 |"
    )
    b2 = f["bare_spacy_2_processes"]
    print(
        f"| bare spaCy, 2 processes | {b2['seconds']} | {b2['articles_per_s']} | "
        f"{b2['seconds'] / f['bare_spacy']['seconds']:.3f} |"
    )
    for r in f["runs"]:
        print(
            f"| corpus run, {r['workers']} process(es) | {r['seconds']} | {r['articles_per_s']} "
            f"(steady {r['steady_articles_per_s']}) | {r['time_ratio_to_bare']} |"
        )


if __name__ == "__main__":
    main()
