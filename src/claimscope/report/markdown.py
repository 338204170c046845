"""A Markdown report for pasting into a ticket or a doc: the digest first (the verdicts, who said
what, how each side is framed, the claims to check first), then every attribution with its speaker
and relays, the framing findings grouped, framing by actor, sourcing and voices, the outlet, the
claims ranked with their fact-checks, the timeline, structure, entities, dates and the text.

Every article-derived string (names, labels, cue words, claim text, explanations that quote it,
the outlet registry's and the fact-check store's text) goes through ``_md``: a Markdown viewer
would otherwise render raw HTML or links from the article. Only http(s) URLs become links, through
``_link``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from claimscope.model import Analysis
from claimscope.report.claims import factchecked_claims, match_summary, priority, top_claims
from claimscope.report.digest import Digest, cue_words, digest
from claimscope.report.findings import finding_rows
from claimscope.report.outlet import outlet_fields, outlet_missing, outlet_ratings, rating_scales
from claimscope.report.wording import (
    attribution_kind,
    counts,
    percent,
    shares,
    speaker_of,
    web_url,
)

_INLINE = str.maketrans(
    {c: "\\" + c for c in "\\`*_[]|~"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
)


def _md(s: str) -> str:
    """Escape untrusted text for Markdown: inline markup, raw HTML, and block markers at the start."""
    out = " ".join(s.split()).translate(_INLINE)
    return re.sub(r"^([#>+-]|\d+[.)])", r"\\\1", out)


# Kept as they are in a link destination; everything else (spaces, parentheses, angle brackets,
# backslashes, "|" that would split a table cell) is percent-encoded.
_URL_SAFE = "/:?#@!$&'*+,;=%~"


def _link(url: str | None) -> str:
    """A Markdown link to ``url`` if it is http(s), else the URL as escaped text."""
    target = web_url(url)
    if target is None:
        return _md(url or "")
    return f"[{_md(target)}]({quote(target, safe=_URL_SAFE)})"


def render_markdown(analysis: Analysis) -> str:
    a = analysis.article
    lines = [f"# {_md(a.title or 'Untitled article')}", ""]
    meta = [
        ("Outlet", a.outlet),
        ("Published", a.published),
        ("URL", a.url),
        ("Author", a.author),
        ("Language", a.language),
        ("Source", a.source),
    ]
    lines += ["| field | value |", "|---|---|"]
    lines += [f"| {k} | {_md(v)} |" for k, v in meta if v]
    lines.append("")
    lines += _digest(digest(analysis))
    if analysis.notes:
        lines += ["## Notes", ""] + [f"- {_md(n)}" for n in analysis.notes] + [""]
    lines += _attributions(analysis) + _findings(analysis) + _framing_by_actor(analysis)
    lines += _sourcing(analysis) + _voices(analysis) + _outlet(analysis)
    lines += _claims(analysis) + _factchecks(analysis) + _timeline(analysis)
    lines += ["## Structure", ""]
    for s in a.sections:
        excerpt = a.text[s.start : s.end]
        excerpt = excerpt if len(excerpt) <= 120 else excerpt[:117] + "..."
        lines.append(f"- **{s.kind}** ({s.start}-{s.end}): {_md(excerpt)}")
    for r in a.removed:
        lines.append(f"- removed *{r.kind}*: {_md(r.text)}")
    lines.append("")
    if analysis.entities:
        lines += ["## Entities", "", "| id | name | type | mentions |", "|---|---|---|---|"]
        for e in analysis.entities:
            lines.append(f"| {e.id} | {_md(e.name)} | {e.type} | {len(e.mentions)} |")
        lines.append("")
    if analysis.times:
        lines += ["## Dates", "", "| text | value | basis |", "|---|---|---|"]
        lines += [f"| {_md(t.text)} | {t.value or ''} | {t.basis} |" for t in analysis.times]
        lines.append("")
    lines += ["## Text", ""]
    for s in a.sections:
        body = a.text[s.start : s.end]
        for para in body.split("\n\n"):
            lines += [("> " if s.kind == "caption" else "") + _md(para), ""]
    return "\n".join(lines)


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _sourcing(analysis: Analysis) -> list[str]:
    s = analysis.sourcing
    if s is None:
        return []
    lines = [
        "## Sourcing",
        "",
        f"- **One-sided:** {'yes' if s.one_sided else 'no'}",
        f"- **Reason:** {_md(s.reason)}",
        f"- **Distinct voices:** {s.voices}, with {s.attributions} attributed statements",
        f"- **Statements by category:** {_md(shares(s.by_category)) or 'none'}",
        f"- **Statements by affiliation:** {_md(shares(s.by_affiliation)) or 'none'}",
        f"- **Anonymous:** {percent(s.anonymous_share)}; **independent** (NGO, international "
        f"organisation, expert, witness): {percent(s.independent_share)}",
    ]
    if s.unheard:
        lines.append(f"- **Labelled or accused, never quoted:** {_md(', '.join(s.unheard))}")
    return [*lines, ""]


def _voices(analysis: Analysis) -> list[str]:
    if not analysis.voices:
        return []
    lines = ["## Voices", "", _row("voice", "category", "affiliation", "statements", "basis")]
    lines.append("|---" * 5 + "|")
    for v in analysis.voices:
        cells = (v.speaker, v.category or "", v.affiliation or "")
        lines.append(_row(*map(_md, cells), len(v.attributions), _md(v.basis or "")))
    return [*lines, ""]


def _digest(d: Digest) -> list[str]:
    """What a reader should see first: the verdicts, who said what, how each side is framed and
    the claims to check first (the same digest as the HTML report's)."""
    lines = ["## At a glance", "", *_verdicts(d)]
    lines += ["### Who said what", "", *_who_said_what(d), ""]
    lines += ["### How each side is framed", "", *_sides(d), ""]
    return [*lines, "### Claims to check first", "", *_check_first(d), ""]


def _verdicts(d: Digest) -> list[str]:
    v = d.verdicts
    lines = []
    if v.outlet:
        lines += [f"**Outlet:** {_md(v.outlet)}", ""]
        lines += [
            f"- **{_md(r.rater)}:** {_md(r.rating)}"
            + (f" ({_md(', '.join(r.domains))})" if r.domains else "")
            for r in v.raters
        ] or ["- The registry holds no ratings of this outlet."]
        lines.append("")
    elif v.outlet_missing:
        lines += [f"**Outlet:** {_md(v.outlet_missing)}", ""]
    if v.sourcing:
        lines += [f"**Sourcing:** {'**One-sided.** ' if v.one_sided else ''}{_md(v.sourcing)}", ""]
    return lines


def _who_said_what(d: Digest) -> list[str]:
    if not d.voices:
        lines = ["No statement is attributed to a named or described source."]
    else:
        lines = [_row("voice", "category", "affiliation", "statements", "via"), "|---" * 5 + "|"]
        for line in d.voices:
            said = [f"“{w}”" for _, w in line.statements] + [f"and {line.more} more"] * bool(
                line.more
            )
            cells = (line.speaker, line.category, line.affiliation, " / ".join(said))
            lines.append(_row(*map(_md, cells), _md(", ".join(line.relays))))
        if d.more_voices:
            lines += ["", f"And {d.more_voices} more voices (see Voices)."]
    if d.unheard:
        lines += ["", f"**Talked about, never heard:** {_md(', '.join(d.unheard))}"]
    return lines


def _sides(d: Digest) -> list[str]:
    if not d.sides:
        return ["No side is quoted, labelled or doubted."]
    head = ("side", "their words introduced by", "labels applied", "doubt on their acts")
    lines = [_row(*head), "|---" * 4 + "|"]
    for s in d.sides:
        side = s.side + (f" ({', '.join(s.actors)})" if s.actors else "")
        heard = cue_words(s) if s.statements else "not quoted"
        lines.append(_row(*map(_md, (side, heard, ", ".join(s.labels), ", ".join(s.hedges)))))
    return lines


def _check_first(d: Digest) -> list[str]:
    if not d.claims:
        return ["No claim was found."]
    checked = any(c.matches for c in d.claims)  # the column only when there is a match
    head = ["#", "claim", "priority", "voice", "why", "hedges"] + ["fact-checks"] * checked
    lines = [_row(*head), "|---" * len(head) + "|"]
    for c in d.claims:
        rest = [c.voice, c.why, ", ".join(c.hedges)] + ["; ".join(c.matches)] * checked
        lines.append(_row(c.rank, _md(c.text), f"{c.score:.2f}", *map(_md, rest)))
    return lines


def _attributions(analysis: Analysis) -> list[str]:
    """Every attribution: the speaker resolved, the words that introduce it, what is said, and
    the relays it came through."""
    if not analysis.attributions:
        return []
    lines = ["## Attributions", "", _row("speaker", "cue", "what", "via", "kind")]
    lines.append("|---" * 5 + "|")
    for a in analysis.attributions:
        speaker = speaker_of(a) or "(nobody named)"
        content = " … ".join(c.text for c in a.content)
        content = content if len(content) <= 240 else content[:237] + "..."
        via = ", ".join(r.name for r in a.via)
        lines.append(_row(*map(_md, (speaker, a.cue.text, content, via, attribution_kind(a)))))
    return [*lines, ""]


def _framing_by_actor(analysis: Analysis) -> list[str]:
    """The asymmetry table: one row per actor, so unequal treatment of the sides shows at a glance."""
    if not analysis.framing_by_actor:
        return []
    lines = [
        "## Framing by actor",
        "",
        "How the article treats each side: the verbs that introduce its statements (distancing "
        "ones such as *claim* or *allege* counted apart), the labels it applies, the doubt it casts "
        "on its events.",
        "",
        _row("actor", "affiliation", "statements", "cue verbs", "distancing", "labels", "doubted"),
        "|---" * 7 + "|",
    ]
    for r in analysis.framing_by_actor:
        lines.append(
            _row(
                _md(r.actor),
                _md(r.affiliation or ""),
                r.statements,
                _md(counts(r.cues)),
                r.distancing_cues,
                _md(", ".join(r.labels)),
                _md(", ".join(r.hedged)),
            )
        )
    return [*lines, ""]


def _findings(analysis: Analysis) -> list[str]:
    """One row per technique on the same words, with its count and whose words they are."""
    rows = finding_rows(analysis)
    if not rows:
        return []
    head = ("technique", "words", "aimed at", "times", "whose words", "why it matters")
    lines = ["## Framing findings", "", _model_line(analysis), "", _row(*head)]
    lines.append("|---" * len(head) + "|")
    for f in rows:
        cells = (f.technique, ", ".join(f.words), ", ".join(f.targets))
        lines.append(_row(*map(_md, cells), f.occurrences, _md(f.whose_words), _md(f.explanation)))
    return [*lines, ""]


def _model_line(analysis: Analysis) -> str:
    """Which model found the techniques, and how to get the stronger one when it did not run."""
    if analysis.technique_model:
        return (
            f"Found by claimscope's rules and the learned tagger {_md(analysis.technique_model)}."
        )
    return (
        "Found by claimscope's rules, which mark single words of a few techniques; a learned "
        "tagger finds phrases of 18 techniques: train it on this machine with `claimscope train "
        "techniques --ptc DIR` (the PTC corpus and the `train` extra)."
    )


def _claims(analysis: Analysis) -> list[str]:
    """The top claims by check-worthiness, with whose voice they are in and how they are hedged."""
    ranked = top_claims(analysis)
    if not ranked:
        return []
    lines = [
        "## Claims ranked for checking",
        "",
        f"The {len(ranked)} of {len(analysis.claims)} claims to check first: by priority, the "
        "check-worthiness score (0 to 1: factual claims score above opinions) raised by a number, "
        "a date, a place or an action with its agent, lowered for captions, questions, views "
        "and statements that name no fact.",
        "",
    ]
    # The fact-check column is there only when one of these claims has a match.
    checked = any(r.claim.factchecks for r in ranked)
    head = ["#", "priority", "score", "voice", "claim", "why", "hedges", "boosters"]
    head += ["fact-checks"] * checked
    lines += [_row(*head), "|---" * len(head) + "|"]
    for r in ranked:
        c = r.claim
        hedges = ", ".join(h.text for h in c.hedges)
        boosters = ", ".join(b.text for b in c.boosters)
        scores = (f"{priority(c):.2f}", f"{c.checkworthiness:.2f}")
        cells = [r.voice, c.text, r.why, hedges, boosters] + [match_summary(c)] * checked
        lines.append(_row(r.rank, *scores, *map(_md, cells)))
    return [*lines, ""]


def _outlet(analysis: Analysis) -> list[str]:
    """The outlet's registry entry, every rating on a row of its own; or one line saying the
    outlet that was named is not in the registry."""
    outlet = analysis.outlet
    if outlet is None:
        missing = outlet_missing(analysis)
        return ["## Outlet", "", _md(missing), ""] if missing else []
    lines = ["## Outlet", ""]
    lines += [f"- **{k}:** {_md(v)}" for k, v in outlet_fields(outlet)]
    lines.append("")
    ratings = outlet_ratings(outlet)
    if not ratings:
        return [*lines, "The registry holds no ratings of this outlet.", ""]
    lines += [
        "Each rater’s verdict as published, one row each; they are not combined into one score.",
        "",
        _row("rater", "rating", "domain", "date", "source", "licence"),
        "|---" * 6 + "|",
    ]
    for r in ratings:
        lines.append(_row(*map(_md, (r.rater, r.rating, r.domain, r.date, r.source, r.licence))))
    lines.append("")
    scales = rating_scales(ratings)
    if scales:
        lines += ["Scales of the values without a label:", ""]
        lines += [f"- **{_md(rater)}:** {_md(scale)}" for rater, scale in scales]
        lines.append("")
    return lines


def _factchecks(analysis: Analysis) -> list[str]:
    """Every claim that stored fact-checks may check, each match with its rating, reviewer, date,
    the claim as the fact-checker worded it, the match score and a link to the review."""
    checked = factchecked_claims(analysis)
    if not checked:
        return []
    lines = [
        "## Fact-checks",
        "",
        "Published fact-checks that may check a claim of this article, best match first. The match "
        "score (0 to 1) is how likely the review checks this claim; a rating judges the claim as "
        "the fact-checker worded it, so compare the wordings before relying on it.",
        "",
    ]
    for item in checked:
        c = item.claim
        lines += [f"### Claim {_md(c.id)} (voice: {_md(item.voice)})", "", f"> {_md(c.text)}", ""]
        lines += [
            _row("rating", "reviewer", "date", "fact-checked claim", "match score", "review"),
            "|---" * 6 + "|",
        ]
        for m in item.matches:
            cells = (m.rating or "no rating", m.reviewer or "not given", m.date or "no date")
            lines.append(_row(*map(_md, cells), _md(m.claim), f"{m.score:.2f}", _link(m.url)))
        lines.append("")
    return lines


def _timeline(analysis: Analysis) -> list[str]:
    """Claims in time order, each with the expression that dates it and how it was resolved."""
    if not analysis.timeline:
        return []
    lines = [
        "## Timeline",
        "",
        "Claims (or, lacking one, sentences) dated by a time expression in them or in their "
        "sentence, earliest first; *basis* says what the date was counted from.",
        "",
        _row("when", "basis", "dated by", "claim", "text"),
        "|---" * 5 + "|",
    ]
    for e in analysis.timeline:
        lines.append(_row(e.value, e.basis, _md(e.time.text), e.claim or "", _md(e.text)))
    return [*lines, ""]
