"""Framing: persuasion techniques at span level, each with its target and an explanation.

:mod:`.rules` finds the techniques (lexicons in ``lexicon.toml``, checked against the parse);
:mod:`.actors` turns the findings and the attributions into a per-actor table of how the outlet
treats each side. The component writes ``findings``; the per-actor table is written by the
sourcing component, which knows each voice's affiliation.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from claimscope.analyzers import CLAIM_SECTIONS, Intervals, results, text_of
from claimscope.analyzers.attribution.quotes import find_quotes
from claimscope.analyzers.framing import rules
from claimscope.analyzers.framing.lexicon import lexicon
from claimscope.model import Article, Attribution, Finding

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


def extract(doc: Doc, article: Article | None, attributions: list[Attribution]) -> list[Finding]:
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
                confidence=CONFIDENCE.get(h.technique, 0.5),
                attribution=_whose(speakers, h.start, h.end),
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


@Language.component("claimscope_framing")
def framing_component(doc: Doc) -> Doc:
    found = results(doc)
    found["findings"] = extract(doc, doc._.article, found.get("attributions", []))
    return doc
