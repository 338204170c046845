"""What the corpus pages and the corpus API both ask of the corpus store: the search filters as
request parameters, the articles a comparison covers, and the clusters' build state.

Both front ends call these with the store held (``Service.corpus``), so that each answer is read
from one state of the store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import HTTPException, Query

from claimscope.corpus.corpus_store import CorpusStore
from claimscope.corpus.db import StoreArgumentError, redacted
from claimscope.corpus.search import SearchHit, date_bound
from claimscope.corpus.stories import compare_outlets, summary_rows
from claimscope.corpus.stories.stored import BuildInfo, SavedCluster, last_build, saved_cluster
from claimscope.errors import InputError

SEARCH_MAX = 200  # hits per search
COMPARE_MAX = 200  # articles per comparison (each is read and parsed whole)
CLUSTER_ID_MAX = 2**31 - 1  # ids are INTEGER columns; a larger number is no id at all
_TEXT_MAX = 500


def _clean(value: str | None) -> str | None:
    """A query parameter as the store gets it: NUL (which PostgreSQL refuses) dropped, blanks (an
    empty form field) as None."""
    if value is None:
        return None
    return value.replace("\x00", "").strip() or None


def _text(description: str) -> Any:
    return Query(max_length=_TEXT_MAX, description=description)


@dataclass(frozen=True)
class SearchParams:
    """The words and filters of a corpus search, as given (blank ones as None)."""

    q: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    speaker: str | None = None
    place: str | None = None
    technique: str | None = None

    def given(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def query_string(self) -> str:
        """These parameters as a URL query (for links to the same search, or its comparison)."""
        return urlencode(self.given())

    def check_dates(self) -> None:
        """Refuse a ``since`` or ``until`` that is no date, naming the parameter."""
        for name, value, end in (("since", self.since, False), ("until", self.until, True)):
            try:
                date_bound(value, end=end)
            except StoreArgumentError as e:
                raise InputError(f"{name}: {e}") from None

    def search(self, store: CorpusStore, limit: int) -> list[SearchHit]:
        self.check_dates()
        return store.search(
            self.q,
            outlet=self.outlet,
            since=self.since,
            until=self.until,
            speaker=self.speaker,
            place=self.place,
            technique=self.technique,
            limit=limit,
        )


def search_params(
    q: Annotated[str | None, _text("Words to find in titles, texts and claims.")] = None,
    outlet: Annotated[str | None, _text("Only this outlet (its name or registry name).")] = None,
    since: Annotated[
        str | None, _text("Published on or after this date: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    until: Annotated[
        str | None, _text("Published on or before this date: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    speaker: Annotated[str | None, _text("Part of an attributed speaker's name.")] = None,
    place: Annotated[
        str | None, _text("A place the article names (place, region, country).")
    ] = None,
    technique: Annotated[
        str | None, _text("A framing technique found in it (loaded_language ...).")
    ] = None,
) -> SearchParams:
    return SearchParams(
        q=_clean(q),
        outlet=_clean(outlet),
        since=_clean(since),
        until=_clean(until),
        speaker=_clean(speaker),
        place=_clean(place),
        technique=_clean(technique),
    )


def cluster_or_404(store: CorpusStore, cluster_id: int) -> SavedCluster:
    """The saved cluster, or a 404 that says where the ids come from."""
    found = saved_cluster(store, cluster_id)
    if found is None:
        raise HTTPException(404, f"no cluster {cluster_id} in the last build")
    return found


@dataclass
class Comparison:
    """Outlets side by side over some articles: what they were, and one row per outlet."""

    keys: list[str]
    rows: list[dict[str, str]]


def compare(
    store: CorpusStore, params: SearchParams, cluster_id: int | None, limit: int
) -> Comparison:
    """The outlets of a cluster's articles (``cluster_id``) or of a search's best ``limit`` hits."""
    if cluster_id is not None:
        found = cluster_or_404(store, cluster_id)
        keys = list(dict.fromkeys(m.key for m in found.members))[:limit]
    else:
        keys = [hit.key for hit in params.search(store, limit)]
    return compare_keys(store, keys)


def compare_keys(store: CorpusStore, keys: list[str]) -> Comparison:
    items = store.analyses(keys)
    return Comparison([key for key, _ in items], summary_rows(compare_outlets(items)))


@dataclass
class BuildState:
    """The last clustering, and whether the corpus has changed size since."""

    build: BuildInfo | None
    articles_now: int

    @property
    def stale(self) -> bool:
        return self.build is not None and self.build.articles != self.articles_now


def build_state(store: CorpusStore) -> BuildState:
    return BuildState(last_build(store), store.count())


def db_option(store: CorpusStore) -> str:
    """How a CLI command names this store (``--db`` value), without a password."""
    return redacted(store.target) if store.backend == "postgresql" else store.target
