"""People's full names in an article, and the short forms that refer to them.

News names a person once in full ("Rami Abdel Rahman", "Luis de Miranda", "Safwan Jandali") and
then by surname ("Abdel Rahman", "de Miranda", "Mr. Jandali"), two-word surnames and name particles
included, sometimes misspelt ("Jandalai"), and sometimes gives the full name only after the
surname. The entities analyzer joins what the model tagged as one person; this index reads every
run of capitalised words the article writes as a person's name, whatever the model tagged, so that
a surname can find its full name anywhere in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from spacy.tokens import Doc, Token

from claimscope.analyzers.attribution.lexicon import person_nouns
from claimscope.analyzers.entities.names import ORG_WORDS
from claimscope.analyzers.entities.titles import TITLE_MODIFIERS, TITLE_NOUNS

# lower-case words inside a name: "Luis de Miranda", "Abu Malek al-Jayrudi", "Ludwig van Beethoven"
PARTICLES = frozenset(
    {"de", "da", "di", "du", "del", "della", "van", "von", "der", "den", "la", "le", "bin", "ibn",
     "al", "el", "dos", "das", "ter", "ten", "y"}
)  # fmt: skip
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "mr.", "mrs.", "ms.",
     "dr.", "prof.", "sen.", "rep.", "gov.", "gen.", "col.", "lt.", "sgt.", "capt.", "maj.",
     "adm.", "rev.", "st."}
)  # fmt: skip
_NOT_IN_NAME = frozenset({"GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "CARDINAL", "EVENT"})
_POSSESSIVE = re.compile(r"['’]s?$")
_FOLD = re.compile(r"^(al|el|ad|ash|as|an|ar|at|az|ud|ul|bin|ibn)[-‐]", re.I)


def fold(name: str) -> str:
    """A name for comparison: case-folded, curly apostrophes straight, an Arabic article dropped."""
    words = [_FOLD.sub("", w) for w in name.replace("’", "'").casefold().split()]
    return " ".join(w for w in words if w)


@dataclass
class FullName:
    name: str
    positions: list[int] = field(default_factory=list)  # character offsets of its occurrences
    entity: str | None = None


class NameIndex:
    """Every person's name of two words or more that the article writes, with where it stands."""

    def __init__(self, doc: Doc, person_entities: dict[str, tuple[str, list[int]]]) -> None:
        self.names: dict[str, FullName] = {}
        for ent_id, (name, positions) in person_entities.items():
            if len(name.split()) >= 2:
                self._add(name, positions, ent_id)
        # a run is a person's name when the model tagged a word of it a person here, or its last
        # word elsewhere ("Badr Jamous" tagged ORG once, "Jamous" PERSON later)
        person_words = {t.lower_ for t in doc if t.ent_type_ == "PERSON"}
        for start, end in _name_runs(doc):
            words = doc[start:end]
            if len(words) < 2 or not (
                any(t.ent_type_ == "PERSON" for t in words)
                or words[-1].lower_ in person_words
                or all(t.ent_type_ in ("", "ORG") for t in words)  # "Laurent Fabius" as ORG
            ):
                continue
            if any(t.ent_type_ in _NOT_IN_NAME for t in words):
                continue
            self._add(words.text, [words.start_char], None)

    def add(self, name: str, position: int, entity: str | None) -> None:
        """A person's name found by resolution ("Foreign Minister Walid al-Muallem")."""
        self._add(name, [position], entity)

    def _add(self, name: str, positions: list[int], entity: str | None) -> None:
        name = _POSSESSIVE.sub("", " ".join(name.split()))
        if len(name.split()) < 2:
            return
        key = fold(name)
        known = self.names.get(key)
        if known is None:
            self.names[key] = FullName(name, sorted(positions), entity)
        else:
            known.positions = sorted({*known.positions, *positions})
            known.entity = known.entity or entity

    def full_name(self, short: str, position: int) -> FullName | None:
        """The full name a short form ("Abdel Rahman", "de Miranda", "Jandalai") refers to.

        Names that end with the short form's words; when several do, the one written nearest
        before ``position`` (else nearest after). A misspelt single surname matches a name whose
        surname is nearly the same (similarity 85 or more), when only one does.
        """
        words = [w for w in fold(short).split() if not honorific(w)]
        if not words:
            return None
        n = len(words)
        hits = [
            f for key, f in self.names.items() if len(key.split()) > n and key.split()[-n:] == words
        ]
        if not hits:  # a first name or given names: "Te Kaurinui", "Fiona"
            hits = [
                f
                for key, f in self.names.items()
                if len(key.split()) > n and key.split()[:n] == words
            ]
            hits = _fullest(hits)
            if len({f.name for f in hits}) > 1:
                hits = []
        if not hits and n == 1 and len(words[0]) >= 5:
            hits = [
                f for key, f in self.names.items() if fuzz.ratio(key.split()[-1], words[0]) >= 85
            ]
        if not hits:
            return None
        people = _people(hits)
        if len(people) > 1:
            # two people of one surname ("Hori Parata" and his son "Te Kaurinui Robert Parata"):
            # news names the one introduced first by the surname, the others by given names
            first = min(people, key=lambda f: min(f.positions))
            if min(first.positions) <= position:
                return first
        return _nearest(hits, position)


def _people(hits: list[FullName]) -> list[FullName]:
    """Hits grouped by person: a shorter writing within a longer one ("Te Kaurinui Parata" in
    "Te Kaurinui Robert Parata") is the same person, with both writings' positions."""
    ordered = sorted(hits, key=lambda f: -len(f.name.split()))
    people: list[FullName] = []
    for f in ordered:
        owner = next((p for p in people if _within(f.name, p.name)), None)
        if owner is None:
            people.append(FullName(f.name, list(f.positions), f.entity))
        else:
            owner.positions = sorted({*owner.positions, *f.positions})
    return people


def _within(short: str, full: str) -> bool:
    """Whether the words of ``short`` occur in ``full`` in order (a subsequence)."""
    rest = iter(fold(full).split())
    return all(w in rest for w in fold(short).split())


def _fullest(hits: list[FullName]) -> list[FullName]:
    """One name when every hit is a shorter writing of the longest ("Te Kaurinui Parata",
    "Te Kaurinui Robert" within "Te Kaurinui Robert Parata"); all of them otherwise."""
    if len(hits) < 2:
        return hits
    longest = max(hits, key=lambda f: len(f.name.split()))
    return [longest] if all(_within(f.name, longest.name) for f in hits) else hits


def _nearest(hits: list[FullName], position: int) -> FullName:
    def distance(f: FullName) -> tuple[int, int]:
        before = [p for p in f.positions if p <= position]
        if before:
            return (0, position - max(before))
        return (1, min(f.positions) - position)

    return min(hits, key=distance)


def _name_runs(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of capitalised runs that can be a person's name (particles inside allowed)."""
    runs = []
    i, n = 0, len(doc)
    while i < n:
        if not _name_word(doc[i]):
            i += 1
            continue
        start = i
        while i < n and (
            _name_word(doc[i])
            or (doc[i].lower_ in PARTICLES and i > start and _particle_before_name(doc, i))
            or (doc[i].text in ("-", "‐") and not doc[i].whitespace_ and i > start)
        ):
            i += 1
        # a title or an organisation run into the name: "Observatory head Rami Abdel Rahman"
        for j in range(start, i):
            w = doc[j].lower_
            if w in TITLE_NOUNS or w in TITLE_MODIFIERS or w in ORG_WORDS or honorific(w):
                start = j + 1
        while i - start > 2 and (
            doc[start].lower_ in person_nouns()  # "Coach Mark Ellison"
            or (doc[start].text.isupper() and len(doc[start].text) <= 5)  # "UN Bashar Ja'afari"
        ):
            start += 1
        if i - start >= 2:
            runs.append((start, i))
    return runs


def honorific(word: str) -> bool:
    """ "Mr", "Mr.", "Gen.", "gen": a title written before a name."""
    w = word.lower()
    return w in HONORIFICS or w.rstrip(".") in HONORIFICS or f"{w.rstrip('.')}." in HONORIFICS


def _name_word(t: Token) -> bool:
    return t.pos_ == "PROPN" and t.text[:1].isupper()


def _particle_before_name(doc: Doc, i: int) -> bool:
    """ "de Miranda", "al-Jayrudi": a particle followed by a name (or a hyphen and a name)."""
    j = i + 1
    if j < len(doc) and doc[j].text in ("-", "‐") and not doc[i].whitespace_:
        j += 1
    return j < len(doc) and _name_word(doc[j])
