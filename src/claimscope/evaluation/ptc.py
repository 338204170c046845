"""Framing techniques on the Propaganda Techniques Corpus: claimscope's findings against the
annotators' spans, next to a naive lexicon baseline run in the same command.

Data
----
PTC 2019 (Da San Martino et al., EMNLP 2019; the corpus of SemEval-2020 Task 11) is one folder per
split holding ``articleNNN.txt`` and ``articleNNN.labels.tsv``, whose lines are
``NNN<TAB>Technique<TAB>start<TAB>end``; ``techniques.txt`` beside the split folders lists the 18
technique names. ``--ptc`` takes a split folder, or the corpus folder (then ``split`` picks
``dev`` or ``train``). Licence: research use only; nothing from it is copied into this repository
and no weights trained on it are shipped.

Quirks measured on train + dev, and how the loader meets them:

- The offsets count **UTF-16 code units**, not code points: in the six train articles holding
  emoji outside the Basic Multilingual Plane (flags), every label after the emoji reads as
  sensible text only when each such character counts twice (23 of 23 labels; 3 of 23 start on a
  word boundary when read as ``str`` indices). The loader converts to ``str`` indices, so that a
  span is ``text[start:end]``. Dev has no such characters.
- The ``.txt`` files are read as bytes and decoded as UTF-8, keeping everything: there is no CR
  in the corpus, and the two train files that start with a byte-order mark count it in their
  offsets ("a devastating letter" starts at 138 only with the mark kept), so the mark stays in the
  text given to claimscope.
- ``article776368676`` (train) has a label past the end of its text, and its other label after
  an embedded tweet is misplaced (the text seems to have lost characters there). Labels outside
  the text are left out and reported; a misplaced label inside the text cannot be told apart from
  a correct one and is kept.
- 12 train articles have an empty labels file (no propaganda found): they are kept, since
  predictions on them count against precision.
- About a quarter of the spans start or end with white space, and 7% cross a newline; they are
  scored as given, as the official scorer does.

Mapping
-------
Each PTC label gets claimscope's snake_case technique name (:data:`PTC_TO_CLAIMSCOPE`), so gold
and predictions meet in one vocabulary. All 18 labels count as gold, whether or not claimscope
produces the technique: a label claimscope never predicts still counts in the overall recall. A
finding whose technique has no PTC counterpart (``scare_quotes``, or any name outside the
mapping) is **not scored**: it is left out of every figure below, including span identification,
and its count is reported.

Scoring
-------
Partial-overlap precision and recall as in the PTC paper and SemEval-2020 Task 11 (Da San Martino
et al., "SemEval-2020 Task 11: Detection of Propaganda Techniques in News Articles", SemEval
2020), where a span that overlaps the right gold span gets credit for the share it covers. With
``S`` the predicted spans and ``T`` the gold spans (character offsets, end exclusive), ``l(x)``
a span's technique and ``|x|`` its length, over all articles of the split (micro):

    P = (1/|S|) · Σ_{s∈S} max_{t∈T, l(t)=l(s)} |s∩t| / |s|
    R = (1/|T|) · Σ_{t∈T} max_{s∈S, l(s)=l(t)} |s∩t| / |t|
    F1 = 2·P·R / (P + R)

(the max over an empty set is 0; spans of different articles never overlap). **Technique
classification** (the overall TC figure) is this with techniques required to match; the figure per
technique restricts ``S`` and ``T`` to that technique. **Span identification** (SI) ignores
techniques, and, as the SemEval-2020 SI scorer does, first merges overlapping spans into one (on
both sides here, since claimscope may report two techniques on overlapping words).

One difference from the official scorer: it sums ``|s∩t|`` over every overlapping pair instead of
taking the best one, so a predicted span that bridges two gold spans is credited for both. Taking
the maximum credits a span for one gold span only, which can only lower the figures; the two agree
whenever every span overlaps at most one span of its technique on the other side (on dev, the
baseline's TC F1 is 3.14% with the maximum and 3.17% with the sum).

Without predictions, precision is undefined (shown as "–") and F1 is 0 when there is gold.

Baseline
--------
:func:`lexicon_baseline`: every occurrence (whole word, any case) of a short list of generic
emotive words, written for this module from the general idea of high-intensity sentiment words
and not tuned on the corpus, is labelled ``loaded_language``; every sentence ending in "!" is
labelled ``exaggeration`` (the span from the sentence's first non-space character to the last
"!"). It needs no parse and no training data: it shows what word spotting alone reaches.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.datasets.ptc import (  # noqa: F401  (the reader and the credit, re-exported)
    CLAIMSCOPE_TO_PTC,
    PTC_TO_CLAIMSCOPE,
    Labelled,
    PtcArticle,
    PtcSplit,
    Tally,
    credit,
    load_ptc,
    merge_overlapping,
    split_folder,
    technique_name,
    utf16_to_index,
)

if TYPE_CHECKING:
    from spacy.language import Language

# The baseline's words: generic high-intensity emotive words of everyday English, positive and
# negative, chosen without looking at the corpus (see the module docstring).
EMOTIVE_WORDS = (
    "terrible",
    "horrible",
    "horrific",
    "awful",
    "appalling",
    "atrocious",
    "disaster",
    "disastrous",
    "catastrophe",
    "catastrophic",
    "devastating",
    "evil",
    "wicked",
    "vicious",
    "brutal",
    "barbaric",
    "monstrous",
    "sinister",
    "shameful",
    "disgrace",
    "disgraceful",
    "disgusting",
    "outrageous",
    "shocking",
    "absurd",
    "ridiculous",
    "insane",
    "crazy",
    "corrupt",
    "hate",
    "hatred",
    "nightmare",
    "slaughter",
    "massacre",
    "destroy",
    "destroyed",
    "hero",
    "heroes",
    "heroic",
    "incredible",
    "tremendous",
    "amazing",
    "fantastic",
    "glorious",
)
_EMOTIVE = re.compile(r"\b(?:" + "|".join(EMOTIVE_WORDS) + r")\b", re.IGNORECASE)
_EXCLAIMED = re.compile(r"[^.!?\n]*!+")

BASELINE_NAME = "lexicon baseline"


@dataclass
class Scores:
    """One system's tallies: per technique (classification), span identification, not scored."""

    by_technique: dict[str, Tally] = field(default_factory=dict)
    identification: Tally = field(default_factory=Tally)
    not_scored: Counter[str] = field(default_factory=Counter)

    @property
    def classification(self) -> Tally:
        """The overall technique-classification tally: every technique together (micro)."""
        total = Tally()
        for t in self.by_technique.values():
            total.add(t)
        return total

    def add(
        self,
        gold: Sequence[Labelled],
        predicted: Sequence[Labelled],
        scored: Collection[str] = frozenset(PTC_TO_CLAIMSCOPE.values()),
    ) -> None:
        """Score one article's predictions; those whose technique is not in ``scored`` are only
        counted (they have no PTC counterpart)."""
        kept = []
        for p in predicted:
            if p.technique in scored:
                kept.append(p)
            else:
                self.not_scored[p.technique] += 1
        for technique in {g.technique for g in gold} | {p.technique for p in kept}:
            tally = credit(
                [g for g in gold if g.technique == technique],
                [p for p in kept if p.technique == technique],
            )
            self.by_technique.setdefault(technique, Tally()).add(tally)
        self.identification.add(credit(merge_overlapping(gold), merge_overlapping(kept)))


# --- the systems -------------------------------------------------------------------------------


def lexicon_baseline(text: str) -> list[Labelled]:
    """The naive baseline's spans in ``text`` (see the module docstring)."""
    out = [Labelled("loaded_language", m.start(), m.end()) for m in _EMOTIVE.finditer(text)]
    for m in _EXCLAIMED.finditer(text):
        start = m.start()
        while start < m.end() and text[start].isspace():
            start += 1
        if m.end() - start > 1:  # more than a lone "!"
            out.append(Labelled("exaggeration", start, m.end()))
    return sorted(out, key=lambda s: (s.start, s.end, s.technique))


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Result:
    folder: str
    articles: int = 0
    left_out: list[str] = field(default_factory=list)  # gold labels outside their text
    without_labels: int = 0
    claimscope: Scores = field(default_factory=Scores)  # the rules
    baseline: Scores = field(default_factory=Scores)
    failures: list[str] = field(default_factory=list)  # articles claimscope failed on
    model_name: str | None = None  # the learned tagger, when one was given or installed
    model: Scores | None = None  # the tagger alone
    combined: Scores | None = None  # rules and tagger merged, as analyze reports them
    model_seconds: float = 0.0  # the tagger's time over the split


def evaluate(
    root: Path,
    limit: int | None = None,
    *,
    split: str = "dev",
    nlp: Language | None = None,
    model: Path | None = None,
) -> Result:
    """Run claimscope's rules, its learned tagger (``model``, else the user's installed one, if
    any), the two merged, and the baseline over a PTC split; score each against its labels."""
    import time

    from claimscope import nlp as nlp_module
    from claimscope.analyzers.framing import model_spans, not_ruled, tagger
    from claimscope.errors import ClaimscopeError
    from claimscope.model import Analysis, Article
    from claimscope.pipeline import analyze_many

    trained = tagger.TechniqueModel(model) if model is not None else tagger.active()
    if isinstance(trained, ClaimscopeError):
        raise trained
    data = load_ptc(root, limit, split)
    pipeline = nlp if nlp is not None else nlp_module.load()
    scored = frozenset(PTC_TO_CLAIMSCOPE.values()) | {
        g.technique for a in data.articles for g in a.labels
    }
    result = Result(
        folder=str(data.folder), articles=len(data.articles), without_labels=data.without_labels
    )
    # The raw text as it is, no ingestion: the findings' offsets must be the labels' offsets.
    articles = (
        Article(id=a.id, text=a.text, sections=[], reader="ptc", language="en")
        for a in data.articles
    )
    if trained is not None:
        result.model_name, result.model, result.combined = trained.label, Scores(), Scores()
    with tagger.using(None):  # the rules alone; the tagger is run apart below
        analyses = list(analyze_many(articles, nlp=pipeline))
    for a, analysis in zip(data.articles, analyses, strict=True):
        result.left_out += a.left_out
        predicted: list[Labelled] = []
        if isinstance(analysis, Analysis):
            if analysis.article.text != a.text:  # the scores would be meaningless
                raise RuntimeError(f"{a.id}: the pipeline changed the article text")
            predicted = [Labelled(f.technique, f.start, f.end) for f in analysis.findings]
        else:
            result.failures.append(f"{a.id}: {analysis.reason}")
        result.claimscope.add(a.labels, predicted, scored)
        result.baseline.add(a.labels, lexicon_baseline(a.text), scored)
        if trained is not None and result.model is not None and result.combined is not None:
            started = time.perf_counter()
            spans = [Labelled(s.technique, s.start, s.end) for s in model_spans(a.text, trained)]
            result.model_seconds += time.perf_counter() - started
            result.model.add(a.labels, spans, scored)
            result.combined.add(a.labels, predicted + not_ruled(spans, predicted), scored)
    return result


# --- reporting ---------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def format_report(result: Result) -> str:
    """The figures as Markdown: both systems overall, then per technique."""
    systems = [("claimscope rules", result.claimscope)]
    if result.model is not None and result.combined is not None:
        systems += [("tagger", result.model), ("rules + tagger", result.combined)]
    systems.append((BASELINE_NAME, result.baseline))
    gold = result.claimscope.classification.gold
    lines = [
        f"PTC framing techniques ({result.folder}): {result.articles} articles, {gold} gold spans "
        f"({len(result.left_out)} outside their text left out); partial-overlap scoring "
        "(SemEval-2020 Task 11): TC = technique must match, SI = any technique, overlapping "
        "spans merged",
        "",
        "| system | predicted | TC P | TC R | **TC F1** | SI P | SI R | SI F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in systems:
        tc, si = s.classification, s.identification
        lines.append(
            f"| {name} | {tc.predicted} | {_pct(tc.precision())} | {_pct(tc.recall())} "
            f"| **{_pct(tc.f1())}** | {_pct(si.precision())} | {_pct(si.recall())} "
            f"| {_pct(si.f1())} |"
        )
    lines.append("")
    if result.model_name:
        lines.append(
            f"tagger: {result.model_name}, {result.model_seconds:.1f} s over the split "
            "(tokenising and the model; the rules' time is the analysis's)"
        )
    else:
        lines.append(
            "tagger: none installed (claimscope train techniques --ptc DIR builds one; "
            "--model PATH scores another file)"
        )
    lines.append("")
    for name, s in systems:
        if s.not_scored:
            counts = ", ".join(f"{k} {n}" for k, n in sorted(s.not_scored.items()))
            lines.append(f"{name} findings not scored (no PTC counterpart): {counts}")
        else:
            lines.append(f"{name} findings not scored (no PTC counterpart): none")
    if result.failures:
        lines.append(f"claimscope failed on {len(result.failures)} articles:")
        lines += [f"- {f}" for f in result.failures]
    if result.left_out:
        lines.append("Gold labels outside their article's text, left out:")
        lines += [f"- {x}" for x in result.left_out]
    if result.without_labels:
        lines.append(f"{result.without_labels} articles without a labels file left out.")

    lines += ["", "Per technique (technique must match)", ""]
    header = "| technique | PTC label | gold |"
    rule = "|---|---|---:|"
    for name, _ in systems:
        header += f" {name} predicted | P | R | F1 |"
        rule += "---:|---:|---:|---:|"
    lines += [header, rule]
    techniques: set[str] = set()
    for _, s in systems:
        techniques |= set(s.by_technique)
    order = list(PTC_TO_CLAIMSCOPE.values())

    def gold_of(technique: str) -> int:
        return result.claimscope.by_technique.get(technique, Tally()).gold

    def rank(technique: str) -> tuple[int, int, str]:
        known = order.index(technique) if technique in order else len(order)
        return (-gold_of(technique), known, technique)

    for technique in sorted(techniques, key=rank):
        g = gold_of(technique)
        row = f"| {technique} | {CLAIMSCOPE_TO_PTC.get(technique, '–')} | {g} |"
        for _, s in systems:
            t = s.by_technique.get(technique, Tally())
            row += f" {t.predicted} | {_pct(t.precision())} | {_pct(t.recall())} | {_pct(t.f1())} |"
        lines.append(row)
    return "\n".join(lines)
