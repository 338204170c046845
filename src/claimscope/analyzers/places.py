"""Places: the article's place names linked to the GeoNames gazetteer, ready for a map.

Which mentions. Every GPE, LOC or FAC entity; and, because the small model mistypes place names it
has not seen (in the example Jisr and Taftanaz are people, Sarmin an organisation, Aleppo a
nationality, and "ash-Shugur" is no entity at all), any other entity or capitalised name that
matches the gazetteer strongly *in a place context*: after "in", "of", "near", "from" ...,
before "province", "countryside", "suburb" ..., after a country's possessive ("Syria's Aleppo"),
or in a list ("Serakab, Taftanaz and Sarmin") with a name already taken as a place. A name
followed by an Arabic article and a hyphen ("Jisr" + "ash-Shugur") is read as one name.

Which place. Candidates are exact matches of the normalised name and names with the same
transliteration skeleton scored by fuzzy ratio (see :mod:`claimscope.knowledge.placenames`). Each
is scored on how well its name matches, the article's *country focus* (the countries it names,
its demonyms and its unambiguous places, as shares of all such votes), its distance to the other
places the article names and whether it lies in an admin region they lie in (a second pass, once
every name has a first choice), the kind of entry (a name that is a country's is the country; a
name before "province" or "countryside" is the region; otherwise the town), and, last and least,
population. Population alone would put "Tripoli" in Libya in an article about Lebanon.

What is never linked: a lowercase word, a direction or world region (continents are entries of
their own), a body named after a place ("White House"), a spelling variant without context, a
town under NOTABLE people with no neighbour among the article's other places (a town within
NEAR_KM or a region it lies in): such towns share their names with words and people ("Congress",
"Apollo", "Earth"). The measures: ``claimscope eval places`` (docs/evaluation.md).

Confidence is the chosen candidate's share of the softmax over its candidates' scores, times its
name similarity, lowered for a mention that only its context made a place.

Output. ``Results.places``: one :class:`~claimscope.model.Place` per gazetteer entry, with
every mention; ``entity`` is the id of the Entity it was linked from, or ``P1``, ``P2`` ... for a
name no entity covers. When every mention of an entity the model typed PERSON, ORG, NORP (or
another non-place name label) is linked to a place, this component corrects that Entity's ``type``
to ``GPE`` in ``Results.entities`` (the only change it makes there).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Token

from claimscope.analyzers import Intervals, text_of
from claimscope.analyzers.results import Results, component
from claimscope.knowledge import countries
from claimscope.knowledge.aliases import aliases
from claimscope.knowledge.gazetteer import Candidate, Gazetteer, GeoPlace, gazetteer
from claimscope.knowledge.placenames import ARTICLES, normalise, transliterate
from claimscope.model import Entity, Place, Span

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels the small model gives place names it does not know; linked only in a place context. In
# text that lost its apostrophes "in Syrias Aleppo" is a PRODUCT and "Aleppo" a LANGUAGE.
MISTYPED_LABELS = frozenset(
    {"PERSON", "ORG", "NORP", "LANGUAGE", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
)
# Labels of numbers and times: never a place name.
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
BEFORE = frozenset(
    {
        "in",
        "of",
        "near",
        "nearby",
        "from",
        "at",
        "to",
        "into",
        "outside",
        "around",
        "towards",
        "toward",
        "across",
        "inside",
        "via",
        "throughout",
        "between",
        "besieged",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
    }
)
REGION_WORDS = frozenset(
    {"province", "governorate", "countryside", "region", "state", "county", "district"}
)
AFTER = REGION_WORDS | frozenset(
    {
        "city",
        "town",
        "village",
        "area",
        "suburb",
        "suburbs",
        "outskirts",
        "neighborhood",
        "neighbourhood",
        "camp",
        "border",
    }
)
# World regions news names as places; GeoNames' populated places include towns with these names
# ("Middle East", Maryland; "West", Texas), which such a mention never means.
WORLD_REGIONS = frozenset(
    {
        "middle east",
        "near east",
        "far east",
        "west",
        "east",
        "north",
        "south",
        "gulf",
        "persian gulf",
        "arabian gulf",
        "levant",
        "maghreb",
        "sahel",
        "balkans",
        "caucasus",
        "mediterranean",
        "arab world",
        "horn of africa",
        "americas",
        "latin america",
        "north africa",
        "central asia",
        "southeast asia",
        "south asia",
        "east asia",
        "western europe",
        "eastern europe",
        # the oceans and seas news names: GeoNames' towns share their names ("Atlantic" ->
        # Atlantic Beach); the seven continents are entries of the gazetteer
        "central america",
        "atlantic",
        "pacific",
        "indian ocean",
        "arctic",
        "atlantic ocean",
        "pacific ocean",
        "arctic ocean",
        "southern ocean",
        "mediterranean sea",
        "red sea",
        "black sea",
        "caspian sea",
        "dead sea",
        "north sea",
        "baltic sea",
        "south china sea",
        "east china sea",
        "arabian sea",
        "caribbean",
        "caribbean sea",
        "aegean",
        "aegean sea",
        "adriatic",
        "baltic",
    }
)
DIRECTIONS = re.compile(
    r"^(?:(?:north|south|east|west)(?:ern)?|(?:north|south)[ -]?(?:east|west)(?:ern)?|central"
    r"|upper|lower|greater|inner|outer)(?: |$)",
)
SPACED_ARTICLES = frozenset({"al", "el"})
# Entries that are not places of an event: a name that is theirs means them, and they are no
# neighbour of a town.
AREAS = frozenset({"country", "continent"})
LIST_WORDS = frozenset({",", "and", "or", "&"})
POSSESSIVE = frozenset({"'s", "’s"})
# Short names fold together by chance; a mistyped one must then match exactly.
MIN_FOLDED_LENGTH = 6
# An all-capitals word this short is an acronym ("UN", "SANA", "YPG"), a country's at most ("US").
MAX_ACRONYM = 5
# Minimum name similarity: place-typed entities may be spelt loosely; other names must have the
# gazetteer's spelling or the same transliteration.
MIN_SIMILARITY = 0.85
MIN_SIMILARITY_MISTYPED = 0.95
# Score weights (see the module docstring); a softmax at TEMPERATURE turns scores into confidence.
W_SIMILARITY = 6.0
W_FOCUS = 1.5
W_NEAR = 1.0
W_ADMIN = 0.5
W_PRIMARY = 0.2
W_POPULATION = 0.3  # per tenfold population
W_CAPITAL = 0.5  # news names capitals far beyond their size ("Washington", "Tripoli")
KIND_COUNTRY = 1.0
KIND_REGION_NAMED = 0.8
KIND_REGION_OTHERWISE = -0.3
TEMPERATURE = 0.4
# A link needs support beyond its name: the article's focus on its country, nearby places, a
# region they share, being a country or a capital, or a population above NOTABLE (per tenfold, as
# in the score). A lone namesake far from the article's countries and places ("Old City", West Bank, or
# "Zahraa" -> Ez Zahra, Tunisia, in a Syria article) is left unlinked.
MIN_SUPPORT = 0.3
# A mention only its context made a place needs more.
MIN_SUPPORT_MISTYPED = 0.5
NOTABLE = 10_000
# A spelling variant needs the article to be this much about the variant's country (a share of the
# country votes), or a named place nearby.
MIN_FOCUS_VARIANT = 0.25
# A link whose candidates are this evenly matched is a guess, not a link.
MIN_CONFIDENCE = 0.2
NEAR_KM = 30.0
FAR_KM = 300.0


@dataclass
class Mention:
    start: int  # character offsets in the doc text
    end: int
    first: int  # token indices, end exclusive
    last: int
    entity: str | None
    label: str | None
    context: bool = False
    candidates: list[Candidate] = field(default_factory=list)
    choice: Candidate | None = None
    confidence: float = 0.0
    score: float = 0.0
    support: float = 0.0

    @property
    def typed_place(self) -> bool:
        return self.label in PLACE_LABELS


def distance_km(a: GeoPlace, b: GeoPlace) -> float:
    """Great-circle distance (haversine) in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _name_token(t: Token) -> bool:
    return t.tag_ in {"NNP", "NNPS"} and t.text[:1].isupper() and any(c.isalpha() for c in t.text)


def _article(t: Token) -> bool:
    """An Arabic article opening a name: hyphened ("ash-Shugur", "at-Tall"), or "al"/"el" on its
    own ("al Bab"); an unhyphened "at", "as", "an" is English ("Turkey at Kasab")."""
    if t.lower_ not in ARTICLES:
        return False
    hyphened = t.i + 1 < len(t.doc) and t.doc[t.i + 1].text == "-" and not t.whitespace_
    return hyphened or t.lower_ in SPACED_ARTICLES


def _extend(doc: Doc, last: int) -> int:
    """Past 'ash-Shugur', '-Zor', 'al Bab' after a name: the end token index of the whole name."""
    while True:
        i = last
        if i < len(doc) and _article(doc[i]):
            i += 1
        if i < len(doc) and doc[i].text == "-" and not doc[i - 1].whitespace_:
            i += 1
        if i == last or i >= len(doc) or not _name_token(doc[i]):
            return last
        last = i + 1


def find_mentions(doc: Doc, entities: list[Entity]) -> list[Mention]:
    """Entity mentions with a name label, and capitalised names outside any entity."""
    mentions: list[Mention] = []
    used: set[int] = set()
    for e in entities:
        for m in e.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            first = span.start + (span[0].lower_ == "the" and len(span) > 1)
            last = _extend(doc, span.end)
            start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1])
            mentions.append(Mention(start, end, first, last, e.id, e.type))
            used.update(range(span.start, last))
    for ent in doc.ents:  # dates, numbers and the like are no place names
        if ent.label_ in NUMERIC_LABELS:
            used.update(range(ent.start, ent.end))
    i = 0
    while i < len(doc):
        if i in used or not _name_token(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < len(doc) and j not in used and _name_token(doc[j]):
            j += 1
        j = _extend(doc, j)
        mentions.append(Mention(doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), i, j, None, None))
        used.update(range(i, j))
        i = j
    mentions.sort(key=lambda m: m.start)
    return mentions


def _dateline(doc: Doc, first: int, last: int) -> bool:
    """Whether tokens first..last open a paragraph before a dash, comma or bracket: a dateline
    ("CAIRO — Gunmen ...", "ROME, March 3"), where capitals are a city's, not an acronym's."""
    opens = first == 0 or (doc[first - 1].is_space and "\n" in doc[first - 1].text)
    return opens and last < len(doc) and doc[last].text in {"—", "–", "-", ",", "(", ":"}


def _capitalised(name: str) -> bool:
    """A place name as English writes one: its first letter (after "the" and an Arabic article,
    "al-Bab") a capital."""
    words = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    words = re.sub(r"^(?:al|el|ad|ar|as|ash|at|az|an|ad-d)[- ](?=\w)", "", words, flags=re.I)
    letters = [c for c in words if c.isalpha()]
    return bool(letters) and letters[0].isupper()


def _direction_or_region(name: str) -> bool:
    """ "Middle East", "the Gulf", a bare "Eastern" or "Northern": a world region or a direction,
    which GeoNames' populated places only share a name with."""
    key = normalise(name)
    return key in WORLD_REGIONS or (bool(DIRECTIONS.match(key)) and len(key.split()) == 1)


def _generic(name: str) -> bool:
    """ "Northern Province", "Central District": a direction and a place noun, a name many
    countries give a region, which says where only in an article about one of them."""
    words = normalise(name).split()
    return (
        len(words) > 1 and bool(DIRECTIONS.match(words[0])) and all(w in AFTER for w in words[1:])
    )


def _possessive_country(name: str, gaz: Gazetteer) -> list[Candidate]:
    """ "Syrias", "Iraqs": a country's possessive in text that lost its apostrophes, which
    fuzzy matching would take for another place ("Syrias" -> Shiraz)."""
    if len(name) < 4 or not name.endswith("s") or name[:-1].lower() not in countries().names:
        return []
    return [c for c in gaz.candidates(name[:-1]) if c.exact and c.place.kind == "country"]


def _spans_to_try(doc: Doc, m: Mention) -> list[tuple[int, int]]:
    """The whole name, then (when nothing matches it) shorter runs of its first or last words:
    "Aleppo Syrian" (one NORP entity in text without punctuation) holds "Aleppo"."""
    spans = [(m.first, m.last)]
    # A person's or an organisation's name holds no place of its own, but for the country or
    # direction the model took into it ("Syrias Hasakeh" in text that lost its apostrophes).
    named = m.label in {"PERSON", "ORG"}
    known = countries().names
    for k in range(m.last - m.first - 1, 0, -1):
        for first, last in ((m.first, m.first + k), (m.last - k, m.last)):
            if not (doc[first].text[:1].isupper() or _article(doc[first])):
                continue  # a name starts with a capital or an article: not "at Kasab"
            dropped = [t for t in doc[m.first : m.last] if not first <= t.i < last]
            part = Mention(doc[first].idx, doc[last - 1].idx, first, last, None, None)
            if all(_place_word(t) for t in dropped) or (not named and _context(doc, part, known)):
                spans.append((first, last))
    return spans


def _place_word(t: Token) -> bool:
    """A word a place name can shed and still be the place: a nationality or country ("Aleppo
    Syrian" in text without punctuation), a place noun ("Idlib Province"), a direction. Not
    "House" of "White House" nor "Beach" of "Miami Beach", unless what is left stands in a place
    context ("in Syrias Aleppo Monitor", text that lost its punctuation)."""
    word = t.lower_
    known = countries().names
    return (
        word in known
        or (word.endswith("s") and word[:-1] in known)  # "Syrias", a possessive without its mark
        or word in AFTER
        or bool(DIRECTIONS.match(word))
        or not any(c.isalpha() for c in word)
    )


def _context(doc: Doc, m: Mention, country_words: dict[str, str]) -> bool:
    """A place context: a preposition before, a place noun after, a country's possessive, or the
    opening of a dateline."""
    before = doc[m.first - 1] if m.first > 0 else None
    if before is not None and before.lower_ == "the" and m.first > 1:
        before = doc[m.first - 2]
    if before is not None and before.lower_ in BEFORE:
        return True
    possessive = before is not None and before.text in POSSESSIVE and m.first > 1
    if possessive and doc[m.first - 2].lower_ in country_words:
        return True
    if before is not None and before.lower_.endswith("s") and before.lower_[:-1] in country_words:
        return True  # "Syrias Aleppo": a possessive that lost its apostrophe
    if _dateline(doc, m.first, m.last):
        return True
    return m.last < len(doc) and doc[m.last].lower_ in AFTER


def _listed_with(doc: Doc, a: Mention, b: Mention) -> bool:
    """Whether only list punctuation and conjunctions separate mentions ``a`` and ``b``."""
    between = doc[a.last : b.first]
    return 0 < len(between) <= 2 and all(t.lower_ in LIST_WORDS for t in between)


def _propagate_lists(doc: Doc, mentions: list[Mention]) -> None:
    changed = True
    while changed:
        changed = False
        for a, b in itertools.pairwise(mentions):
            if a.context != b.context and _listed_with(doc, a, b):
                a.context = b.context = True
                changed = True


def _kind_prior(doc: Doc, m: Mention, c: Candidate) -> float:
    if c.place.kind in AREAS:
        return KIND_COUNTRY if c.exact else 0.0
    if c.place.kind == "admin1":
        named = m.last < len(doc) and doc[m.last].lower_ in REGION_WORDS
        return KIND_REGION_NAMED if named else KIND_REGION_OTHERWISE
    return 0.0


def _closeness(d: float) -> float:
    if d <= NEAR_KM:
        return 1.0
    return max(0.0, (FAR_KM - d) / (FAR_KM - NEAR_KM))


@dataclass
class _Context:
    focus: dict[str, float]  # country code -> share of the article's country votes
    # The first pass's choices other than countries, one per place with its best confidence and
    # its number of mentions: what the second pass measures nearness and shared regions against.
    # A mention does not support itself: a place only it chose is no anchor for it.
    anchors: dict[int, tuple[GeoPlace, float, int]] = field(default_factory=dict)  # +mentions
    own: int | None = None  # the place of the mention being scored, when it alone chose it
    second: bool = False  # the second pass: anchors are known
    memo: dict[tuple[Any, ...], tuple[Any, ...]] = field(default_factory=dict)


def _support(doc: Doc, m: Mention, c: Candidate, ctx: _Context) -> float:
    """What speaks for a candidate besides its name (see MIN_SUPPORT)."""
    p = c.place
    s = W_FOCUS * ctx.focus.get(p.country_code, 0.0) + max(0.0, _kind_prior(doc, m, c))
    s += W_POPULATION * max(0.0, math.log10(p.population + 1) - math.log10(NOTABLE))
    s += W_CAPITAL * p.capital
    others = [(a, conf) for a, conf, _ in ctx.anchors.values() if a.index != ctx.own]
    towns = [(a, conf) for a, conf in others if a.kind == "city"]
    if p.kind not in AREAS and others:
        # Nearness to towns only: a region's point is its largest town, not a place it names.
        if towns:
            s += W_NEAR * max(_closeness(distance_km(p, a)) * conf for a, conf in towns)
        regions = {(a.country_code, a.admin1) for a, _ in others}
        s += W_ADMIN * ((p.country_code, p.admin1) in regions and p.admin1 is not None)
    return s


def _local(m: Mention, c: Candidate, ctx: _Context) -> bool:
    """Whether a spelling variant ("Serakab" for Saraqib) has the context a variant needs: named
    as a place (typed so, or in a place context), in a country the article is about, or near
    another place it names; or typed a place, close to the gazetteer's spelling, with no other
    place it could be. A namesake's size or capital status is not enough: "Kotaku" is not
    Cuttack, nor "Leviathan" Levittown."""
    if not (m.typed_place or m.context):
        return False
    if ctx.focus.get(c.place.country_code, 0.0) >= MIN_FOCUS_VARIANT:
        return True
    alone = all(distance_km(o.place, c.place) <= NEAR_KM for o in m.candidates)
    if m.typed_place and alone and c.similarity >= MIN_SIMILARITY_MISTYPED:
        return True  # "Deir Ezzor", typed a place, can only be Deir ez-Zor
    others = [a for a, _, _ in ctx.anchors.values() if a.index != ctx.own]
    return any(distance_km(c.place, a) <= NEAR_KM for a in others)


def _anchored(c: Candidate, ctx: _Context) -> bool:
    """Whether another place the article names is a town within NEAR_KM of the candidate or a
    region it lies in (or a town of that region); the candidate's own other mentions do not
    count."""
    p = c.place
    for a, _, _ in ctx.anchors.values():
        if a.index == p.index:
            continue  # named twice is still alone
        if a.kind == "city" and distance_km(p, a) <= NEAR_KM:
            return True
        if p.admin1 is not None and (a.country_code, a.admin1) == (p.country_code, p.admin1):
            return True
    return False


def _score(doc: Doc, m: Mention, c: Candidate, ctx: _Context) -> tuple[float, float]:
    """The candidate's score and, within it, its support."""
    support = _support(doc, m, c, ctx)
    s = W_SIMILARITY * c.similarity + W_PRIMARY * c.primary + support
    s += min(0.0, _kind_prior(doc, m, c))  # a region not named as one
    s += W_POPULATION * min(math.log10(c.place.population + 10), math.log10(NOTABLE))
    return s, support


def _score_candidates(doc: Doc, m: Mention, ctx: _Context) -> None:
    scored = [_score(doc, m, c, ctx) for c in m.candidates]
    scores = [s for s, _ in scored]
    best = max(range(len(scores)), key=lambda k: scores[k])
    top = scores[best]
    m.support = scored[best][1]
    total = sum(math.exp((s - top) / TEMPERATURE) for s in scores)
    m.choice, m.score = m.candidates[best], top
    # Candidates within NEAR_KM of the choice (a town and its region) agree on where it is.
    agree = sum(
        math.exp((s - top) / TEMPERATURE)
        for s, c in zip(scores, m.candidates, strict=True)
        if c.place.kind not in AREAS and distance_km(c.place, m.choice.place) <= NEAR_KM
    )
    share = max(agree, 1.0) / total
    m.confidence = share * m.choice.similarity * (1.0 if m.typed_place else 0.85)


def _country_votes(doc: Doc, mentions: list[Mention], gaz: Gazetteer) -> dict[str, float]:
    """The article's country focus: shares of votes from countries named, demonyms, and places
    whose every exact candidate lies in one country."""
    votes: defaultdict[str, float] = defaultdict(float)
    for m in mentions:
        exact = [c for c in m.candidates if c.exact]
        countries_named = {c.place.country_code for c in exact if c.place.kind == "country"}
        if len(countries_named) == 1:
            votes[countries_named.pop()] += 1.0
        elif (
            exact
            and len({c.place.country_code for c in exact}) == 1
            and exact[0].place.country_code
        ):
            votes[exact[0].place.country_code] += 1.0
    known = countries()
    for ent in doc.ents:
        if ent.label_ == "NORP" and ent.text.lower() in known.names:
            for p in gaz.exact(known.names[ent.text.lower()]):
                if p.kind == "country":
                    votes[p.country_code] += 0.5
    total = sum(votes.values())
    return {cc: v / total for cc, v in votes.items()} if total else {}


def _surnames(doc: Doc) -> frozenset[str]:
    """The surnames of the people the article names in full ("David Emery"): on its own, not
    typed a place and only another name of a town (GeoNames lists "Emery" for Humbermede), such a
    name is that person. A town's own name stays a candidate: text that lost its punctuation
    makes people of places ("Tags Idlib")."""
    known = countries().names
    return frozenset(
        ent[-1].text
        for ent in doc.ents
        if ent.label_ == "PERSON" and len(ent) > 1 and _name_token(ent[0]) and _name_token(ent[-1])
        if ent[-1].lower_ not in known
    )


def collect_mentions(doc: Doc, entities: list[Entity], gaz: Gazetteer) -> list[Mention]:
    """The doc's place mentions with their gazetteer candidates, not yet resolved."""
    text = text_of(doc)
    mentions = find_mentions(doc, entities)
    known = countries().names
    lookups: dict[str, list[Candidate]] = {}

    def lookup(name: str) -> list[Candidate]:
        if name not in lookups:
            lookups[name] = gaz.candidates(name)
        return lookups[name]

    orgs = aliases()
    people = _surnames(doc)
    for m in mentions:
        if m.label == "NORP" and text[m.start : m.end].lower() in known:
            continue  # "Syrian": a nationality, not a place
        surname = not m.typed_place and text[m.start : m.end] in people
        if _direction_or_region(text[m.start : m.end]):
            continue
        if not _capitalised(text[m.start : m.end]):
            continue  # "mosques", "paris" in a URL's words: a common noun, or not a name as written
        alias = orgs.lookup(text[m.start : m.end])
        if alias is not None and alias.kind == "organisation":
            continue  # "White House", "Kremlin": a body named after a place, not the towns it names
        floor = MIN_SIMILARITY if m.typed_place else MIN_SIMILARITY_MISTYPED
        for first, last in _spans_to_try(doc, m):
            start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1])
            name = text[start:end]
            if _direction_or_region(name):
                continue  # "West" of "West Mercia", "Eastern" of "the Eastern bloc"
            found = _possessive_country(name, gaz)
            if found:
                end -= 1
            else:
                found = [c for c in lookup(name) if c.similarity >= floor]
            if not m.typed_place and len(transliterate(normalise(name))) < MIN_FOLDED_LENGTH:
                found = [c for c in found if c.exact]  # "al Qaeda" folds to Jeddah's "Gedda"
            letters = name.replace(".", "")
            acronym = len(letters) <= MAX_ACRONYM and letters.isupper()
            if acronym and not _dateline(doc, first, last):  # "UN", "SANA"; not "CAIRO —"
                found = [c for c in found if c.place.kind == "country"]
            if name.lower() in known:  # "Syrian", "Damascus": a demonym or a known name is
                found = [c for c in found if c.exact]  # never a namesake's spelling variant
            if any(c.exact for c in found):  # the name as spelt wins over spelling variants
                found = [c for c in found if c.exact]
            if surname and not any(c.primary for c in found):
                found = []  # "Emery" after "David Emery": the person, not Humbermede's other name
            if found:
                m.first, m.last, m.start, m.end, m.candidates = first, last, start, end, found
                break
        m.context = _context(doc, m, known)
    mentions = [m for m in mentions if m.candidates]
    for m in mentions:  # list neighbours of a place-typed entity are in a place context too
        m.context = m.context or m.typed_place
    _propagate_lists(doc, mentions)
    return [
        m
        for m in mentions
        if m.typed_place or (m.context and (m.label is None or m.label in MISTYPED_LABELS))
    ]


def resolve(doc: Doc, mentions: list[Mention], gaz: Gazetteer) -> None:
    """Choose each mention's candidate: a first pass on name, focus, kind and population, a
    second adding nearness to the other first choices and their admin regions."""
    ctx = _Context(focus=_country_votes(doc, mentions, gaz))
    for m in mentions:
        _choose(doc, m, ctx)
    for m in mentions:
        if m.choice is not None and m.choice.place.kind not in AREAS:
            p = m.choice.place
            _, conf, n = ctx.anchors.get(p.index, (p, 0.0, 0))
            ctx.anchors[p.index] = (p, max(conf, m.confidence), n + 1)
    ctx.memo.clear()
    ctx.second = True
    for m in mentions:
        first = m.choice.place.index if m.choice is not None else None
        ctx.own = first if first in ctx.anchors and ctx.anchors[first][2] == 1 else None
        _choose(doc, m, ctx)


def _choose(doc: Doc, m: Mention, ctx: _Context) -> None:
    """Score the candidates; keep the best unless it scores below the floor for its mention.

    Mentions of one name with the same candidates, kind cue and typing are scored alike, so each
    such group is scored once per pass (an article names its main places many times).
    """
    named_region = m.last < len(doc) and doc[m.last].lower_ in REGION_WORDS
    key = (tuple(c.place.index for c in m.candidates), named_region, m.typed_place, ctx.own)
    done = ctx.memo.get(key)
    if done is not None:
        m.choice, m.score, m.support, m.confidence = done
        return
    _score_candidates(doc, m, ctx)
    floor = MIN_SUPPORT if m.typed_place else MIN_SUPPORT_MISTYPED
    choice = m.choice
    loose = choice is not None and (not choice.exact or _generic(text_of(doc)[m.start : m.end]))
    variant = loose and choice is not None and not _local(m, choice, ctx)
    # A town under NOTABLE people is a namesake of many words and names ("Eloise", "Congress",
    # "Apollo", "English"); once every name has a first choice, it needs a neighbour.
    small = (
        ctx.second
        and choice is not None
        and choice.place.kind == "city"
        and choice.place.population < NOTABLE
        and not _anchored(choice, ctx)
    )
    if m.support < floor or m.confidence < MIN_CONFIDENCE or variant or small:
        m.choice, m.confidence = None, 0.0
    ctx.memo[key] = (m.choice, m.score, m.support, m.confidence)


def link_places(doc: Doc, entities: list[Entity], gaz: Gazetteer) -> list[Place]:
    """Find, link and group the doc's place mentions (see the module docstring)."""
    mentions = collect_mentions(doc, entities, gaz)
    resolve(doc, mentions, gaz)
    return group_places(text_of(doc), mentions, entities)


def group_places(text: str, mentions: list[Mention], entities: list[Entity]) -> list[Place]:
    """One Place per chosen gazetteer entry, in order of first mention; retypes mistyped entities."""
    groups: dict[int, list[Mention]] = {}
    for m in mentions:
        if m.choice is not None:
            groups.setdefault(m.choice.place.index, []).append(m)
    linked: Counter[str] = Counter(m.entity for m in mentions if m.entity and m.choice)
    for e in entities:
        if e.type in MISTYPED_LABELS and e.mentions and linked[e.id] == len(e.mentions):
            e.type = "GPE"
    _widen_entities(text, [m for m in mentions if m.choice is not None], entities)
    places = []
    fresh = 0
    for ms in sorted(groups.values(), key=lambda ms: ms[0].start):
        p = ms[0].choice
        assert p is not None
        entity = next((m.entity for m in ms if m.entity), None)
        if entity is None:
            fresh += 1
            entity = f"P{fresh}"
        places.append(
            Place(
                entity=entity,
                name=p.place.name,
                country=p.place.country,
                admin1=p.place.admin1,
                kind=p.place.kind,
                lat=p.place.lat,
                lon=p.place.lon,
                gazetteer_id=p.place.gazetteer_id,
                mentions=[Span.of(text, m.start, m.end) for m in ms],
                confidence=round(sum(m.confidence for m in ms) / len(ms), 3),
            )
        )
    return places


def _widen_entities(text: str, linked: list[Mention], entities: list[Entity]) -> None:
    """An entity mention cut short by the model ("Jisr" of "Jisr ash-Shugur") takes the place's span.

    Only when the linked name covers the entity's mention and no other entity's; the entity's name
    follows when it was the short form.
    """
    by_id = {e.id: e for e in entities}
    index = Intervals(
        (x.start, x.end, (o.id, i)) for o in entities for i, x in enumerate(o.mentions)
    )
    for m in linked:
        e = by_id.get(m.entity) if m.entity else None
        if e is None:
            continue
        near = [key for _, _, key in index.overlapping(m.start, m.end)]
        if any(owner != e.id for owner, _ in near):
            continue
        for _, i in near:
            x = e.mentions[i]
            if m.start <= x.start and x.end <= m.end and (x.start, x.end) != (m.start, m.end):
                wider = Span.of(text, m.start, m.end)
                if e.name == x.text:
                    e.name = wider.text
                e.mentions[i] = wider


@component(
    "claimscope_places",
    reads=["entities"],
    writes=["places", "entities"],  # relabels the entities it links as GPE
    requires=["doc.ents", "token.tag"],
)
def places_component(doc: Doc) -> Doc:
    found = Results.of(doc)
    found.places = link_places(doc, found.entities, gazetteer())
    return doc
