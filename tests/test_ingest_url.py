"""The URL fetcher: address checks (before and at connect time), redirects, limits, content types.

Every test talks only to servers it starts on 127.0.0.1. Tests that need a host to count as public
inject a resolver and an address predicate instead of touching real public addresses; tests that
check refusals of non-loopback addresses make any socket connect or DNS lookup fail the test.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from claimscope.errors import FetchError, InputError
from claimscope.ingest.url import (
    FEED_TYPES,
    FetchOptions,
    describe_address,
    fetch,
    is_public_address,
    read_url,
)

PRIVATE = FetchOptions(allow_private=True)

ARTICLE_HTML = b"""<!doctype html>
<html><head><title>Dam upgrade approved | Valley Times</title></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Council approves dam upgrade</h1>
<p>The regional council on Tuesday approved a plan to reinforce the Northfield dam, which engineers
say has been at risk of failure since the floods of last spring.</p>
<p>"We cannot wait for another flood," said council chair Maria Lopez, adding that work would begin
in the autumn and last about two years.</p>
<p>Opponents argued the cost, estimated at 40 million euros, had not been justified, and said the
council should have considered other options before committing the money.</p>
</article>
<footer>Copyright 2024 Valley Times. All rights reserved.</footer>
</body></html>
"""

ARTICLE_TEXT = (
    "Council approves dam upgrade\n\n"
    "The regional council on Tuesday approved a plan to reinforce the Northfield dam, "
    "which engineers say has been at risk of failure since the floods of last spring.\n\n"
    '"We cannot wait for another flood," said council chair Maria Lopez.\n'
)


class Handler(BaseHTTPRequestHandler):
    """Routes on the path; the query string parametrises some routes."""

    server: TestServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, ctype: str | None, body: bytes, **headers: str) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, "text/plain", b"moved", Location=location)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.server.paths.append(self.path)
        if path == "/page.html":
            self._send(200, "text/html; charset=utf-8", ARTICLE_HTML)
        elif path == "/text":
            self._send(200, "text/plain; charset=utf-8", ARTICLE_TEXT.encode())
        elif path == "/latin1":
            body = ARTICLE_TEXT.replace("Maria", "Mar\xeda").encode("latin-1")
            self._send(200, "text/plain; charset=ISO-8859-1", body)
        elif path == "/feed":
            self._send(200, "application/rss+xml", b"<rss version='2.0'><channel></channel></rss>")
        elif path == "/image":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
        elif path == "/pdf":
            self._send(200, "application/pdf", b"%PDF-1.4\n")
        elif path == "/untyped":
            self._send(200, None, b"what am I")
        elif path == "/status":
            self._send(int(query["code"]), "text/html", b"<p>error page</p>")
        elif path == "/redirect":
            self._redirect("/text")
        elif path == "/goto":
            self._redirect(query["to"])
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            if n == 0:
                self._send(200, "text/plain", ARTICLE_TEXT.encode())
            else:
                self._redirect(f"/chain/{n - 1}")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/big":  # a large body with a Content-Length
            self._send(200, "text/plain", b"a" * int(query["n"]))
        elif path == "/lying-length":  # a huge declared length, a small body
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
            self.wfile.write(b"a" * 100)
        elif path == "/endless":  # no Content-Length: the body runs until the connection closes
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self._stream(b"a" * 65536, 1024)  # up to 64 MB
        elif path == "/gzip-bomb":
            body = gzip.compress(b"a" * 10_000_000)
            self._send(200, "text/plain", body, Content_Encoding="gzip")
        elif path == "/drip":  # one byte every 50 ms, for up to 10 s
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "200")
            self.end_headers()
            self._stream(b"a", 200, delay=0.05)
        elif path == "/drip-headers":  # the status line and headers, one byte every 50 ms
            head = b"HTTP/1.0 200 OK\r\n" + b"X-Padding: " + b"a" * 200 + b"\r\n"
            self._stream_bytes(head)
        elif path == "/stall":  # headers, then silence
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.flush()
            self.server.stopping.wait(10)
        else:
            self._send(404, "text/plain", b"not found")

    def _stream_bytes(self, data: bytes) -> None:
        try:
            for i in range(len(data)):
                if self.server.stopping.is_set():
                    return
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                self.server.stopping.wait(0.05)
        except OSError:
            pass

    def _stream(self, chunk: bytes, count: int, delay: float = 0.0) -> None:
        try:
            for _ in range(count):
                if self.server.stopping.is_set():
                    return
                self.wfile.write(chunk)
                self.wfile.flush()
                self.server.sent += len(chunk)
                if delay:
                    self.server.stopping.wait(delay)
        except OSError:  # the client hung up, as it should
            pass


class TestServer(ThreadingHTTPServer):
    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.stopping = threading.Event()
        self.paths: list[str] = []
        self.sent = 0


@dataclass
class Served:
    server: TestServer
    port: int

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def served() -> Iterator[Served]:
    server = TestServer()
    # A short poll interval: shutdown() waits for one, and every test starts a server.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield Served(server, server.server_address[1])
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any DNS lookup or socket connect fails the test: refusals must happen before them."""

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", boom)
    monkeypatch.setattr(socket.socket, "connect", boom)
    monkeypatch.setattr(socket.socket, "connect_ex", boom)


LOOPBACK = ipaddress.ip_address("127.0.0.1")


def fake_dns(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


def loopback_is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Pretend 127.0.0.1 (only) is a public address, so a local server can stand for the web."""
    return ip == LOOPBACK or is_public_address(ip)


# --------------------------------------------------------------------------------------------------
# The address policy


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.18.0.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not is_public_address(ip)
    assert describe_address(ip)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "::ffff:1.1.1.1", "64:ff9b::101:101"]
)
def test_public_addresses_are_allowed(address: str) -> None:
    # Only the predicate is exercised: nothing connects to these.
    assert is_public_address(ipaddress.ip_address(address))


def test_describe_address() -> None:
    assert describe_address(ipaddress.ip_address("127.0.0.1")) == "loopback"
    assert describe_address(ipaddress.ip_address("::ffff:127.0.0.1")) == "loopback"
    assert describe_address(ipaddress.ip_address("169.254.169.254")) == "link-local"
    assert describe_address(ipaddress.ip_address("10.1.2.3")) == "private"
    assert describe_address(ipaddress.ip_address("100.64.0.1")).startswith("shared")


# --------------------------------------------------------------------------------------------------
# Refusals before connecting


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "data:text/html,hi"],
)
def test_non_http_schemes_are_refused(url: str, no_network: None) -> None:
    with pytest.raises(FetchError, match="only http and https") as e:
        fetch(url)
    assert "\n" not in str(e.value)


def test_url_without_scheme_is_refused(no_network: None) -> None:
    with pytest.raises(FetchError, match="no scheme"):
        fetch("example.com/news")


def test_loopback_ip_is_refused_by_default(served: Served) -> None:
    with pytest.raises(FetchError) as e:
        fetch(served.url("/text"))
    msg = str(e.value)
    assert "127.0.0.1" in msg and "loopback" in msg and "--allow-private" in msg
    assert served.server.paths == []  # never connected


def test_localhost_is_refused_by_default(served: Served) -> None:
    with pytest.raises(FetchError) as e:
        fetch(served.url("/text", host="localhost"))
    msg = str(e.value)
    assert "localhost" in msg and "loopback" in msg and "--allow-private" in msg
    assert served.server.paths == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]:8080/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/", "private"),
        ("https://192.168.0.1/admin", "private"),
        ("http://100.64.1.1/", "shared"),
        ("http://0.0.0.0:80/", "unspecified"),
        ("http://foo.localhost/", "loopback"),
    ],
)
def test_private_literals_are_refused_without_network_traffic(
    url: str, kind: str, no_network: None
) -> None:
    with pytest.raises(FetchError) as e:
        fetch(url)
    assert kind in str(e.value) and "--allow-private" in str(e.value)


def test_names_resolving_to_private_addresses_are_refused_at_connect(no_network: None) -> None:
    # DNS rebinding: the name looks public; one of its addresses is not. Nothing is connected to,
    # not even the public address.
    dns = fake_dns({"news.example": ["93.184.216.34", "127.0.0.1"]})
    with pytest.raises(FetchError) as e:
        fetch("http://news.example/story", resolver=dns)
    msg = str(e.value)
    assert "127.0.0.1 (news.example)" in msg and "loopback" in msg and "--allow-private" in msg


def test_numeric_host_forms_are_checked_after_resolution(served: Served) -> None:
    # 2130706433 is 127.0.0.1 as one number: not an IP literal to the URL parser, but the
    # resolver turns it into 127.0.0.1 and the connect-time check refuses it.
    with pytest.raises(FetchError, match=r"127\.0\.0\.1.*loopback"):
        fetch(f"http://2130706433:{served.port}/text")
    assert served.server.paths == []


# --------------------------------------------------------------------------------------------------
# Fetching (allow_private=True, or a local server made to count as public)


def test_html_page_is_fetched(served: Served) -> None:
    got = fetch(served.url("/page.html"), PRIVATE)
    assert got.status == 200
    assert got.content_type == "text/html" and got.charset == "utf-8"
    assert got.data == ARTICLE_HTML
    assert got.url == served.url("/page.html")


def test_text_is_fetched(served: Served) -> None:
    got = fetch(served.url("/text"), PRIVATE)
    assert got.content_type == "text/plain"
    assert got.data.decode() == ARTICLE_TEXT


def test_localhost_is_fetched_when_allowed(served: Served) -> None:
    got = fetch(served.url("/text", host="localhost"), PRIVATE)
    assert got.data.decode() == ARTICLE_TEXT


def test_connects_to_the_checked_address(served: Served) -> None:
    # "public.test" exists only in the injected resolver: the fetch works only if the socket is
    # opened to the address that was checked, with no second lookup.
    dns = fake_dns({"public.test": ["127.0.0.1"]})
    url = served.url("/text", host="public.test")
    got = fetch(url, is_allowed=loopback_is_public, resolver=dns)
    assert got.data.decode() == ARTICLE_TEXT


def test_final_url_after_redirect(served: Served) -> None:
    got = fetch(served.url("/redirect"), PRIVATE)
    assert got.url == served.url("/text")
    assert got.data.decode() == ARTICLE_TEXT


def test_redirects_up_to_the_cap_are_followed(served: Served) -> None:
    got = fetch(served.url("/chain/3"), FetchOptions(allow_private=True, max_redirects=3))
    assert got.url == served.url("/chain/0")


def test_redirects_over_the_cap_are_refused(served: Served) -> None:
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(served.url("/chain/3"), FetchOptions(allow_private=True, max_redirects=2))
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(served.url("/loop"), PRIVATE)
    assert len([p for p in served.server.paths if p == "/loop"]) == PRIVATE.max_redirects + 1


def test_redirect_to_a_private_name_is_refused(served: Served) -> None:
    # The first hop counts as public; the redirect goes to a name that resolves to loopback.
    dns = fake_dns({"public.test": ["127.0.0.1"], "internal.test": ["127.0.0.2"]})
    target = f"http://internal.test:{served.port}/text"
    with pytest.raises(FetchError) as e:
        fetch(
            served.url(f"/goto?to={target}", host="public.test"),
            is_allowed=loopback_is_public,
            resolver=dns,
        )
    msg = str(e.value)
    assert "redirected to" in msg and "127.0.0.2" in msg and "--allow-private" in msg
    assert served.server.paths == [f"/goto?to={target}"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("http://localhost:{port}/text", "localhost, a loopback address"),
        ("http://127.0.0.2:{port}/text", "127.0.0.2, a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_redirect_hops_are_revalidated(served: Served, target: str, expected: str) -> None:
    dns = fake_dns({"public.test": ["127.0.0.1"]})
    location = target.format(port=served.port)
    with pytest.raises(FetchError, match=expected):
        fetch(
            served.url(f"/goto?to={location}", host="public.test"),
            is_allowed=loopback_is_public,
            resolver=dns,
        )
    assert len(served.server.paths) == 1


# --------------------------------------------------------------------------------------------------
# Limits


def test_body_over_the_limit_with_content_length(served: Served) -> None:
    options = FetchOptions(allow_private=True, max_bytes=10_000)
    with pytest.raises(FetchError, match="over the size limit of 10,000 bytes"):
        fetch(served.url("/big?n=20000"), options)
    assert fetch(served.url("/big?n=10000"), options).data == b"a" * 10_000


def test_declared_length_over_the_limit_is_refused_before_reading(served: Served) -> None:
    with pytest.raises(FetchError, match="1,000,000,000,000 bytes is over the size limit"):
        fetch(served.url("/lying-length"), PRIVATE)


def test_body_over_the_limit_without_content_length(served: Served) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError, match="over the size limit of 100,000 bytes"):
        fetch(served.url("/endless"), FetchOptions(allow_private=True, max_bytes=100_000))
    assert time.monotonic() - start < 5
    time.sleep(0.2)  # let the server notice the hang-up
    assert served.server.sent < 64 * 1024 * 1024  # the rest was not read


def test_decompressed_size_counts(served: Served) -> None:
    with pytest.raises(FetchError, match="over the size limit of 1,000,000 bytes"):
        fetch(served.url("/gzip-bomb"), FetchOptions(allow_private=True, max_bytes=1_000_000))


def test_slow_drip_hits_the_total_timeout(served: Served) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.5s"):
        fetch(served.url("/drip"), FetchOptions(allow_private=True, timeout=0.5))
    assert time.monotonic() - start < 2.5


def test_slow_headers_hit_the_total_timeout(served: Served) -> None:
    # Each read succeeds well within httpx's per-read timeout; only the overall deadline,
    # applied to every socket read, stops this before the body starts.
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.5s"):
        fetch(served.url("/drip-headers"), FetchOptions(allow_private=True, timeout=0.5))
    assert time.monotonic() - start < 2.5


def test_silent_server_hits_the_total_timeout(served: Served) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.5s"):
        fetch(served.url("/stall"), FetchOptions(allow_private=True, timeout=0.5))
    assert time.monotonic() - start < 2.5


def _closed_port() -> int:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_environment_proxies_are_ignored(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy would make the connection, so the address check would see the proxy, not the
    # target. This one is dead: the fetch works only because it is not used.
    proxy = f"http://127.0.0.1:{_closed_port()}"
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(var, proxy)
    assert fetch(served.url("/text"), PRIVATE).data.decode() == ARTICLE_TEXT


def test_connection_refused(served: Served) -> None:
    with pytest.raises(FetchError, match="could not connect") as e:
        fetch(f"http://127.0.0.1:{_closed_port()}/", PRIVATE)
    assert "\n" not in str(e.value)


# --------------------------------------------------------------------------------------------------
# Status and content type


@pytest.mark.parametrize("path", ["/image", "/pdf"])
def test_wrong_content_type_is_refused(served: Served, path: str) -> None:
    with pytest.raises(FetchError, match=r"content type (image/png|application/pdf)"):
        fetch(served.url(path), PRIVATE)


def test_missing_content_type_is_refused(served: Served) -> None:
    with pytest.raises(FetchError, match="no content type"):
        fetch(served.url("/untyped"), PRIVATE)


def test_accept_narrows_the_types(served: Served) -> None:
    with pytest.raises(FetchError, match="content type text/plain"):
        fetch(served.url("/text"), PRIVATE, accept=FEED_TYPES)
    assert fetch(served.url("/feed"), PRIVATE, accept=FEED_TYPES).content_type in FEED_TYPES


@pytest.mark.parametrize("code", [404, 500])
def test_error_status(served: Served, code: int) -> None:
    with pytest.raises(FetchError, match=f"HTTP {code}"):
        fetch(served.url(f"/status?code={code}"), PRIVATE)


# --------------------------------------------------------------------------------------------------
# read_url


def test_read_url_text(served: Served) -> None:
    article = read_url(served.url("/redirect"), PRIVATE, outlet="Valley Times")
    assert article.reader == "url"
    assert article.url == served.url("/text")
    assert article.source == served.url("/redirect")
    assert article.outlet == "Valley Times"
    assert article.title == "Council approves dam upgrade"
    assert "Northfield dam" in article.text


def test_read_url_uses_the_declared_charset(served: Served) -> None:
    article = read_url(served.url("/latin1"), PRIVATE)
    assert "María Lopez" in article.text


def test_read_url_refuses_a_feed(served: Served) -> None:
    with pytest.raises(InputError, match="feed"):
        read_url(served.url("/feed"), PRIVATE)


def test_read_url_html(served: Served) -> None:
    article = read_url(served.url("/page.html"), PRIVATE)
    assert article.title is not None and "dam upgrade" in article.title.lower()
    assert "Northfield dam" in article.text
    assert "We cannot wait for another flood" in article.text
    assert article.url == served.url("/page.html")
    assert article.source == served.url("/page.html")


def test_read_url_refuses_loopback_by_default(served: Served) -> None:
    with pytest.raises(FetchError, match="--allow-private"):
        read_url(served.url("/page.html"))
    assert served.server.paths == []
