"""Span-level framing rules: each finds one technique in the parsed text.

The lexicons say which words can carry a technique; the parse says whether they do here (a doubt
modifier must modify a noun, quotation marks are scare quotes only around a short noun phrase that
nobody is quoted as saying, a threat word appeals to fear only in a clause that looks ahead).
Each hit names its target: the actor or thing the words are applied to.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimscope.analyzers import Intervals, text_of
from claimscope.analyzers.attribution.quotes import Quote
from claimscope.analyzers.framing.lexicon import FramingLexicon
from claimscope.model import Attribution

EXPLANATIONS = {
    "name_calling": "“{text}” labels {target} with a name that carries a judgement, instead of "
    "describing who they are or what they did.",
    "sponsor_label": "“{text}” labels {target} by who is said to stand behind them, which casts "
    "them as someone else's instrument without showing it.",
    "loaded_language": "“{text}” is an emotionally loaded word: it tells the reader how to feel "
    "about {target} rather than what happened.",
    "judged_place": "“{text}” sums {target} up by a judgement of its state, a loaded description "
    "presented as background fact.",
    "doubt": "“{text}” casts doubt on {target} without saying who doubts it or on what evidence.",
    "doubt_phrase": "“{text}” raises doubt without naming who doubts or why.",
    "scare_quotes": "The quotation marks around “{text}” quote nobody: they signal that the writer "
    "does not accept the term for {target}.",
    "appeal_to_fear": "“{text}” in a clause about what is coming appeals to fear of a threat "
    "to {target}.",
    "exaggeration": "“{text}” overstates: an absolute or intensifier the article does not support.",
    "flag_waving": "“{text}” appeals to national identity or pride instead of giving a reason.",
    "whataboutism": "“{text}” turns attention to the accuser's own conduct instead of answering "
    "the charge.",
    "causal_oversimplification": "“{text}” presents a single cause as the whole explanation.",
    "slogans": "“{text}” is a short, catchy phrase used as a slogan rather than an argument.",
    "repetition": "“{text}” is repeated ({n} times in the article): repeating a label or loaded "
    "word makes it familiar and so more believable.",
}
# When the words name no one but themselves ("the terrorists kidnapped ..."): the label is the
# only name the article gives, so the explanation says so instead of naming a target.
UNTARGETED = {
    "name_calling": "“{text}” refers to people by a label that carries a judgement, instead of "
    "saying who they are or what they did.",
    "loaded_language": "“{text}” is an emotionally loaded word: it tells the reader how to feel "
    "rather than what happened.",
    "scare_quotes": "The quotation marks around “{text}” quote nobody: they signal that the "
    "writer does not accept the term.",
    "doubt": "“{text}” casts doubt without saying who doubts or on what evidence.",
}

_GENERIC_HEADS = frozenset(
    {"group", "groups", "organization", "organisation", "outfit", "forces", "fighters", "elements"}
)


@dataclass
class Hit:
    technique: str
    start: int
    end: int
    target: str | None
    explanation: str
    target_span: tuple[int, int] | None = None  # where the target is in the text, when known
    confidence: float | None = None  # a learned tagger's probability; rules use their technique's


def _explain(kind: str, text: str, target: str | None, **extra: object) -> str:
    if target is None and kind in UNTARGETED:
        return UNTARGETED[kind].format(text=text, **extra)
    who = f"“{target}”" if target else "its subject"
    return EXPLANATIONS[kind].format(text=text, target=who, **extra)


def _tokens(doc: Doc, start: int, end: int) -> SpacySpan | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _phrase(head: Token, exclude: set[int]) -> tuple[str, tuple[int, int]] | None:
    """The head noun with its name-like modifiers ("White Helmets", "gas attack"), minus labels."""
    names = [
        c
        for c in head.lefts
        if c.dep_ in ("compound", "nmod") and c.pos_ == "PROPN" and c.i not in exclude
    ]
    if names and head.pos_ == "NOUN":
        # the White Helmets "aid group": the name, not the common noun it is filed under
        name = names[-1]
        ent = _entity_at(name)
        if ent is not None:
            return ent.text, (ent.start_char, ent.end_char)
        first = min([name, *(c for c in name.lefts if c.dep_ == "compound")], key=lambda t: t.i)
        start, end = first.idx, name.idx + len(name.text)
        return text_of(head.doc)[start:end], (start, end)
    keep = [
        c
        for c in head.lefts
        if c.dep_ in ("compound", "nmod", "amod")
        and c.i not in exclude
        and c.pos_ in ("PROPN", "NOUN", "ADJ")
        and c.i > head.i - 4
    ]
    words = [*keep, head] if head.i not in exclude else keep
    if not words:
        return None
    # a contiguous run only: compounds are next to their head
    words = sorted(words, key=lambda t: t.i)
    while len(words) > 1 and words[-1].i - words[0].i + 1 != len(words):
        words = words[1:]
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    return text_of(head.doc)[start:end], (start, end)


def target_of(doc: Doc, start: int, end: int) -> tuple[str, tuple[int, int]] | None:
    """Who or what the words at ``start:end`` are applied to; None when that is only the words
    themselves ("the terrorists", "the liberation"): naming them as their own target would be
    circular."""
    found = _applied_to(doc, start, end)
    if found is not None and start <= found[1][0] and found[1][1] <= end:
        return None
    return found


def _applied_to(doc: Doc, start: int, end: int) -> tuple[str, tuple[int, int]] | None:
    span = _tokens(doc, start, end)
    if span is None:
        return None
    inside = {t.i for t in span}
    root = span.root
    if root.dep_ in ("amod", "compound", "nmod", "npadvmod") and root.head.pos_ in (
        "NOUN",
        "PROPN",
    ):
        head = root.head
        if head.lower_ in _GENERIC_HEADS:  # "terrorist groups": the phrase names the group
            return _phrase(head, set())
        return _phrase(head, inside)
    if root.pos_ in ("NOUN", "PROPN"):
        outside = [
            c
            for c in root.lefts
            if c.i not in inside and c.dep_ in ("compound", "nmod", "poss") and c.pos_ == "PROPN"
        ]
        if outside:  # the White Helmets "aid group": the name next to the quoted words
            return _phrase(outside[-1], set())
        if root.head.i not in inside and root.dep_ == "appos":
            return _phrase(root.head, set())
        return _phrase(root, set())
    return None


def _entity_at(token: Token) -> SpacySpan | None:
    """The named entity a token is part of, from the tokens' entity tags (``Doc.ents`` builds
    every entity of the article each time it is read)."""
    if not token.ent_iob_ or token.ent_iob_ == "O":
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    for m in pattern.finditer(text):
        yield m.start(), m.end()


def _in_name(doc: Doc, start: int, end: int) -> bool:
    """Part of a longer proper name ("Terrorist Screening Center"): a name, not a label."""
    names = doc.user_data.get("claimscope_framing_names")
    if names is None:  # ``doc.ents`` builds every span each time it is read: once per Doc
        names = doc.user_data["claimscope_framing_names"] = Intervals(
            (e.start_char, e.end_char, None)
            for e in doc.ents
            if e.label_ in ("ORG", "FAC", "WORK_OF_ART", "LAW", "EVENT")
        )
    return any(e - s > end - start for s, e, _ in names.covering(start, end))


def _targeted(doc: Doc, technique: str, kind: str, start: int, end: int) -> Hit:
    """A hit on ``start:end`` with the target its words are applied to, explained as ``kind``."""
    found = target_of(doc, start, end)
    target = found[0] if found else None
    words = text_of(doc)[start:end]
    return Hit(
        technique, start, end, target, _explain(kind, words, target), found[1] if found else None
    )


def labels(doc: Doc, lex: FramingLexicon) -> list[Hit]:
    text = text_of(doc)
    out = [
        _targeted(doc, "name_calling", "name_calling", start, end)
        for start, end in _matches(lex.name_calling, text)
        if not _in_name(doc, start, end)
    ]
    out += [
        _targeted(doc, "name_calling", "sponsor_label", start, end)
        for start, end in _matches(lex.sponsored, text)
    ]
    return out


def loaded(doc: Doc, lex: FramingLexicon) -> list[Hit]:
    return [
        _targeted(doc, "loaded_language", kind, start, end)
        for kind, pattern in (("loaded_language", lex.loaded), ("judged_place", lex.judged_place))
        for start, end in _matches(pattern, text_of(doc))
        if not _in_name(doc, start, end)
    ]


def doubt(doc: Doc, lex: FramingLexicon) -> list[Hit]:
    out = []
    for t in doc:
        word = t.lower_
        start = t.idx
        if word == "so" and t.i + 2 < len(doc) and doc[t.i + 2].lower_ == "called":
            word, end = "so-called", doc[t.i + 2].idx + len(doc[t.i + 2].text)
        else:
            end = t.idx + len(t.text)
        if word not in lex.doubt_modifiers:
            continue
        # a modifier before a noun ("alleged gas attack"), not a verb ("he claimed")
        head = t.head if word != "so-called" else doc[t.i + 2].head
        modifies = t.dep_ in ("amod", "compound", "advmod") or word == "so-called"
        if not modifies or head.pos_ not in ("NOUN", "PROPN") or head.i < t.i:
            continue
        found = _phrase(head, {t.i})
        target = found[0] if found else None
        out.append(
            Hit(
                "doubt",
                start,
                end,
                target,
                _explain("doubt", text_of(doc)[start:end], target),
                found[1] if found else None,
            )
        )
    for start, end in _matches(lex.doubt_phrases, text_of(doc)):
        out.append(
            Hit("doubt", start, end, None, _explain("doubt_phrase", text_of(doc)[start:end], None))
        )
    return out


def scare_quotes(
    doc: Doc, quotes: list[Quote], attributions: list[Attribution], lex: FramingLexicon
) -> list[Hit]:
    """Quotation marks around a short noun phrase that no attribution quotes as speech."""
    contents = {(c.start, c.end) for a in attributions for c in a.content}
    out = []
    text = text_of(doc)
    for q in quotes:
        s, e = q.inner
        inner = text[s:e].strip(" ,.;:!?")
        words = inner.split()
        if not 1 <= len(words) <= 4:
            continue
        if any(abs(cs - q.start) <= 1 and abs(ce - q.end) <= 1 for cs, ce in contents):
            continue  # the quotation is a statement's whole content: said “no”
        if any(abs(cs - s) <= 1 and abs(ce - e) <= 1 for cs, ce in contents):
            continue
        before = text[max(0, q.start - 40) : q.start]
        if lex.naming.search(before[-20:]) or before.rstrip().endswith((":", ",")):
            continue  # a name being given, or a quotation introduced by punctuation
        if len(words) >= 2 and all(w[:1].isupper() for w in words):
            continue  # a title or a proper name in quotation marks
        span = _tokens(doc, s, e)
        if span is None or span.root.pos_ not in ("NOUN", "PROPN", "ADJ"):
            continue
        prev = doc[span.start - 2] if span.start >= 2 else None  # the token before the mark
        if prev is None or prev.pos_ not in ("PROPN", "DET", "ADJ", "PRON", "NOUN"):
            continue  # "was “a total lightweight”": a partial quotation, not a label
        if prev.pos_ == "PRON" and prev.tag_ != "PRP$":
            continue
        found = target_of(doc, s, e)
        target = found[0] if found else None
        out.append(
            Hit(
                "scare_quotes",
                q.start,
                q.end,
                target,
                _explain("scare_quotes", text[s:e], target),
                found[1] if found else None,
            )
        )
    return out


def fear(doc: Doc, lex: FramingLexicon) -> list[Hit]:
    out = []
    for sent in doc.sents:
        text = sent.text
        ahead = lex.prospective.search(text)
        if not ahead:
            continue
        for m in lex.threats.finditer(text, ahead.end()):
            if len(text[ahead.end() : m.start()].split()) > 12:
                break  # the threat must be what the clause says is coming
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            span = _tokens(doc, start, end)
            target = None
            if span is not None:
                against = next(
                    (
                        c
                        for c in span.root.subtree
                        if c.dep_ == "prep" and c.lower_ in ("against", "on")
                    ),
                    None,
                )
                pobj = (
                    next((c for c in against.children if c.dep_ == "pobj"), None)
                    if against
                    else None
                )
                found = _phrase(pobj, set()) if pobj is not None else None
                target = found[0] if found else None
            out.append(
                Hit(
                    "appeal_to_fear",
                    start,
                    end,
                    target,
                    _explain("appeal_to_fear", text[m.start() : m.end()], target or "the reader"),
                )
            )
            break  # one per sentence: the sentence is the appeal
    return out


def phrases(doc: Doc, lex: FramingLexicon) -> list[Hit]:
    out = []
    for technique, pattern in (
        ("exaggeration", lex.exaggeration),
        ("flag_waving", lex.flag_waving),
        ("whataboutism", lex.whataboutism),
        ("causal_oversimplification", lex.causal),
    ):
        for start, end in _matches(pattern, text_of(doc)):
            out.append(
                Hit(technique, start, end, None, _explain(technique, text_of(doc)[start:end], None))
            )
    return out


def slogans(doc: Doc, quotes: list[Quote]) -> list[Hit]:
    """Short quoted imperatives or exclamations ("Build the wall!"), and hashtags."""
    out = []
    for q in quotes:
        s, e = q.inner
        inner = text_of(doc)[s:e].strip()
        words = inner.split()
        if not 2 <= len(words) <= 6:
            continue
        span = _tokens(doc, s, e)
        imperative = span is not None and span[0].tag_ == "VB" and span[0].dep_ == "ROOT"
        if imperative or inner.endswith("!") or (inner.isupper() and len(inner) > 6):
            out.append(Hit("slogans", q.start, q.end, None, _explain("slogans", inner, None)))
    for m in re.finditer(r"(?<![\w#])#[A-Za-z]\w{2,}", text_of(doc)):
        out.append(Hit("slogans", m.start(), m.end(), None, _explain("slogans", m.group(), None)))
    return out


def repetition(doc: Doc, hits: list[Hit]) -> list[Hit]:
    """Second and later uses of the same label or loaded word."""
    groups: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        if h.technique in ("name_calling", "loaded_language"):
            span = _tokens(doc, h.start, h.end)
            words = (
                [t.lemma_ for t in span] if span is not None else [text_of(doc)[h.start : h.end]]
            )
            groups["".join(words).lower()].append(h)
    out = []
    for group in groups.values():
        spans = sorted({(h.start, h.end) for h in group})
        if len(spans) < 2:
            continue
        # each use keeps its own target: "terrorist groups" here, "the terrorists" (none) there
        targets = {(h.start, h.end): h.target for h in group}
        for start, end in spans[1:]:
            out.append(
                Hit(
                    "repetition",
                    start,
                    end,
                    targets[start, end],
                    _explain("repetition", text_of(doc)[start:end], None, n=len(spans)),
                )
            )
    return out
