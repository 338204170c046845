"""The web app stays responsive under slow and heavy requests (issue 17).

A real server on a local port (uvicorn in a thread): FastAPI's TestClient runs one request at a
time and cannot show one request stalling another. A slow host is a local server that waits
before it answers, reached with ``allow_private``.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from claimscope.web.app import create_app

PROSE = (
    "The minister said on Monday that the talks had failed, and officials in the capital "
    "denied that the convoy was hit. "
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(4)
        body = f"<html><body><article><p>{PROSE * 4}</p></article></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def slow_host() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _port()), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/story"
    server.shutdown()


def _serve(tmp_path: Path, **options: Any) -> Iterator[str]:
    app = create_app(tmp_path / "web.duckdb", allow_private=True, **options)
    port = _port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/health", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def server(tmp_path: Path, nlp: Any) -> Iterator[str]:
    yield from _serve(tmp_path)


def _health_while(base: str, busy: threading.Thread, seconds: float) -> list[float]:
    """Latencies of /health asked every 0.2 s while ``busy`` runs (at most ``seconds``)."""
    busy.start()
    latencies = []
    stop = time.monotonic() + seconds
    while busy.is_alive() and time.monotonic() < stop:
        t0 = time.perf_counter()
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200
        latencies.append(time.perf_counter() - t0)
        time.sleep(0.2)
    busy.join(120)
    return latencies


def test_health_answers_while_a_slow_url_is_fetched(server: str, slow_host: str) -> None:
    """The form route fetched URLs on the event loop: a slow host held /health for 20 s."""
    out: dict[str, Any] = {}

    def post() -> None:
        out["r"] = httpx.post(f"{server}/analyze", data={"url": slow_host}, timeout=60)

    latencies = _health_while(server, threading.Thread(target=post), 10)
    assert len(latencies) >= 5, latencies
    assert max(latencies) < 1.0, latencies
    assert out["r"].status_code in (200, 303), out["r"].text[:300]


def test_health_answers_while_a_large_upload_and_a_long_analysis_run(server: str) -> None:
    out: dict[str, Any] = {}
    html = f"<html><body><article><p>{PROSE * 2500}</p></article></body></html>"

    def post() -> None:
        files = {"file": ("big.html", html.encode(), "text/html")}
        out["r"] = httpx.post(f"{server}/analyze", files=files, timeout=300)

    latencies = _health_while(server, threading.Thread(target=post), 60)
    assert len(latencies) >= 5, latencies
    assert max(latencies) < 1.0, latencies
    assert out["r"].status_code in (200, 303), out["r"].text[:300]


def test_an_analysis_past_its_time_is_stopped_with_a_clear_error(tmp_path: Path, nlp: Any) -> None:
    """One request of quotation marks held the analysis lock for 80 s; now an analysis has a
    time limit, and the pipeline is free again after it."""
    for base in _serve(tmp_path, analysis_timeout=0.2):
        r = httpx.post(f"{base}/api/analyze", json={"text": PROSE * 800}, timeout=120)
        assert r.status_code == 503, r.text[:300]
        assert "took longer than 0.2 s" in r.json()["error"]
        ok = httpx.post(f"{base}/api/analyze", json={"text": "He said no."}, timeout=60)
        assert ok.status_code in (200, 503)  # the lock was released: it ran, fast or not
        assert "busy" not in ok.text
