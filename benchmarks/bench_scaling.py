"""Analysis time as an article grows: the same prose repeated to 1k, 4k and 16k sentences.

    python benchmarks/bench_scaling.py [--sizes 1000 4000 16000] [--text PATH] [--json PATH]

Each size is one Doc run through the full pipeline component by component, timing each: spaCy's own
components (tok2vec, tagger, parser, attribute ruler, lemmatizer, NER) are the reference, bare
parsing of the same text in the same pass. What claimscope adds is reported per component as a
share of that reference and per 1,000 sentences; a component linear in the text keeps the same
share at every size (issue 17: attribution at 16k sentences may cost at most 1.5 times its share
at 1k). Also timed: ``analyze`` on 20,000 quotation marks, which took 31 s before issue 17.

The text is the bundled example article (13 sentences) repeated, paragraphs kept, so sentence
length and the density of quotations and cues stay those of real news. Sizes above the article
length limit (1,000,000 characters) raise the limit for this run only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from common import version

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "presstv-2018-idlib.txt"
SPACY = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")


def repeated(text: str, sentences: int, per_copy: int) -> str:
    return "\n\n".join([text] * -(-sentences // per_copy))


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    ap.add_argument("--text", type=Path, default=EXAMPLE)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if not args.text.exists():
        sys.exit(f"{args.text} is not present (the shared data folder sits beside the repository)")

    from claimscope import nlp as nlp_module
    from claimscope.model import Article
    from claimscope.pipeline import analysis_from_doc, analyze, make_doc

    base = args.text.read_text(encoding="utf-8")
    nlp = nlp_module.load()
    per_copy = sum(1 for _ in nlp_module.load_model()(base).sents)
    longest = len(repeated(base, max(args.sizes), per_copy))
    os.environ["CLAIMSCOPE_MAX_CHARS"] = str(max(longest, 1_000_000))  # this run only
    analyze("Warm up. The minister said so.", nlp=nlp)

    rows: list[dict[str, Any]] = []
    for size in args.sizes:
        text = repeated(base, size, per_copy)
        doc = make_doc(nlp, text)
        doc._.article = Article(id=f"scale-{size}", text=text)
        times: dict[str, float] = {}
        for name, proc in nlp.pipeline:
            t0 = time.perf_counter()
            doc = proc(doc)
            times[name] = time.perf_counter() - t0
        t0 = time.perf_counter()
        analysis_from_doc(doc)
        times["assemble"] = time.perf_counter() - t0
        sentences = sum(1 for _ in doc.sents)
        bare = sum(v for k, v in times.items() if k in SPACY)
        ours = {k: v for k, v in times.items() if k not in SPACY}
        rows.append(
            {
                "sentences": sentences,
                "characters": len(text),
                "bare_spacy_s": round(bare, 2),
                "claimscope_added_s": round(sum(ours.values()), 2),
                "attribution_s": round(times["claimscope_attribution"], 2),
                "attribution_share_of_bare": round(times["claimscope_attribution"] / bare, 4),
                "added_share_of_bare": round(sum(ours.values()) / bare, 4),
                "components_s": {k: round(v, 3) for k, v in ours.items()},
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    analyze('"' * 20000, nlp=nlp)
    quotes = time.perf_counter() - t0

    first = rows[0]["attribution_share_of_bare"]
    print(
        "| sentences | characters | bare spaCy s | attribution s | attribution / bare | "
        "all claimscope components / bare | attribution share vs the smallest |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['sentences']:,} | {r['characters']:,} | {r['bare_spacy_s']} | "
            f"{r['attribution_s']} | {r['attribution_share_of_bare']:.1%} | "
            f"{r['added_share_of_bare']:.1%} | {r['attribution_share_of_bare'] / first:.2f}x |"
        )
    print(f"\nanalyze('\"' * 20000): {quotes:.2f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {
            "rows": rows,
            "quotes_20000_s": round(quotes, 2),
            "spacy": version("spacy"),
            "python": sys.version.split()[0],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
