"""The corpus pages and the corpus JSON API, over a small real corpus: the FA-KES articles of the
week of the Khan Sheikhun attack (3-10 April 2017, ten outlets reporting the same events), plus a
copy of one of them under a hostile title and outlet, analysed, stored and clustered once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("duckdb")

from fastapi.testclient import TestClient
from markupsafe import escape

from claimscope.corpus.corpus_store import open_corpus
from claimscope.corpus.keys import article_key
from claimscope.corpus.search import _WORD, terms
from claimscope.corpus.stories.compare import compare_outlets, summary_rows
from claimscope.model import Analysis, Article
from claimscope.web.app import create_app

from .conftest import shared

FAKES = "data/fa-kes/FA-KES-Dataset.csv"
FIELDS = "text=article_content,title=article_title,id=unit_id,outlet=source,published=date"
WEEK = ("2017-04-03", "2017-04-10")
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
SHORT = (
    "Officials say talks resume\n\n"
    "GENEVA (Reuters) - Talks between the two sides will resume next week, a United Nations "
    'spokesman said on Tuesday. "We are hopeful," the spokesman told reporters.\n'
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> dict[str, Any]:
    """The week's articles and a hostile copy, analysed into a DuckDB file, clusters built."""
    from claimscope.corpus.stories.stored import build_clusters
    from claimscope.ingest.auto import ReadOptions, read
    from claimscope.ingest.jsonl_csv import FieldMap
    from claimscope.pipeline import analyze_many

    path = shared(FAKES)
    options = ReadOptions(fields=FieldMap.parse(FIELDS))
    articles = [
        a
        for a in read(str(path), options)
        if isinstance(a, Article) and a.published and WEEK[0] <= a.published <= WEEK[1]
    ]
    assert len(articles) >= 30, "the FA-KES file no longer has the week of the attack"
    # A copy of the first article with a hostile title and outlet and a script before its text:
    # its claims repeat the original's, so it lands in that article's clusters.
    source = articles[0]
    hostile = source.model_copy(
        update={
            "id": "hostile",
            "title": f"{HOSTILE} {source.title}",
            "outlet": HOSTILE,
            "text": f"{HOSTILE} {source.text}",
        }
    )
    articles.append(hostile)
    analyses = [a for a in analyze_many(articles, nlp=nlp) if isinstance(a, Analysis)]
    assert len(analyses) == len(articles)
    db = tmp_path_factory.mktemp("web-corpus") / "web.duckdb"
    keys = [article_key(a) for a in articles]
    with open_corpus(db) as store:
        store.put_many([(k, a, None) for k, a in zip(keys, analyses, strict=True)])
        info, clusters = build_clusters(store)
    assert clusters, "no claim cluster in the week of the attack"
    return {
        "db": db,
        "analyses": dict(zip(keys, analyses, strict=True)),
        "hostile": keys[-1],
        "title": source.title,
        "info": info,
    }


@pytest.fixture(scope="module")
def client(corpus: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(corpus["db"]), raise_server_exceptions=False) as c:
        yield c


def _json(client: TestClient, url: str, status: int = 200) -> Any:
    r = client.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _page(client: TestClient, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "Traceback" not in r.text
    return r.text


def _unique_word(analyses: dict[str, Analysis]) -> tuple[str, str]:
    """A word of exactly one article (title or text, as the index sees words), and that article."""
    seen: dict[str, set[str]] = {}
    for key, a in analyses.items():
        for term in terms(f"{a.article.title or ''} {a.article.text}"):
            seen.setdefault(term, set()).add(key)
    for key, a in sorted(analyses.items()):
        for word in _WORD.findall(a.article.text):
            found = terms(word)
            if len(word) >= 8 and word.isalpha() and len(found) == 1 and seen[found[0]] == {key}:
                return word, key
    raise AssertionError("no word occurs in one article only")


def _hostile_cluster(client: TestClient) -> int:
    listing = _json(client, "/api/corpus/clusters?min_outlets=1&limit=500")
    ids = [c["id"] for c in listing["clusters"] if HOSTILE in c["outlets"]]
    assert ids, "the hostile copy is in no cluster"
    return int(ids[0])


# -- search --------------------------------------------------------------------------------------


def test_search_finds_the_one_article_with_a_word(
    client: TestClient, corpus: dict[str, Any]
) -> None:
    word, key = _unique_word(corpus["analyses"])
    result = _json(client, f"/api/corpus/search?q={word}")
    assert [h["key"] for h in result["hits"]] == [key]
    assert result["count"] == 1
    assert result["articles"] == len(corpus["analyses"])
    assert result["params"] == {"q": word}
    hit = result["hits"][0]
    assert set(hit) == {
        "key",
        "id",
        "title",
        "outlet",
        "published",
        "score",
        "claim",
        "speaker",
        "snippet",
    }
    assert hit["score"] > 0
    assert word.lower() in hit["snippet"].lower()

    page = _page(client, f"/corpus?q={word}")
    title = corpus["analyses"][key].article.title
    assert f'href="/corpus/articles/{key}"' in page
    assert unescape(page).count(title) >= 1
    assert "1 article found" in page
    assert f'href="/corpus/compare?q={word}"' in page


def test_search_filters(client: TestClient, corpus: dict[str, Any]) -> None:
    analyses: dict[str, Analysis] = corpus["analyses"]
    ahram = {k for k, a in analyses.items() if a.article.outlet == "ahram"}
    assert len(ahram) >= 3
    hits = _json(client, "/api/corpus/search?outlet=AHRAM&limit=200")["hits"]
    assert {h["key"] for h in hits} == ahram

    late = {k for k, a in analyses.items() if (a.article.published or "") >= "2017-04-08"}
    hits = _json(client, "/api/corpus/search?since=2017-04-08&limit=200")["hits"]
    assert {h["key"] for h in hits} == late
    assert [h["published"] for h in hits] == sorted((h["published"] for h in hits), reverse=True)
    hits = _json(client, "/api/corpus/search?q=attack&since=2017-04&until=2017-04-05")["hits"]
    assert hits
    assert all("2017-04-01" <= h["published"] <= "2017-04-05" for h in hits)

    quoting = {
        k
        for k, a in analyses.items()
        if any(x.speaker and "observatory" in x.speaker.name.lower() for x in a.attributions)
    }
    assert quoting
    hits = _json(client, "/api/corpus/search?speaker=observatory&limit=200")["hits"]
    assert {h["key"] for h in hits} == quoting

    page = _page(client, "/corpus?outlet=ahram&since=2017-04-05")
    shown = set(re.findall(r'href="/corpus/articles/([0-9a-f]+)"', page))
    assert shown == {k for k in ahram if (analyses[k].article.published or "") >= "2017-04-05"}
    assert 'value="ahram"' in page  # the form keeps what was asked
    assert 'href="/corpus/compare?outlet=ahram&amp;since=2017-04-05"' in page


def test_no_words_and_no_filters_list_the_newest(client: TestClient) -> None:
    page = _page(client, "/corpus")
    assert "The newest" in page
    dates = re.findall(r'<div class="hit-meta">[^<]*· (\d{4}-\d{2}-\d{2})', page)
    assert dates and dates == sorted(dates, reverse=True)


def test_bad_dates_are_400_with_a_message(client: TestClient) -> None:
    page = _page(client, "/corpus?q=attack&since=2017-13-45", 400)
    assert "since: &#39;2017-13-45&#39; is not a date" in page
    assert 'value="2017-13-45"' in page  # the form is back, to be corrected
    error = _json(client, "/api/corpus/search?until=soon", 400)
    assert error == {"error": "until: 'soon' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"}
    assert "since:" in _json(client, "/api/corpus/compare?since=2017-02-30", 400)["error"]
    page = _page(client, "/corpus/compare?until=yesterday", 400)
    assert "until: &#39;yesterday&#39; is not a date" in page
    assert "The corpus cannot answer this request" in page


def test_out_of_range_parameters_are_422(client: TestClient) -> None:
    assert "problems" in _json(client, "/api/corpus/search?limit=0", 422)
    assert "problems" in _json(client, "/api/corpus/clusters/abc", 422)
    assert "problems" in _json(client, f"/api/corpus/clusters/{2**40}", 422)
    assert "cluster_id" in _page(client, "/corpus/clusters/abc", 422)


# -- articles ------------------------------------------------------------------------------------


def test_article_page_and_document(client: TestClient, corpus: dict[str, Any]) -> None:
    key, analysis = next(iter(corpus["analyses"].items()))
    page = _page(client, f"/corpus/articles/{key}")
    assert unescape(page).count(analysis.article.title) >= 1
    assert f'href="/api/corpus/articles/{key}"' in page
    assert 'href="/corpus"' in page
    r = client.get(f"/api/corpus/articles/{key}")
    assert r.status_code == 200
    assert Analysis.from_json(r.content) == analysis


def test_unknown_things_are_404(client: TestClient) -> None:
    assert "Not found" in _page(client, "/corpus/articles/0123abc", 404)
    assert "0123abc" in _json(client, "/api/corpus/articles/0123abc", 404)["error"]
    assert "no cluster 999999" in _page(client, "/corpus/clusters/999999", 404)
    assert _json(client, "/api/corpus/clusters/999999", 404) == {
        "error": "no cluster 999999 in the last build"
    }
    assert "error" in _json(client, "/api/corpus/compare?cluster=999999", 404)
    _page(client, "/corpus/compare?cluster=999999", 404)


# -- clusters ------------------------------------------------------------------------------------


def test_cluster_list_shows_the_build_and_filters(
    client: TestClient, corpus: dict[str, Any]
) -> None:
    info = corpus["info"]
    listing = _json(client, "/api/corpus/clusters?limit=500")
    assert listing["build"]["id"] == info.id
    assert listing["build"]["articles"] == listing["articles"] == len(corpus["analyses"])
    assert listing["stale"] is False
    clusters = listing["clusters"]
    assert clusters and all(len(c["outlets"]) >= 2 for c in clusters)  # the default: 2 outlets
    assert set(clusters[0]) == {
        "id",
        "claims",
        "articles",
        "outlets",
        "cohesion",
        "first_published",
        "last_published",
        "first_outlet",
        "text",
    }
    wide = _json(client, "/api/corpus/clusters?min_outlets=4")["clusters"]
    assert wide and all(len(c["outlets"]) >= 4 for c in wide)
    ahram = _json(client, "/api/corpus/clusters?outlet=AHRAM&limit=500")["clusters"]
    assert ahram and all(any("ahram" in o.lower() for o in c["outlets"]) for c in ahram)
    assert len(ahram) < len(clusters)
    sarin = _json(client, "/api/corpus/clusters?words=sarin&min_outlets=1")["clusters"]
    assert sarin
    for c in sarin:
        members = _json(client, f"/api/corpus/clusters/{c['id']}")["members"]
        assert any("sarin" in m["text"].lower() for m in members)
    first = _json(client, "/api/corpus/clusters?min_outlets=1&limit=3")["clusters"]
    second = _json(client, "/api/corpus/clusters?min_outlets=1&limit=3&offset=3")["clusters"]
    assert len(first) == len(second) == 3
    assert not {c["id"] for c in first} & {c["id"] for c in second}

    page = _page(client, "/corpus/clusters")
    assert f"over {info.articles} articles" in page
    for c in clusters[:5]:
        assert f'href="/corpus/clusters/{c["id"]}"' in page
    assert "now holds" not in page
    page = _page(client, "/corpus/clusters?min_outlets=1")
    if len(_json(client, "/api/corpus/clusters?min_outlets=1&limit=500")["clusters"]) > 50:
        assert 'href="/corpus/clusters?min_outlets=1&amp;page=2"' in page
        assert "← Previous" in _page(client, "/corpus/clusters?min_outlets=1&page=2")


def _member_rows(page: str) -> list[tuple[str, str, str]]:
    """(class, date, outlet) of each row of the members table."""
    table = page.split('<table class="data members">', 1)[1].split("</table>", 1)[0]
    return [
        (cls, date, unescape(outlet))
        for cls, date, outlet in re.findall(
            r'<tr class="([^"]*)"><td class="date">([^<]*)(?:<span[^>]*>first</span>)?</td>'
            r"<td>([^<]*)</td>",
            table,
        )
    ]


def test_cluster_page_lists_members_in_date_order(client: TestClient) -> None:
    top = _json(client, "/api/corpus/clusters?limit=1")["clusters"][0]
    cluster = _json(client, f"/api/corpus/clusters/{top['id']}")
    members = cluster["members"]
    assert len(members) == top["claims"] >= 3
    assert cluster["build"]["id"]
    assert {m["stance"] for m in members} <= {"fact", "attributed", "doubt"}
    dates = [m["published"] for m in members]
    assert dates == sorted(dates)
    assert {m["outlet"] for m in members} == set(top["outlets"])

    page = _page(client, f"/corpus/clusters/{top['id']}")
    rows = _member_rows(page)
    assert [(d, o) for _, d, o in rows] == [(m["published"], m["outlet"]) for m in members]
    assert [c for c, _, _ in rows] == ["first"] + [""] * (len(rows) - 1)
    for m in members:
        assert f'href="/corpus/articles/{m["key"]}"' in page
    # The timeline: one mark per dated claim, a legend, a text alternative.
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count('class="claim stance-') == len(members)
    assert 'id="plot-cluster-desc"' in svg
    assert f"first carried by {unescape(top['first_outlet'])}" in unescape(svg)
    for stance in ("fact", "attributed", "doubt"):
        assert f"{stance}: " in svg
    # The outlets side by side, over the cluster's articles.
    compare = page.split('<table class="data compare">', 1)[1]
    for outlet in top["outlets"]:
        assert f'<th scope="col">{escape(outlet)}</th>' in compare


def test_compare_over_a_search_and_a_cluster(client: TestClient, corpus: dict[str, Any]) -> None:
    analyses: dict[str, Analysis] = corpus["analyses"]
    result = _json(client, "/api/corpus/compare?q=sarin")
    hits = _json(client, "/api/corpus/search?q=sarin&limit=200")["hits"]
    assert result["keys"] == [h["key"] for h in hits]
    expected = summary_rows(compare_outlets([(k, analyses[k]) for k in result["keys"]]))
    assert result["outlets"] == expected

    top = _json(client, "/api/corpus/clusters?limit=1")["clusters"][0]
    by_cluster = _json(client, f"/api/corpus/compare?cluster={top['id']}")
    assert {r["outlet"] for r in by_cluster["outlets"]} == set(top["outlets"])
    assert sum(int(r["articles"]) for r in by_cluster["outlets"]) == top["articles"]
    assert _json(client, "/api/corpus/compare?q=sarin&limit=1")["keys"] == result["keys"][:1]

    page = _page(client, "/corpus/compare?q=sarin")
    assert f"{len(result['keys'])} articles from {len(expected)} outlets" in page
    for row in expected:
        assert f'<th scope="col">{escape(row["outlet"])}</th>' in page
    page = _page(client, f"/corpus/compare?cluster={top['id']}")
    assert f'href="/corpus/clusters/{top["id"]}"' in page


# -- safety --------------------------------------------------------------------------------------


def test_hostile_text_is_escaped_on_every_page(client: TestClient, corpus: dict[str, Any]) -> None:
    cluster = _hostile_cluster(client)
    key = corpus["hostile"]
    urls = [
        "/corpus?outlet=" + HOSTILE,  # filter-only: the snippet is the text's opening
        "/corpus?q=" + HOSTILE + " killed",
        "/corpus?q=" + quote(corpus["title"]),  # the copy and its source
        "/corpus/clusters?min_outlets=1&outlet=" + HOSTILE,
        f"/corpus/clusters/{cluster}",
        f"/corpus/compare?cluster={cluster}",
        "/corpus/compare?outlet=" + HOSTILE,
        f"/corpus/articles/{key}",
    ]
    for url in urls:
        page = _page(client, url)
        assert HOSTILE not in page, url
        assert "<script" not in page.lower(), url
        assert ESCAPED in page or "&lt;script&gt;" in page, url
    # The API gives the text as it is (JSON, served as such).
    hits = _json(client, "/api/corpus/search?outlet=" + HOSTILE)["hits"]
    assert [h["key"] for h in hits] == [key]
    assert hits[0]["title"].startswith(HOSTILE)


# -- the web app's own analyses ------------------------------------------------------------------


def test_analyses_made_in_the_app_join_the_corpus(tmp_path: Path, nlp: Any) -> None:
    from claimscope.corpus.stories.stored import build_clusters
    from claimscope.web.inputs import article_from_text

    db = tmp_path / "app.duckdb"
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        page = _page(client, "/corpus")
        assert "The corpus is empty" in page
        assert f"claimscope corpus run FILES --db {db}" in page
        page = _page(client, "/corpus/clusters")
        assert f"claimscope corpus clusters --build --db {db}" in page
        assert _json(client, "/api/corpus/clusters")["build"] is None
        assert _json(client, "/api/corpus/search?q=talks")["count"] == 0

        meta = {"published": "2018-09-26", "outlet": "Reuters", "title": None}
        r = client.post("/api/analyze", json={"text": SHORT, **meta})
        assert r.status_code == 200, r.text
        key = article_key(article_from_text(SHORT, **meta))
        assert [h["key"] for h in _json(client, "/api/corpus/search?q=spokesman")["hits"]] == [key]
        assert _json(client, f"/api/corpus/articles/{key}")["article"]["outlet"] == "Reuters"

        with open_corpus(db) as store:  # a second connection in this process: one database
            build_clusters(store)
        lines = [
            json.dumps({"text": SHORT.replace("Tuesday", day), "outlet": outlet})
            for day, outlet in (("Monday", "AP"), ("Friday", "AFP"))
        ]
        r = client.post(
            "/analyze",
            files={"file": ("two.jsonl", "\n".join(lines).encode(), "application/json")},
        )
        assert r.status_code == 200, r.text[:500]  # the batch page, after the redirect
        assert _json(client, "/api/corpus/search")["count"] == 3
        assert _json(client, "/api/corpus/search?outlet=AFP")["count"] == 1
        listing = _json(client, "/api/corpus/clusters")
        assert listing["stale"] is True
        assert listing["build"]["articles"] == 1
        assert "The corpus now holds 3 articles, more than when" in _page(
            client, "/corpus/clusters"
        )


def test_openapi_lists_the_corpus_endpoints(client: TestClient) -> None:
    paths = _json(client, "/api/openapi.json")["paths"]
    for path in (
        "/api/corpus/search",
        "/api/corpus/articles/{key}",
        "/api/corpus/clusters",
        "/api/corpus/clusters/{cluster_id}",
        "/api/corpus/compare",
    ):
        assert "get" in paths[path], path
    assert not any(p.startswith("/corpus") for p in paths)  # pages stay out of the API schema


def test_nav_links_to_the_corpus(client: TestClient) -> None:
    assert 'href="/corpus"' in _page(client, "/")
