"""Time, first pass: explicit calendar dates in the text, and a bound on the publication date.

Only dates that need no reference point are resolved here ("September 12, 2018", "12 Sept. 2018",
"2018-09-12", "April 2018"). Relative expressions ("last week", "on Wednesday") need the
publication date and are later work; they are not guessed.
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc

from claimscope.analyzers import results
from claimscope.model import TimeExpression

_MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<{g}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?P<{g}>1[89]\d\d|20\d\d)"
_DATES = re.compile(
    "|".join(
        [
            # September 12, 2018 / Sept. 12 2018
            _MONTH.format(g="m1")
            + r"\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?,?\s+"
            + _YEAR.format(g="y1"),
            # 12 September 2018
            r"(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?"
            + _MONTH.format(g="m2")
            + r",?\s+"
            + _YEAR.format(g="y2"),
            # 2018-09-12
            _YEAR.format(g="y3") + r"-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)",
            # April 2018
            _MONTH.format(g="m4") + r",?\s+" + _YEAR.format(g="y4"),
        ]
    )
)


def _month(name: str) -> int:
    return _MONTH_NAMES[name[:3].lower()]


def explicit_dates(text: str) -> list[TimeExpression]:
    """Calendar dates written out in full (day, month and year, or month and year)."""
    out = []
    for m in _DATES.finditer(text):
        g = m.groupdict()
        try:
            if g["y1"]:
                value = dt.date(int(g["y1"]), _month(g["m1"]), int(g["d1"])).isoformat()
            elif g["y2"]:
                value = dt.date(int(g["y2"]), _month(g["m2"]), int(g["d2"])).isoformat()
            elif g["y3"]:
                value = dt.date(int(g["y3"]), int(g["m3"]), int(g["d3"])).isoformat()
            else:
                value = f"{int(g['y4']):04d}-{_month(g['m4']):02d}"
        except ValueError:  # "February 30, 2018"
            continue
        if not _word_bounded(text, m.start(), m.end()):
            continue
        out.append(
            TimeExpression(
                start=m.start(), end=m.end(), text=m.group(), value=value, basis="explicit"
            )
        )
    return out


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def latest_full_date(times: list[TimeExpression]) -> str | None:
    """The latest day-precision explicit date: a lower bound for when the article was written."""
    days = [t.value for t in times if t.basis == "explicit" and t.value and len(t.value) == 10]
    return max(days) if days else None


@Language.component("claimscope_times")
def times_component(doc: Doc) -> Doc:
    results(doc)["times"] = explicit_dates(doc.text)
    return doc
