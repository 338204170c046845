"""Place links against a hand-annotated gold set: precision and recall of every link, not just the
main place.

The FA-KES measure (:mod:`claimscope.evaluation.places`) only asks whether an article's main place
is right; a map full of wrong towns ("mosques" in Moscow, a person called Eloise in Florida) can
pass it. This measure asks of every name a system links in an article whether it is a place and the
right entry.

Gold
----
``docs/places-gold.tsv`` (how it was made: ``docs/evaluation.md``): for 20 English news pages of
the html-pages set and 20 FA-KES rows, every place name of the article (as written, once per
article) and the gazetteer entries it may be linked to (``geonames:<id>``, or
``admin1:<country>:<region>`` for a first-level region, which GeoNames' files here give no id),
several when the text allows more than one (a Syrian governorate and its capital of the same name).
``-`` marks a place the gazetteer does not hold (a street, a village under 1000 people, a sea, a
desert, "the West"): nothing should be linked there. A document line with an empty name says the
article was read and names no place.

Measure
-------
The unit is a distinct (name, entry) link in an article, so a country named twenty times counts
once. A system's name is matched to the gold name it equals after :func:`_key` (case, "the",
possessive, also one that lost its apostrophe: "Syrias"), else to the longest gold name that
contains it or that it contains, word for word ("Taranaki" in "South Taranaki", "Miami Beach's").
A link is **right** when its name matches a gold name and its entry is one the gold accepts; any
other link (a name the gold does not list, a ``-`` place, the wrong town) is wrong.
**Precision** = right links / links; **recall** = gold names with an entry that a link found (a
link to one of its entries, from the name or a part of it: "Aleppo" linked to the city finds
"Eastern Aleppo") / gold names with an entry. "On the map" counts only links of confidence
>= 0.5, the ones the reports draw.

Both systems see the same mentions (:func:`claimscope.analyzers.places.collect_mentions`); the
baseline links each to its most populous exact match, as in the FA-KES measure.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.errors import InputError
from claimscope.model import Failure

if TYPE_CHECKING:
    from claimscope.knowledge.gazetteer import GeoPlace

SYSTEMS = ("claimscope", "claimscope, on the map", "most populous match")
#: links the reports draw on the map (report/plots.py leaves the rest off as uncertain)
MAP_CONFIDENCE = 0.5
PAGES = "html-pages"
FAKES = "fa-kes"


@dataclass(frozen=True)
class GoldName:
    name: str
    entries: frozenset[str]  # empty: a place the gazetteer does not hold


@dataclass
class Link:
    document: str
    name: str
    entry: str
    right: bool
    gold: str | None  # the gold name it matched


@dataclass
class Result:
    gold: Path
    documents: int = 0
    gold_names: int = 0  # with an entry
    outside: int = 0  # "-" names
    links: dict[str, list[Link]] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)  # gold names recalled, per system
    seconds: float = 0.0

    def precision(self, system: str) -> float:
        links = self.links.get(system, [])
        return sum(link.right for link in links) / len(links) if links else 0.0

    def recall(self, system: str) -> float:
        return self.found.get(system, 0) / self.gold_names if self.gold_names else 0.0


def entry_key(p: GeoPlace) -> str:
    """The gold's name for a gazetteer entry."""
    return p.gazetteer_id or f"{p.kind}:{p.country_code}:{p.admin1 or p.name}"


_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def _key(name: str) -> str:
    words = re.sub(r"\s+", " ", _POSSESSIVE.sub("", name.strip(" -.,;:\"'“”‘’"))).casefold()
    return words[4:] if words.startswith("the ") else words


def _words(key: str) -> list[str]:
    return re.findall(r"\w+", key)


def _contains(outer: list[str], inner: list[str]) -> bool:
    n = len(inner)
    return n > 0 and any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


def match(name: str, gold: list[GoldName]) -> GoldName | None:
    """The gold name a system's name stands for (see the module docstring)."""
    key = _key(name)
    for g in gold:  # as written, or a possessive that lost its apostrophe ("Syrias")
        if _key(g.name) in (key, f"{key}s"):
            return g
    words = _words(key)
    around = [g for g in gold if _contains(_words(_key(g.name)), words)]
    inside = [g for g in gold if _contains(words, _words(_key(g.name)))]
    for found in (around, inside):
        if found:
            return max(found, key=lambda g: len(_words(_key(g.name))))
    return None


def recalled(g: GoldName, links: list[Link]) -> bool:
    """Whether an article's links find a gold name: a link to one of its entries whose name is the
    gold name or a part of it ("Aleppo" finds "Eastern Aleppo" when it links the city)."""
    words = _words(_key(g.name))
    return any(
        link.entry in g.entries
        and (link.gold == g.name or _contains(words, _words(_key(link.name))))
        for link in links
    )


def read_gold(path: Path) -> dict[str, list[GoldName]]:
    """Document id -> its gold names, in file order."""
    if not path.is_file():
        raise InputError(f"{path}: no such file (the place gold TSV)")
    gold: dict[str, list[GoldName]] = {}
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or not parts[0].startswith((f"{PAGES}/", f"{FAKES}/")):
                raise InputError(
                    f"{path}:{number}: expected 'document<TAB>name<TAB>entries' with a document "
                    f"id of {PAGES}/<page> or {FAKES}/<unit_id>"
                )
            document, name, entries = parts
            names = gold.setdefault(document, [])
            if name:
                keys = frozenset() if entries.strip() == "-" else frozenset(entries.split("|"))
                names.append(GoldName(name, keys))
    return gold


def _texts(
    documents: list[str], pages: Path | None, fakes: Path | None
) -> Iterator[tuple[str, str]]:
    """(document id, article text), read as the analysis reads them."""
    rows: dict[str, dict[str, str]] = {}
    if any(d.startswith(f"{FAKES}/") for d in documents):
        if fakes is None:
            raise InputError("the place gold names FA-KES rows: give --fakes")
        from claimscope.evaluation.places import read_fakes

        rows = {r.get("unit_id", ""): r for r in read_fakes(fakes)}
    for document in documents:
        source, _, name = document.partition("/")
        if source == PAGES:
            if pages is None:
                raise InputError("the place gold names html-pages: give --pages")
            from claimscope.ingest import auto

            path = pages / name / "source.html"
            if not path.is_file():
                raise InputError(f"{path}: no such file (page {name} of the place gold)")
            article = next(iter(auto.read(str(path))))
            if isinstance(article, Failure):
                raise InputError(f"{path}: {article.reason}")
            yield document, article.text
        else:
            if name not in rows:
                raise InputError(f"{fakes}: no row with unit_id {name} (named by the place gold)")
            row = rows[name]
            title = row.get("article_title", "").strip()
            yield document, f"{title}\n\n{row['article_content'].strip()}"


def evaluate(gold_path: Path, pages: Path | None, fakes: Path | None) -> Result:
    from claimscope.analyzers.places import collect_mentions, resolve
    from claimscope.analyzers.results import Results
    from claimscope.evaluation.places import most_populous, places_pipeline
    from claimscope.knowledge.gazetteer import gazetteer

    gold = read_gold(gold_path)
    result = Result(gold=gold_path, links={s: [] for s in SYSTEMS}, found=dict.fromkeys(SYSTEMS, 0))
    started = time.perf_counter()
    documents = list(gold)
    texts = list(_texts(documents, pages, fakes))
    gaz = gazetteer()
    nlp = places_pipeline()
    for (document, text), doc in zip(texts, nlp.pipe(t for _, t in texts), strict=True):
        names = gold[document]
        result.documents += 1
        result.gold_names += sum(bool(g.entries) for g in names)
        result.outside += sum(not g.entries for g in names)
        mentions = collect_mentions(doc, Results.of(doc).entities, gaz)
        baseline = [(text[m.start : m.end], most_populous(m).place, 1.0) for m in mentions]
        resolve(doc, mentions, gaz)
        ours = [
            (text[m.start : m.end], m.choice.place, m.confidence)
            for m in mentions
            if m.choice is not None
        ]
        drawn = [link for link in ours if link[2] >= MAP_CONFIDENCE]
        for system, chosen in zip(SYSTEMS, (ours, drawn, baseline), strict=True):
            links = []
            for name, entry in dict.fromkeys((n, entry_key(p)) for n, p, _ in chosen):
                g = match(name, names)
                right = g is not None and entry in g.entries
                links.append(Link(document, name, entry, right, g.name if g else None))
            result.links[system] += links
            result.found[system] += sum(recalled(g, links) for g in names if g.entries)
    result.seconds = time.perf_counter() - started
    return result


def format_report(result: Result, wrong: int = 25) -> str:
    lines = [
        f"Place links on hand-annotated gold ({result.gold}): {result.documents} articles, "
        f"{result.gold_names} place names with a gazetteer entry, {result.outside} outside the "
        f"gazetteer ({result.seconds:.0f} s)",
        "",
        "| system | links | right | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for system in SYSTEMS:
        links = result.links[system]
        p, r = result.precision(system), result.recall(system)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        right = sum(link.right for link in links)
        lines.append(f"| {system} | {len(links)} | {right} | {p:.3f} | {r:.3f} | {f1:.3f} |")
    errors = [link for link in result.links[SYSTEMS[0]] if not link.right]
    if errors:
        lines += ["", f"claimscope's wrong links (first {wrong} of {len(errors)}):"]
        lines += [
            f"  {e.document}: {e.name!r} -> {e.entry}"
            + (f" (gold: {e.gold})" if e.gold else " (not a place in the gold)")
            for e in errors[:wrong]
        ]
    return "\n".join(lines)


def write_links(result: Result, path: Path) -> None:
    """Every link of every system as a TSV, for reading the errors."""
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter="\t")
        out.writerow(["system", "document", "name", "entry", "right", "gold name"])
        for system, links in result.links.items():
            for link in links:
                out.writerow([system, link.document, link.name, link.entry, link.right, link.gold])
