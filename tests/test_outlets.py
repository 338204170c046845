from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimscope.knowledge.outlets import ENV, lookup, normalize_domain


def test_press_tv_by_name_and_url() -> None:
    for query in ("Press TV", "PressTV", "press-tv", "https://www.presstv.ir/Detail/2018/09/26/x"):
        o = lookup(query)
        assert o is not None, query
        assert o.name == "Press TV"
        assert o.country == "Iran"
        assert o.typology == "SC"
        assert o.typology_meaning == "State-controlled media"
        assert o.parent == "Islamic Republic of Iran Broadcasting (IRIB)"
    assert lookup("presstv.com") == lookup("http://m.presstv.co.uk/a") == lookup("Press TV")


def test_sana_is_syrian_state_media() -> None:
    for query in ("SANA", "Syrian Arab News Agency", "syrian arab news agency.", "sana.sy"):
        o = lookup(query)
        assert o is not None, query
        assert o.name == "SANA"
        assert o.country == "Syria"
        assert o.typology == "SC"


def test_each_rating_has_its_source() -> None:
    o = lookup("Press TV")
    assert o is not None
    raters = {r["rater"] for r in o.ratings}
    assert "Wikipedia perennial sources" in raters
    for r in o.ratings:
        assert r["source"] and r["licence"] and "value" in r and "date" in r
    wiki = [r for r in o.ratings if r["rater"] == "Wikipedia perennial sources"]
    # idiap's scale puts "generally unreliable" and "deprecated" both at -1.
    assert {r["label"] for r in wiki} == {"generally unreliable or deprecated"}
    golden = [r for r in o.ratings if r["rater"].startswith("idiap golden truth")]
    assert golden and all(r["label"] for r in golden)


def test_unknown_outlet() -> None:
    assert lookup("The Nonexistent Gazette of Nowhere") is None
    assert lookup("no-such-outlet.invalid") is None
    assert lookup("") is None


def test_normalize_domain() -> None:
    assert normalize_domain("https://amp.www.presstv.ir/Detail/1?x=2") == "presstv.ir"
    assert normalize_domain("Press TV") is None


def test_override_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "outlets.toml"
    f.write_text(
        '[[outlets]]\nname = "Example News"\ndomains = ["example-news.test"]\n'
        'country = "Freedonia"\n\n'
        '[[outlets]]\nname = "Press TV"\nparent = "Test parent"\n'
        'ratings = [{rater = "my desk", value = "x", date = "2026-01-01", source = "notes"}]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(ENV, str(f))
    added = lookup("https://www.example-news.test/story")
    assert added is not None and added.name == "Example News" and added.country == "Freedonia"
    press = lookup("presstv.ir")
    assert press is not None
    assert press.parent == "Test parent" and press.country == "Iran"
    assert [r["rater"] for r in press.ratings] == ["my desk"]


def test_override_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "outlets.json"
    f.write_text(json.dumps({"outlets": [{"name": "Local Wire", "aliases": ["LW"]}]}))
    monkeypatch.setenv(ENV, str(f))
    o = lookup("lw")
    assert o is not None and o.name == "Local Wire"


def test_cli_outlet() -> None:
    from claimscope.cli import app

    out = CliRunner().invoke(app, ["outlet", "presstv.com"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["name"] == "Press TV"
    assert CliRunner().invoke(app, ["outlet", "nowhere.invalid"]).exit_code != 0


def test_analysis_outlet(example_text: str, nlp: Any) -> None:
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    a = analyze(read_text(example_text, outlet="Press TV"), nlp=nlp)
    assert a.outlet is not None
    assert a.outlet["name"] == "Press TV" and a.outlet["country"] == "Iran"
    assert all(r["source"] for r in a.outlet["ratings"])
    b = analyze(read_text(example_text, url="https://www.presstv.ir/Detail/2018/09/26/1"), nlp=nlp)
    assert b.outlet is not None and b.outlet["name"] == "Press TV"


def test_voices_that_are_outlets_take_their_registry_entry(nlp) -> None:  # type: ignore[no-untyped-def]
    from claimscope.model import Article
    from claimscope.pipeline import analyze

    text = (
        "Agerpres reported that the minister resigned on Monday. "
        "Yonhap News Agency said the talks would resume in Seoul."
    )
    voices = {v.speaker: v for v in analyze(Article(id="v", text=text), nlp=nlp).voices}
    agerpres = voices["Agerpres"]  # not in the packaged actors file: from the registry
    assert (agerpres.category, agerpres.affiliation) == ("state media", "Romania")
    assert agerpres.basis is not None and "outlet registry" in agerpres.basis
    yonhap = voices["Yonhap News Agency"]  # independent public media: media, not state media
    assert yonhap.category == "media" and yonhap.affiliation == "South Korea"


def test_a_dataset_code_is_the_label_of_one_outlets_domain() -> None:
    # FA-KES names its outlets "jordantimes", "ahram": the first label of their domains.
    found = lookup("jordantimes", labels=True)
    assert found is not None and found.name == "The Jordan Times" and found.country == "Jordan"
    assert "jordantimes.com" in found.domains
    assert lookup("jordantimes") is None  # only where the field is known to name an outlet
    assert lookup("ab", labels=True) is None  # too short to say
    assert lookup("jordan times weekly", labels=True) is None
