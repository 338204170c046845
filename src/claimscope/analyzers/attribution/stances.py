"""Held positions and intentions: who believes, wants, supports or opposes what.

PolNeAR (like PARC) counts as attributions not only what is said but what a source is said to
believe or intend: "Democrats are concerned that ...", "her decision to open the borders", "his
support for the bill", "expressed confidence that ...", "called on Congress to act". These rules
find such stances from the parse; each needs someone who holds the stance (a subject or a
possessor), so that "support for the bill grew" is not attributed to anyone.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from claimscope.analyzers import prose_tokens, text_of
from claimscope.analyzers.attribution.lexicon import Lexicon, can_speak, lexicon
from claimscope.analyzers.attribution.quotes import Quote
from claimscope.analyzers.attribution.rules import (
    Candidate,
    kind_of,
    noun_phrase,
    pieces,
    speaker_like,
    subject_of,
)

_POSSESSIVES = frozenset({"his", "her", "their", "our", "my"})
_COPULAS = frozenset({"be", "feel", "remain", "become", "seem", "appear", "grow", "get", "stay"})
_NO_SOURCE = frozenset({"it", "this", "that", "there", "what", "which"})
# participles of feeling that the parse reads as passives: "is concerned (that)", "is convinced"
_HELD = frozenset({"concern", "convince", "worry", "persuade", "satisfy", "disappoint", "alarm"})
# verbs of seeing one thing as another: "experts regard New Zealand as the capital of ..."
_VIEWING = frozenset({"regard", "see", "view", "consider", "perceive", "treat", "look"})
# nouns of a count that a source puts at a figure: "put the death toll at 470000"
_COUNTS = frozenset(
    {"toll", "number", "figure", "total", "count", "tally", "cost", "estimate", "casualty"}
)
_PUTTING = frozenset({"put", "place", "peg", "set", "estimate"})


def stance_adjectives(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    """ "Democrats are concerned that ...", "she remains confident that ...": a held belief.

    An adjective complement of a copula that takes a clause; the copula's subject holds the
    belief ("it is clear that ..." has no one holding it, and is left to the agentless rules).
    """
    out = []
    for t in prose_tokens(doc):
        aux = [c.i for c in t.children if c.dep_ == "auxpass"]
        if t.tag_ == "VBN" and t.lemma_ in _HELD and aux:
            # "The Press Council is concerned the laws would ...": the parse takes the adjective
            # for a passive verb, the holder for its passive subject
            subj = next((c for c in t.children if c.dep_ == "nsubjpass"), None)
            cue_start = min(aux)
        elif t.dep_ == "acomp" and t.head.lemma_ in _COPULAS:
            if any(c.lower_ in ("so", "such", "too") for c in t.children):
                continue  # "so loud that it ...": a result clause, not a belief
            subj = subject_of(t.head)
            cue_start = min(t.head.i, t.i)
        else:
            continue
        clause = next((c for c in t.children if c.dep_ == "ccomp" and c.i > t.i), None)
        if clause is None or subj is None or subj.lower_ in _NO_SOURCE:
            continue
        content = pieces(doc, list(clause.subtree), quotes)
        if not content:
            continue
        out.append(
            Candidate(
                "adjective_clause",
                kind_of(text_of(doc), content, quotes),
                (doc[cue_start].idx, t.idx + len(t.text)),
                t.i,
                content,
                source=noun_phrase(subj),
            )
        )
    return out


def stance_nouns(doc: Doc, lex: Lexicon, quotes: list[Quote]) -> list[Candidate]:
    """ "his support for the bill", "the ministry's criticism of the strike": a held position.

    Only with an owner (a possessor, or the subject of a light verb: "she voiced support for"),
    so that "support for the bill grew" is not attributed to anyone.
    """
    out = []
    for t in prose_tokens(doc):
        if t.pos_ != "NOUN":
            continue
        if t.lemma_ in lex.intention_nouns:
            found = _intention_noun(doc, t, quotes)
            if found is not None:
                out.append(found)
                continue
        if t.lemma_ not in lex.stance_nouns:
            continue
        prep = next(
            (c for c in t.children if c.dep_ == "prep" and c.lower_ in lex.stance_preps), None
        )
        tokens: list[Token] = []
        if prep is not None:
            tokens = [x for c in prep.children if c.dep_ in ("pobj", "pcomp") for x in c.subtree]
        elif t.dep_ == "dobj" and t.right_edge.i + 1 < len(doc):
            # "issued a plea for people to stay away": the parse hangs the phrase on the verb
            nxt = doc[t.right_edge.i + 1]
            if nxt.dep_ == "prep" and nxt.lower_ in ("for", "to") and nxt.head.i == t.head.i:
                prep = nxt
                tokens = [x for c in nxt.children if c.dep_ in ("pobj", "pcomp") for x in c.subtree]
            elif nxt.dep_ == "mark" and nxt.lower_ == "for" and nxt.head.head.i == t.head.i:
                prep = nxt  # "for people to stay away": a clause of its own
                tokens = [x for x in nxt.head.subtree if x.i > nxt.i]
        if prep is None:
            continue
        owner = next((c for c in t.children if c.dep_ == "poss"), None)
        if owner is None and t.dep_ == "dobj":
            owner = subject_of(t.head)
        if owner is None or not (speaker_like(owner) or owner.lower_ in _POSSESSIVES):
            continue  # "the first time ... an attack on Syria" has no one holding a view
        content = pieces(doc, tokens, quotes)
        if not content:
            continue
        out.append(
            Candidate(
                "noun_stance",
                "indirect",
                (t.idx, prep.idx + len(prep.text)),
                t.i,
                content,
                source=noun_phrase(owner),
            )
        )
    return out


def _intention_noun(doc: Doc, t: Token, quotes: list[Quote]) -> Candidate | None:
    """ "her decision to open the borders", "Turkey's refusal to acknowledge": a stated intent.

    Only with a possessor, who holds the intention; the to-infinitive is the content.
    """
    owner = next((c for c in t.children if c.dep_ == "poss"), None)
    clause = next(
        (
            c
            for c in t.children
            if c.dep_ == "acl"
            and c.i > t.i
            and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        ),
        None,
    )
    if owner is None or clause is None:
        return None
    content = pieces(doc, list(clause.subtree), quotes)
    if not content:
        return None
    return Candidate(
        "noun_intention",
        "indirect",
        (t.idx, t.idx + len(t.text)),
        t.i,
        content,
        source=noun_phrase(owner),
    )


def attitudes(doc: Doc, lex: Lexicon, quotes: list[Quote]) -> list[Candidate]:
    """ "expressed confidence that ...", "voiced support for X": a light verb and an attitude noun.

    The noun's clause or prepositional object is the content (or the verb's own clause: "expressed
    confidence it was holding the better hand"); the verb's subject holds the attitude.
    """
    out = []
    for t in prose_tokens(doc):
        if t.pos_ != "VERB" or t.lemma_ not in lex.attitude_verbs:
            continue
        noun = next((c for c in t.children if c.dep_ == "dobj"), None)
        subj = subject_of(t)
        if noun is None or noun.lemma_ not in lex.attitude_nouns or subj is None:
            continue
        tokens: list[Token] = []
        for c in noun.children:
            if c.i < noun.i:
                continue
            if c.dep_ in ("acl", "ccomp"):
                tokens.extend(c.subtree)
            elif c.dep_ == "prep":
                tokens.extend(
                    x for o in c.children if o.dep_ in ("pobj", "pcomp") for x in o.subtree
                )
        if not tokens:
            tokens = [
                x for c in t.children if c.dep_ == "ccomp" and c.i > noun.i for x in c.subtree
            ]
        content = pieces(doc, tokens, quotes)
        if not content:
            continue
        out.append(
            Candidate(
                "verb_attitude",
                kind_of(text_of(doc), content, quotes),
                (t.idx, noun.idx + len(noun.text)),
                t.i,
                content,
                source=noun_phrase(subj),
            )
        )
    return out


_APPEALING = frozenset({"call", "urge", "press", "prevail"})


def appeals(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    """ "called on Congress to act": the appeal's to-infinitive is the content, the caller its source.

    The parse hangs the infinitive on the verb or on the addressee; either way the addressee
    belongs to the cue ("called on Congress"), as annotators mark it.
    """
    out = []
    for t in prose_tokens(doc):
        if t.lemma_ not in _APPEALING or t.pos_ != "VERB":
            continue
        on = next(
            (
                c
                for c in t.children
                if c.dep_ in ("prep", "prt") and c.lower_ in ("on", "upon") and c.i > t.i
            ),
            None,
        )
        subj = subject_of(t)
        if on is None or subj is None:
            continue
        addressee = next((c for c in on.children if c.dep_ == "pobj"), None)
        clause = next((c for c in t.children if c.dep_ == "xcomp" and c.i > t.i), None)
        if clause is None and addressee is not None:
            clause = next(
                (c for c in addressee.children if c.dep_ in ("acl", "relcl") and c.i > addressee.i),
                None,
            )
        if clause is None:
            continue
        content = pieces(doc, list(clause.subtree), quotes)
        if not content:
            continue
        if clause.i <= on.i:
            continue
        # the cue runs to the end of the addressee ("called on the Federal Emergency Agency")
        end_tok = max((x for x in on.subtree if x.i < clause.i), key=lambda x: x.i)
        out.append(
            Candidate(
                "verb_appeal",
                kind_of(text_of(doc), content, quotes),
                (t.idx, end_tok.idx + len(end_tok.text)),
                t.i,
                content,
                source=noun_phrase(subj),
            )
        )
    return out


def views(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    """ "Whale experts regard New Zealand as the stranding capital", "looking at the 1900s as the
    neon century": a view its subject holds of something (an attitude, not speech).

    The object and its "as" complement are the content; the subject must be able to hold a view.
    """
    out = []
    for t in prose_tokens(doc):
        if t.lemma_ not in _VIEWING or t.pos_ != "VERB":
            continue
        obj = next((c for c in t.children if c.dep_ == "dobj" and c.i > t.i), None)
        cue_end = t
        if obj is None and t.lemma_ == "look":  # "looking at X as Y"
            at = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "at"), None)
            obj = next((c for c in at.children if c.dep_ == "pobj"), None) if at else None
            cue_end = at if at is not None else t
        if obj is None:
            continue
        as_ = next(
            (c for c in t.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > obj.i),
            None,
        ) or next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "as"), None)
        subj = subject_of(t)
        if as_ is None or subj is None or subj.lower_ in _NO_SOURCE or not _holder(subj):
            continue
        cue = (t.idx, cue_end.idx + len(cue_end.text))
        found = _object_and(doc, "verb_as", t, cue, obj, as_, subj, quotes)
        if found is not None:
            out.append(found)
    return out


def estimates(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    """ "The source put the death toll at 5 civilians": a figure its subject gives (speech)."""
    out = []
    for t in prose_tokens(doc):
        if t.lemma_ not in _PUTTING or t.pos_ != "VERB":
            continue
        obj = next((c for c in t.children if c.dep_ == "dobj" and c.i > t.i), None)
        at = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "at"), None)
        subj = subject_of(t)
        if obj is None or at is None or subj is None or obj.lemma_ not in _COUNTS:
            continue
        if at.i < obj.i or not any(x.like_num for x in at.subtree):
            continue
        if subj.lower_ in _NO_SOURCE or not _holder(subj):
            continue
        cue = (t.idx, t.idx + len(t.text))
        found = _object_and(doc, "verb_estimate", t, cue, obj, at, subj, quotes)
        if found is not None:
            out.append(found)
    return out


def _object_and(
    doc: Doc,
    rule: str,
    verb: Token,
    cue: tuple[int, int],
    obj: Token,
    complement: Token,
    subj: Token,
    quotes: list[Quote],
) -> Candidate | None:
    """The candidate whose content is a verb's object and its complement ("X as Y", "X at N")."""
    tokens = sorted({*obj.subtree, *complement.subtree}, key=lambda x: x.i)
    content = pieces(doc, tokens, quotes)
    if not content:
        return None
    kind = kind_of(text_of(doc), content, quotes)
    return Candidate(rule, kind, cue, verb.i, content, source=noun_phrase(subj))


def _holder(subj: Token) -> bool:
    """A subject that can hold a view or give a figure: a person, a body, a group, a document."""
    return speaker_like(subj) or can_speak(subj.lemma_.lower(), lexicon())
