"""Speech or attitude: whether an attribution reports something said or written.

PolNeAR (like PARC) annotates beliefs, intentions and stances as attributions ("Democrats are
concerned that ...", "his support for the bill", "she wants to ..."), and the attribution list keeps
them. But a *voice* in the sourcing summary must be someone who said or wrote something: "hard-line
Muslims attacked bars" or "they hope to win" give nobody a voice. So every attribution is marked
``speech`` (said, told, wrote, claimed, accused, denied, announced, according to, a quotation, a
report's finding) or not (believes, wants, fears, supports), from its rule and its cue word; a
negated act ("did not deny that ...") reports nothing said either.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from claimscope.analyzers.attribution.lexicon import Lexicon

# rules that only find held positions and intentions (:mod:`.stances`)
_ATTITUDE_RULES = frozenset({"adjective_clause", "noun_intention", "verb_as"})
# verbs of intention, wish and cognition: the subject holds a view, says nothing
_ATTITUDE_VERBS = frozenset(
    {
        "want", "hope", "hop", "plan", "decide", "aim", "like", "love", "prefer", "choose", "opt",
        "intend", "seek", "expect", "envision", "contemplate", "doubt", "know", "realize",
        "realise", "understand", "learn", "see", "hear", "recognize", "recognise", "remember",
        "forget", "imagine", "wish", "need", "try", "refuse", "decline",
    }
)  # fmt: skip
# verbs whose object is a stance or an action, not words: "supported the bill", "attacked bars"
_ACTION_VERBS = frozenset({"support", "back", "endorse", "oppose", "attack", "vote"})
# nouns that name a held view rather than an utterance: "her belief that", "his support for"
_ATTITUDE_NOUNS = frozenset(
    {
        "belief", "fear", "view", "position", "concern", "hope", "doubt", "worry", "possibility",
        "conviction", "idea", "sense", "impression", "notion", "support", "opposition",
        "endorsement", "stance", "admiration", "disdain", "contempt", "skepticism", "scepticism",
        "enthusiasm", "rumor", "rumour", "speculation", "desire", "intention", "willingness",
        "unwillingness", "determination", "reluctance", "readiness", "confidence", "optimism",
        "frustration", "dismay", "disappointment", "anger", "outrage", "interest", "regret",
        "surprise", "gratitude", "sympathy", "openness", "reservation", "alarm",
    }
)  # fmt: skip


def is_speech(
    doc: Doc, rule: str, cue_token: int, lex: Lexicon, source: Span | None = None
) -> bool:
    """Whether the attribution found by ``rule`` at ``cue_token`` reports something said or written."""
    if rule in _ATTITUDE_RULES:
        return False
    if source is not None and any(
        t.lower_ in ("no", "nobody", "none", "neither") and t.dep_ in ("det", "nsubj")
        for t in source
    ):
        return False  # "no group claimed responsibility": nobody said it
    if rule.startswith(
        ("agentless", "headline", "according", "speaker_label", "relay", "verb_colon_list")
    ):
        return True
    if not 0 <= cue_token < len(doc):
        return True
    cue = doc[cue_token]
    lemma = cue.lemma_.lower()
    if any(c.dep_ == "neg" for c in cue.children):
        return False  # "did not deny that ...", "never said ..."
    if cue.pos_ == "NOUN":
        if rule == "noun_stance" or rule == "noun_owner":
            return lemma not in _ATTITUDE_NOUNS
        return True
    if rule == "verb_attitude":
        return True  # "expressed confidence that", "voiced support for": said aloud
    if rule == "verb_belief" or lemma in lex.belief or lemma in _ATTITUDE_VERBS:
        return False
    if lemma in _ACTION_VERBS:
        return False
    if rule == "verb_that":
        # a verb outside the lexicon with a that-clause: speech only when a verb of saying
        return lemma in lex.speech or lemma in lex.judgement or lemma in lex.evidence
    return True
