"""Framing: persuasion techniques at span level, each with its target and an explanation.

:mod:`.rules` finds the techniques (lexicons in ``lexicon.toml``, checked against the parse);
:mod:`.actors` turns the findings and the attributions into a per-actor table of how the outlet
treats each side. The component writes ``findings``; the per-actor table is written by the
sourcing component, which knows each voice's affiliation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from spacy.tokens import Doc

from claimscope.analyzers import CLAIM_SECTIONS, Intervals, text_of, trimmed
from claimscope.analyzers.attribution.quotes import find_quotes
from claimscope.analyzers.framing import rules, tagger
from claimscope.analyzers.framing.lexicon import lexicon
from claimscope.analyzers.framing.tagger import TechniqueModel
from claimscope.analyzers.results import Results, component
from claimscope.errors import ClaimscopeError
from claimscope.model import Article, Attribution, Finding

# What a technique the tagger finds does to a reader, for its findings' explanations (the PTC
# guidelines' definitions, in a sentence each).
DESCRIPTIONS = {
    "loaded_language": "words chosen to stir emotion rather than to inform.",
    "name_calling": "a label that casts someone as what the audience fears, hates or admires.",
    "repetition": "the same message repeated until it sounds accepted.",
    "exaggeration": "something made larger, or smaller, than the facts show.",
    "doubt": "doubt cast on someone's credibility without evidence.",
    "appeal_to_fear": "fear or prejudice raised in place of a reason.",
    "flag_waving": "an appeal to national or group pride in place of a reason.",
    "causal_oversimplification": "one cause given where an event has many.",
    "slogans": "a brief, striking phrase used in place of an argument.",
    "appeal_to_authority": "a claim said to be true because an authority says so.",
    "black_and_white_fallacy": "two options presented as the only ones.",
    "thought_terminating_cliches": "a stock phrase that closes the discussion.",
    "whataboutism": "an accusation answered by accusing the accuser.",
    "reductio_ad_hitlerum": "an idea discredited by linking it to a hated group or person.",
    "red_herring": "attention turned to something beside the point.",
    "bandwagon": "everyone is said to agree, so the reader should too.",
    "straw_man": "an opponent's view replaced by a weaker one and refuted.",
    "obfuscation": "words vague enough to mean what the reader wants.",
}
_EDGES = " \t\n\r.,;:!?\"“”‘’'()[]"

# How often a hit of each technique is right. Not yet calibrated on annotated data: these are the
# midpoint for lexicon-and-parse rules and a lower value for the broad ones (fear, exaggeration);
# `claimscope eval techniques` reports the measured precision per technique.
CONFIDENCE = {
    "name_calling": 0.6,
    "loaded_language": 0.5,
    "doubt": 0.6,
    "scare_quotes": 0.6,
    "appeal_to_fear": 0.35,
    "exaggeration": 0.35,
    "flag_waving": 0.5,
    "whataboutism": 0.5,
    "causal_oversimplification": 0.5,
    "slogans": 0.5,
    "repetition": 0.5,
}


def extract(
    doc: Doc,
    article: Article | None,
    attributions: list[Attribution],
    model: TechniqueModel | None = None,
) -> list[Finding]:
    """The rules' findings, and the learned tagger's where a ``model`` is given (see
    :func:`not_ruled` for how the two are merged)."""
    hits = _rule_hits(doc, attributions)
    if model is not None:
        hits += not_ruled(_model_hits(doc, model), hits)
    regions = _regions(doc, article)
    hits = [h for h in hits if any(s <= h.start and h.end <= e for s, e in regions)]
    hits.sort(key=lambda h: (h.start, h.end, h.technique))
    speakers = _contents(attributions)
    out: list[Finding] = []
    seen: set[tuple[int, int, str]] = set()
    for h in hits:
        if (h.start, h.end, h.technique) in seen:
            continue
        seen.add((h.start, h.end, h.technique))
        out.append(
            Finding(
                id=f"F{len(out) + 1}",
                technique=h.technique,
                start=h.start,
                end=h.end,
                text=text_of(doc)[h.start : h.end],
                target=h.target,
                explanation=h.explanation,
                confidence=h.confidence or CONFIDENCE.get(h.technique, 0.5),
                attribution=_whose(speakers, h.start, h.end),
            )
        )
    return out


def _rule_hits(doc: Doc, attributions: list[Attribution]) -> list[rules.Hit]:
    lex = lexicon()
    quotes = find_quotes(text_of(doc))
    hits = rules.labels(doc, lex)
    hits += rules.doubt(doc, lex)
    taken = {(h.start, h.end) for h in hits}
    hits += [h for h in rules.loaded(doc, lex) if (h.start, h.end) not in taken]
    hits += rules.scare_quotes(doc, quotes, attributions, lex)
    hits += rules.fear(doc, lex)
    hits += rules.phrases(doc, lex)
    hits += rules.slogans(doc, quotes)
    hits += rules.repetition(doc, hits)
    return hits


class _Spanned(Protocol):
    @property
    def technique(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Spanned)


def not_ruled(found: list[S], ruled: Sequence[_Spanned]) -> list[S]:
    """The tagger's spans the rules did not find. A span half or more of which a rule finding of
    its technique covers is the same finding, left to the rule (which names its target more
    surely); a longer phrase around a ruled word ("foreign-backed Takfiri militants" around
    "Takfiri") is a finding of its own."""
    index = Intervals((r.start, r.end, r.technique) for r in ruled)

    def duplicate(f: S) -> bool:
        return any(
            t == f.technique and 2 * (min(e, f.end) - max(s, f.start)) >= f.end - f.start
            for s, e, t in index.overlapping(f.start, f.end)
        )

    return [f for f in found if not duplicate(f)]


def model_spans(text: str, model: TechniqueModel) -> list[tagger.Span]:
    """The tagger's spans in ``text``, trimmed of space and punctuation at their ends."""
    out = []
    for span in model.spans(text):
        start, end = trimmed(text, span.start, span.end, _EDGES)
        if end - start >= 2:
            out.append(tagger.Span(span.technique, start, end, span.probability))
    return out


def _model_hits(doc: Doc, model: TechniqueModel) -> list[rules.Hit]:
    """The tagger's spans as hits, each with the target its words are applied to and an
    explanation from its technique's description."""
    text = text_of(doc)
    out = []
    for span in model_spans(text, model):
        start, end = span.start, span.end
        words = text[start:end]
        found = rules.target_of(doc, start, end)
        target = found[0] if found else None
        description = DESCRIPTIONS.get(span.technique, span.technique.replace("_", " "))
        shown = words if len(words) <= 80 else words[:79].rstrip() + "…"
        explanation = f"“{shown}”: {description}" + (f" Aimed at “{target}”." if target else "")
        out.append(
            rules.Hit(
                span.technique,
                start,
                end,
                target,
                explanation,
                found[1] if found else None,
                confidence=round(span.probability, 3),
            )
        )
    return out


def _contents(attributions: list[Attribution]) -> Intervals[tuple[int, str]]:
    """Every piece of reported content, with how direct it is (a quotation before a paraphrase)."""
    return Intervals(
        (c.start, c.end, (0 if a.kind == "direct" else 1, a.id))
        for a in attributions
        for c in a.content
    )


def _whose(contents: Intervals[tuple[int, str]], start: int, end: int) -> str | None:
    """The attribution whose content holds ``start:end``: the innermost, and of two on the same
    words the quotation; None when the words are the outlet's own."""
    holding = contents.covering(start, end)
    if not holding:
        return None
    _s, _e, (_, ident) = min(holding, key=lambda x: (x[1] - x[0], x[2][0]))
    return ident


def _regions(doc: Doc, article: Article | None) -> list[tuple[int, int]]:
    if article is None or not article.sections:
        return [(0, len(text_of(doc)))]
    return [(s.start, s.end) for s in article.sections if s.kind in CLAIM_SECTIONS]


@component(
    "claimscope_framing",
    reads=["attributions"],
    writes=["findings", "technique_model", "notes"],
    requires=["token.dep", "token.head", "token.lemma", "token.tag", "doc.ents", "doc.sents"],
)
def framing_component(doc: Doc) -> Doc:
    found = Results.of(doc)
    model = tagger.active()
    if isinstance(model, ClaimscopeError):  # said once in the log; every analysis notes it
        found.notes.append(f"{model}; framing used the rules alone.")
        model = None
    found.findings = extract(doc, doc._.article, found.attributions, model)
    found.technique_model = model.label if model is not None else None
    return doc
