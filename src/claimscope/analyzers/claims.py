"""Claims: what the article asserts, in whose voice, with what hedges, and how check-worthy.

A claim is a clause-level proposition. Each one gets a voice:

- ``attributed``: a piece of an attribution's content (split at sentence boundaries), linked to it;
- ``unattributed``: the content of an agentless attribution ("stands accused of ...");
- ``outlet``: a clause the article asserts in its own voice: a sentence (or a coordinated clause
  with its own subject) that holds no attribution, and clauses with their own subject that hang off
  a cue verb outside its content ("..., as the army prepares for the liberation of Idlib").

Hedges and boosters come from ``claims.toml``; a statement introduced by a distancing cue ("X
claimed that") carries the cue as a hedge too, since that is the writer keeping their distance.
Check-worthiness comes from :mod:`claimscope.analyzers.checkworthiness`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimscope.analyzers import (
    CLAIM_SECTIONS,
    Intervals,
    checkworthiness,
    claim_rank,
    text_of,
    trimmed,
)
from claimscope.analyzers.results import ClaimVectors, Results, component
from claimscope.analyzers.wordlists import cue_lemma, markers
from claimscope.model import Article, Attribution, Claim, Span

_MIN_WORDS = 4
_TRIM = " \t\n\r,;:—–-"


@dataclass
class Unit:
    start: int
    end: int
    voice: Literal["attributed", "outlet", "unattributed"]
    attribution: str | None = None


def extract(
    doc: Doc, article: Article | None, attributions: list[Attribution]
) -> tuple[list[Claim], ClaimVectors | None]:
    """Claim units of ``doc`` with their voice, hedges, check-worthiness score and priority; and
    the claims' sentence vectors when the scorer computed them (fact-check matching reuses them
    rather than encoding the claims again)."""
    regions = _claim_regions(doc, article)
    units = _attributed_units(doc, attributions, regions)
    units += _outlet_units(doc, attributions, regions, _sections_of(article, "headline"))
    units = _distinct(units)
    texts = [text_of(doc)[u.start : u.end] for u in units]
    encoded = checkworthiness.vectors(texts)  # one encoder pass, shared with fact-check matching
    scores = checkworthiness.score(texts, encoded) if texts else []
    by_id = {a.id: a for a in attributions}
    captions = (
        [(s.start, s.end) for s in article.sections if s.kind == "caption"] if article else []
    )
    m = markers()
    claims = []
    for n, (u, text, score) in enumerate(zip(units, texts, scores, strict=True), start=1):
        hedges = _find(m.hedges, text_of(doc), u.start, u.end)
        attr = by_id.get(u.attribution or "")
        lemma = cue_lemma(doc, attr) if attr is not None else None
        if lemma in m.distancing and attr is not None:
            hedges.insert(0, attr.cue)
        ranked = claim_rank.rank(
            doc,
            u.start,
            u.end,
            score,
            caption=_in_regions(u.start, u.end, captions),
            cue_lemma=lemma,
        )
        claims.append(
            Claim(
                id=f"C{n}",
                start=u.start,
                end=u.end,
                text=text,
                voice=u.voice,
                attribution=u.attribution,
                hedges=hedges,
                boosters=_find(m.boosters, text_of(doc), u.start, u.end),
                checkworthiness=round(min(1.0, max(0.0, score)), 3),
                priority=ranked.priority,
                reasons=ranked.reasons,
            )
        )
    if encoded is None:
        return claims, None
    return claims, ClaimVectors(
        encoded[0], {c.id: v for c, v in zip(claims, encoded[1], strict=True)}
    )


def _claim_regions(doc: Doc, article: Article | None) -> list[tuple[int, int]]:
    if article is None or not article.sections:
        return [(0, len(text_of(doc)))]
    return [(s.start, s.end) for s in article.sections if s.kind in CLAIM_SECTIONS]


def _sections_of(article: Article | None, kind: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in article.sections if s.kind == kind] if article else []


def _in_regions(start: int, end: int, regions: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in regions)


def _clip(start: int, end: int, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The part of ``start:end`` inside the region it overlaps most (a caption's sentence can run
    into its credit line)."""
    best = max(regions, key=lambda r: min(end, r[1]) - max(start, r[0]), default=None)
    if best is None or min(end, best[1]) <= max(start, best[0]):
        return None
    return max(start, best[0]), min(end, best[1])


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    return trimmed(text, start, end, _TRIM)  # white space and clause punctuation


def _words(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


def _attributed_units(
    doc: Doc, attributions: list[Attribution], regions: list[tuple[int, int]]
) -> list[Unit]:
    """Each attribution's content, one unit per sentence it spans."""
    out = []
    for a in attributions:
        voice: Literal["attributed", "unattributed"] = (
            "unattributed" if a.kind == "agentless" else "attributed"
        )
        for piece in a.content:
            span = doc.char_span(piece.start, piece.end, alignment_mode="expand")
            if span is None:
                continue
            for sent in span.sents:  # type: ignore[attr-defined]
                start, end = _trimmed(
                    text_of(doc), max(sent.start_char, piece.start), min(sent.end_char, piece.end)
                )
                if text_of(doc)[start : start + 5].lower() == "that ":
                    start += 5  # the complementizer belongs to the cue, not the claim
                if _words(text_of(doc)[start:end]) >= 3 and _in_regions(start, end, regions):
                    out.append(Unit(start, end, voice, a.id))
    return out


def _footprint(attributions: list[Attribution]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for a in attributions:
        spans.append((a.cue.start, a.cue.end))
        if a.source is not None:
            spans.append((a.source.start, a.source.end))
        spans.extend((c.start, c.end) for c in a.content)
    return spans


def _outlet_units(
    doc: Doc,
    attributions: list[Attribution],
    regions: list[tuple[int, int]],
    headlines: list[tuple[int, int]],
) -> list[Unit]:
    """Clauses the article asserts itself: outside every attribution's cue, source and content."""
    footprint = _footprint(attributions)
    cue_index = Intervals((a.cue.start, a.cue.end, None) for a in attributions)
    foot_index = Intervals((s, e, None) for s, e in footprint)
    out = []
    for sent in doc.sents:
        region = _clip(sent.start_char, sent.end_char, regions)
        if region is None:
            continue
        for clause in _clauses(sent):
            start, end = _trimmed(
                text_of(doc), max(clause[0], region[0]), min(clause[1], region[1])
            )
            if end <= start or _words(text_of(doc)[start:end]) < _MIN_WORDS:
                continue
            if cue_index.overlapping(start, end):
                # the clause reports a statement: its own-voice parts are the cue verb's adverbial
                # clauses with a subject of their own, outside the content
                for sub in _side_clauses(doc, start, end, footprint):
                    out.append(Unit(*sub, "outlet"))
                continue
            covered = sum(
                max(0, min(end, e) - max(start, s))
                for s, e, _ in foot_index.overlapping(start, end)
            )
            if covered < (end - start) / 2 and _has_finite_verb(doc, start, end, headlines):
                out.append(Unit(start, end, "outlet"))
    return out


def _clauses(sent: SpacySpan) -> list[tuple[int, int]]:
    """The sentence, cut where a coordinated clause with its own subject begins."""
    root = sent.root
    cuts = [
        c
        for c in root.children
        if c.dep_ == "conj" and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
    ]
    if not cuts:
        return [(sent.start_char, sent.end_char)]
    out = []
    start = sent.start_char
    for c in cuts:
        first = min(t.i for t in c.subtree)
        # the coordinator ("and", "but") before the new clause goes with neither clause's claim
        cut = sent.doc[first].idx
        out.append((start, cut))
        start = cut
    out.append((start, sent.end_char))
    return out


def _side_clauses(
    doc: Doc, start: int, end: int, footprint: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return out
    for t in span:
        if t.dep_ != "advcl" or not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            continue
        s, e = _trimmed(text_of(doc), *_subtree_chars(t))
        if any(fs < e and s < fe for fs, fe in footprint):
            continue
        first = doc.char_span(s, e, alignment_mode="expand")
        if first is not None and first[0].dep_ == "mark":
            s, e = _trimmed(text_of(doc), first[1].idx if len(first) > 1 else s, e)
        if _words(text_of(doc)[s:e]) >= _MIN_WORDS:
            out.append((s, e))
    return out


def _subtree_chars(t: object) -> tuple[int, int]:
    tokens = list(t.subtree)  # type: ignore[attr-defined]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _has_finite_verb(doc: Doc, start: int, end: int, headlines: list[tuple[int, int]]) -> bool:
    """A proposition needs a finite verb: "(Photo by AFP)" or "News / Syria" is not one.

    Headlines drop the auxiliary: "58 Killed in Gas Attack" is "58 were killed", so there a past
    participle or an infinitive of the future ("Minister to Resign") counts as well."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    if any(t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in span):
        return True
    return _in_regions(start, end, headlines) and any(
        t.pos_ == "VERB" and t.tag_ in ("VBN", "VB") and t.i > span.start for t in span
    )


def _distinct(units: list[Unit]) -> list[Unit]:
    seen: set[tuple[int, int, str | None]] = set()
    out = []
    for u in sorted(units, key=lambda u: (u.start, -u.end)):
        key = (u.start, u.end, u.attribution)
        if key not in seen:
            seen.add(key)
            out.append(u)
    return out


def _find(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[Span]:
    return [
        Span(start=start + m.start(), end=start + m.end(), text=m.group())
        for m in pattern.finditer(text[start:end])
    ]


@component(
    "claimscope_claims",
    reads=["attributions"],
    writes=["claims", "claim_vectors"],
    requires=["token.dep", "token.head", "token.lemma", "token.tag", "doc.ents", "doc.sents"],
)
def claims_component(doc: Doc) -> Doc:
    found = Results.of(doc)
    found.claims, found.claim_vectors = extract(doc, doc._.article, found.attributions)
    return doc
