"""What claims and check-worthiness cost, next to bare spaCy parsing of the same articles.

    python benchmarks/bench_claims.py [--csv PATH] [--limit N] [--repeat R] [--json PATH]

Each FA-KES article is run through claimscope's pipeline one component at a time, each timed on
its own (the best of ``--repeat`` runs per component and article set), so that the claims
component's time (claim units, the ranking reasons and the check-worthiness score) is measured
apart from the rest. Three figures, as shares of the spaCy model's own components' time (tagger,
parser, NER ...: bare parsing, the reference):

- ``claims (encoder model)``: what ``analyze`` runs by default: one MiniLM pass over the claims
  (shared with fact-check matching when a fact-check store is configured) and the head;
- ``claims (word model)``: the same with ``CLAIMSCOPE_CHECKWORTHINESS=words`` (no encoder pass);
- ``encoder pass alone``: the MiniLM pass over the claims' texts, from the first run.

Issue 20's budget: claims + check-worthiness add at most 50% of bare parse time.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import spacy

from claimscope.analyzers import checkworthiness as cw
from claimscope.model import Article
from claimscope.nlp import load, load_model
from claimscope.pipeline import analyze, make_doc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import DEFAULT_CSV, ingest
from common import emit, environment, fakes_parser

SPACY_PIPES = frozenset(load_model().pipe_names)


def run(nlp: spacy.language.Language, articles: list[Article], words: bool) -> dict[str, float]:
    """Seconds per component over the articles (one pass)."""
    if words:
        os.environ[cw.MODE_ENV] = "words"
    else:
        os.environ.pop(cw.MODE_ENV, None)
    times: dict[str, float] = {}
    for article in articles:
        doc = make_doc(nlp, article.text)
        doc._.article = article
        for name, proc in nlp.pipeline:
            t0 = time.perf_counter()
            doc = proc(doc)
            times[name] = times.get(name, 0.0) + time.perf_counter() - t0
    return times


def main() -> None:
    args = fakes_parser(__doc__, DEFAULT_CSV, 200).parse_args()

    nlp = load()
    articles = ingest(args.csv, args.limit)
    run(nlp, articles[:10], words=False)  # warm up: model loads, first-call allocations
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):
        for mode in ("encoder", "words"):
            got = run(nlp, articles, words=mode == "words")
            mine = best.setdefault(mode, got)
            for name, seconds in got.items():
                mine[name] = min(mine[name], seconds)
    os.environ.pop(cw.MODE_ENV, None)
    bare = sum(s for name, s in best["encoder"].items() if name in SPACY_PIPES)
    claims_texts = [c.text for a in articles for c in analyze(a, nlp=nlp).claims]
    t0 = time.perf_counter()
    cw.encoder_vectors(claims_texts)
    encode = time.perf_counter() - t0
    figures = {
        "articles": len(articles),
        "claims": len(claims_texts),
        "bare_spacy_seconds": round(bare, 3),
        "claims_encoder_seconds": round(best["encoder"]["claimscope_claims"], 3),
        "claims_words_seconds": round(best["words"]["claimscope_claims"], 3),
        "encoder_pass_seconds": round(encode, 3),
        "claims_encoder_share_of_bare": round(best["encoder"]["claimscope_claims"] / bare, 3),
        "claims_words_share_of_bare": round(best["words"]["claimscope_claims"] / bare, 3),
        "encoder_pass_share_of_bare": round(encode / bare, 3),
        **environment(args.repeat),
    }
    emit(figures, args.json)


if __name__ == "__main__":
    main()
