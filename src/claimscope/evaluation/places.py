"""Place linking on FA-KES: does an article's main place lie where the dataset says it happened?

Data
----
FA-KES (Salem et al. 2019): 804 news articles on the Syrian war, a latin-1 CSV whose ``location``
column names one city or governorate per article ("aleppo", "deir ezzor", "hasakeh" ...). The
label is the event's place, not a list of every place named, so the measure is about the *main*
place.

Measure
-------
An article's **main place** is its most-mentioned linked place in Syria (a town or an admin
region; countries are not places of an event), ties broken by first mention. It is right when it
is the labelled city or lies in the labelled governorate: the label is resolved once, through the
same gazetteer, to Syrian entries (a governorate's name is also its capital's, so both the town and
its admin1 region count). A second figure also counts Rif Dimashq, the governorate around
Damascus, for the label "damascus": FA-KES has no label of its own for it. **Evaluable** articles are those whose label resolves. An article with no
Syrian place linked counts as wrong for that system.

Systems
-------
Both see the same mentions (entities and capitalised names in a place context, as found by
:func:`claimscope.analyzers.places.collect_mentions`), on a pipeline of the English model with the
entities and places components only (the other analyzers do not touch places).

- **claimscope**: the places component's own choice (name similarity, country focus, nearby places,
  admin regions, kind, population).
- **most populous match**: each mention linked to the most populous gazetteer entry whose name
  matches it exactly (the most populous fuzzy match when none does).

``--limit N`` takes the first N articles: a quick slice, not a figure to report.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.errors import InputError
from claimscope.knowledge.placenames import normalise, transliterate

if TYPE_CHECKING:
    from spacy.language import Language

    from claimscope.analyzers.places import Mention
    from claimscope.knowledge.gazetteer import Candidate, Gazetteer, GeoPlace

SYRIA = "SY"
SYSTEMS = ("claimscope", "most populous match")
# FA-KES has no label for Rif Dimashq, the governorate around Damascus ("Damascus countryside":
# Douma, Ghouta, Madaya); its events there are labelled "damascus". The broad measure counts it.
BROAD_REGIONS = {"damascus": {"Rif-dimashq"}}


@dataclass
class Record:
    unit_id: str
    label: str
    main: dict[str, str | None]  # system -> main place ("Saraqib (Idlib)") or None
    right: dict[str, bool]
    right_broad: dict[str, bool] = field(default_factory=dict)


@dataclass
class Result:
    path: Path
    articles: int = 0
    evaluable: int = 0
    unresolved_labels: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    right_broad: Counter[str] = field(default_factory=Counter)
    no_place: Counter[str] = field(default_factory=Counter)
    # Mentions both systems link to places more than NEAR_KM apart (not a town and its region);
    # per system, how many of its choices are in Syria (in articles about the Syrian war, a rough
    # sign of which is right).
    disagreements: int = 0
    disagreements_in_syria: Counter[str] = field(default_factory=Counter)
    by_label: dict[str, Counter[str]] = field(default_factory=dict)  # label -> n, per system
    records: list[Record] = field(default_factory=list)
    seconds: float = 0.0

    def accuracy(self, system: str) -> float:
        return self.right[system] / self.evaluable if self.evaluable else 0.0


def read_fakes(path: Path, limit: int | None = None) -> list[dict[str, str]]:
    """FA-KES rows (latin-1 CSV with ``article_title``, ``article_content``, ``location``)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file (the FA-KES CSV)")
    with path.open(encoding="latin-1", newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and not {"article_content", "location"} <= rows[0].keys():
        raise InputError(f"{path}: not the FA-KES CSV (no article_content/location columns)")
    return rows[:limit]


def label_places(label: str, gaz: Gazetteer) -> tuple[set[int], set[str]]:
    """The Syrian gazetteer entries a FA-KES label names, and their admin1 regions."""
    found = [c for c in gaz.candidates(label) if c.place.country_code == SYRIA]
    if not found:
        return set(), set()
    best = max(c.similarity for c in found)
    chosen = [c.place for c in found if c.similarity == best]
    return {p.index for p in chosen}, {p.admin1 for p in chosen if p.admin1}


def main_place(choices: list[tuple[int, GeoPlace]]) -> GeoPlace | None:
    """The most-mentioned Syrian town or region among (offset, place) choices; first mention
    breaks ties. A region and its seat of the same name ("Idlib province", "Idlib") count as one
    place, as the reader takes them."""
    syrian = [(at, p) for at, p in choices if p.country_code == SYRIA and p.kind != "country"]
    if not syrian:
        return None

    def key(p: GeoPlace) -> tuple[str | None, str]:
        return (p.admin1, transliterate(normalise(p.name)))

    counts = Counter(key(p) for _, p in syrian)
    first: dict[tuple[str | None, str], int] = {}
    for at, p in syrian:
        first.setdefault(key(p), at)
    best = min(counts, key=lambda k: (-counts[k], first[k]))
    return next(p for _, p in syrian if key(p) == best)


def most_populous(m: Mention) -> Candidate:
    exact = [c for c in m.candidates if c.exact] or m.candidates
    return max(exact, key=lambda c: c.place.population)


def places_pipeline() -> Language:
    """The English model with the entities and places components only."""
    import claimscope.analyzers.entities
    import claimscope.analyzers.places  # noqa: F401  (registers the components)
    from claimscope.nlp import load_model

    nlp = load_model()
    nlp.add_pipe("claimscope_entities", last=True)
    return nlp


def evaluate(
    path: Path, limit: int | None = None, progress: Callable[[int], None] | None = None
) -> Result:
    from claimscope.analyzers.places import NEAR_KM, collect_mentions, distance_km, resolve
    from claimscope.analyzers.results import Results
    from claimscope.knowledge.gazetteer import gazetteer

    rows = read_fakes(path, limit)
    gaz = gazetteer()
    nlp = places_pipeline()
    result = Result(path=path)
    started = time.perf_counter()
    texts = (
        f"{r.get('article_title', '').strip()}\n\n{r['article_content'].strip()}" for r in rows
    )
    for row, doc in zip(rows, nlp.pipe(texts, batch_size=16), strict=True):
        result.articles += 1
        if progress:
            progress(result.articles)
        label = row["location"].strip()
        cities, regions = label_places(label, gaz)
        if not cities:
            result.unresolved_labels[label] += 1
            continue
        result.evaluable += 1
        mentions = collect_mentions(doc, Results.of(doc).entities, gaz)
        baseline = [(m.start, most_populous(m).place) for m in mentions]
        resolve(doc, mentions, gaz)
        ours = [(m.start, m.choice.place) for m in mentions if m.choice is not None]
        for m, (_, base) in zip(mentions, baseline, strict=True):
            far = m.choice is not None and distance_km(m.choice.place, base) > NEAR_KM
            if far and m.choice is not None:
                result.disagreements += 1
                result.disagreements_in_syria[SYSTEMS[0]] += m.choice.place.country_code == SYRIA
                result.disagreements_in_syria[SYSTEMS[1]] += base.country_code == SYRIA
        record = Record(unit_id=row.get("unit_id", ""), label=label, main={}, right={})
        tally = result.by_label.setdefault(label, Counter())
        tally["articles"] += 1
        for system, choices in zip(SYSTEMS, (ours, baseline), strict=True):
            main = main_place(choices)
            right = main is not None and (main.index in cities or main.admin1 in regions)
            broad = right or (
                main is not None and main.admin1 in BROAD_REGIONS.get(label.casefold(), set())
            )
            record.main[system] = f"{main.name} ({main.admin1})" if main else None
            record.right[system] = right
            record.right_broad[system] = broad
            result.right[system] += right
            result.right_broad[system] += broad
            result.no_place[system] += main is None
            tally[system] += right
        result.records.append(record)
    result.seconds = time.perf_counter() - started
    return result


def _pct(n: int, d: int) -> str:
    return f"{n / d:.1%}" if d else "–"


def format_report(result: Result) -> str:
    lines = [
        f"FA-KES main place ({result.path}): {result.articles} articles, {result.evaluable} "
        f"evaluable ({result.seconds:.0f} s)",
        "",
        "| system | right | accuracy | accuracy, Rif Dimashq counted as damascus "
        "| no Syrian place linked |",
        "|---|---:|---:|---:|---:|",
    ]
    for system in SYSTEMS:
        lines.append(
            f"| {system} | {result.right[system]} | {_pct(result.right[system], result.evaluable)}"
            f" | {_pct(result.right_broad[system], result.evaluable)}"
            f" | {result.no_place[system]} |"
        )
    if result.disagreements:
        in_syria = ", ".join(
            f"{system} {result.disagreements_in_syria[system]}" for system in SYSTEMS
        )
        lines += [
            "",
            f"mentions the two systems link to places over 30 km apart: {result.disagreements}; "
            f"of these, linked in Syria: {in_syria}",
        ]
    lines += ["", "| label | articles | claimscope | most populous match |", "|---|---:|---:|---:|"]
    for label, t in sorted(result.by_label.items(), key=lambda kv: -kv[1]["articles"]):
        n = t["articles"]
        lines.append(f"| {label} | {n} | {_pct(t[SYSTEMS[0]], n)} | {_pct(t[SYSTEMS[1]], n)} |")
    if result.unresolved_labels:
        lines.append(f"labels not in the gazetteer: {dict(result.unresolved_labels)}")
    wrong = [r for r in result.records if not r.right[SYSTEMS[0]]]
    if wrong:
        lines += ["", f"claimscope's misses (first 15 of {len(wrong)}): label -> main place"]
        lines += [f"  {r.unit_id}: {r.label} -> {r.main[SYSTEMS[0]]}" for r in wrong[:15]]
    return "\n".join(lines)
