"""The learned technique tagger's cost (issue 19): a full analysis with the tagger against bare
spaCy parsing of the same articles, at one process, and the slowest single article.

Runs, best of ``--repeat`` alternating passes over the first ``--limit`` FA-KES articles:

- ``bare spaCy``: ``nlp.pipe`` of the bare English model (the reference);
- ``rules``: claimscope's whole analysis with the framing rules alone;
- ``rules + tagger``: the same with the tagger (``--model``, else the installed one);

then each article alone through the tagger pipeline, for the slowest one-article time. Needs a
trained tagger (``claimscope train techniques --ptc DIR``); without one it says so and stops.

    python benchmarks/bench_tagger.py --json benchmarks/results/tagger.json
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from claimscope.analyzers.framing import tagger
from claimscope.model import Analysis
from claimscope.nlp import load, load_model
from claimscope.pipeline import analyze, analyze_many

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import DEFAULT_CSV, ingest
from common import emit, environment, fakes_parser


def main() -> None:
    ap = fakes_parser(__doc__, DEFAULT_CSV, 200)
    ap.add_argument("--model", type=Path, help="a tagger file (default: the installed one)")
    args = ap.parse_args()

    model = tagger.TechniqueModel(args.model) if args.model else tagger.active()
    if not isinstance(model, tagger.TechniqueModel):
        sys.exit(f"no usable technique tagger ({model or tagger.default_path()}); train one first")
    bare_nlp = load_model()
    full_nlp = load()
    articles = ingest(args.csv, args.limit)
    texts = [a.text for a in articles]
    list(bare_nlp.pipe(texts[:10]))
    with tagger.using(model):
        list(analyze_many(articles[:10], nlp=full_nlp))

    best = {"bare": float("inf"), "rules": float("inf"), "tagger": float("inf")}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        list(bare_nlp.pipe(texts, batch_size=32))
        best["bare"] = min(best["bare"], time.perf_counter() - t0)
        for name, used in (("rules", None), ("tagger", model)):
            t0 = time.perf_counter()
            with tagger.using(used):
                results = list(analyze_many(articles, nlp=full_nlp, batch_size=32))
            best[name] = min(best[name], time.perf_counter() - t0)
            assert all(isinstance(r, Analysis) for r in results)
    slowest = (0.0, "")
    with tagger.using(model):
        for a in articles:
            t0 = time.perf_counter()
            analyze(a, nlp=full_nlp)
            took = time.perf_counter() - t0
            slowest = max(slowest, (took, f"{a.id} ({len(a.text)} characters)"))

    n = len(articles)
    figures = {
        "articles": n,
        "characters": sum(len(t) for t in texts),
        "bare_spacy_s": round(best["bare"], 2),
        "rules_s": round(best["rules"], 2),
        "rules_and_tagger_s": round(best["tagger"], 2),
        "rules_to_bare": round(best["rules"] / best["bare"], 3),
        "rules_and_tagger_to_bare": round(best["tagger"] / best["bare"], 3),
        "slowest_article_s": round(slowest[0], 3),
        "slowest_article": slowest[1],
        "tagger": model.label,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **environment(args.repeat),
    }
    emit(figures, args.json)


if __name__ == "__main__":
    main()
