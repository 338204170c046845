"""Dates in metadata (CSV columns, HTML meta tags, feed entries, datelines) to ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateparser

_HAS_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_HAS_MONTH = re.compile(rf"\b(?:{_MONTHS})\b|\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}", re.I)


def parse_date(value: object) -> str | None:
    """Parse a metadata date to ``YYYY-MM-DD``; None when it has no year, month and day.

    Day-first is not guessed for ambiguous numeric forms: ``03/04/2018`` is read as dateutil reads
    it (month first), which is what US and ISO-style metadata use.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).strip()
    if not s or not _HAS_YEAR.search(s) or not _HAS_MONTH.search(s):
        return None
    try:
        d = dateparser.parse(s, fuzzy=True, default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    if d.year < 1800:
        return None
    return d.date().isoformat()


def parse_dateline(line: str) -> str | None:
    """A line that is only a date (with words like "Published", "Updated", a time, a zone).

    Returns the date, or None when the line says more than a date.
    """
    if len(line) > 80 or not _HAS_YEAR.search(line) or not _HAS_MONTH.search(line):
        return None
    try:
        d, rest = dateparser.parse(line, fuzzy_with_tokens=True, default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    leftover = " ".join(rest)
    words = re.findall(r"[A-Za-z]{2,}", leftover)
    allowed = {
        "published",
        "updated",
        "posted",
        "last",
        "on",
        "at",
        "gmt",
        "utc",
        "am",
        "pm",
        "edt",
        "est",
        "bst",
        "cet",
        "cest",
        "tehran",
        "time",
        "local",
        "date",
        "modified",
    }
    if any(w.lower() not in allowed for w in words) or d.year < 1800:
        return None
    return d.date().isoformat()
