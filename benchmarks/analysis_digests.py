"""Digests of the analysis JSON of the bundled example and of FA-KES articles: a refactor that
should change nothing shows it changed nothing.

    python benchmarks/analysis_digests.py --write benchmarks/results/digests.json   # before
    python benchmarks/analysis_digests.py --check benchmarks/results/digests.json   # after

Each analysis is serialised as ``claimscope analyze --format json`` writes it and hashed
(SHA-256); ``--check`` lists every article whose document differs and exits 1 when one does.
The same models must be installed on both sides (a retrained model changes scores, rightly).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import DEFAULT_CSV, ingest
from claimscope.ingest.text import read_text
from claimscope.pipeline import analyze_many

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "presstv-2018-idlib.txt"


def digests(csv: Path, limit: int) -> dict[str, str]:
    articles = [read_text(EXAMPLE.read_text(encoding="utf-8"), source=EXAMPLE.name)]
    articles += ingest(csv, limit)
    out = {}
    for article, analysis in zip(articles, analyze_many(articles), strict=True):
        document = analysis.to_json()
        out[article.source] = hashlib.sha256(document.encode("utf-8")).hexdigest()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--limit", type=int, default=50)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path)
    mode.add_argument("--check", type=Path)
    args = parser.parse_args()
    found = digests(args.csv, args.limit)
    if args.write:
        args.write.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(found)} digests written to {args.write}")
        return
    saved = json.loads(args.check.read_text(encoding="utf-8"))
    differ = sorted(k for k in saved.keys() | found.keys() if saved.get(k) != found.get(k))
    print(f"{len(found)} analyses, {len(found) - len(differ)} identical, {len(differ)} differ")
    for key in differ:
        print(f"  differs: {key}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
