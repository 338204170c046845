"""Time: the article's time expressions resolved to calendar values, and its claims on a timeline.

Two jobs, one module each: :mod:`.find` finds the expressions (explicit dates, month-days,
months, years, weekdays, relative and anchored expressions) and :mod:`.resolve` turns them into
values against the publication date (``doc._.article.published``), the text's own dates, or
nothing, recording the ``basis`` and never guessing. :mod:`.timeline` places the claims in time;
it is a component of its own (``claimscope_timeline``), after the claims: times are found early,
since attribution and claims read them, and claims come later.
"""

from __future__ import annotations

from spacy.tokens import Doc

from claimscope.analyzers import text_of
from claimscope.analyzers.results import Results, component
from claimscope.analyzers.time.find import find
from claimscope.analyzers.time.resolve import resolve
from claimscope.analyzers.time.timeline import timeline
from claimscope.model import TimeExpression

__all__ = [
    "latest_full_date",
    "time_expressions",
    "timeline",
    "timeline_component",
    "times_component",
]


def time_expressions(doc: Doc, published: str | None) -> list[TimeExpression]:
    """The time expressions in ``doc``, resolved against ``published`` (YYYY-MM-DD) if given."""
    text = text_of(doc)
    return resolve(doc, text, find(doc, text), published)


def latest_full_date(times: list[TimeExpression]) -> str | None:
    """The latest day-precision explicit date: a lower bound for when the article was written."""
    days = [t.value for t in times if t.basis == "explicit" and t.value and len(t.value) == 10]
    return max(days) if days else None


@component(
    "claimscope_times",
    writes=["times"],
    requires=["doc.ents", "token.dep", "token.head", "token.lemma", "token.tag", "doc.sents"],
)
def times_component(doc: Doc) -> Doc:
    article = doc._.article
    Results.of(doc).times = time_expressions(doc, article.published if article else None)
    return doc


@component(
    "claimscope_timeline",
    reads=["times", "claims"],
    writes=["timeline"],
    requires=["token.dep", "token.head", "doc.sents"],
)
def timeline_component(doc: Doc) -> Doc:
    found = Results.of(doc)
    found.timeline = timeline(doc, found.times, found.claims)
    return doc
