"""Resolving time expressions to contract values (YYYY, YYYY-MM, YYYY-MM-DD), basis recorded.

What each basis means:

- ``explicit``: the text gives the value ("September 12, 2018", "in 2013");
- ``publication``: counted from the article's publication date ("last week", "on Wednesday",
  "April 14");
- ``context``: counted from a date the text gives: an anchored expression whose anchor holds one
  ("two days after April 14"), or, when the publication date is unknown, a month and day without a
  year that falls on or before the text's latest explicit date, which takes that date's year (the
  article was published on or after that date, so an earlier day in the same year is the reading
  news usage intends; a later one could be in that year or the one before, and stays unresolved);
- ``unresolved``: nothing sound to count from; ``value`` is null and ``note`` says why.

Conventions, as news copy uses them:

- "on Wednesday" is the latest Wednesday on or before publication, the publication day included
  (wire copy names the day rather than saying "today"), so one of the 7 days ending on it; when its
  verb points ahead (:func:`_direction`: "will meet on Wednesday", "is due to vote on Wednesday",
  "he travels on Sunday" outside a headline, "later on Friday") it is the first on or after
  publication, and the note says why. "last Wednesday" excludes the publication day; "next
  Wednesday" is after it.
- A month and day (or a month) without a year is in the publication year, unless that would be more
  than :data:`GRACE` after publication, then the year before ("December 30" published 2019-01-02
  is 2018-12-30); with a future verb, the first such day on or after publication.
- Weeks run Monday to Sunday. "N days ago" is a day; "N weeks/months/years ago" the whole week,
  month or year N before the current one, as "last week" is the one before this week.
- A period gets the finest contract value that contains all of it (a week inside September is
  "2018-09"), and ``earliest``/``latest`` give its exact first and last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from dateutil.relativedelta import weekday as rd_weekday
from spacy.tokens import Doc, Token

from claimscope.analyzers.time.find import Found
from claimscope.model import Span, TimeExpression

Basis = Literal["explicit", "publication", "context", "unresolved"]
GRACE = dt.timedelta(days=7)  # a month-day this far after publication is still the same year
_DAY = dt.timedelta(days=1)
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_FUTURE_HEADS = frozenset({"due", "set", "schedule", "expect", "plan", "go", "intend"})
_REPORTING = frozenset({"say", "tell", "report", "announce", "add", "claim", "state", "write"})
_FORWARD_CUES = frozenset({"later", "coming", "upcoming"})
_TEMPORAL_MARKS = frozenset({"when", "after", "before", "once", "until", "till", "as"})
_NEEDS_PUBLICATION = "relative to the publication date, which is unknown"


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @classmethod
    def day(cls, d: dt.date) -> Period:
        return cls(d, d)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(
            dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def of_value(cls, value: str) -> Period:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            return cls.day(dt.date(*parts))
        if len(parts) == 2:
            return cls.month(*parts)
        return cls.year(parts[0])

    def value(self) -> str | None:
        """The finest contract value containing the period; None if it spans two years."""
        a, b = self.first, self.last
        if a == b:
            return a.isoformat()
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.year:04d}-{a.month:02d}"
        return f"{a.year:04d}" if a.year == b.year else None


@dataclass(frozen=True)
class Outcome:
    period: Period | None
    basis: Basis
    note: str | None = None


def resolve(doc: Doc, text: str, found: list[Found], published: str | None) -> list[TimeExpression]:
    """Each found expression as a TimeExpression; anchored ones after the rest, so that an anchor
    holding a resolved expression can be counted from."""
    pub = dt.date.fromisoformat(published) if published else None
    latest = None if pub else _latest_explicit(found)
    out: list[TimeExpression | None] = [None] * len(found)
    for i, f in enumerate(found):
        if f.kind != "anchored":
            out[i] = _expression(text, f, _bounded(_resolve, doc, f, pub, latest))
    done = [t for t in out if t is not None]
    for i, f in enumerate(found):
        if f.kind == "anchored":
            out[i] = _expression(text, f, _bounded(_anchored, doc, text, f, done))
    return [t for t in out if t is not None]


def _bounded(resolver: Callable[..., Outcome], *args: Any) -> Outcome:
    """A resolution, or unresolved when it falls outside the calendar (years 1 to 9999): "next
    year" from a publication date of 9999-12-31 has no date to give."""
    try:
        return resolver(*args)
    except (OverflowError, ValueError):
        return Outcome(None, "unresolved", "falls outside the calendar (years 1 to 9999)")


def _expression(text: str, f: Found, o: Outcome) -> TimeExpression:
    value = o.period.value() if o.period else None
    resolved = o.period is not None and value is not None
    note = o.note
    if o.period is not None and value is None:
        note = (
            f"spans {o.period.first.isoformat()} to {o.period.last.isoformat()}, across two years"
        )
    return TimeExpression(
        start=f.start,
        end=f.end,
        text=text[f.start : f.end],
        value=value,
        basis=o.basis if resolved else "unresolved",
        kind=f.kind,
        earliest=o.period.first.isoformat() if o.period and resolved else None,
        latest=o.period.last.isoformat() if o.period and resolved else None,
        anchor=Span.of(text, *f.anchor) if f.anchor else None,
        note=note,
    )


def _latest_explicit(found: list[Found]) -> dt.date | None:
    """The last day of the latest explicit date with a month (the context for month-days)."""
    days = [Period.of_value(f.value).last for f in found if f.kind == "date" and f.value]
    return max(days) if days else None


def _resolve(doc: Doc, f: Found, pub: dt.date | None, latest: dt.date | None) -> Outcome:
    if f.kind in ("date", "year") and f.value:
        return Outcome(Period.of_value(f.value), "explicit")
    if f.kind in ("month_day", "month"):
        return _month_day(doc, f, pub, latest)
    if pub is None:
        return Outcome(None, "unresolved", _NEEDS_PUBLICATION)
    if f.kind == "weekday":
        return _weekday(doc, f, pub)
    if f.kind == "relative":
        return Outcome(_relative(f, pub), "publication")
    if f.kind == "ago":
        if f.n is None:
            return Outcome(None, "unresolved", "a vague amount of time before publication")
        return Outcome(_shift(pub, f.unit or "day", -f.n), "publication")
    return Outcome(None, "unresolved")


def _month_day(doc: Doc, f: Found, pub: dt.date | None, latest: dt.date | None) -> Outcome:
    assert f.month is not None

    def period(year: int) -> Period:
        if f.day is None:
            return Period.month(year, f.month)  # type: ignore[arg-type]
        return Period.day(dt.date(year, f.month, f.day))  # type: ignore[arg-type]

    try:
        if pub is not None:
            if f.mod == "last" or (f.mod != "next" and not _future(doc, f)):
                year = pub.year if period(pub.year).first <= pub + GRACE else pub.year - 1
                if f.mod == "last" and period(year).first >= pub:
                    year -= 1
            else:
                year = pub.year if period(pub.year).last >= pub else pub.year + 1
                if f.mod == "next" and period(year).first <= pub:
                    year += 1
            return Outcome(period(year), "publication")
        if latest is not None and f.mod is None:
            p = period(latest.year)
            if p.last <= latest:
                note = f"the year of the text's latest explicit date ({latest.year})"
                return Outcome(p, "context", note)
            return Outcome(
                None,
                "unresolved",
                f"could be in {latest.year} or the year before: it falls after the text's latest "
                "explicit date and the publication date is unknown",
            )
    except ValueError:  # "February 29" in a year without one
        return Outcome(None, "unresolved", "no such day in the year it would be in")
    return Outcome(None, "unresolved", _NEEDS_PUBLICATION)


def _weekday(doc: Doc, f: Found, pub: dt.date) -> Outcome:
    wd = rd_weekday(f.weekday or 0)
    if f.mod == "last":
        d = pub - _DAY + relativedelta(weekday=wd(-1))
    elif f.mod == "next":
        d = pub + _DAY + relativedelta(weekday=wd(+1))
    else:
        forward = _direction(doc, f)
        if forward is not None:
            d = pub + relativedelta(weekday=wd(+1))
            return Outcome(Period.day(d), "publication", f"on or after publication: {forward}")
        d = pub + relativedelta(weekday=wd(-1))
    return Outcome(Period.day(d), "publication")


def _relative(f: Found, pub: dt.date) -> Period:
    if f.word:
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(f.word, 0)
        return Period.day(pub + dt.timedelta(days=offset))
    step = {"last": -1, "this": 0, "next": 1}[f.mod or "this"]
    p = _shift(pub, f.unit or "day", step)
    if f.unit == "weekend":
        p = Period(p.first + dt.timedelta(days=5), p.last)
    if f.mod == "this" and f.edge == "earlier":
        p = Period(p.first, max(p.first, min(p.last, pub - _DAY)))
    elif f.mod == "this" and f.edge == "later":
        p = Period(min(p.last, max(p.first, pub + _DAY)), p.last)
    return p


def _shift(d: dt.date, unit: str, n: int) -> Period:
    """The day, week (Monday to Sunday), month or year ``n`` units from the one holding ``d``."""
    if unit == "day":
        return Period.day(d + dt.timedelta(days=n))
    if unit in ("week", "weekend"):
        monday = d - dt.timedelta(days=d.weekday()) + dt.timedelta(weeks=n)
        return Period(monday, monday + dt.timedelta(days=6))
    if unit == "month":
        m = d.replace(day=1) + relativedelta(months=n)
        return Period.month(m.year, m.month)
    return Period.year(d.year + n)


def _anchored(doc: Doc, text: str, f: Found, done: list[TimeExpression]) -> Outcome:
    """Counted from a resolved expression in the anchor's own clause ("two days after April 14",
    "a day after the raid on Saturday"), not one in a clause nested in it: "a day after the inquiry
    into whether the strikes last week killed civilians" is not dated by "last week"."""
    if f.anchor is None:
        return Outcome(None, "unresolved", "counted from an event told elsewhere in the text")
    phrase = text[f.anchor[0] : f.anchor[1]]
    anchor = doc.char_span(*f.anchor, alignment_mode="expand")
    base = next(
        (
            t
            for t in done
            if t.value
            and f.anchor[0] <= t.start
            and t.end <= f.anchor[1]
            and anchor is not None
            and _in_clause_of(doc, t, anchor.root)
        ),
        None,
    )
    if base is None or base.value is None:
        return Outcome(
            None, "unresolved", f"counted from “{phrase}”, which has no date in the text"
        )
    if f.n is None:
        return Outcome(None, "unresolved", f"a vague amount of time from {base.value}")
    unit = f.unit or "day"
    needed = {"day": 10, "week": 10, "month": 7, "year": 4}[unit]
    if len(base.value) < needed:
        return Outcome(None, "unresolved", f"{base.value} is not precise enough to count {unit}s")
    start = Period.of_value(base.value).first
    n = f.n * f.direction
    step = {
        "day": relativedelta(days=n),
        "week": relativedelta(weeks=n),
        "month": relativedelta(months=n),
        "year": relativedelta(years=n),
    }[unit]
    moved = start + step
    period = {
        10: Period.day(moved),
        7: Period.month(moved.year, moved.month),
        4: Period.year(moved.year),
    }[needed]
    basis: Basis = "publication" if base.basis == "publication" else "context"
    return Outcome(period, basis, f"counted from {base.text} ({base.value})")


def _in_clause_of(doc: Doc, t: TimeExpression, root: Token) -> bool:
    """Whether ``t`` hangs off ``root`` with no other verb between them."""
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    while tok != root:
        if tok.head is tok:
            return False
        tok = tok.head
        if tok != root and tok.pos_ in ("VERB", "AUX"):
            return False
    return True


def _future(doc: Doc, f: Found) -> bool:
    """Whether the verb the expression belongs to speaks of the future."""
    return _direction(doc, f) is not None


def _direction(doc: Doc, f: Found) -> str | None:
    """Why the expression's verb points after publication, or None when it does not.

    A future auxiliary ("will meet on Wednesday"), a verb of schedule ("is due to vote"), the
    present tense of a schedule outside a headline ("he travels on to Ethiopia on Sunday", "the
    vote is on Sunday", "they are meeting on Monday"; a headline's present tense tells of the
    past), a temporal clause of a future verb ("will speak when he travels ... on Sunday"), and
    "later" or "coming" before the day."""
    span = doc.char_span(f.start, f.end, alignment_mode="expand")
    if span is None:
        return None
    before = [t.lower_ for t in doc[max(0, span.start - 2) : span.start]]
    cue = next((w for w in reversed(before) if w in _FORWARD_CUES), None)
    if cue is not None:  # "later on Friday", "this coming Sunday"
        return f"“{cue}” before it"
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    reason = _verb_future(tok, doc, f)
    if reason is None and tok.dep_ == "advcl" and _temporal(tok):
        head = _verb_future(tok.head, doc, f)
        if head is not None:
            reason = f"{head}, in the clause “{tok.text}” hangs from"
    return reason


def _verb_future(tok: Token, doc: Doc, f: Found) -> str | None:
    aux = next(
        (c for c in tok.children if c.dep_ in ("aux", "auxpass") and c.lower_ in _FUTURE_AUX),
        None,
    )
    if aux is not None:
        return f"the future “{aux.text} {tok.text}”"
    if tok.dep_ == "xcomp" and tok.head.lemma_ in _FUTURE_HEADS:
        return f"“{tok.head.text} to {tok.text}”"
    if _in_headline(doc, f):
        return None
    if tok.tag_ in ("VBZ", "VBP") and tok.lemma_.lower() not in _REPORTING:
        return f"the present tense of a schedule, “{tok.text}”"
    progressive = any(c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") for c in tok.children)
    if tok.tag_ == "VBG" and progressive and tok.lemma_.lower() not in _REPORTING:
        return f"the present progressive “{tok.text}”"
    return None


def _temporal(tok: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in _TEMPORAL_MARKS for c in tok.children)


def _in_headline(doc: Doc, f: Found) -> bool:
    article = doc._.article
    sections = article.sections if article is not None else []
    return any(s.kind == "headline" and s.start <= f.start < s.end for s in sections)
