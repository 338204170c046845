"""Property-based run of the OpenAPI spec against the app (ASGI, no network): never a 5xx."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

from hypothesis import HealthCheck, settings  # noqa: E402

from claimscope.errors import FetchError  # noqa: E402
from claimscope.web import api  # noqa: E402
from claimscope.web.app import create_app  # noqa: E402

_DIR = Path(tempfile.mkdtemp(prefix="claimscope-schemathesis-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
_DB = _DIR / "a.duckdb"
schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(_DB))


def _no_network(url: str, *args: Any, **kwargs: Any) -> Any:
    raise FetchError(f"{url[:100]}: fetching is disabled in this test")


@pytest.fixture(scope="module", autouse=True)
def _offline(nlp: Any) -> Iterator[None]:
    """URL fetching has its own tests; here a URL is refused without touching the network."""
    patch = pytest.MonkeyPatch()
    patch.setattr(api, "article_from_url", _no_network)
    yield
    patch.undo()


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_answers_5xx(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
