"""What both reports show beside the text: claims ranked for checking, shares and cues in words.

Kept in one place so that the Markdown and HTML reports rank, round and word things the same way;
the values stay plain (unescaped) strings, and each report escapes them for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimscope.model import Analysis, Claim

TOP_CLAIMS = 10  # a checker's first pass; the JSON keeps every claim


@dataclass(frozen=True)
class RankedClaim:
    rank: int
    claim: Claim
    voice: str  # "outlet", "unattributed", or "attributed to <speaker>"


def top_claims(analysis: Analysis, n: int = TOP_CLAIMS) -> list[RankedClaim]:
    """The claims most worth checking first: highest score first, ties in reading order.

    An attributed claim names its speaker, because "who says so" is the first thing a checker asks.
    """
    speakers = {a.id: a.speaker.name for a in analysis.attributions if a.speaker is not None}
    ranked = sorted(analysis.claims, key=lambda c: (-c.checkworthiness, c.start))
    out = []
    for i, c in enumerate(ranked[:n], 1):
        speaker = speakers.get(c.attribution or "") if c.voice == "attributed" else None
        out.append(RankedClaim(i, c, f"attributed to {speaker}" if speaker else c.voice))
    return out


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def shares(by_key: dict[str, float]) -> str:
    """``{"Russia": 0.55, "Syria": 0.45}`` as "Russia 55%, Syria 45%", largest first."""
    ranked = sorted(by_key.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {percent(v)}" for k, v in ranked)


def counts(by_key: dict[str, int]) -> str:
    """Cue lemmas and their counts as "say 2, quote 1", most used first."""
    ranked = sorted(by_key.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {n}" for k, n in ranked)
