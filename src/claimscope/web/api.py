"""The JSON API: analyse an article, read a stored analysis, the contract's JSON Schema."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from claimscope.web.inputs import (
    article_from_html,
    article_from_text,
    article_from_url,
    check_date,
)
from claimscope.web.responses import DOCUMENT, ERROR
from claimscope.web.service import service, stored_key

router = APIRouter(prefix="/api", tags=["api"])


class AnalyzeRequest(BaseModel):
    """Exactly one of ``text``, ``html`` or ``url``, with optional metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article as plain text (pasted).")
    html: str | None = Field(None, description="The article page as HTML.")
    url: str | None = Field(
        None, description="An http(s) URL to fetch (private addresses are refused)."
    )
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD.")
    outlet: str | None = Field(None, description="The outlet that published the article.")
    title: str | None = Field(None, description="The article's title, if the input lacks one.")

    @field_validator("published")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return check_date(value) if value is not None else None

    @model_validator(mode="after")
    def _one_input(self) -> AnalyzeRequest:
        given = [k for k in ("text", "html", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of text, html or url"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


@router.post(
    "/analyze",
    summary="Analyse an article and store the analysis",
    response_class=Response,
    responses={200: DOCUMENT, 400: ERROR, 413: ERROR, 422: ERROR},
)
def analyze(body: AnalyzeRequest, request: Request) -> Response:
    svc = service(request)
    meta: dict[str, Any] = {
        "published": body.published,
        "outlet": body.outlet,
        "title": body.title,
    }
    if body.text is not None:
        article = article_from_text(body.text, **meta)
    elif body.html is not None:
        article = article_from_html(body.html, **meta)
    else:
        assert body.url is not None
        article = article_from_url(body.url, svc.fetch, **meta)
    key, analysis = svc.analyze(article)
    return Response(
        analysis.to_json(indent=None),
        media_type="application/json",
        headers={"Location": f"/api/analyses/{quote(key)}", "X-Analysis-Id": quote(key)},
    )


@router.get(
    "/analyses/{analysis_id:path}",  # record ids may hold "/"
    summary="A stored analysis",
    response_class=Response,
    responses={200: DOCUMENT, 404: ERROR, 409: ERROR},
)
def get_analysis(analysis_id: str, request: Request) -> Response:
    """The analysis stored under ``analysis_id``: its key (the ``X-Analysis-Id`` of
    ``POST /api/analyze``), or its article's input id when one stored article has it."""
    svc = service(request)
    key = stored_key(svc, analysis_id)
    with svc.corpus() as store:
        document = store.get_json(key)
    if document is None:  # deleted since
        raise HTTPException(404, f"no analysis with id {analysis_id[:100]!r}")
    return Response(document, media_type="application/json")


@lru_cache(maxsize=1)
def _schema_text() -> str:
    text = files("claimscope").joinpath("schema/analysis.schema.json").read_text("utf-8")
    json.loads(text)  # fail loudly at first use if the packaged file were broken
    return text


@router.get(
    "/schema",
    summary="The JSON Schema of the analysis document",
    response_class=Response,
    responses={200: {"content": {"application/schema+json": {"schema": {"type": "object"}}}}},
)
def schema() -> Response:
    return Response(_schema_text(), media_type="application/schema+json")
