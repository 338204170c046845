"""Attribution on PolNeAR: claimscope's attributions against the annotators', next to textacy.

Data
----
PolNeAR (2016 US political news) is brat standoff: ``text/NAME.txt`` and one or more
``attributions/NAME_ANNOTATOR.ann``. ``T`` lines are spans (``Type START END[;START END...]``, the
offsets ``str`` indices into the ``.txt``, which has no BOM and no CR); ``E`` lines tie a trigger
(``Attribution`` or ``Attribution-no-source``) to its ``Cue``, ``Source`` (absent when agentless) and
``Content`` (a second ``Content2`` occurs a few dozen times; both are kept). An ``E`` line may come
before the ``T`` lines it names, and a span whose text holds a newline continues its ``T`` line on
the next line of the file, so the loader reads all ``T`` lines first and skips continuation lines.
Where an article has several annotator files, the first in sorted order is used, so every article
counts once. Gold relations without a content span (a few dozen in the corpus) cannot be matched on
content and are left out of the scores (their number is reported).

Gold conventions (measured on train + dev): content includes a leading complementiser "that"
(2,677 contents start with it, 32 leave it outside), includes quotation marks (3,573 start with one,
20 leave it outside), and leaves out the sentence's final period unless it sits inside the quote
(only 110 contents end with a bare period; 4,385 end with punctuation then a closing quote).

Scoring
-------
Content is what a reader cares about ("who said *what*"), so relations are matched on content.
Each relation's content is reduced to a set of character positions: every content span with
surrounding white space and trailing ``.,;:`` stripped (quotation marks kept), and white space
inside dropped, so that a content split around "he said" by the annotator and kept whole by a
system differ only by the words in between.

Per article, predicted and gold relations are matched one to one, greedily, best first: all pairs
are ranked by the Jaccard overlap of their content sets (then by overlap over the shorter set), and
a pair is taken when neither side is taken yet and the overlap covers at least 50% of the shorter
content (**lenient** match). A matched pair whose sets are equal is an **exact** match: equal sets
have Jaccard 1 and are taken first, so the exact count is the best one-to-one count too.
Precision = matched / predicted, recall = matched / gold, F1 their harmonic mean, at both levels.

Among lenient matches, *cue exact* is the rate at which the cue sets are equal, *source overlap*
the rate (over pairs whose gold has a source) at which the predicted source shares a character
with the gold source, and *source head* the rate at which both sources have the same syntactic
head token in the bare spaCy model's parse.

Gold relations carry no kind, so one is derived from the text, in this order: content that opens
and closes with a quotation mark is ``direct``; a cue starting with "according" is
``according_to``; no source is ``agentless``; a double quotation mark inside the content is
``mixed``; anything else is ``indirect``. Recall is reported per gold kind, precision per
predicted kind.

Baseline
--------
textacy's ``direct_quotations`` on the bare English model's parse of the same text: a rule-based
extractor of quoted speech with a speaker. It refuses a text with an odd number of quotation mark
tokens; such articles count as no predictions (so their gold relations are all missed) and their
number is reported.

Per-rule precision (``--rules-out``) groups claimscope's predictions by the ``rule`` field the
attribution analyzer adds to each attribution ("unknown" when absent), with lenient and exact
matched counts, to calibrate confidence on the train split.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimscope.errors import InputError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from claimscope.model import Attribution

Offsets = tuple[int, int]
Spans = tuple[Offsets, ...]

LENIENT_MIN = 0.5  # share of the shorter content the overlap must cover
KINDS = ("direct", "indirect", "mixed", "according_to", "agentless")
_OPEN_QUOTES = "\"“‘'"
_CLOSE_QUOTES = "\"”’'"
_DOUBLE_QUOTES = '"“”'
_TRAILING = ".,;:"
_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
_E_LINE = re.compile(r"^E\d+\t(.*)$")


@dataclass(frozen=True)
class Relation:
    """One attribution, gold or predicted, reduced to what the scorer compares.

    ``source`` is None for an agentless relation. ``label`` names the cue in error reports (the
    gold cue's text lower-cased; a prediction's cue lemmas). ``source_head`` is the character
    offset of the source's head token, when a parse was available.
    """

    cue: Spans
    source: Spans | None
    content: Spans
    kind: str = "indirect"
    rule: str | None = None
    label: str = ""
    source_head: int | None = None


@dataclass
class GoldArticle:
    name: str
    text: str
    annotator: str
    attributions: list[Relation]
    without_content: int = 0  # gold relations left out: no content span to match on


# --- loading -----------------------------------------------------------------------------------


def load_polnear(root: Path, limit: int | None = None) -> list[GoldArticle]:
    """The annotated articles under ``root`` (a split folder with ``text/`` and ``attributions/``),
    in name order; ``limit`` keeps the first N."""
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(f"{root}: expected PolNeAR folders text/ and attributions/")
    files: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        name, _, _annotator = ann.stem.rpartition("_")
        files.setdefault(name, []).append(ann)
    names = sorted(n for n in files if (text_dir / f"{n}.txt").exists())
    if not names:
        raise InputError(f"{root}: no annotated articles (text/NAME.txt + attributions/NAME_*.ann)")
    out = []
    for name in names[:limit]:
        text = (text_dir / f"{name}.txt").read_text(encoding="utf-8")
        ann = files[name][0]
        out.append(
            parse_ann(name, text, ann.read_text(encoding="utf-8"), ann.stem.rpartition("_")[2])
        )
    return out


def parse_ann(name: str, text: str, ann: str, annotator: str = "") -> GoldArticle:
    """Gold relations from one brat file's text (see the module docstring for its quirks)."""
    spans: dict[str, Spans] = {}
    events: list[str] = []
    for line in ann.split("\n"):
        if m := _T_LINE.match(line):
            parts = tuple(
                (int(a), int(b)) for a, b in (p.split() for p in m.group(3).strip().split(";"))
            )
            spans[m.group(1)] = parts
        elif m := _E_LINE.match(line):
            events.append(m.group(1))
    rels: list[Relation] = []
    skipped = 0
    for args in events:
        cue: list[Offsets] = []
        source: list[Offsets] | None = None
        content: list[Offsets] = []
        for arg in args.split():
            role, _, ref = arg.partition(":")
            role = role.rstrip("0123456789")
            parts = spans.get(ref, ())
            if role == "Cue":
                cue.extend(parts)
            elif role == "Source":
                source = [*(source or []), *parts]
            elif role == "Content":
                content.extend(parts)
        if not content:
            skipped += 1
            continue
        rel = Relation(
            cue=tuple(sorted(cue)),
            source=tuple(sorted(source)) if source else None,
            content=tuple(sorted(content)),
            label=" ".join(text[a:b] for a, b in sorted(cue)).lower(),
        )
        rels.append(replace(rel, kind=gold_kind(text, rel)))
    return GoldArticle(name, text, annotator, rels, skipped)


def gold_kind(text: str, rel: Relation) -> str:
    """The kind of a gold relation, guessed from its text (the annotation has none)."""
    content = _trimmed_text(text, rel.content)
    if len(content) >= 2 and content[0] in _OPEN_QUOTES and content[-1] in _CLOSE_QUOTES:
        return "direct"
    if rel.cue and text[rel.cue[0][0] : rel.cue[0][1]].lower().startswith("according"):
        return "according_to"
    if rel.source is None:
        return "agentless"
    if any(q in content for q in _DOUBLE_QUOTES):
        return "mixed"
    return "indirect"


def _trim(text: str, start: int, end: int) -> Offsets:
    while end > start and (text[end - 1].isspace() or text[end - 1] in _TRAILING):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _trimmed_text(text: str, spans: Spans) -> str:
    if not spans:
        return ""
    start, end = _trim(text, spans[0][0], spans[-1][1])
    return text[start:end]


def char_set(text: str, spans: Iterable[Offsets]) -> frozenset[int]:
    """The positions a set of spans covers, as the scorer compares them (see the docstring)."""
    out: set[int] = set()
    for a, b in spans:
        start, end = _trim(text, a, b)
        out.update(i for i in range(start, end) if not text[i].isspace())
    return frozenset(out)


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Counts:
    """Matched counts of one system (overall, or one kind / one rule)."""

    predicted: int = 0
    gold: int = 0
    lenient: int = 0  # matched pairs
    exact: int = 0

    def precision(self, level: str) -> float | None:
        return _ratio(getattr(self, level), self.predicted)

    def recall(self, level: str) -> float | None:
        return _ratio(getattr(self, level), self.gold)

    def f1(self, level: str) -> float | None:
        p, r = self.precision(level), self.recall(level)
        if p is None or r is None:
            return None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass
class Scores:
    overall: Counts = field(default_factory=Counts)
    by_gold_kind: dict[str, Counts] = field(default_factory=dict)  # gold + matched: recall
    by_pred_kind: dict[str, Counts] = field(default_factory=dict)  # predicted + matched: precision
    by_rule: dict[str, Counts] = field(default_factory=dict)
    cue_exact: int = 0  # over lenient matches
    with_gold_source: int = 0  # lenient matches whose gold has a source
    source_overlap: int = 0
    with_gold_head: int = 0
    source_head: int = 0
    false_positives: Counter[str] = field(default_factory=Counter)  # by predicted cue label
    false_negatives: Counter[str] = field(default_factory=Counter)  # by gold cue label

    def add(self, text: str, gold: Sequence[Relation], predicted: Sequence[Relation]) -> None:
        """Match one article's predictions to its gold relations and count."""
        pairs = match(text, gold, predicted)
        matched_gold = {g: exact for g, _, exact in pairs}
        matched_pred = {p: exact for _, p, exact in pairs}
        self.overall.gold += len(gold)
        self.overall.predicted += len(predicted)
        for i, g in enumerate(gold):
            c = self.by_gold_kind.setdefault(g.kind, Counts())
            c.gold += 1
            if i in matched_gold:
                c.lenient += 1
                c.exact += matched_gold[i]
            else:
                self.false_negatives[g.label or "(no cue)"] += 1
        for j, p in enumerate(predicted):
            for c in (
                self.by_pred_kind.setdefault(p.kind, Counts()),
                self.by_rule.setdefault(p.rule or "unknown", Counts()),
            ):
                c.predicted += 1
                if j in matched_pred:
                    c.lenient += 1
                    c.exact += matched_pred[j]
            if j not in matched_pred:
                self.false_positives[p.label or "(no cue)"] += 1
        for i, j, exact in pairs:
            g, p = gold[i], predicted[j]
            self.overall.lenient += 1
            self.overall.exact += exact
            self.cue_exact += bool(g.cue) and char_set(text, g.cue) == char_set(text, p.cue)
            if g.source is not None:
                self.with_gold_source += 1
                self.source_overlap += p.source is not None and _overlaps(g.source, p.source)
                if g.source_head is not None:
                    self.with_gold_head += 1
                    self.source_head += g.source_head == p.source_head


def match(
    text: str, gold: Sequence[Relation], predicted: Sequence[Relation]
) -> list[tuple[int, int, bool]]:
    """One-to-one (gold index, predicted index, exact) pairs, greedy by content overlap."""
    gold_sets = [char_set(text, g.content) for g in gold]
    pred_sets = [char_set(text, p.content) for p in predicted]
    ranked: list[tuple[float, float, int, int]] = []
    for i, gs in enumerate(gold_sets):
        for j, ps in enumerate(pred_sets):
            if not gs or not ps:
                continue
            inter = len(gs & ps)
            if not inter:
                continue
            shorter = inter / min(len(gs), len(ps))
            if shorter >= LENIENT_MIN:
                ranked.append((inter / len(gs | ps), shorter, i, j))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, i, j in ranked:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j, gold_sets[i] == pred_sets[j]))
    return pairs


def _overlaps(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _ratio(n: int, d: int) -> float | None:
    return n / d if d else None


# --- the systems -------------------------------------------------------------------------------


def _head(doc: Doc, spans: Spans | None) -> int | None:
    """Character offset of the syntactic head of the tokens the spans cover (None if none)."""
    if not spans:
        return None
    tokens: list[Any] = []
    for a, b in spans:
        sp = doc.char_span(a, b, alignment_mode="expand")
        if sp is not None:
            tokens.extend(sp)
    if not tokens:
        return None
    inside = {t.i for t in tokens}

    def depth(t: Any) -> int:
        n = 0
        while t.head.i != t.i and t.head.i in inside:
            t, n = t.head, n + 1
        return n

    return int(min(tokens, key=lambda t: (depth(t), t.i)).idx)


def _lemmas(doc: Doc, spans: Spans) -> str:
    words: list[str] = []
    for a, b in spans:
        sp = doc.char_span(a, b, alignment_mode="expand")
        if sp is not None:
            words.extend(t.lemma_.lower() for t in sp)
    return " ".join(words)


def _token_spans(tokens: Iterable[Any]) -> Spans:
    """Contiguous runs of tokens as character spans (textacy returns token lists)."""
    out: list[list[int]] = []
    last = None
    for t in sorted(tokens, key=lambda t: t.i):
        if last is not None and t.i == last + 1:
            out[-1][1] = t.idx + len(t.text)
        else:
            out.append([t.idx, t.idx + len(t.text)])
        last = t.i
    return tuple((a, b) for a, b in out)


def from_attribution(attr: Attribution, doc: Doc) -> Relation:
    """A claimscope prediction as a Relation (``rule`` is the analyzer's added field)."""
    cue: Spans = ((attr.cue.start, attr.cue.end),)
    source: Spans | None = ((attr.source.start, attr.source.end),) if attr.source else None
    rule = getattr(attr, "rule", None)
    return Relation(
        cue=cue,
        source=source,
        content=tuple(sorted((s.start, s.end) for s in attr.content)),
        kind=attr.kind,
        rule=str(rule) if rule is not None else None,
        label=_lemmas(doc, cue),
        source_head=_head(doc, source),
    )


def textacy_baseline(doc: Doc) -> list[Relation] | None:
    """textacy's direct quotations in ``doc``; None when textacy refuses the text."""
    from textacy.extract.triples import direct_quotations

    try:
        triples = list(direct_quotations(doc))
    except ValueError:  # an odd number of quotation marks
        return None
    out = []
    for t in triples:
        cue = _token_spans(t.cue)
        source = _token_spans(t.speaker)
        out.append(
            Relation(
                cue=cue,
                source=source or None,
                content=((t.content.start_char, t.content.end_char),),
                kind="direct",
                rule="textacy",
                label=_lemmas(doc, cue),
                source_head=_head(doc, source),
            )
        )
    return out


def textacy_available() -> bool:
    try:
        import textacy.extract.triples  # noqa: F401
    except ImportError:
        return False
    return True


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Result:
    split: str
    articles: int = 0
    gold_without_content: int = 0
    claimscope: Scores = field(default_factory=Scores)
    baseline: Scores | None = None
    baseline_refused: int = 0  # articles textacy raised on
    failures: list[str] = field(default_factory=list)  # articles claimscope failed on


def evaluate(
    root: Path,
    limit: int | None = None,
    *,
    nlp: Language | None = None,
    baseline_nlp: Language | None = None,
    baseline: bool = True,
) -> Result:
    """Run claimscope (and textacy) over the split in ``root`` and score both."""
    from claimscope import nlp as nlp_module
    from claimscope.model import Analysis, Article
    from claimscope.pipeline import analyze_many

    gold = load_polnear(root, limit)
    pipeline = nlp if nlp is not None else nlp_module.load()
    bare = baseline_nlp if baseline_nlp is not None else nlp_module.load_model()
    result = Result(split=str(root), articles=len(gold))
    run_baseline = baseline and textacy_available()
    if run_baseline:
        result.baseline = Scores()
    articles = (
        Article(id=g.name, text=g.text, sections=[], reader="polnear", language="en") for g in gold
    )
    docs: Iterator[Doc] = bare.pipe(g.text for g in gold)
    for g, analysis, doc in zip(gold, analyze_many(articles, nlp=pipeline), docs, strict=True):
        result.gold_without_content += g.without_content
        gold_rels = [replace(r, source_head=_head(doc, r.source)) for r in g.attributions]
        if isinstance(analysis, Analysis):
            predicted = [from_attribution(a, doc) for a in analysis.attributions]
        else:
            result.failures.append(f"{g.name}: {analysis.reason}")
            predicted = []
        result.claimscope.add(g.text, gold_rels, predicted)
        if result.baseline is not None:
            base = textacy_baseline(doc)
            if base is None:
                result.baseline_refused += 1
            result.baseline.add(g.text, gold_rels, base or [])
    return result


# --- reporting ---------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _rate(n: int, d: int) -> str:
    return f"{_pct(_ratio(n, d))} ({n}/{d})"


def format_report(result: Result, top: int = 15) -> str:
    """The figures as Markdown: both systems, per kind, and claimscope's main errors."""
    c = result.claimscope.overall
    lines = [
        f"PolNeAR attribution ({result.split}): {result.articles} articles, {c.gold} gold "
        f"relations ({result.gold_without_content} without content left out); "
        f"content matched one to one, lenient = overlap ≥ {LENIENT_MIN:.0%} of the shorter",
        "",
        "| system | predicted | matched (lenient / exact) | lenient P | lenient R | lenient F1 "
        "| exact P | exact R | exact F1 | cue exact | source overlap | source head |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    systems: list[tuple[str, Scores]] = [("claimscope", result.claimscope)]
    if result.baseline is not None:
        systems.append(("textacy direct_quotations (baseline)", result.baseline))
    for name, s in systems:
        o = s.overall
        lines.append(
            f"| {name} | {o.predicted} | {o.lenient} / {o.exact} "
            f"| {_pct(o.precision('lenient'))} | {_pct(o.recall('lenient'))} "
            f"| {_pct(o.f1('lenient'))} | {_pct(o.precision('exact'))} "
            f"| {_pct(o.recall('exact'))} | {_pct(o.f1('exact'))} "
            f"| {_rate(s.cue_exact, o.lenient)} | {_rate(s.source_overlap, s.with_gold_source)} "
            f"| {_rate(s.source_head, s.with_gold_head)} |"
        )
    if result.baseline is None:
        lines.append(
            "| textacy direct_quotations (baseline) | unavailable (textacy not installed) |"
        )
    else:
        lines.append("")
        lines.append(
            f"textacy refused {result.baseline_refused} of {result.articles} articles "
            "(odd number of quotation marks): counted as no predictions."
        )
    if result.failures:
        lines.append(f"claimscope failed on {len(result.failures)} articles:")
        lines += [f"- {f}" for f in result.failures]

    lines += ["", "Recall per gold kind (derived from the text; lenient / exact)", ""]
    header = "| gold kind | gold |" + "".join(f" {n} |" for n, _ in systems)
    lines += [header, "|---|---:|" + "---:|" * len(systems)]
    for kind in _kinds(result.claimscope.by_gold_kind):
        row = f"| {kind} | {result.claimscope.by_gold_kind[kind].gold} |"
        for _, s in systems:
            k = s.by_gold_kind.get(kind, Counts())
            row += f" {_pct(k.recall('lenient'))} / {_pct(k.recall('exact'))} |"
        lines.append(row)

    lines += ["", "Precision per predicted kind (lenient / exact)", ""]
    lines += ["| system | kind | predicted | precision |", "|---|---|---:|---:|"]
    for name, s in systems:
        for kind in _kinds(s.by_pred_kind):
            k = s.by_pred_kind[kind]
            lines.append(
                f"| {name} | {kind} | {k.predicted} "
                f"| {_pct(k.precision('lenient'))} / {_pct(k.precision('exact'))} |"
            )

    s = result.claimscope
    lines += ["", f"claimscope false positives by cue lemma (top {top}):"]
    lines.append(_counter_line(s.false_positives, top))
    lines += [f"claimscope false negatives by gold cue (top {top}):"]
    lines.append(_counter_line(s.false_negatives, top))
    return "\n".join(lines)


def _kinds(d: dict[str, Counts]) -> list[str]:
    return sorted(d, key=lambda k: (KINDS.index(k) if k in KINDS else len(KINDS), k))


def _counter_line(counter: Counter[str], top: int) -> str:
    if not counter:
        return "  (none)"
    return "  " + ", ".join(f"{k!r} {n}" for k, n in counter.most_common(top))


def rules_json(result: Result) -> dict[str, Any]:
    """Per-rule precision of claimscope's predictions (lenient and exact), for calibration."""
    rules = {}
    for rule, c in sorted(result.claimscope.by_rule.items()):
        rules[rule] = {
            "total": c.predicted,
            "matched": c.lenient,
            "precision": c.precision("lenient"),
            "matched_exact": c.exact,
            "precision_exact": c.precision("exact"),
        }
    return {"split": result.split, "articles": result.articles, "rules": rules}


def write_rules(result: Result, path: Path) -> None:
    path.write_text(json.dumps(rules_json(result), indent=2) + "\n", encoding="utf-8")
