"""The corpus JSON API: search the corpus store, read a stored article, the saved claim clusters,
and outlets compared over a search or a cluster.

The same queries as the corpus pages (:mod:`claimscope.web.corpus_queries`); a date that is none
is a 400 with a message, an unknown article or cluster a 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from claimscope.corpus.search import SearchHit
from claimscope.corpus.stories.stored import BuildInfo, ClusterSummary, saved_clusters
from claimscope.web.corpus_queries import (
    CLUSTER_ID_MAX,
    COMPARE_MAX,
    SEARCH_MAX,
    SearchParams,
    build_state,
    cluster_or_404,
    compare,
    search_params,
)
from claimscope.web.responses import DOCUMENT, ERROR
from claimscope.web.service import service

router = APIRouter(prefix="/api/corpus", tags=["corpus"])
_ERRORS: dict[int | str, dict[str, Any]] = {400: ERROR, 422: ERROR}


class SearchResult(BaseModel):
    """The hits of a search, best first (newest first when no words were given)."""

    params: dict[str, str] = Field(description="The words and filters given.")
    articles: int = Field(description="Articles in the corpus.")
    count: int = Field(description="Hits returned (at most the limit asked).")
    hits: list[SearchHit]


class ClusterList(BaseModel):
    """Saved clusters, most outlets first, and the build they come from (null: never built)."""

    build: BuildInfo | None
    articles: int = Field(description="Articles in the corpus now.")
    stale: bool = Field(description="Whether the corpus changed size since the build.")
    offset: int
    clusters: list[ClusterSummary]


class Member(BaseModel):
    """A claim of a cluster, with how its outlet carried it."""

    key: str
    claim: str
    outlet: str | None
    published: str | None
    title: str | None
    voice: str
    speaker: str | None
    cue: str | None
    hedges: list[str]
    stance: str = Field(description="fact, attributed or doubt.")
    text: str


class Cluster(BaseModel):
    """A saved cluster: its summary fields, its build, and its claims in publication order."""

    id: int
    claims: int
    articles: int
    outlets: list[str]
    cohesion: float | None
    first_published: str | None
    last_published: str | None
    first_outlet: str | None
    text: str
    build: BuildInfo
    members: list[Member]


class OutletComparison(BaseModel):
    """One row of plain strings per outlet (most articles first) over the articles compared."""

    keys: list[str] = Field(description="The articles compared.")
    outlets: list[dict[str, str]]


@router.get(
    "/search",
    summary="Search the corpus",
    response_model=SearchResult,
    responses=_ERRORS,
)
def search(
    request: Request,
    params: Annotated[SearchParams, Depends(search_params)],
    limit: Annotated[int, Query(ge=1, le=SEARCH_MAX)] = 50,
) -> SearchResult:
    with service(request).corpus() as store:
        hits = params.search(store, limit)
        total = store.count()
    return SearchResult(params=params.given(), articles=total, count=len(hits), hits=hits)


@router.get(
    "/articles/{key}",
    summary="A stored article's analysis",
    response_class=Response,
    responses={200: DOCUMENT, 404: ERROR},
)
def article(key: str, request: Request) -> Response:
    with service(request).corpus() as store:
        document = store.get_json(key)
    if document is None:
        raise HTTPException(404, f"no article with key {key[:100]!r} in the corpus")
    return Response(document, media_type="application/json")


@router.get(
    "/clusters",
    summary="The saved claim clusters",
    response_model=ClusterList,
    responses=_ERRORS,
)
def clusters(
    request: Request,
    min_outlets: Annotated[int, Query(ge=1, le=10_000, description="Outlets at least.")] = 2,
    outlet: Annotated[
        str | None, Query(max_length=500, description="Carried by this outlet.")
    ] = None,
    words: Annotated[
        str | None, Query(max_length=500, description="A claim holds these words.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ClusterList:
    with service(request).corpus() as store:
        state = build_state(store)
        rows = []
        if state.build is not None:
            rows = saved_clusters(
                store,
                min_outlets=min_outlets,
                outlet=(outlet or "").replace("\x00", "").strip() or None,
                query=(words or "").replace("\x00", "").strip() or None,
                limit=limit,
                offset=offset,
            )
    return ClusterList(
        build=state.build,
        articles=state.articles_now,
        stale=state.stale,
        offset=offset,
        clusters=rows,
    )


@router.get(
    "/clusters/{cluster_id}",
    summary="A saved claim cluster with its claims",
    response_model=Cluster,
    responses={404: ERROR, 422: ERROR},
)
def cluster(request: Request, cluster_id: Annotated[int, Path(ge=0, le=CLUSTER_ID_MAX)]) -> Cluster:
    with service(request).corpus() as store:
        found = cluster_or_404(store, cluster_id)
    return Cluster.model_validate(found.to_dict())


@router.get(
    "/compare",
    summary="Outlets side by side over a search's articles or a cluster's",
    response_model=OutletComparison,
    responses={**_ERRORS, 404: ERROR},
)
def compare_outlets(
    request: Request,
    params: Annotated[SearchParams, Depends(search_params)],
    cluster: Annotated[
        int | None,
        Query(ge=0, le=CLUSTER_ID_MAX, description="Compare this cluster's articles instead."),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=COMPARE_MAX, description="Articles at most.")
    ] = COMPARE_MAX,
) -> OutletComparison:
    with service(request).corpus() as store:
        comparison = compare(store, params, cluster, limit)
    return OutletComparison(keys=comparison.keys, outlets=comparison.rows)
