"""Ingestion + analysis throughput on FA-KES, next to bare spaCy parsing of the same texts.

    python benchmarks/bench_ingest.py [--csv PATH] [--limit N] [--repeat R]

Three timings in one run, on the same machine state:
- ``ingest``: reading the FA-KES CSV into Articles (decoding, structure, normalisation, language);
- ``bare``: ``nlp.pipe`` of the bare English model over the articles' texts (the reference);
- ``claimscope``: ingest + ``analyze_many`` (the model plus claimscope's components + assembly);
- ``no claims/framing``: the same with the claims, framing and sourcing components disabled, so
  that what they add can be stated as a share of bare parsing time (issue 4's budget: at most 30%);
- ``no attribution``: also without the attribution component (issue 3's budget: at most 30%);
- ``no places/time``: also without the places, time and timeline components (issue 5's budget:
  at most 20%).
The ratios to bare spaCy are what docs/benchmarks.md tracks; absolute numbers vary by machine.
Runs alternate (bare, claimscope, bare, claimscope, ...) and the best of ``--repeat`` is kept, so
a noisy moment hits both sides alike.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time
from pathlib import Path

import spacy

from claimscope.ingest.jsonl_csv import FieldMap, read_csv
from claimscope.model import Analysis, Article
from claimscope.nlp import load, load_model
from claimscope.pipeline import analyze_many

DEFAULT_CSV = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "fa-kes" / "FA-KES-Dataset.csv"
)
FAKES_FIELDS = FieldMap(
    id="unit_id", title="article_title", text="article_content", outlet="source", published="date"
)


def ingest(path: Path, limit: int) -> list[Article]:
    out = []
    for item in read_csv(path, FAKES_FIELDS):
        if isinstance(item, Article):
            out.append(item)
            if len(out) == limit:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--limit", type=int, default=804)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    bare_nlp = load_model()
    full_nlp = load()
    articles = ingest(args.csv, args.limit)
    texts = [a.text for a in articles]
    chars = sum(len(t) for t in texts)
    # warm up both pipelines (first-call allocations, lazy language-id model)
    list(bare_nlp.pipe(texts[:10]))
    list(analyze_many(articles[:10], nlp=full_nlp))

    best = {
        "ingest": float("inf"),
        "bare": float("inf"),
        "claimscope": float("inf"),
        "no_attr": float("inf"),
        "no_cf": float("inf"),
        "no_pt": float("inf"),
    }
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        list(bare_nlp.pipe(texts, batch_size=32))
        best["bare"] = min(best["bare"], time.perf_counter() - t0)

        t0 = time.perf_counter()
        fresh = ingest(args.csv, args.limit)
        t1 = time.perf_counter()
        results = list(analyze_many(fresh, nlp=full_nlp, batch_size=32))
        t2 = time.perf_counter()
        best["ingest"] = min(best["ingest"], t1 - t0)
        best["claimscope"] = min(best["claimscope"], t2 - t0)
        assert sum(isinstance(r, Analysis) for r in results) == len(fresh)

        claims_framing = ["claimscope_claims", "claimscope_framing", "claimscope_sourcing"]
        t0 = time.perf_counter()
        with full_nlp.select_pipes(disable=claims_framing):
            list(analyze_many(ingest(args.csv, args.limit), nlp=full_nlp, batch_size=32))
        best["no_cf"] = min(best["no_cf"], time.perf_counter() - t0)

        t0 = time.perf_counter()
        with full_nlp.select_pipes(disable=["claimscope_attribution", *claims_framing]):
            list(analyze_many(ingest(args.csv, args.limit), nlp=full_nlp, batch_size=32))
        best["no_attr"] = min(best["no_attr"], time.perf_counter() - t0)

        places_time = ["claimscope_places", "claimscope_times", "claimscope_timeline"]
        t0 = time.perf_counter()
        with full_nlp.select_pipes(
            disable=[*places_time, "claimscope_attribution", *claims_framing]
        ):
            list(analyze_many(ingest(args.csv, args.limit), nlp=full_nlp, batch_size=32))
        best["no_pt"] = min(best["no_pt"], time.perf_counter() - t0)

    n = len(articles)
    figures = {
        "articles": n,
        "characters": chars,
        "ingest_articles_per_s": round(n / best["ingest"], 1),
        "bare_spacy_articles_per_s": round(n / best["bare"], 1),
        "claimscope_articles_per_s": round(n / best["claimscope"], 1),
        "ratio_claimscope_to_bare_time": round(best["claimscope"] / best["bare"], 3),
        "ingest_share_of_claimscope_time": round(best["ingest"] / best["claimscope"], 3),
        "attribution_added_share_of_bare": round(
            (best["no_cf"] - best["no_attr"]) / best["bare"], 3
        ),
        "claims_framing_added_share_of_bare": round(
            (best["claimscope"] - best["no_cf"]) / best["bare"], 3
        ),
        "places_time_added_share_of_bare": round(
            (best["no_attr"] - best["no_pt"]) / best["bare"], 3
        ),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "model": bare_nlp.meta.get("name"),
        "repeat": args.repeat,
    }
    print(json.dumps(figures, indent=2))
    print()
    print(
        "| articles | ingest art/s | bare spaCy art/s | claimscope art/s | time ratio vs bare "
        "| attribution adds (share of bare) | claims + framing add (share of bare) "
        "| places + time add (share of bare) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {n} | {figures['ingest_articles_per_s']} | {figures['bare_spacy_articles_per_s']} | "
        f"{figures['claimscope_articles_per_s']} | {figures['ratio_claimscope_to_bare_time']} | "
        f"{figures['attribution_added_share_of_bare']:.1%} | "
        f"{figures['claims_framing_added_share_of_bare']:.1%} | "
        f"{figures['places_time_added_share_of_bare']:.1%} |"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
