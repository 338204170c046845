"""Headline sources named by the body: "20 dead in air raids – NGO" is the Observatory's statement.

A wire headline names its source by a class word ("NGO", "monitor", "media", "army"); the body
names the source itself. Annotators (and readers) resolve the class word to the first body
speaker of that class; so does this pass, after the body's speakers are resolved.
"""

from __future__ import annotations

from claimscope.analyzers.attribution.lexicon import ORG_HEADS
from claimscope.knowledge import actors, countries, outlets
from claimscope.model import Attribution, Speaker

# the class a headline's source word names, as the actor categories of ``knowledge/actors.toml``
_CLASSES = {
    "ngo": "NGO/humanitarian",
    "monitor": "NGO/humanitarian",
    "observatory": "NGO/humanitarian",
    "watchdog": "NGO/humanitarian",
    "activists": "NGO/humanitarian",
    "rescuers": "NGO/humanitarian",
    "media": "media",
    "agency": "media",
    "tv": "media",
    "army": "military",
    "military": "military",
    "ministry": "government/official",
    "official": "government/official",
    "officials": "government/official",
    "police": "government/official",
}


def category_of(name: str) -> str | None:
    """An actor category from a speaker's name alone: a known organisation, an outlet, role words."""
    kb = actors()
    low = name.lower()
    for org, (category, _) in kb.organisations.items():
        if org == low or f" {org} " in f" {low} ":
            return category
    if outlets.lookup(name) is not None:
        return "media"
    return next((c for c, p in kb.roles if p.search(name)), None)


def _country_of(name: str) -> str | None:
    """The country a speaker's name starts with: "Russian army", "Turkeys health ministry"."""
    first = name.split()[0].lower() if name.split() else ""
    names = countries().names
    return names.get(first) or names.get(first.removesuffix("'s").removesuffix("s"))


def resolve_headline_sources(attributions: list[Attribution], headline_end: int) -> None:
    """Give a headline's class-word source the first body speaker of that class, in place.

    A country as a headline's source ("Russia says 62 Syrian troops killed") is the body's first
    speaking body of that country ("the Russian army said"), when the body names one.
    """
    for a in attributions:
        if a.cue.start >= headline_end or a.source is None:
            continue
        if a.speaker is not None and a.speaker.type == "GPE":
            body = _country_body(attributions, headline_end, a.speaker.name)
            if body is not None:
                a.speaker = body
            continue
        if a.speaker is not None and a.speaker.basis != "mention":
            continue
        words = a.source.text.split()
        word = words[-1].lower() if words else ""
        wanted = _CLASSES.get(word)
        for b in attributions:
            if b.cue.start < headline_end or b.speaker is None or b.speaker.basis == "mention":
                continue
            name = b.speaker.name
            category = category_of(name) if wanted else None
            if word in name.lower().split() or (wanted and category and wanted in category):
                a.speaker = b.speaker.model_copy(update={"basis": "description"})
                break


def _country_body(
    attributions: list[Attribution], headline_end: int, country: str
) -> Speaker | None:
    wanted = countries().names.get(country.lower())
    if wanted is None:
        return None
    for b in attributions:
        if b.cue.start < headline_end or b.speaker is None or not b.speech:
            continue
        words = b.speaker.name.split()
        if (
            len(words) >= 2
            and words[-1].lower() in ORG_HEADS
            and _country_of(b.speaker.name) == wanted
        ):
            return b.speaker.model_copy(update={"basis": "description"})
    return None
