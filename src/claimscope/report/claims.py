"""Claims for a checker: ranked by priority (check-worthiness moved by what makes a news claim
checkable), each with whose voice it is in, why it ranks where it does, and the fact-checks that
may check it with how likely each match is.

A match score is a probability that the review checks this claim; the reports say it in words
next to the number, so that a 0.60 match does not read like a 0.99 one.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimscope.model import Analysis, Claim, FactCheckMatch

TOP_CLAIMS = 10  # a checker's first pass; the JSON keeps every claim
# Match strength in words: at or above each bar, the word beside it.
MATCH_WORDS = ((0.9, "close match"), (0.75, "likely match"), (0.0, "possible match"))


@dataclass(frozen=True)
class RankedClaim:
    rank: int
    claim: Claim
    voice: str  # "outlet", "unattributed", or "attributed to <speaker>"
    why: str  # "raised by a number (22), a date (2013); lowered as a photo caption"


def top_claims(analysis: Analysis, n: int = TOP_CLAIMS) -> list[RankedClaim]:
    """The claims most worth checking first: highest priority first (the check-worthiness score
    for an analysis made before priorities existed), ties in reading order, each wording once.

    An attributed claim names its speaker, because "who says so" is the first thing a checker asks.
    """
    speakers = _speakers(analysis)
    ranked = sorted(analysis.claims, key=lambda c: (-priority(c), c.start))
    # the same words twice (a quotation that two attributions share) are one claim to check
    seen: set[str] = set()
    unique = []
    for c in ranked:
        words = " ".join(c.text.split()).strip("“”\"' ").lower()
        if words not in seen:
            seen.add(words)
            unique.append(c)
    return [RankedClaim(i, c, _voice(c, speakers), why(c)) for i, c in enumerate(unique[:n], 1)]


def priority(claim: Claim) -> float:
    return claim.priority if claim.priority is not None else claim.checkworthiness


# What each ranking feature is, in words (claimscope.analyzers.claim_rank.EFFECTS).
REASON_WORDS = {
    "number": "a number",
    "date": "a date",
    "place": "a place",
    "agent_action": "an action with its agent",
    "caption": "a photo caption",
    "question": "a question",
    "opinion": "a view or prescription",
    "vague": "no specific fact named",
}


def why(claim: Claim) -> str:
    """The claim's ranking reasons in words: what raised it and what lowered it."""
    raised = [_reason(r.feature, r.text) for r in claim.reasons if r.effect > 0]
    lowered = [_reason(r.feature, r.text) for r in claim.reasons if r.effect < 0]
    parts = []
    if raised:
        parts.append("raised by " + ", ".join(raised))
    if lowered:
        parts.append("lowered as " + ", ".join(lowered))
    return "; ".join(parts)


def _reason(feature: str, text: str | None) -> str:
    words = REASON_WORDS.get(feature, feature.replace("_", " "))
    return f"{words} ({text})" if text else words


def _speakers(analysis: Analysis) -> dict[str, str]:
    return {a.id: a.speaker.name for a in analysis.attributions if a.speaker is not None}


def _voice(claim: Claim, speakers: dict[str, str]) -> str:
    speaker = speakers.get(claim.attribution or "") if claim.voice == "attributed" else None
    return f"attributed to {speaker}" if speaker else claim.voice


@dataclass(frozen=True)
class CheckedClaim:
    claim: Claim
    voice: str
    matches: list[FactCheckMatch]  # best match first


def factchecked_claims(analysis: Analysis) -> list[CheckedClaim]:
    """Every claim that stored fact-checks may check, in reading order, each match best first."""
    speakers = _speakers(analysis)
    return [
        CheckedClaim(c, _voice(c, speakers), sorted(c.factchecks, key=lambda m: -m.score))
        for c in sorted(analysis.claims, key=lambda c: c.start)
        if c.factchecks
    ]


def match_strength(score: float) -> str:
    """A match score in words: "close match" (0.9 and up), "likely match", "possible match"."""
    return next(word for bar, word in MATCH_WORDS if score >= bar)


def match_line(m: FactCheckMatch) -> str:
    """One match in a few words with its score: "Mostly false (Example Check), likely match 0.82"."""
    rating = m.rating or "no rating"
    said = f"{rating} ({m.reviewer})" if m.reviewer else rating
    return f"{said}, {match_strength(m.score)} {m.score:.2f}"


def match_summary(claim: Claim) -> str:
    """The claim's matches for the claims table, best first, each with its score in words."""
    return "; ".join(match_line(m) for m in sorted(claim.factchecks, key=lambda m: -m.score))
