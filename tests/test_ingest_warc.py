"""WARC archives written with warcio at test time: pages become articles, damage a final Failure."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claimscope.errors import InputError
from claimscope.ingest.warc import WarcStats, read_warc
from claimscope.model import Article, Failure
from tests.conftest import shared

PAGES = [
    ("nytimes-1", "https://www.nytimes.com/2017/01/13/world/africa/sudan-sanctions.html"),
    ("bbc-1", "https://www.bbc.com/news/world-us-canada-33646542"),
]
PLAIN = (
    "Officials said on Monday that the border crossing would reopen next week. "
    "Aid groups welcomed the decision but said supplies were still short."
)


def _html(name: str) -> bytes:
    return shared(f"data/html-pages/{name}/source.html").read_bytes()


def _response(
    writer: WARCWriter, url: str, body: bytes, content_type: str | None, status: str = "200 OK"
) -> None:
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
    )


def _write_warc(path: Path, *, gzip_records: bool) -> Path:
    """warcinfo, then per page a request and an HTML response; an image; a 404; a text resource.

    Records: 1 warcinfo, 2 request, 3 nytimes, 4 request, 5 bbc, 6 png, 7 404 page, 8 text.
    """
    with path.open("wb") as f:
        w = WARCWriter(f, gzip=gzip_records)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "claimscope tests"}))
        for name, url in PAGES:
            request = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True
            )
            w.write_record(
                w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
            )
            _response(w, url, _html(name), "text/html; charset=utf-8")
        _response(w, "https://example.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        _response(
            w,
            "https://example.org/gone",
            b"<html><body>Not found</body></html>",
            "text/html",
            status="404 Not Found",
        )
        w.write_record(
            w.create_warc_record(
                "https://example.org/notes.txt",
                "resource",
                payload=io.BytesIO(PLAIN.encode()),
                warc_content_type="text/plain; charset=utf-8",
            )
        )
    return path


@pytest.fixture(scope="module", params=[True, False], ids=["gzip", "plain"])
def warc_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    gz = bool(request.param)
    directory = tmp_path_factory.mktemp("warc")
    return _write_warc(directory / ("crawl.warc.gz" if gz else "crawl.warc"), gzip_records=gz)


def test_pages_become_articles_and_other_records_are_skipped(warc_file: Path) -> None:
    stats = WarcStats()
    items = list(read_warc(warc_file, stats=stats))
    assert all(isinstance(i, Article) for i in items), items
    nyt, bbc, notes = items
    assert isinstance(nyt, Article) and isinstance(bbc, Article) and isinstance(notes, Article)
    assert nyt.source == f"{warc_file}#record 3"
    assert nyt.url == PAGES[0][1]
    assert nyt.reader == "warc"
    assert nyt.title and "Sudan" in nyt.title
    assert "Sudan" in nyt.text
    assert bbc.source == f"{warc_file}#record 5"
    assert bbc.url == PAGES[1][1]
    assert bbc.title and "gun" in bbc.title
    assert notes.source == f"{warc_file}#record 8"
    assert notes.text == PLAIN
    assert stats.records == 8
    assert stats.articles == 3
    assert stats.failures == 0
    assert stats.skipped == {"warcinfo": 1, "request": 2, "image/png": 1, "HTTP 404": 1}


def test_a_page_without_text_is_a_failure_in_place(tmp_path: Path) -> None:
    path = tmp_path / "x.warc.gz"
    with path.open("wb") as f:
        w = WARCWriter(f, gzip=True)
        _response(
            w, "https://example.org/empty", b"<html><body><nav></nav></body></html>", "text/html"
        )
        _response(w, PAGES[1][1], _html("bbc-1"), "text/html")
    failure, article = list(read_warc(path))
    assert isinstance(failure, Failure)
    assert failure.source == f"{path}#record 1"
    assert "no main text" in failure.reason or "empty" in failure.reason
    assert isinstance(article, Article)


def test_truncated_warc_yields_the_earlier_articles_then_a_failure(
    warc_file: Path, tmp_path: Path
) -> None:
    data = warc_file.read_bytes()
    # Cut inside the bbc response (record 5): the nytimes page before it must survive.
    offsets = _record_offsets(warc_file)
    cut_at = (offsets[4] + offsets[5]) // 2  # the middle of record 5
    cut = tmp_path / warc_file.name
    cut.write_bytes(data[:cut_at])
    items = list(read_warc(cut))  # never raises
    assert len(items) == 2
    first, last = items
    assert isinstance(first, Article) and first.source == f"{cut}#record 3"
    assert isinstance(last, Failure)
    assert last.source == str(cut)
    assert last.reason.startswith("WARC truncated or corrupt after record 4")


def _record_offsets(path: Path) -> list[int]:
    """Start offsets of every record in the file (as stored, compressed or not)."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as f:
        it = ArchiveIterator(f)
        return [it.get_record_offset() for _ in it]


def _small_page(i: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {j} of story {i}: officials said on Monday that the crossing would "
        f"reopen, while aid groups said supplies were still short in the district.</p>"
        for j in range(4)
    )
    return (
        f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


@pytest.mark.parametrize("gzip_records", [True, False], ids=["gzip", "plain"])
def test_every_cut_point_ends_in_a_failure_never_an_exception(
    gzip_records: bool, tmp_path: Path
) -> None:
    path = tmp_path / "small.warc"
    with path.open("wb") as f:
        w = WARCWriter(f, gzip=gzip_records)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "claimscope tests"}))
        for i in range(3):
            _response(w, f"https://example.org/{i}", _small_page(i), "text/html")
    data = path.read_bytes()
    assert len(list(read_warc(path))) == 3
    cut = tmp_path / "cut.warc"
    step = max(1, len(data) // 40)
    # From inside the first page on: a file cut inside its warcinfo record has nothing to read
    # and is refused as a whole (InputError), which test_not_a_warc covers.
    for at in range(_record_offsets(path)[1] + 1, len(data) - 8, step):
        cut.write_bytes(data[:at])
        items = list(read_warc(cut))
        assert items and isinstance(items[-1], Failure), at
        assert "truncated or corrupt" in items[-1].reason
        assert all(isinstance(i, Article) for i in items[:-1])


def test_a_whole_file_gzip_warc_is_read(tmp_path: Path) -> None:
    plain = _write_warc(tmp_path / "crawl.warc", gzip_records=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))  # one gzip member, not one per record
    assert [type(i) for i in read_warc(whole)] == [Article, Article, Article]


def test_not_a_warc_is_an_input_error(tmp_path: Path) -> None:
    html = tmp_path / "page.warc"
    html.write_bytes(b"<html><body><p>A page, not an archive.</p></body></html>")
    with pytest.raises(InputError, match="not a WARC"):
        read_warc(html)
    png = tmp_path / "image.warc.gz"
    png.write_bytes(gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(64)))
    with pytest.raises(InputError, match="PNG"):
        read_warc(png)
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_warc(empty)
    with pytest.raises(InputError, match="no such file"):
        read_warc(tmp_path / "missing.warc")
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n")[:10])  # header only
    with pytest.raises(InputError, match="gzip data is corrupt"):
        read_warc(cut)


def test_page_over_the_size_limit_is_a_failure(warc_file: Path) -> None:
    items = list(read_warc(warc_file, max_bytes=100_000))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Failure", "Failure", "Article"]  # both pages are over 100 kB
    assert "over the size limit" in items[0].reason  # type: ignore[union-attr]
