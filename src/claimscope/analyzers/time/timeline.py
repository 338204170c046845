"""The timeline: claims placed in time by the resolved time expressions of their sentence.

A time expression dates the claim it lies in (``relation="contains"``); failing that, the claim
nearest to it in its sentence (``"sentence"``): "On Wednesday, SANA quoted the ministry as saying
that ..." dates the reported claim by when it was reported, which is what the article tells. A
sentence with a date and no claim still gives an event, with ``claim`` null and the sentence as its
text, so that no dated statement is dropped. Unresolved expressions give no event.

Events are in time order: by the first day their value can mean, then the last, then position.
That is value order when precisions agree, and puts a period where it begins: "earlier this month"
(2018-09, from the 1st) before "September 12", "last week" (2018-09, from the 17th) after it.
"""

from __future__ import annotations

from spacy.tokens import Doc

from claimscope.analyzers import Intervals, text_of, trimmed
from claimscope.model import Claim, Span, TimeExpression, TimelineEvent


def timeline(doc: Doc, times: list[TimeExpression], claims: list[Claim]) -> list[TimelineEvent]:
    text = text_of(doc)
    parsed = doc.has_annotation("SENT_START")
    events: list[tuple[tuple[str, str, int], TimelineEvent]] = []
    claim_index = Intervals((c.start, c.end, c) for c in claims)
    for t in times:
        if t.value is None or t.basis == "unresolved":
            continue
        time = Span(start=t.start, end=t.end, text=t.text)
        inside = [c for _, _, c in claim_index.covering(t.start, t.end)]
        if inside:
            c = min(inside, key=lambda c: c.end - c.start)
            events.append(_event(t, time, c.id, "contains", c.start, c.end, c.text))
            continue
        span = doc.char_span(t.start, t.end, alignment_mode="expand") if parsed else None
        if span is None:
            continue
        sent = span.sent
        near = [c for c in claims if c.start < sent.end_char and c.end > sent.start_char]
        if near:
            c = min(near, key=lambda c: max(c.start - t.end, t.start - c.end, 0))
            events.append(_event(t, time, c.id, "sentence", c.start, c.end, c.text))
            continue
        start, end = trimmed(text, sent.start_char, sent.end_char)
        events.append(_event(t, time, None, "sentence", start, end, text[start:end]))
    events.sort(key=lambda pair: pair[0])
    return [e for _, e in events]


def _event(
    t: TimeExpression, time: Span, claim: str | None, relation: str, start: int, end: int, text: str
) -> tuple[tuple[str, str, int], TimelineEvent]:
    """The event, with its sort key (first day, last day, position)."""
    value = t.value or ""
    key = (t.earliest or value, t.latest or value, t.start)
    event = TimelineEvent(
        value=value,
        basis=t.basis,
        time=time,
        claim=claim,
        relation=relation,
        start=start,
        end=end,
        text=text,
    )
    return key, event
