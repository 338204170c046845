"""The corpus pages: search the corpus store, read a stored article, browse the saved claim
clusters and one cluster's timeline, and compare outlets side by side.

Everything shown comes from articles, so it goes through autoescaped templates; the one piece of
markup made here, the cluster timeline, is built with ElementTree (:mod:`claimscope.report.
story_plots`), which escapes every label.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from claimscope.corpus.stories.stored import saved_clusters
from claimscope.errors import ClaimscopeError
from claimscope.report.story_plots import STANCES, cluster_timeline_svg
from claimscope.web.corpus_queries import (
    CLUSTER_ID_MAX,
    COMPARE_MAX,
    SEARCH_MAX,
    SearchParams,
    build_state,
    cluster_or_404,
    compare,
    compare_keys,
    db_option,
    search_params,
)
from claimscope.web.pages import render, report_page
from claimscope.web.service import service

router = APIRouter(include_in_schema=False)

CLUSTERS_PER_PAGE = 50
COMPARE_FIELDS = [
    ("state", "State control"),
    ("articles", "Articles"),
    ("dates", "Dates"),
    ("headline", "First headline"),
    ("voices", "Voices (statements)"),
    ("sides", "Sides quoted"),
    ("framing", "Framing techniques"),
    ("hedges", "Hedges"),
    ("cues", "Cue verbs"),
    ("one-sided", "One-sided sourcing"),
]


def article_href(key: str) -> str:
    return f"/corpus/articles/{quote(key, safe='')}"


@router.get("/corpus", response_class=HTMLResponse)
def search_page(
    request: Request,
    params: Annotated[SearchParams, Depends(search_params)],
    limit: Annotated[int, Query(ge=1, le=SEARCH_MAX)] = 50,
) -> HTMLResponse:
    """The search form and its hits; with no words and no filters, the newest articles. A date
    that is none comes back as the form with the message (400), so that it can be corrected."""
    error = None
    hits = []
    with service(request).corpus() as store:
        total = store.count()
        if total:
            try:
                hits = params.search(store, limit)
            except ClaimscopeError as e:
                error = str(e)
        db = db_option(store)
        one_process = store.backend == "duckdb"
    return render(
        request,
        "corpus_search.html.j2",
        400 if error else 200,
        params=params,
        hits=hits,
        total=total,
        limit=limit,
        error=error,
        db=db,
        one_process=one_process,
        article_href=article_href,
        compare_href="/corpus/compare?" + params.query_string(),
    )


@router.get("/corpus/articles/{key}", response_class=HTMLResponse)
def article_page(key: str, request: Request) -> HTMLResponse:
    """A stored article's full analysis, as the article pages show one."""
    with service(request).corpus() as store:
        analysis = store.get(key)
    if analysis is None:
        raise HTTPException(404)
    return report_page(analysis, json_href=f"/api/corpus/articles/{quote(key, safe='')}")


@router.get("/corpus/clusters", response_class=HTMLResponse)
def clusters_page(
    request: Request,
    min_outlets: Annotated[int, Query(ge=1, le=10_000)] = 2,
    outlet: Annotated[str | None, Query(max_length=500)] = None,
    words: Annotated[str | None, Query(max_length=500)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The saved clusters, most outlets first, a page at a time; how to build them when none
    are saved, and a note when the corpus has changed since they were."""
    outlet_given = (outlet or "").replace("\x00", "").strip() or None
    words_given = (words or "").replace("\x00", "").strip() or None
    with service(request).corpus() as store:
        state = build_state(store)
        rows = []
        if state.build is not None:
            rows = saved_clusters(
                store,
                min_outlets=min_outlets,
                outlet=outlet_given,
                query=words_given,
                limit=CLUSTERS_PER_PAGE + 1,  # one more: is there a next page?
                offset=(page - 1) * CLUSTERS_PER_PAGE,
            )
        db = db_option(store)
        one_process = store.backend == "duckdb"
    filters = {"min_outlets": min_outlets, "outlet": outlet_given, "words": words_given}
    query = {k: v for k, v in filters.items() if v is not None}

    def page_href(n: int) -> str:
        return "/corpus/clusters?" + urlencode({**query, "page": n})

    return render(
        request,
        "corpus_clusters.html.j2",
        state=state,
        clusters=rows[:CLUSTERS_PER_PAGE],
        filters=filters,
        page=page,
        first=(page - 1) * CLUSTERS_PER_PAGE + 1,
        prev_href=page_href(page - 1) if page > 1 else None,
        next_href=page_href(page + 1) if len(rows) > CLUSTERS_PER_PAGE else None,
        db=db,
        one_process=one_process,
    )


@router.get("/corpus/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(
    request: Request, cluster_id: Annotated[int, Path(ge=0, le=CLUSTER_ID_MAX)]
) -> HTMLResponse:
    """One cluster: its timeline across outlets, its claims in publication order (the first
    appearance marked) and the outlets side by side over its articles."""
    with service(request).corpus() as store:
        cluster = cluster_or_404(store, cluster_id)
        keys = list(dict.fromkeys(m.key for m in cluster.members))
        comparison = compare_keys(store, keys[:COMPARE_MAX])
        state = build_state(store)
    return render(
        request,
        "corpus_cluster.html.j2",
        cluster=cluster,
        s=cluster.summary,
        # Markup: the SVG is built with ElementTree, which escapes every label it holds.
        timeline=Markup(cluster_timeline_svg(cluster.members)),
        stances=STANCES,
        comparison=comparison,
        fields=COMPARE_FIELDS,
        state=state,
        article_href=article_href,
    )


@router.get("/corpus/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    params: Annotated[SearchParams, Depends(search_params)],
    cluster: Annotated[int | None, Query(ge=0, le=CLUSTER_ID_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=COMPARE_MAX)] = COMPARE_MAX,
) -> HTMLResponse:
    """The outlets side by side over a search's articles (its best ``limit``) or a cluster's."""
    with service(request).corpus() as store:
        comparison = compare(store, params, cluster, limit)
    return render(
        request,
        "corpus_compare.html.j2",
        comparison=comparison,
        fields=COMPARE_FIELDS,
        params=params,
        cluster=cluster,
        limit=limit,
        search_href="/corpus?" + params.query_string(),
        article_href=article_href,
    )
