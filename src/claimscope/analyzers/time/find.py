"""Finding time expressions: one regex per kind, checked against spaCy's entities where a pattern
alone is ambiguous.

Regexes find the expressions because their shapes are few and fixed ("April 14", "last week",
"two days ago"), and a regex gives exact offsets; spaCy's DATE entities then decide the ambiguous
cases (a bare "2013" is a year only inside a DATE entity or after a temporal preposition, never in a
CARDINAL or MONEY one; a bare weekday needs a DATE/TIME entity or a preposition).

Not found, on purpose:

- durations ("for three years", "over the past week", "the last two days", "22 years old"): they
  are lengths, not points, so no pattern matches them; "the last week" is skipped for the same
  reason, unlike "last week";
- habitual days ("every Wednesday", "on Wednesdays"), clock times ("10 a.m."), decades, seasons and
  holidays: the contract's values (YYYY, YYYY-MM, YYYY-MM-DD) cannot say them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Literal

from spacy.tokens import Doc

from claimscope.analyzers import Intervals

Kind = Literal["date", "month_day", "month", "year", "weekday", "relative", "ago", "anchored"]

_MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

# Month names are matched with a capital (case-sensitive) so that "may" and "march" stay verbs.
_MONTH = (
    r"(?P<{g}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_FULL_MONTH = (
    r"(?P<m>January|February|March|April|May|June|July|August|September|October|November|December)"
)
_YEAR = r"(?P<{g}>1[89]\d\d|20\d\d)"
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_NUM = (
    r"(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?|"
    r"a\s+few|a\s+couple\s+of|few|several|some)"
)
_UNIT = r"(?P<unit>day|week|month|year)s?"

_DATES = re.compile(
    "|".join(
        [
            # September 12, 2018 / Sept. 12 2018
            _MONTH.format(g="m1") + r"\s+" + _DAY.format(g="d1") + r",?\s+" + _YEAR.format(g="y1"),
            # 12 September 2018
            _DAY.format(g="d2") + r"\s+(?:of\s+)?" + _MONTH.format(g="m2") + r",?\s+"
            + _YEAR.format(g="y2"),
            # 2018-09-12
            _YEAR.format(g="y3") + r"-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)",
            # April 2018
            _MONTH.format(g="m4") + r",?\s+" + _YEAR.format(g="y4"),
        ]
    )
)  # fmt: skip
_MONTH_DAY = re.compile(
    _MONTH.format(g="m1") + r"\s+" + _DAY.format(g="d1") + r"\b"
    r"|\b" + _DAY.format(g="d2") + r"\s+(?:of\s+)?" + _MONTH.format(g="m2") + r"\b"
)
_MONTH_ALONE = re.compile(
    r"\b(?P<prep>(?i:in|since|by|until|till|from|during|early|late|mid-?|(?P<mod>last|next|this)))"
    r"\s+" + _FULL_MONTH + r"\b(?!\s*\d)"
)
# not "2000-year-old", "2,013", "2013%"; "2011-2013" gives both years
_YEAR_ALONE = re.compile(
    r"(?<![\d$£€.,/])\b" + _YEAR.format(g="y") + r"\b(?![%]|[.,]\d|-\s*[A-Za-z])"
)
_WEEKDAY = re.compile(
    r"\b(?:(?P<mod>(?i:last|next|this|every|on))\s+)?"
    r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"(?:\s+(?:morning|afternoon|evening|night))?"
)
_RELATIVE = re.compile(
    r"\b(?:(?P<edge>earlier|later|early|late)\s+)?(?P<shift>this|last|next)\s+"
    r"(?P<unit>week(?:end)?|month|year)\b"
    r"|\b(?P<word>yesterday|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b",
    re.I,
)
_AGO = re.compile(r"\b" + _NUM + r"\s+" + _UNIT + r"\s+ago\b", re.I)
_ANCHORED = re.compile(
    r"\b(?:" + _NUM + r"\s+" + _UNIT + r"|the\s+(?P<ord>next|following|previous|preceding)\s+"
    r"(?P<unit2>day|week|month|year))"
    r"(?:\s+(?P<rel>after|before|later|earlier))?\b",
    re.I,
)
_YEAR_PREP = re.compile(
    r"(?i:\b(?:in|since|by|until|till|from|during|of|early|late|mid-?|before|after|between|"
    r"through|and|to|or|the)\s*)$"
)
_WEEKDAY_PREP = re.compile(r"(?i:\b(?:on|since|by|until|till|from|before|after|and|or)\s+)$")
_DURATION_BEFORE = re.compile(r"(?i:\bthe\s+)$")
_CLAUSE_ENDS = frozenset({",", ";", ":", "—", "–", "-", "(", ")"})
_NOT_TIMES = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"})
# A weekday, month or "Today" inside a name is no time: "Halab Today", "Black Friday".
_NAMES = frozenset(
    {"PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "GPE", "LOC", "NORP", "LAW"}
)


@dataclass(frozen=True)
class Found:
    """One time expression as written; :mod:`.resolve` turns it into a value."""

    start: int
    end: int
    kind: Kind
    value: str | None = None  # "date" and "year": the calendar value as written
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday
    mod: str | None = None  # "last" | "next" | "this" (weekday, month, relative)
    unit: str | None = None  # "day" | "week" | "weekend" | "month" | "year"
    edge: str | None = None  # "earlier" | "later" ("earlier this month")
    word: str | None = None  # "yesterday", "today", ... (relative)
    n: int | None = None  # "two days ago": 2; None when vague ("a few days")
    direction: int = 0  # anchored: +1 after/later, -1 before/earlier
    anchor: tuple[int, int] | None = None  # anchored: the phrase counted from


def month_number(name: str) -> int:
    return _MONTH_NAMES[name[:3].lower()]


def find(doc: Doc, text: str) -> list[Found]:
    """Every time expression in ``text`` (``doc``'s text), without overlaps, in reading order.

    Where two matches overlap the earlier, then the longer, wins: "September 12, 2018" over
    "September 12", "one week after" over "week".
    """
    ents = Intervals((e.start_char, e.end_char, e.label_) for e in doc.ents)
    names = Intervals((e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in _NAMES)
    found = [
        *_dates(text),
        *_anchored(doc, text),
        *_ago(text),
        *[
            f
            for f in [*_relative(text), *_weekdays(text, ents), *_month_days(text), *_months(text)]
            if not names.overlapping(f.start, f.end)
        ],
        *_years(text, ents),
    ]
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Found] = []
    for f in found:
        if not out or f.start >= out[-1].end:
            out.append(f)
    return [_whole_anchor(f, out) for f in out]


def _whole_anchor(f: Found, found: list[Found]) -> Found:
    """Extend an anchor cut at a comma to the end of the expression it cut ("April 14, 2018")."""
    if f.anchor is None:
        return f
    start, end = f.anchor
    for g in found:
        if start <= g.start < end < g.end:
            return replace(f, anchor=(start, g.end))
    return f


def _dates(text: str) -> list[Found]:
    out = []
    for m in _DATES.finditer(text):
        g = m.groupdict()
        try:
            if g["y1"]:
                value = dt.date(int(g["y1"]), month_number(g["m1"]), int(g["d1"])).isoformat()
            elif g["y2"]:
                value = dt.date(int(g["y2"]), month_number(g["m2"]), int(g["d2"])).isoformat()
            elif g["y3"]:
                value = dt.date(int(g["y3"]), int(g["m3"]), int(g["d3"])).isoformat()
            else:
                value = f"{int(g['y4']):04d}-{month_number(g['m4']):02d}"
        except ValueError:  # "February 30, 2018"
            continue
        if _word_bounded(text, m.start(), m.end()):
            out.append(Found(m.start(), m.end(), "date", value=value))
    return out


def _month_days(text: str) -> list[Found]:
    out = []
    for m in _MONTH_DAY.finditer(text):
        name, day = (m["m1"], m["d1"]) if m["m1"] else (m["m2"], m["d2"])
        if 1 <= int(day) <= 31 and _word_bounded(text, m.start(), m.end()):
            out.append(
                Found(m.start(), m.end(), "month_day", month=month_number(name), day=int(day))
            )
    return out


def _months(text: str) -> list[Found]:
    out = []
    for m in _MONTH_ALONE.finditer(text):
        mod = m["mod"].lower() if m["mod"] else None
        start = m.start() if mod else m.start("m")
        out.append(Found(start, m.end(), "month", month=month_number(m["m"]), mod=mod))
    return out


def _years(text: str, ents: Intervals[str]) -> list[Found]:
    out = []
    for m in _YEAR_ALONE.finditer(text):
        labels = {label for _, _, label in ents.overlapping(m.start(), m.end())}
        if labels & _NOT_TIMES:
            continue
        if "DATE" in labels or _YEAR_PREP.search(text, max(0, m.start() - 12), m.start()):
            out.append(Found(m.start(), m.end(), "year", value=m["y"]))
    return out


def _weekdays(text: str, ents: Intervals[str]) -> list[Found]:
    out = []
    for m in _WEEKDAY.finditer(text):
        mod = m["mod"].lower() if m["mod"] else None
        if mod == "every" or text.startswith("s", m.end("wd")):  # habitual
            continue
        wd_start = m.start("wd")
        in_entity = any(
            label in ("DATE", "TIME") for _, _, label in ents.overlapping(wd_start, m.end("wd"))
        )
        if not (in_entity or mod or _WEEKDAY_PREP.search(text, max(0, wd_start - 8), wd_start)):
            continue
        start = wd_start if mod in (None, "on") else m.start()
        weekday = WEEKDAYS.index(m["wd"].lower())
        out.append(Found(start, m.end(), "weekday", weekday=weekday, mod=mod))
    return out


def _relative(text: str) -> list[Found]:
    out = []
    for m in _RELATIVE.finditer(text):
        if m["word"]:
            if m["word"][0].isupper() and not _sentence_start(text, m.start()):
                continue  # "Halab Today TV", "The Tonight Show": a name
            word = " ".join(m["word"].lower().split())
            out.append(Found(m.start(), m.end(), "relative", word=word))
            continue
        if _DURATION_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue  # "the last week", "the next year": durations
        edge = m["edge"].lower() if m["edge"] else None
        edge = {"early": "earlier", "late": "later"}.get(edge or "", edge)
        out.append(
            Found(
                m.start(),
                m.end(),
                "relative",
                mod=m["shift"].lower(),
                unit=m["unit"].lower(),
                edge=edge,
            )
        )
    return out


def _ago(text: str) -> list[Found]:
    return [
        Found(m.start(), m.end(), "ago", n=_number(m["n"]), unit=m["unit"].lower())
        for m in _AGO.finditer(text)
    ]


def _anchored(doc: Doc, text: str) -> list[Found]:
    out = []
    for m in _ANCHORED.finditer(text):
        rel = (m["rel"] or "").lower()
        n: int | None
        if m["ord"]:
            if m["ord"].lower() == "next" and m["unit2"].lower() != "day":
                continue  # "over the next year": a duration from now
            # "the next day", "the previous week": counted from the event last told of
            direction = -1 if m["ord"].lower() in ("previous", "preceding") else 1
            unit, n = m["unit2"].lower(), 1
        elif rel:
            direction = 1 if rel in ("after", "later") else -1
            unit, n = m["unit"].lower(), _number(m["n"])
        else:
            continue  # "three years": a duration
        anchor = (
            _anchor_of(doc, m.start("rel"), m.end("rel")) if rel in ("after", "before") else None
        )
        out.append(
            Found(
                m.start(), m.end(), "anchored", n=n, unit=unit, direction=direction, anchor=anchor
            )
        )
    return out


def _anchor_of(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The phrase that "after"/"before" governs: its object, or the clause it introduces."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) != 1:
        return None
    rel = span[0]
    objects = [c for c in rel.children if c.dep_ in ("pobj", "pcomp")]
    if objects:
        sub = list(objects[0].subtree)
    elif rel.dep_ == "mark" and rel.head.i > rel.i:
        sub = [t for t in rel.head.subtree if t.i > rel.i]
    else:
        return None
    sub = [t for t in sub if t.i > rel.i and t.sent == rel.sent]
    cut = next((k for k, t in enumerate(sub) if t.is_punct and t.text in _CLAUSE_ENDS), len(sub))
    sub = sub[:cut]  # the anchor's own phrase, not the clauses that trail it
    if not sub:
        return None
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def _sentence_start(text: str, i: int) -> bool:
    before = text[:i].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"


def _number(word: str) -> int | None:
    w = " ".join(word.lower().split())
    if w.isdigit():
        return int(w)
    return _NUMBERS.get(w)  # None: vague ("a few", "several")


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()
