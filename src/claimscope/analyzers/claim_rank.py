"""Which claims of a news article to check first: the sentence score, moved by what makes a claim
checkable in news.

The check-worthiness score (:mod:`claimscope.analyzers.checkworthiness`) is learnt from debate
sentences, where a figure or a name already sets a claim apart from small talk. In a news article
nearly every sentence reports something, so the score alone ranks a vague framing sentence ("it
was not the first time that ...") above the concrete event the article is about. What a
fact-checker can check is a *specific* statement: an event or action with an agent, a number, a
date, a place. Photo captions, questions, opinions and prescriptions, and meta-statements about
the story are not what they check first.

:func:`rank` adds a fixed amount to the log-odds of the score for each such feature found in the
claim (:data:`EFFECTS`) and returns the moved score as ``Claim.priority`` with the features as
``Claim.reasons``, so that a reader sees why a claim is first. The amounts are set by design, not
fitted: no annotated news set for check-worthiness exists in the project's data, and fitting them
to one article would be tuning to it. A feature counts once per claim, whatever the number of
matches, so that a long sentence full of names does not win by length alone.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimscope.model import RankReason

#: log-odds added per feature (raising features positive, lowering ones negative)
EFFECTS: dict[str, float] = {
    "number": 0.6,  # a count, amount, percentage or money: the most checkable of facts
    "date": 0.5,  # a day, month or year ties the claim to a record
    "place": 0.3,  # a named place narrows where to look
    "agent_action": 0.4,  # someone named or described did something (not "is", not "said")
    "caption": -1.5,  # a photo caption describes a picture, not the story's facts
    "question": -1.0,  # a question asserts nothing
    "opinion": -0.8,  # a view, a wish or a prescription ("should", "I think")
    "vague": -0.8,  # "it was not the first time ...": a statement about the story, no fact named
}

_NUMBER_ENTS = frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY"})
_DATE_ENTS = frozenset({"DATE", "TIME"})
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
_NAMED_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT"})
# verbs of being, having and mattering: "people need", "the class you're born into matters"
_STATE_VERBS = frozenset(
    {
        "be", "have", "seem", "appear", "become", "remain", "look", "feel", "need", "matter",
        "want", "know", "like", "mean", "include", "contain", "exist", "belong", "consist",
        "depend", "deserve", "lack", "own", "stand", "sit", "lie",
    }
)  # fmt: skip
_SPECIFIC_DATE = re.compile(
    r"\b(?:1[5-9]\d\d|20\d\d)\b|\d{1,4}[/.-]\d{1,2}\b"
    r"|\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|Monday|Tuesday|Wednesday"
    r"|Thursday|Friday|Saturday|Sunday)\b"
)
_SPEECH_VERBS = frozenset({"say", "tell", "add", "state", "note", "claim", "report"})
_NOT_ACTIONS = _STATE_VERBS | _SPEECH_VERBS
_OPINION_CUES = frozenset(
    {"think", "believe", "feel", "hope", "wish", "want", "fear", "suggest", "argue", "urge", "call"}
)
_PRESCRIPTIVE = frozenset({"should", "must", "ought", "need"})
_OPINION_WORDS = re.compile(
    r"\b(?:I think|I believe|we believe|in my view|in my opinion|in our view)\b", re.IGNORECASE
)
_EMPTY_SUBJECTS = frozenset({"it", "this", "that", "there", "these", "those"})


@dataclass(frozen=True)
class Ranked:
    priority: float
    reasons: list[RankReason]


def rank(
    doc: Doc,
    start: int,
    end: int,
    score: float,
    *,
    caption: bool = False,
    cue_lemma: str | None = None,
) -> Ranked:
    """The claim ``doc.text[start:end]`` with sentence score ``score``, ranked for a news reader.

    ``caption``: the claim lies in a photo caption; ``cue_lemma``: the verb that introduces it when
    it is someone's statement ("think" in "he thinks that ...")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    found = _features(span, cue_lemma) if span is not None else {}
    if caption:
        found["caption"] = None
    reasons = [
        RankReason(feature=feature, effect=effect, text=found[feature])
        for feature, effect in EFFECTS.items()
        if feature in found
    ]
    logit = _logit(score) + sum(r.effect for r in reasons)
    return Ranked(round(1.0 / (1.0 + math.exp(-logit)), 3), reasons)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _features(span: SpacySpan, cue_lemma: str | None) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    ents = list(span.ents)
    for ent in ents:
        if ent.label_ in _NUMBER_ENTS and "number" not in found and not _in_name(ent):
            found["number"] = ent.text
        elif ent.label_ in _DATE_ENTS and "date" not in found and _is_specific_date(ent):
            found["date"] = ent.text
        elif ent.label_ in _PLACE_ENTS and "place" not in found:
            found["place"] = ent.text
    if "number" not in found:
        digits = next((t for t in span if t.like_num and any(c.isdigit() for c in t.text)), None)
        if digits is not None and not ("date" in found and digits.text in (found["date"] or "")):
            found["number"] = digits.text
    action = _agent_action(span)
    if action:
        found["agent_action"] = action
    if span.text.rstrip().endswith("?"):
        found["question"] = None
    opinion = _opinion(span, cue_lemma)
    if opinion:
        found["opinion"] = opinion
    named = any(e.label_ in _NAMED_ENTS for e in ents)
    if (not named and not {"number", "date"} & found.keys()) or _empty_frame(span, found):
        found["vague"] = None
    return found


def _is_specific_date(ent: SpacySpan) -> bool:
    """A day, month or year ("April 14", "2013", "Tuesday", "12/09/2018"); not an age or a span
    of time ("nine months ago", "recent years", "seven years old"), which the model types DATE
    too."""
    return bool(_SPECIFIC_DATE.search(ent.text))


def _in_name(ent: SpacySpan) -> bool:
    """A number word that is part of a name: "Ninety Mile Beach", "Seven Sisters Road"."""
    words = [t for t in ent if not t.like_num and t.is_alpha]
    if any(t.text[:1].isupper() for t in words):
        return True
    doc = ent.doc
    after = doc[ent.end] if ent.end < len(doc) else None
    return ent.text[:1].isupper() and after is not None and after.pos_ == "PROPN"


def _agent_action(span: SpacySpan) -> str | None:
    """The verb of an action done by a subject in the claim ("the terrorists kidnapped")."""
    for t in span:
        if t.pos_ != "VERB" or t.lemma_.lower() in _NOT_ACTIONS:
            continue
        subjects = [c for c in t.children if c.dep_ == "nsubj"]
        if any(s.pos_ in ("NOUN", "PROPN") for s in subjects):
            return t.text
    return None


def _opinion(span: SpacySpan, cue_lemma: str | None) -> str | None:
    if cue_lemma and cue_lemma in _OPINION_CUES:
        return cue_lemma
    hit = _OPINION_WORDS.search(span.text)
    if hit:
        return hit.group()
    for t in span:
        if t.tag_ == "MD" and t.lower_ in _PRESCRIPTIVE:
            return t.text
    return None


def _empty_frame(span: SpacySpan, found: dict[str, str | None]) -> bool:
    """A copular sentence about "it" or "this" with no figure or day: a statement about the
    story ("it was not the first time that ..."), not a fact in it."""
    if {"number", "date"} & found.keys():
        return False
    for t in span:
        if t.dep_ == "ROOT" or t.head.i < span.start or t.head.i >= span.end:
            if t.lemma_.lower() != "be":
                return False
            subjects = [c for c in t.children if c.dep_ in ("nsubj", "expl")]
            return any(s.lower_ in _EMPTY_SUBJECTS for s in subjects)
    return False
