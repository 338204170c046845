"""The web app and JSON API, through FastAPI's TestClient (no server, no network)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("duckdb")

from fastapi.testclient import TestClient

from claimscope.model import Analysis
from claimscope.web.app import MAX_BODY_BYTES, create_app

SHORT = (
    "Officials say talks resume\n\n"
    "GENEVA (Reuters) - Talks between the two sides will resume next week, a United Nations "
    'spokesman said on Tuesday. "We are hopeful," the spokesman told reporters.\n'
)
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("web") / "analyses.duckdb"
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


def _no_traceback(body: str) -> None:
    assert "Traceback" not in body
    assert 'File "' not in body


def _analyze(client: TestClient, **payload: Any) -> tuple[str, dict[str, Any]]:
    r = client.post("/api/analyze", json=payload)
    assert r.status_code == 200, r.text
    return r.headers["x-analysis-id"], r.json()


def test_analyze_text_stores_and_rereads(client: TestClient) -> None:
    key, doc = _analyze(client, text=SHORT, published="2018-09-26", outlet="Reuters")
    analysis = Analysis.from_json(json.dumps(doc))
    assert analysis.article.published == "2018-09-26"
    assert analysis.article.outlet == "Reuters"
    assert (
        client.post(
            "/api/analyze", json={"text": SHORT, "published": "2018-09-26", "outlet": "Reuters"}
        ).headers["location"]
        == f"/api/analyses/{key}"
    )

    again = client.get(f"/api/analyses/{key}")
    assert again.status_code == 200
    assert Analysis.from_json(again.content) == analysis

    page = client.get(f"/a/{key}")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "Officials say talks resume" in page.text
    assert f'href="/api/analyses/{key}"' in page.text

    home = client.get("/")
    assert home.status_code == 200
    assert f'href="/a/{key}"' in home.text


def test_an_analysis_is_one_corpus_row_opened_by_key_or_article_id(client: TestClient) -> None:
    from claimscope.corpus.keys import article_key

    key, doc = _analyze(client, text=SHORT)
    analysis = Analysis.from_json(json.dumps(doc))
    assert key == article_key(analysis.article) != doc["article"]["id"]
    with client.app.state.service.corpus() as store:  # type: ignore[attr-defined]
        assert store.keys_for(key) == [key]
        assert store.get(key) == analysis
    # the same text was stored with an outlet and a date too: its id names two rows
    both = client.get(f"/api/analyses/{doc['article']['id']}")
    assert both.status_code == 409 and key in both.json()["error"]
    assert "open one by key" in client.get(f"/a/{doc['article']['id']}").text
    _, other = _analyze(client, text=SHORT + "\nA second paragraph, said officials.\n")
    by_id = client.get(f"/api/analyses/{other['article']['id']}")  # the pasted text's hash
    assert by_id.status_code == 200 and by_id.json() == other
    # the corpus page of the same row is the same report
    assert "Officials say talks resume" in client.get(f"/corpus/articles/{key}").text


def test_example_article_end_to_end(client: TestClient, example_text: str) -> None:
    key, doc = _analyze(client, text=example_text, outlet="Press TV")
    analysis = Analysis.from_json(json.dumps(doc))
    assert analysis.attributions and analysis.voices
    page = client.get(f"/a/{key}")
    assert page.status_code == 200
    assert "Militants kidnap kids to stage chemical weapons attack" in page.text
    assert "<mark" in page.text


def test_form_post_redirects_to_the_article_page(client: TestClient) -> None:
    r = client.post(
        "/analyze", data={"text": SHORT, "title": "A <b>bold</b> title"}, follow_redirects=False
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert re.fullmatch(r"/a/[0-9a-f]+", location)
    page = client.get(location)
    assert page.status_code == 200
    assert "A &lt;b&gt;bold&lt;/b&gt; title" in page.text
    assert "<b>bold</b>" not in page.text


def test_form_upload_of_a_text_and_an_html_file(client: TestClient) -> None:
    r = client.post(
        "/analyze",
        files={"file": ("story.txt", SHORT.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    html = (
        "<html><head><title>Uploaded page</title></head><body><article><h1>Uploaded page</h1>"
        f"<p>{SHORT}</p></article></body></html>"
    )
    r = client.post(
        "/analyze",
        files={"file": ("page.html", html.encode(), "text/html")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert client.get(r.headers["location"]).status_code == 200


def _jsonl(*records: dict[str, Any]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def test_jsonl_upload_lists_every_article(client: TestClient, tmp_path: Path) -> None:
    data = _jsonl(
        {"id": "one", "title": "First upload story", "outlet": "Wire", "text": SHORT},
        {"id": "two", "title": "Second upload story", "text": SHORT.replace("Tuesday", "Monday")},
        {"id": "three", "title": "No text here"},
    )
    r = client.post(
        "/analyze",
        files={"file": ("batch.jsonl", data, "application/json")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert re.fullmatch(r"/batch/[0-9a-f]+", r.headers["location"])
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    links = re.findall(r'href="(/a/[^"]+)"', page.text)
    assert len(links) == 2
    assert "First upload story" in page.text and "Second upload story" in page.text
    assert "Wire" in page.text
    assert "batch.jsonl#line 3" in page.text  # the failure names the upload, not the temp file
    assert ".upload-" not in page.text
    for link in links:
        assert client.get(link).status_code == 200
    # the temporary file is gone from the data directory
    data_dir = client.app.state.service.data_dir  # type: ignore[attr-defined]
    assert not list(Path(data_dir).glob(".upload-*"))


def test_jsonl_upload_escapes_hostile_titles(client: TestClient) -> None:
    data = _jsonl(
        {"title": HOSTILE[0], "outlet": HOSTILE[1], "text": SHORT + " One."},
        {"title": HOSTILE[2], "text": SHORT + " Two."},
        {"title": HOSTILE[1], "text": 42, "id": HOSTILE[0]},
    )
    r = client.post("/analyze", files={"file": ("evil.jsonl", data, "application/json")})
    assert r.status_code == 200
    assert _live_tags(r.text) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert 'href="javascript:' not in r.text


def test_csv_upload_without_a_text_column_is_400(client: TestClient) -> None:
    data = b"id,title,body\n1,A story,Some words\n"
    r = client.post("/analyze", files={"file": ("stories.csv", data, "text/csv")})
    assert r.status_code == 400
    assert "no column &#39;text&#39;" in r.text
    assert "default column names" in r.text
    assert "stories.csv" in r.text
    assert ".upload-" not in r.text
    _no_traceback(r.text)


def test_gzipped_warc_upload_with_one_page_goes_to_its_page(client: TestClient) -> None:
    import gzip
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = (
        "<html><head><title>Archived story</title></head><body><article><h1>Archived story</h1>"
        f"<p>{SHORT}</p></article></body></html>"
    ).encode()
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0"
    )
    record = writer.create_warc_record(
        "https://example.org/story", "response", payload=io.BytesIO(html), http_headers=headers
    )
    writer.write_record(record)
    data = buf.getvalue()
    assert data[:2] == b"\x1f\x8b"
    assert gzip.decompress(data).startswith(b"WARC/")
    r = client.post(
        "/analyze",
        files={"file": ("crawl.warc.gz", data, "application/gzip")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert re.fullmatch(r"/a/[0-9a-f]+", r.headers["location"])
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert "Archived story" in page.text


def test_unknown_batch_is_404(client: TestClient) -> None:
    assert client.get("/batch/0123456789abcdef").status_code == 404


def test_form_errors_are_pages_with_a_message(client: TestClient) -> None:
    r = client.post("/analyze", data={"text": "  "})
    assert r.status_code == 400
    assert "Give one of" in r.text
    _no_traceback(r.text)
    r = client.post("/analyze", data={"text": SHORT, "published": "26/09/2018"})
    assert r.status_code == 400
    assert "YYYY-MM-DD" in r.text
    r = client.post("/analyze", files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")})
    assert r.status_code == 400
    assert "no column" in r.text


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"text": ""}, "empty"),
        ({"text": "   \n "}, "empty"),
        ({"text": SHORT, "url": "https://example.org/"}, "exactly one"),
        ({}, "exactly one"),
        ({"text": SHORT, "published": "2018-13-45"}, "YYYY-MM-DD"),
        ({"text": SHORT, "colour": "red"}, "colour"),
        ({"text": 42}, "text"),
        ({"url": "not a url"}, "not a URL"),
        ({"url": "file:///etc/passwd"}, "file"),
        ({"html": ""}, "empty"),
    ],
)
def test_bad_input_is_4xx_with_a_message(
    client: TestClient, payload: dict[str, Any], needle: str
) -> None:
    r = client.post("/api/analyze", json=payload)
    assert 400 <= r.status_code < 500, r.text
    assert needle in r.text
    assert "error" in r.json()
    _no_traceback(r.text)


def test_non_json_body_is_422(client: TestClient) -> None:
    r = client.post(
        "/api/analyze", content=b"this is not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["error"]
    _no_traceback(r.text)


def test_oversize_body_is_413(client: TestClient) -> None:
    big = b'{"text": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}'
    r = client.post("/api/analyze", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "limit" in r.json()["error"]
    assert "content-security-policy" in r.headers


def test_oversize_chunked_body_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(21):
            yield b"a" * (1024 * 1024)
        yield b'"}'

    r = client.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/", "http://localhost:8000/", "http://[::1]/", "http://10.0.0.1/"]
)
def test_private_url_is_refused(client: TestClient, url: str) -> None:
    r = client.post("/api/analyze", json={"url": url})
    assert r.status_code == 400
    assert "private" in r.text or "loopback" in r.text
    _no_traceback(r.text)


def test_unknown_analysis_is_404(client: TestClient) -> None:
    r = client.get("/api/analyses/nope")
    assert r.status_code == 404
    assert r.json()["error"]
    page = client.get("/a/<script>alert(1)</script>")
    assert page.status_code == 404
    assert "<script>alert" not in page.text


def test_schema_and_health(client: TestClient) -> None:
    r = client.get("/api/schema")
    assert r.status_code == 200
    schema = r.json()
    assert schema["title"] == "claimscope.analysis/1"
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    spec = client.get("/api/openapi.json").json()
    assert "/api/analyze" in spec["paths"]


def test_security_headers_on_every_response(client: TestClient) -> None:
    for r in (client.get("/"), client.get("/health"), client.get("/api/analyses/x")):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "default-src 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"]
    assert client.get("/static/app.css").status_code == 200


def _live_tags(html: str) -> list[str]:
    """Script tags and event-handler attributes that a browser would run."""
    found = re.findall(r"<script\b", html, flags=re.I)
    found += re.findall(r"<[a-z][^>]*\son[a-z]+\s*=", html, flags=re.I)
    found += re.findall(r"(?:href|src)\s*=\s*[\"']?\s*javascript:", html, flags=re.I)
    return found


def test_hostile_text_and_title_are_escaped(client: TestClient) -> None:
    text = (
        "Officials " + HOSTILE[0] + " say talks resume\n\n"
        "GENEVA - The talks will resume, a spokesman said on Tuesday. " + HOSTILE[1] + " He said "
        '"' + HOSTILE[2] + ' is not a link," according to the ministry. '
        "Bidi \u202eevil\u202c text.\n"
    )
    title = "Title " + " ".join(HOSTILE)
    key, doc = _analyze(client, text=text, title=title, outlet=HOSTILE[1])
    assert doc["article"]["title"] == title
    for url in (f"/a/{key}", "/"):
        page = client.get(url)
        assert page.status_code == 200
        assert _live_tags(page.text) == [], url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "javascript:alert(1)" in client.get(f"/a/{key}").text  # as text, never as a link


def _old_app_db(
    path: Path, analyses: list[tuple[str, str]], batches: list[tuple[str, str]]
) -> Path:
    """A --db file as 0.1.0 wrote it: the app's own analyses and batches tables (id, JSON)."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE analyses (id VARCHAR PRIMARY KEY, created TIMESTAMP NOT NULL, title VARCHAR,"
        " outlet VARCHAR, published VARCHAR, document VARCHAR NOT NULL)"
    )
    con.execute(
        "CREATE TABLE batches (id VARCHAR PRIMARY KEY, created TIMESTAMP NOT NULL,"
        " document VARCHAR NOT NULL)"
    )
    for row in analyses:
        con.execute("INSERT INTO analyses VALUES (?, now(), NULL, NULL, NULL, ?)", list(row))
    for row in batches:
        con.execute("INSERT INTO batches VALUES (?, now(), ?)", list(row))
    con.close()
    return path


def test_the_old_app_tables_move_into_the_corpus_store(
    tmp_path: Path, nlp: Any, example_analysis: Analysis
) -> None:
    """A --db file of 0.1.0 kept the app's analyses and uploads in tables of its own; the app moves
    them into the corpus store when it starts, links rewritten, and nothing is lost."""
    import duckdb

    from claimscope.corpus.keys import article_key
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    short = analyze(read_text(SHORT, source="<t>", outlet="X"), nlp=nlp)
    batch = {"name": "f.jsonl", "articles": [{"id": "3f2a", "href": "/a/3f2a"}], "failures": []}
    db = _old_app_db(
        tmp_path / "old.duckdb",
        [
            ("3f2a", short.to_json(indent=None)),
            (example_analysis.article.id, example_analysis.to_json(indent=None)),
        ],
        [("b1", json.dumps(batch))],
    )

    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        key = article_key(short.article)
        page = client.get("/batch/b1")
        assert page.status_code == 200 and f'href="/a/{key}"' in page.text
        assert Analysis.from_json(client.get(f"/api/analyses/{key}").content) == short
        example_key = article_key(example_analysis.article)
        assert client.get(f"/a/{example_key}").status_code == 200
        home = client.get("/").text
        assert f'href="/a/{key}"' in home and f'href="/a/{example_key}"' in home
    con = duckdb.connect(str(db))
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    con.close()
    assert not tables & {"analyses", "batches"} and {"articles", "uploads"} <= tables
    with TestClient(create_app(db), raise_server_exceptions=False) as client:  # nothing to move
        assert client.get(f"/api/analyses/{key}").status_code == 200


def test_old_documents_this_version_cannot_read_stay_where_they_are(
    tmp_path: Path, example_analysis: Analysis
) -> None:
    import duckdb

    from claimscope.corpus.keys import article_key

    db = _old_app_db(
        tmp_path / "old.duckdb",
        [("good", example_analysis.to_json(indent=None)), ("odd", '{"schema": "something else"}')],
        [],
    )
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        key = article_key(example_analysis.article)
        assert client.get(f"/api/analyses/{key}").status_code == 200  # the readable one moved
    con = duckdb.connect(str(db))
    kept = con.execute("SELECT id FROM analyses ORDER BY id").fetchall()
    con.close()
    assert kept == [("good",), ("odd",)]  # nothing dropped while one could not be read


def test_record_ids_with_slashes_open(client: TestClient) -> None:
    rows = [
        {
            "id": "site/2018/a",
            "text": "The minister said the talks had failed in Geneva on Monday.",
        },
        {"id": "site/2018/b", "text": "The ambassador said the vote would be held in New York."},
    ]
    data = "\n".join(json.dumps(r) for r in rows).encode()
    r = client.post("/analyze", files={"file": ("ids.jsonl", data, "application/json")})
    assert r.status_code == 200, r.text
    links = sorted(set(re.findall(r'href="(/a/[^"]+)"', r.text)))
    assert len(links) == 2
    pages = [client.get(link) for link in links]
    assert all(page.status_code == 200 for page in pages)
    assert "failed in Geneva" in pages[0].text and "New York" in pages[1].text
    api = client.get("/api/analyses/site/2018/a")
    assert api.status_code == 200 and Analysis.from_json(api.text).article.id == "site/2018/a"
