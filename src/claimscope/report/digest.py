"""The digest at the top of both reports: what a reader should see in one screen.

1. the verdict lines: the outlet and its raters (a line per rater, its domains folded together)
   and the sourcing verdict with its reason;
2. who said what: a line per voice with its statements (short), the relays they came through,
   and who is talked about but never heard;
3. how each side is framed: per side (an affiliation, or an actor the article labels), the verbs
   that introduce its words, the labels applied to it and the doubt cast on its events;
4. the claims to check first, with voice, hedges and fact-check matches with their scores.

Built from the analysis alone; the strings are plain (unescaped) and each report escapes them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from claimscope.model import ActorFraming, Analysis, Voice
from claimscope.report.claims import match_line, priority, top_claims
from claimscope.report.outlet import (
    RaterLine,
    outlet_missing,
    outlet_ratings,
    outlet_summary,
    rater_lines,
)
from claimscope.report.wording import excerpt

DIGEST_CLAIMS = 5  # the details list ten; the digest the few a checker starts with
VOICES_SHOWN = 6  # the most-heard voices; the voices table lists every one
STATEMENTS_SHOWN = 2  # per voice; the attribution cards hold every statement
STATEMENT_CHARS = 110
CLAIM_CHARS = 220


@dataclass(frozen=True)
class Verdicts:
    outlet: str | None  # the registry entry in one line
    outlet_missing: str | None  # "“X” is not in the outlet registry."
    raters: tuple[RaterLine, ...]
    sourcing: str | None  # the sourcing verdict with its reason
    one_sided: bool


@dataclass(frozen=True)
class VoiceLine:
    speaker: str
    category: str
    affiliation: str
    statements: tuple[tuple[str, str], ...]  # (attribution id, its words cut short), in order
    more: int  # statements not shown
    relays: tuple[str, ...]  # "SANA" for "SANA quoted the ministry as saying"
    count: int  # statements in all


@dataclass(frozen=True)
class SideLine:
    side: str  # an affiliation ("Syria"), or the actor when it has none ("White Helmets")
    actors: tuple[str, ...]  # who the side's row stands for, when more than the side's name
    statements: int
    cues: tuple[tuple[str, int], ...]  # the verbs introducing its words, most used first
    distancing: int  # of which "claim", "allege" ...
    labels: tuple[str, ...]
    hedges: tuple[str, ...]  # doubt cast on its events or goals


@dataclass(frozen=True)
class ClaimLine:
    rank: int
    id: str
    text: str
    score: float  # the priority the claims are ranked by
    voice: str
    hedges: tuple[str, ...]
    why: str  # what raised and lowered it
    matches: tuple[str, ...]  # "Mostly false (Example Check), likely match 0.82"


@dataclass(frozen=True)
class Digest:
    verdicts: Verdicts
    voices: tuple[VoiceLine, ...]
    more_voices: int  # voices not shown in the digest
    unheard: tuple[str, ...]
    sides: tuple[SideLine, ...]
    claims: tuple[ClaimLine, ...]


def digest(analysis: Analysis) -> Digest:
    voices = who_said_what(analysis)
    return Digest(
        verdicts=verdicts(analysis),
        voices=tuple(voices[:VOICES_SHOWN]),
        more_voices=max(0, len(voices) - VOICES_SHOWN),
        unheard=tuple(analysis.sourcing.unheard if analysis.sourcing else ()),
        sides=tuple(sides(analysis.framing_by_actor, analysis.voices)),
        claims=tuple(claims_to_check(analysis)),
    )


def verdicts(analysis: Analysis) -> Verdicts:
    outlet = analysis.outlet
    s = analysis.sourcing
    return Verdicts(
        outlet=outlet_summary(outlet) if outlet is not None else None,
        outlet_missing=outlet_missing(analysis),
        raters=tuple(rater_lines(outlet_ratings(outlet))) if outlet is not None else (),
        # the reports say "one-sided" in their own words before the reason
        sourcing=s.reason.removeprefix("One-sided: ") if s is not None else None,
        one_sided=bool(s and s.one_sided),
    )


def who_said_what(analysis: Analysis) -> list[VoiceLine]:
    """A line per voice that said something, most statements first, ties in the voices' order."""
    by_id = {a.id: a for a in analysis.attributions}
    lines = []
    for v in analysis.voices:
        said = [by_id[i] for i in v.attributions if i in by_id]
        if not said:  # a relay with no words of its own shows as "via" on the others' lines
            continue
        statements = [
            (a.id, excerpt(" … ".join(c.text for c in a.content), STATEMENT_CHARS))
            for a in said
            if a.content
        ]
        lines.append(
            VoiceLine(
                speaker=v.speaker,
                category=v.category or "unknown",
                affiliation=v.affiliation or "",
                statements=tuple(statements[:STATEMENTS_SHOWN]),
                more=max(0, len(statements) - STATEMENTS_SHOWN),
                relays=tuple(dict.fromkeys(r.name for a in said for r in a.via)),
                count=len(said),
            )
        )
    return sorted(lines, key=lambda line: -line.count)  # stable: ties stay in reading order


def _plain(word: str) -> str:
    return word.strip("“”\"‘’'«» ").lower()


# Voices that speak for their country's side; a journalist, an NGO or a witness of the same
# country is a side of their own.
STATE_SIDE = frozenset({"government/official", "military", "state media", "party/politician"})


def sides(table: list[ActorFraming], voices: list[Voice] | None = None) -> list[SideLine]:
    """The per-actor table folded into sides a reader can set side by side.

    An actor that is itself a label of another ("Takfiri" in "Takfiri militants") joins the actor
    it labels; officials, armed forces and state media of one country form one side; actors never
    heard that share exactly the same doubt or labels (the US, Britain and France of one
    "purported goal") form one side.
    """
    category = {v.speaker: v.category for v in voices or []}
    rows = [r.model_copy(deep=True) for r in table]
    labelled = {_plain(label): r for r in rows for label in r.labels}
    kept = []
    for r in rows:
        host = labelled.get(_plain(r.actor))
        if r.statements == 0 and host is not None and host is not r:
            host.labels = [*r.labels, *(x for x in host.labels if x not in r.labels)]
            host.hedged += [h for h in r.hedged if h not in host.hedged]
            continue
        kept.append(r)
    groups: dict[str, list[ActorFraming]] = {}
    for r in kept:
        of_state = category.get(r.actor, "government/official") in STATE_SIDE
        groups.setdefault(r.affiliation if r.affiliation and of_state else r.actor, []).append(r)
    lines = [_side(name, members) for name, members in groups.items()]
    out: list[SideLine] = []
    unheard_at: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    for line in lines:
        if line.statements:
            out.append(line)
        elif line.labels or line.hedges:  # (an actor neither heard nor framed is left out)
            key = (line.labels, line.hedges)
            if key in unheard_at:  # named as the article names them: "the US, Britain"
                prev = out[unheard_at[key]]
                names = [*(prev.actors or (prev.side,)), *(line.actors or (line.side,))]
                out[unheard_at[key]] = replace(prev, side=", ".join(names), actors=())
                continue
            unheard_at[key] = len(out)
            out.append(line)
    # heard sides first, then the most framed; sorted() keeps the table's order among equals
    return sorted(out, key=lambda s: (-s.statements, -(len(s.labels) + len(s.hedges))))


def _side(name: str, members: list[ActorFraming]) -> SideLine:
    cues: Counter[str] = Counter()
    for r in members:
        cues.update(r.cues)
    actors = tuple(r.actor for r in members)
    return SideLine(
        side=name,
        actors=() if actors == (name,) else actors,
        statements=sum(r.statements for r in members),
        cues=tuple(cues.most_common()),
        distancing=sum(r.distancing_cues for r in members),
        labels=tuple(dict.fromkeys(x for r in members for x in r.labels)),
        hedges=tuple(dict.fromkeys(x for r in members for x in r.hedged)),
    )


def cue_words(line: SideLine) -> str:
    """ "say 5, warn 2" with the distancing ones counted apart: "claim 2 (2 distancing)"."""
    words = ", ".join(f"{'a headline colon' if k == ':' else k} {n}" for k, n in line.cues)
    if line.distancing:
        words += f" ({line.distancing} distancing)"
    return words


def claims_to_check(analysis: Analysis, n: int = DIGEST_CLAIMS) -> list[ClaimLine]:
    return [
        ClaimLine(
            rank=r.rank,
            id=r.claim.id,
            text=excerpt(r.claim.text, CLAIM_CHARS),
            score=priority(r.claim),
            voice=r.voice,
            hedges=tuple(h.text for h in r.claim.hedges),
            why=r.why,
            matches=tuple(
                match_line(m) for m in sorted(r.claim.factchecks, key=lambda m: -m.score)
            ),
        )
        for r in top_claims(analysis, n)
    ]
