"""Who said what on speakers-dev: statements found, speakers resolved to full names, voices that speak.

Data
----
``speakers-dev`` (in ``../shared/data``) is 40 news articles, 25 FA-KES rows and 15 Readability news
pages, with every attributed statement annotated: its content (``start`` and the exact text), the
mention naming the speaker at that point, the speaker resolved to the fullest name the article
gives, and whether it is speech (said or written) or an attitude. ``articles/<id>.txt`` holds the
text (title on line 1, a blank line, then the body); ``gold.jsonl`` one line per article.

Scoring (the set's README)
--------------------------
- **Found**: a gold statement is found when a predicted content span overlaps it by at least half
  of the shorter of the two. Each piece of a prediction's content is a span of its own (a quotation
  split around "he said" is two gold statements with one speaker, and one attribution with two
  pieces here); a piece is used for at most one gold statement, the one it overlaps most, gold
  taken in text order.
- **Speaker accuracy**: among found statements, the share whose predicted speaker name equals or
  contains the gold speaker, case-insensitive, curly quotes folded to straight, white space
  collapsed.
- **Voice statements that are speech**: the attributions the analysis counts in ``voices``, and
  the share of them whose content overlaps (as above) a gold statement marked ``speech``. The gold
  leaves out agentless, negated, evaluative-only and authorial statements on purpose, so this is a
  lower bound of the true precision.

Baseline
--------
The same found statements with the source mention's own text as the speaker ("he", "Smith", "the
ministry"): what the resolution adds over copying the mention.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.errors import InputError

if TYPE_CHECKING:
    from spacy.language import Language

    from claimscope.model import Analysis, Article, Attribution

_PRONOUNS = frozenset(
    {"he", "she", "it", "they", "i", "me", "you", "his", "her", "its", "we", "him", "them"}
)
_FOLD = str.maketrans("‘’“”", "''\"\"")


@dataclass(frozen=True)
class GoldStatement:
    start: int
    end: int
    kind: str
    mention: str | None
    speaker: str
    speaker_type: str
    speech: bool

    @property
    def mention_kind(self) -> str:
        """Where resolution matters: the mention's kind against the resolved speaker."""
        if self.mention is None:
            return "no mention"
        m, s = _fold(self.mention), _fold(self.speaker)
        m = m.removeprefix("the ")
        if m == s.removeprefix("the "):
            return "same as speaker"
        if m in _PRONOUNS:
            return "pronoun"
        if self.speaker_type == "person":
            last = s.split()[-1] if s.split() else ""
            return "surname or short name" if last and last in m else "person description"
        return "short form, description or metonym"


@dataclass
class GoldArticle:
    id: str
    text: str
    statements: list[GoldStatement]

    @property
    def corpus(self) -> str:
        return "FA-KES" if self.id.startswith("fakes-") else "pages"


def load_gold(root: Path, limit: int | None = None) -> list[GoldArticle]:
    """The articles and their statements; offsets are checked against the text."""
    gold_path = root / "gold.jsonl"
    if not gold_path.is_file():
        raise InputError(f"{root}: no gold.jsonl (expected the speakers-dev folder)")
    out: list[GoldArticle] = []
    for n, line in enumerate(gold_path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        path = root / "articles" / f"{row['id']}.txt"
        try:
            with path.open(encoding="utf-8", newline="") as f:
                text = f.read()
        except FileNotFoundError:
            raise InputError(f"{gold_path} line {n}: no article file {path}") from None
        statements = []
        for s in row["statements"]:
            start = int(s["start"])
            end = start + len(s["content"])
            if text[start:end] != s["content"]:
                raise InputError(f"{path}: statement at {start} does not match the text")
            statements.append(
                GoldStatement(
                    start,
                    end,
                    s["kind"],
                    s.get("mention"),
                    s["speaker"],
                    s.get("speaker_type", ""),
                    bool(s.get("speech", True)),
                )
            )
        out.append(GoldArticle(row["id"], text, statements))
        if limit is not None and len(out) >= limit:
            break
    return out


def _fold(s: str) -> str:
    return " ".join(s.translate(_FOLD).lower().split())


def speaker_ok(predicted: str | None, gold: str) -> bool:
    return predicted is not None and _fold(gold) in _fold(predicted)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _found(g0: int, g1: int, p0: int, p1: int) -> bool:
    ov = _overlap(g0, g1, p0, p1)
    return ov > 0 and ov >= 0.5 * min(g1 - g0, p1 - p0)


@dataclass(frozen=True)
class Piece:
    """One content piece of a predicted attribution, with the names two systems give its speaker."""

    start: int
    end: int
    attribution: str
    speaker: str | None  # claimscope's resolved speaker
    mention: str | None  # the source mention's text (the baseline's speaker)


def pieces_of(attributions: list[Attribution]) -> list[Piece]:
    return [
        Piece(
            c.start,
            c.end,
            a.id,
            a.speaker.name if a.speaker is not None else None,
            a.source.text if a.source is not None else None,
        )
        for a in attributions
        for c in a.content
    ]


def match(gold: list[GoldStatement], pieces: list[Piece]) -> list[Piece | None]:
    """For each gold statement (in text order), the unused piece that overlaps it most, or None."""
    used: set[int] = set()
    out: list[Piece | None] = []
    for g in gold:
        best, best_ov = None, 0
        for i, p in enumerate(pieces):
            if i in used or not _found(g.start, g.end, p.start, p.end):
                continue
            ov = _overlap(g.start, g.end, p.start, p.end)
            if ov > best_ov:
                best, best_ov = i, ov
        if best is None:
            out.append(None)
        else:
            used.add(best)
            out.append(pieces[best])
    return out


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    right: int = 0  # claimscope's speaker right, over found
    baseline_right: int = 0  # the mention as speaker, over found

    def add(self, g: GoldStatement, p: Piece | None) -> None:
        self.gold += 1
        if p is None:
            return
        self.found += 1
        self.right += speaker_ok(p.speaker, g.speaker)
        self.baseline_right += speaker_ok(p.mention, g.speaker)


@dataclass
class Error:
    article: str
    gold: GoldStatement
    predicted: str | None
    mention: str | None
    content: str


@dataclass
class Result:
    articles: int = 0
    overall: Tally = field(default_factory=Tally)
    speech_only: Tally = field(default_factory=Tally)
    by_corpus: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_mention: dict[str, Tally] = field(default_factory=dict)
    voice_statements: int = 0  # attributions counted in voices
    voice_speech: int = 0  # of those, overlapping a gold speech statement
    voice_any: int = 0  # of those, overlapping any gold statement
    attributions: int = 0
    missed: list[Error] = field(default_factory=list)
    wrong: list[Error] = field(default_factory=list)
    not_speech: list[tuple[str, str, str]] = field(default_factory=list)  # article, speaker, text
    failures: list[str] = field(default_factory=list)


def score_article(result: Result, g: GoldArticle, analysis: Analysis) -> None:
    """Add one article's analysis to ``result``."""
    atts = analysis.attributions
    result.attributions += len(atts)
    pieces = pieces_of(atts)
    matched = match(g.statements, pieces)
    for s, p in zip(g.statements, matched, strict=True):
        for tally in (
            result.overall,
            result.by_corpus.setdefault(g.corpus, Tally()),
            result.by_kind.setdefault(s.kind, Tally()),
            result.by_mention.setdefault(s.mention_kind, Tally()),
        ):
            tally.add(s, p)
        if s.speech:
            result.speech_only.add(s, p)
        content = g.text[s.start : s.end]
        if p is None:
            result.missed.append(Error(g.id, s, None, s.mention, content))
        elif not speaker_ok(p.speaker, s.speaker):
            result.wrong.append(Error(g.id, s, p.speaker, p.mention, content))
    counted = {i for v in analysis.voices for i in v.attributions}
    for a in atts:
        if a.id not in counted:
            continue
        result.voice_statements += 1
        spans = [(c.start, c.end) for c in a.content]
        hits = [s for s in g.statements if any(_found(s.start, s.end, *x) for x in spans)]
        result.voice_speech += any(s.speech for s in hits)
        result.voice_any += bool(hits)
        if not any(s.speech for s in hits):
            speaker = a.speaker.name if a.speaker is not None else "?"
            result.not_speech.append((g.id, speaker, a.cue.text + ": " + a.content[0].text[:80]))


def articles_of(gold: list[GoldArticle]) -> Iterator[Article]:
    """Each gold text as an article: line 1 the headline, the rest the body (offsets unchanged)."""
    from claimscope.model import Article, Section

    for g in gold:
        title_end = g.text.find("\n")
        title_end = len(g.text) if title_end == -1 else title_end
        sections = [Section(kind="headline", start=0, end=title_end)]
        body = len(g.text) - len(g.text[title_end:].lstrip())
        if body < len(g.text):
            sections.append(Section(kind="body", start=body, end=len(g.text)))
        yield Article(
            id=g.id,
            title=g.text[:title_end],
            text=g.text,
            sections=sections,
            reader="speakers-dev",
            language="en",
        )


def evaluate(root: Path, limit: int | None = None, *, nlp: Language | None = None) -> Result:
    """Analyse every article of speakers-dev and score it against the gold."""
    from claimscope import nlp as nlp_module
    from claimscope.model import Analysis
    from claimscope.pipeline import analyze_many

    gold = load_gold(root, limit)
    pipeline = nlp if nlp is not None else nlp_module.load()
    result = Result(articles=len(gold))
    for g, analysis in zip(gold, analyze_many(articles_of(gold), nlp=pipeline), strict=True):
        if isinstance(analysis, Analysis):
            score_article(result, g, analysis)
        else:
            result.failures.append(f"{g.id}: {analysis.reason}")
            for s in g.statements:
                result.overall.add(s, None)
    return result


# --- reporting ---------------------------------------------------------------------------------


def _pct(n: int, d: int) -> str:
    return f"{n / d:.1%} ({n}/{d})" if d else "–"


def _row(name: str, t: Tally) -> str:
    return (
        f"| {name} | {t.gold} | {_pct(t.found, t.gold)} | {_pct(t.right, t.found)} "
        f"| {_pct(t.baseline_right, t.found)} |"
    )


def format_report(result: Result, errors: int = 25) -> str:
    o = result.overall
    lines = [
        f"speakers-dev: {result.articles} articles, {o.gold} gold statements, "
        f"{result.attributions} attributions predicted",
        "",
        "| statements | gold | found | speaker right: claimscope | speaker right: mention "
        "as speaker (baseline) |",
        "|---|---:|---:|---:|---:|",
        _row("all", o),
        _row("speech only", result.speech_only),
        *(_row(k, t) for k, t in sorted(result.by_corpus.items())),
        "",
        "| gold kind | gold | found | claimscope | baseline |",
        "|---|---:|---:|---:|---:|",
        *(_row(k, t) for k, t in sorted(result.by_kind.items())),
        "",
        "| mention kind | gold | found | claimscope | baseline |",
        "|---|---:|---:|---:|---:|",
        *(_row(k, t) for k, t in sorted(result.by_mention.items(), key=lambda kv: -kv[1].gold)),
        "",
        "Statements counted in voices: "
        f"{result.voice_statements}; matching a gold speech statement: "
        f"{_pct(result.voice_speech, result.voice_statements)}; any gold statement: "
        f"{_pct(result.voice_any, result.voice_statements)}",
    ]
    if result.failures:
        lines += ["", f"claimscope failed on {len(result.failures)} articles:"]
        lines += [f"- {f}" for f in result.failures]
    if errors:
        lines += ["", f"Wrong speakers (first {errors} of {len(result.wrong)}):"]
        for e in result.wrong[:errors]:
            lines.append(
                f"- {e.article}: gold {e.gold.speaker!r} (mention {e.gold.mention!r}), "
                f"predicted {e.predicted!r} from {e.mention!r}"
            )
        lines += ["", f"Missed statements (first {errors} of {len(result.missed)}):"]
        for e in result.missed[:errors]:
            lines.append(f"- {e.article} [{e.gold.kind}] {e.gold.speaker!r}: {e.content[:90]!r}")
        counts = Counter(s for _, s, _ in result.not_speech)
        lines += [
            "",
            "Voice statements matching no gold speech statement, by speaker: "
            + ", ".join(f"{k!r} {n}" for k, n in counts.most_common(errors)),
        ]
    return "\n".join(lines)
