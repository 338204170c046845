"""Attributions: every direct and reported statement, its cue, source, content, speaker and relays.

The rules in :mod:`.rules` propose candidates from the parse; this module removes duplicates,
links nested attributions (an attribution inside another's content is relayed by the outer
speaker), resolves each source mention to a speaker (:mod:`.speakers`), and writes contract
:class:`~claimscope.model.Attribution` objects and the :class:`~claimscope.model.Voice` list.
Confidence comes from each rule's precision measured on annotated data (``confidence.json``).
"""

from __future__ import annotations

import json
from functools import lru_cache

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimscope.analyzers import Intervals, text_of
from claimscope.analyzers.attribution import rules, stances
from claimscope.analyzers.attribution.headlines import resolve_headline_sources
from claimscope.analyzers.attribution.lexicon import lexicon
from claimscope.analyzers.attribution.quotes import Quote, find_quotes, quote_at
from claimscope.analyzers.attribution.speakers import Resolver
from claimscope.analyzers.attribution.speech import is_speech
from claimscope.analyzers.results import Results, component
from claimscope.model import Article, Attribution, Entity, Relay, Span, Speaker, Voice

DEFAULT_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def rule_confidence() -> dict[str, float]:
    """Per-rule precision on PolNeAR train, smoothed: (matched + 1) / (total + 2).

    ``confidence.json`` is the ``--rules-out`` file of ``claimscope eval attribution --polnear
    ../shared/data/polnear/train`` (``make calibrate``): counts per rule, no text. Smoothing keeps a
    rule seen a handful of times away from 0 and 1.
    """
    from claimscope import integrity

    data = json.loads(
        integrity.packaged("analyzers/attribution/confidence.json").read_text("utf-8")
    )
    return {
        rule: round((v["matched"] + 1) / (v["total"] + 2), 3)
        for rule, v in data.get("rules", {}).items()
    }


def extract(doc: Doc, article: Article | None, entities: list[Entity]) -> list[Attribution]:
    lex = lexicon()
    text = text_of(doc)
    quotes = find_quotes(text)
    found = rules.verb_cues(doc, lex, quotes)
    found += rules.according_to(doc, lex, quotes)
    found += rules.agentless(doc, lex, quotes)
    found += rules.noun_cues(doc, lex, quotes)
    found += stances.stance_nouns(doc, lex, quotes)
    found += stances.stance_adjectives(doc, quotes)
    found += stances.attitudes(doc, lex, quotes)
    found += stances.appeals(doc, quotes)
    found += stances.views(doc, quotes)
    found += stances.estimates(doc, quotes)
    found += rules.speaker_labels(doc, quotes)
    found += rules.colon_lists(doc, lex, quotes)
    headlines = [
        (s.start, s.end) for s in (article.sections if article else []) if s.kind == "headline"
    ]
    if not headlines and article is not None and not article.sections:
        first = _title_line(text)  # text given without structure: a short first line is a title
        headlines = [first] if first else []
    headlines += _repeated_titles(text, headlines)
    for start, end in headlines:
        found += rules.headline(doc, start, end, quotes)
    for c in found:  # a piece trimmed to nothing (a lone quote mark) is not content
        c.content = [(s, e) for s, e in c.content if e > s]
    found = [c for c in found if c.content and not _stance_in_quotation(c, quotes)]
    found = _drop_nested_stances(found)
    found = _dedupe(found)
    rules.attach_continuations(doc, found, quotes)
    found.sort(key=lambda c: (c.start, c.cue[0]))
    attributions = _assemble(doc, found, entities, quotes)
    if headlines:
        resolve_headline_sources(attributions, max(end for _, end in headlines))
    return attributions


# Rules whose cue, inside a quotation, is the quoted speaker's own wording ("I support ...",
# "they want to ...", "I told you"), not a new statement: the quotation's own attribution already
# carries it. On PolNeAR train these were 11-27% precise inside quotations, against 47-58% outside.
_WEAK_IN_QUOTATION = frozenset(
    {
        "verb_object",
        "verb_prep",
        "verb_xcomp",
        "verb_belief",
        "verb_that",
        "adjective_clause",
        "noun_intention",
        "verb_as",
    }
)


def _stance_in_quotation(cand: rules.Candidate, quotes: list[Quote]) -> bool:
    return cand.rule in _WEAK_IN_QUOTATION and quote_at(quotes, *cand.cue) is not None


# Inside another statement's reported content ("she said she would support the bill"), a stance
# verb is part of what is reported, not a statement of its own. On PolNeAR train these rules were
# 12-31% precise when nested, while nested reported speech ("said that X told him ...") stays
# near 50% and is kept.
_WEAK_NESTED = _WEAK_IN_QUOTATION | {"noun_stance", "noun_agentless", "noun_owner"}


def _drop_nested_stances(found: list[rules.Candidate]) -> list[rules.Candidate]:
    def inside(c: rules.Candidate, outer: rules.Candidate) -> bool:
        covered = [(s, e) for s, e in outer.content]
        within = lambda a, b: any(s <= a and b <= e for s, e in covered)  # noqa: E731
        return within(*c.cue) and all(within(s, e) for s, e in c.content)

    contents = Intervals((s, e, i) for i, d in enumerate(found) for s, e in d.content)

    def nested(i: int, c: rules.Candidate) -> bool:
        outers = {j for _, _, j in contents.covering(*c.cue) if j != i}
        return any(inside(c, found[j]) for j in sorted(outers))

    return [c for i, c in enumerate(found) if c.rule not in _WEAK_NESTED or not nested(i, c)]


def _repeated_titles(text: str, headlines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The headline written again at the top of the body, as scraped pages and wire copies
    do ("20:22 Syrian Coalition Urges UN to ..."): a headline's statement there too."""
    out = []
    for start, end in headlines:
        title = text[start:end].strip().rstrip(".")
        if len(title.split()) < 4:
            continue
        at = text.find(title, end, end + 400 + len(title))
        if at != -1:
            out.append((at, at + len(title)))
    return out


def _title_line(text: str) -> tuple[int, int] | None:
    stop = text.find("\n")
    if stop == -1 or len(text[:stop].split()) > 25:
        return None
    start = len(text) - len(text.lstrip())
    return (start, stop) if stop > start else None


def _dedupe(found: list[rules.Candidate]) -> list[rules.Candidate]:
    """One attribution per cue; "according to Y, X said Z" becomes X's, relayed by Y."""
    by_cue: dict[int, rules.Candidate] = {}
    for c in found:
        prev = by_cue.get(c.cue_token)
        if prev is None or sum(e - s for s, e in c.content) > sum(e - s for s, e in prev.content):
            by_cue[c.cue_token] = c
    kept = list(by_cue.values())
    cues = Intervals(
        (o.cue[0], o.cue[0] + 1, i)
        for i, o in enumerate(kept)
        if o.source is not None and o.rule.startswith("verb_")
    )
    out = []
    for c in kept:
        if c.rule == "according_to":
            # the clause it introduces has its own speaker: the according-to source relays it
            hits = sorted({i for s, e in c.content for _, _, i in cues.overlapping(s, e)})
            inner = [kept[i] for i in hits if kept[i] is not c]
            if inner:
                for o in inner:
                    if c.source is not None:
                        o.via.insert(0, c.source)
                continue
        out.append(c)
    return out


def _assemble(
    doc: Doc, found: list[rules.Candidate], entities: list[Entity], quotes: list[Quote]
) -> list[Attribution]:
    text = text_of(doc)
    lex = lexicon()
    resolver = Resolver(doc, entities, lex, quotes)
    confidence = rule_confidence()
    out: list[Attribution] = []
    contents = Intervals((s, e, j) for j, c in enumerate(found) for s, e in c.content)
    for i, c in enumerate(found, 1):
        speaker = None
        if c.source is not None:
            speaker = resolver.resolve(c.source)
        via = [_relay(resolver, v, text) for v in c.via]
        # nested: this cue sits inside another attribution's content, so that speaker relays it
        earlier = sorted({j for _, _, j in contents.covering(c.cue[0], c.cue[0] + 1) if j < i - 1})
        for outer, attr in ((found[j], out[j]) for j in earlier):
            if (
                outer is not c
                and attr.speaker is not None
                and not any(r.name == attr.speaker.name for r in via)
                # "The president said he would ...": a speaker does not relay their own words
                and not _same(attr.speaker, speaker)
            ):
                via = [
                    Relay(name=attr.speaker.name, entity=attr.speaker.entity, source=attr.source),
                    *attr.via,
                    *via,
                ]
        a = Attribution(
            id=f"A{i}",
            kind=c.kind,
            cue=Span.of(text, *c.cue),
            source=Span.of(text, c.source.start_char, c.source.end_char)
            if c.source is not None
            else None,
            speaker=speaker,
            content=[Span.of(text, s, e) for s, e in c.content],
            via=via,
            confidence=confidence.get(c.rule, DEFAULT_CONFIDENCE),
            rule=c.rule,
            speech=is_speech(doc, c.rule, c.cue_token, lex, c.source),
        )
        out.append(a)
    return out


def _same(a: Speaker, b: Speaker | None) -> bool:
    if b is None:
        return False
    return (a.entity is not None and a.entity == b.entity) or a.name == b.name


def _relay(resolver: Resolver, mention: SpacySpan, text: str) -> Relay:
    sp = resolver.resolve(mention)
    source = Span.of(text, mention.start_char, mention.end_char)
    if sp is None:
        return Relay(name=mention.text, source=source)
    return Relay(name=sp.name, entity=sp.entity, source=source)


def voices(attributions: list[Attribution]) -> list[Voice]:
    """Who said something: speech attributions grouped by speaker, in order of first appearance.

    Attitudes and intentions ("believes", "wants", "supports") are attributions but give no
    voice. A joint speaker ("Damascus and Moscow") gives each member a voice with the shared
    statement; a relay ("SANA quoted the ministry") is listed with the statements it passed on.
    """
    groups: dict[str, Voice] = {}
    for a in attributions:
        if a.speaker is None or not a.speech:
            continue
        members = a.speaker.members or [a.speaker.name]
        for name in members:
            entity = a.speaker.entity if len(members) == 1 else None
            v = groups.setdefault(name, Voice(speaker=name, entity=entity))
            v.attributions.append(a.id)
        for r in a.via:
            v = groups.setdefault(r.name, Voice(speaker=r.name, entity=r.entity))
            if a.id not in v.relayed:
                v.relayed.append(a.id)
    return list(groups.values())


@component(
    "claimscope_attribution",
    reads=["entities"],
    writes=["attributions", "voices"],
    requires=["token.dep", "token.head", "token.lemma", "token.tag", "doc.ents", "doc.sents"],
)
def attribution_component(doc: Doc) -> Doc:
    found = Results.of(doc)
    found.attributions = extract(doc, doc._.article, found.entities)
    found.voices = voices(found.attributions)
    return doc
