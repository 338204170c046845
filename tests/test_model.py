from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import pytest
from pydantic import ValidationError

from claimscope.model import (
    Analysis,
    Article,
    Entity,
    OffsetMap,
    OffsetSegment,
    Span,
    json_schema,
    json_schema_text,
)


def _article(text: str = "Russia said the ministry said so.") -> Article:
    return Article(id="a1", text=text)


def test_round_trip_keeps_every_field_and_added_ones() -> None:
    a = _article()
    doc = Analysis(
        article=a,
        entities=[Entity(id="E1", name="Russia", type="GPE", mentions=[Span.of(a.text, 0, 6)])],
        notes=["n"],
    )
    data = doc.to_dict()
    assert data["schema"] == "claimscope.analysis/1"
    data["future_field"] = {"x": 1}  # fields added in a later 1.x survive a round trip
    again = Analysis.from_dict(data)
    assert again.to_dict() == data
    assert Analysis.from_json(doc.to_json()) == doc


def test_span_text_must_match_article_text() -> None:
    a = _article()
    bad = {
        "id": "E1",
        "name": "Russia",
        "type": "GPE",
        "mentions": [{"start": 0, "end": 6, "text": "Moscow"}],
    }
    with pytest.raises(ValidationError, match="does not match"):
        Analysis.from_dict({"article": a.model_dump(), "entities": [bad]})
    with pytest.raises(ValueError, match="outside"):
        Span.of(a.text, 5, 500)


def test_sections_must_lie_inside_the_text() -> None:
    with pytest.raises(ValidationError, match="outside the article text"):
        Article(id="x", text="abc", sections=[{"kind": "body", "start": 0, "end": 9}])


def test_published_schema_file_is_in_sync_and_validates_documents(
    example_analysis: Analysis,
) -> None:
    packaged = files("claimscope").joinpath("schema/analysis.schema.json").read_text("utf-8")
    assert packaged == json_schema_text(), "run `make schema` to regenerate the schema file"
    schema = json_schema()
    jsonschema.validate(example_analysis.to_dict(), schema)
    broken = json.loads(example_analysis.to_json())
    broken["entities"][0]["mentions"][0]["start"] = "zero"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_offset_map_maps_back_character_by_character_and_by_segment() -> None:
    m = OffsetMap(
        segments=[
            OffsetSegment(start=0, end=5, orig_start=10, orig_end=15),
            OffsetSegment(start=5, end=6, orig_start=15, orig_end=18),  # 3 spaces became 1
        ]
    )
    assert m.to_original(0) == 10
    assert m.to_original(4) == 14
    assert m.to_original(5) == 15
    assert m.to_original(6) == 18
    assert m.to_original(7) is None
