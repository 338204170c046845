"""RSS and Atom feeds written with feedgen at test time; linked pages served from 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from feedgen.feed import FeedGenerator

from claimscope.errors import FetchError, InputError
from claimscope.ingest.feed import html_to_text, read_feed
from claimscope.ingest.url import FetchOptions
from claimscope.model import Article, Failure
from tests.conftest import shared

FULL = (
    "<p>The health ministry said on Sunday that <b>forty people</b> had been treated.</p>"
    "<figure><img src='x.jpg'><figcaption>A clinic in the city.</figcaption></figure>"
    "<p>Residents told reporters that the shelling continued overnight.</p>"
    "<script>track()</script>"
)
TEASER = "<p>Residents said the shelling had continued overnight, according to local media.</p>"


def _feed(entries: list[dict[str, str]]) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id("https://news.example.org/")
    fg.title("Example News")
    fg.link(href="https://news.example.org/", rel="alternate")
    fg.description("All the news")
    fg.language("en")
    for e in entries:
        fe = fg.add_entry(order="append")
        fe.id(e.get("link", e["title"]))
        fe.title(e["title"])
        if "link" in e:
            fe.link(href=e["link"])
        if "summary" in e:
            fe.description(e["summary"])
        if "content" in e:
            fe.content(e["content"], type="CDATA")
        if "author" in e:
            fe.author({"name": e["author"], "email": "desk@example.org"})
        if "published" in e:
            fe.published(e["published"])
    return fg


ENTRIES = [
    {
        "title": "Forty treated after attack, ministry says",
        "link": "https://news.example.org/2018/03/attack",
        "summary": TEASER,
        "content": FULL,
        "author": "Jane Roe",
        # An evening story west of UTC: feedparser's UTC struct would say March 5.
        "published": "2018-03-04T23:30:00-05:00",
    },
    {"title": "Teaser only", "link": "https://news.example.org/2018/03/teaser", "summary": TEASER},
    {"title": "Nothing here", "link": "https://news.example.org/2018/03/empty"},
]


def test_rss_entries_become_articles() -> None:
    items = list(read_feed(_feed(ENTRIES).rss_str()))
    assert [type(i) for i in items] == [Article, Article, Failure]
    full, teaser, empty = items
    assert isinstance(full, Article) and isinstance(teaser, Article)
    assert full.title == "Forty treated after attack, ministry says"
    assert full.url == "https://news.example.org/2018/03/attack"
    assert full.outlet == "Example News"
    assert full.published == "2018-03-04"
    assert full.author == "Jane Roe"  # not the e-mail address RSS puts with it
    assert full.source == "<feed>#entry 1"
    assert full.reader == "feed"
    # The full content, not the teaser; the title as headline; paragraphs kept apart; no script.
    assert full.text.startswith("Forty treated after attack, ministry says\n\n")
    assert "forty people had been treated." in full.text
    assert "\n\nResidents told reporters" in full.text
    assert "track()" not in full.text
    assert [s.kind for s in full.sections] == ["headline", "body", "caption", "body"]
    caption = full.sections[2]
    assert full.text[caption.start : caption.end] == "A clinic in the city."  # <figcaption>
    assert teaser.text.endswith("according to local media.")
    assert isinstance(empty, Failure)
    assert empty.source == "<feed>#entry 3"
    assert "no content or summary" in empty.reason


def test_atom_file(tmp_path: Path) -> None:
    path = tmp_path / "news.atom"
    path.write_bytes(_feed(ENTRIES[:2]).atom_str(pretty=True))
    full, teaser = list(read_feed(path))
    assert isinstance(full, Article) and isinstance(teaser, Article)
    assert full.source == f"{path}#entry 1"
    assert full.published == "2018-03-04"
    assert full.author == "Jane Roe"
    assert "forty people" in full.text
    assert teaser.title == "Teaser only"
    assert teaser.published  # Atom's mandatory <updated> stands in for a publication date


def test_malformed_feed_is_a_clear_input_error() -> None:
    with pytest.raises(InputError, match=r"not a readable RSS or Atom feed: line 1"):
        read_feed(b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</chan")
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        read_feed(b"<html><body><p>A web page</p></body></html>")
    with pytest.raises(InputError, match="empty"):
        read_feed(b"  \n")


def test_broken_feed_with_entries_is_read_and_noted() -> None:
    data = (
        b"<rss version='2.0'><channel><title>T</title><item><title>Aid & arms</title>"
        b"<description>Officials said the convoy had arrived.</description></item>"
        b"</channel></rss>"  # the bare "&" makes it not well-formed
    )
    (article,) = list(read_feed(data))
    assert isinstance(article, Article)
    assert article.title == "Aid & arms"
    assert any("not well-formed" in n for n in article.ingest_notes)


def test_empty_valid_feed_yields_nothing() -> None:
    assert list(read_feed(_feed([]).rss_str())) == []


def test_html_to_text() -> None:
    assert html_to_text("<p>One <i>two</i>.</p><p>Three<br>four</p><ul><li>a</li></ul>end") == (
        "One two.\n\nThree\nfour\n\na\n\nend"
    )
    assert html_to_text("no markup & plain") == "no markup & plain"
    assert html_to_text("<!-- only a comment -->") == ""


# --- fetch_links against a local server ---------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    page = shared("data/html-pages/bbc-1/source.html").read_bytes()
    feed = _feed(ENTRIES[:2]).rss_str()
    routes = {
        "/story": ("text/html; charset=utf-8", page),
        "/feed.xml": ("application/rss+xml", feed),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in routes:
                content_type, body = routes[self.path]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_fetch_links_reads_the_linked_pages(server: str) -> None:
    feed = _feed(
        [
            {
                "title": "Gun laws",
                "link": f"{server}/story",
                "summary": "Teaser.",
                "published": "2015-07-24T10:00:00+00:00",
                "author": "Desk",
            },
            {"title": "Gone", "link": f"{server}/missing"},
        ]
    ).rss_str()
    items = list(read_feed(feed, fetch_links=True, fetch_options=FetchOptions(allow_private=True)))
    assert [type(i) for i in items] == [Article, Failure]
    page, missing = items
    assert isinstance(page, Article) and isinstance(missing, Failure)
    assert page.source == "<feed>#entry 1"
    assert page.reader == "feed"
    assert page.url == f"{server}/story"
    assert page.title and "frustration" in page.title  # the page's own headline
    assert "gun" in page.text.lower()
    assert "Teaser." not in page.text  # the page, not the feed's summary
    assert page.published == "2015-07-24"  # the feed's date wins
    assert page.outlet == "Example News"
    assert any("fetched from the entry's link" in n for n in page.ingest_notes)
    assert missing.source == "<feed>#entry 2"
    assert "404" in missing.reason


def test_fetch_links_keeps_the_address_policy(server: str) -> None:
    feed = _feed([{"title": "Local", "link": f"{server}/story", "summary": "Teaser."}]).rss_str()
    (failure,) = list(read_feed(feed, fetch_links=True))  # default options: no private addresses
    assert isinstance(failure, Failure)
    assert "--allow-private" in failure.reason


def test_feed_url_is_fetched_under_the_fetch_options(server: str) -> None:
    url = f"{server}/feed.xml"
    items = list(read_feed(url, fetch_options=FetchOptions(allow_private=True)))
    assert [type(i) for i in items] == [Article, Article]
    assert items[0].source == f"{url}#entry 1"
    with pytest.raises(FetchError, match="--allow-private"):
        read_feed(url)  # fetched by us, with the address checks, never by feedparser
