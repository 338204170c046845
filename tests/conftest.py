"""Shared fixtures. Data from ../shared is read in place, never copied into the repository."""

from __future__ import annotations

import importlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Analyses must not depend on a fact-check store the developer happens to have: the default store
# is pointed at a path that does not exist (tests that need a store pass one explicitly).
os.environ["CLAIMSCOPE_FACTCHECKS"] = str(
    Path(tempfile.gettempdir()) / "claimscope-tests-no-store" / "none.sqlite"
)
# Nor on a technique tagger the developer trained: the findings are the rules' unless a test
# passes a model.
os.environ["CLAIMSCOPE_TECHNIQUE_MODEL"] = str(
    Path(tempfile.gettempdir()) / "claimscope-tests-no-store" / "none.onnx"
)
SHARED = ROOT.parent / "shared"
EXAMPLE = SHARED / "examples" / "presstv-2018-idlib.txt"
PG_ENV = "CLAIMSCOPE_TEST_POSTGRES"  # the PostgreSQL server for store tests (.ci/run starts one)


def shared(relative: str) -> Path:
    """A path under ../shared: skipped with a message when absent on a user's machine, but a
    failure in CI, where the data is always present."""
    path = SHARED / relative
    if not path.exists():
        message = f"{path} is not present (the shared data folder sits beside the repository)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def need(module: str) -> Any:
    """An optional package a test needs (by its import name): skipped with a message where it is
    not installed (``make test`` leaves out PyTorch, Ray and Playwright), a failure in CI, which
    installs them all."""
    from claimscope.extras import EXTRA_OF

    try:
        return importlib.import_module(module)
    except ImportError as e:
        extra = EXTRA_OF.get(module.split(".")[0])
        how = f"pip install 'claimscope[{extra}]'" if extra else f"pip install {module}"
        message = f"{module} is not installed ({how}, or make test-extras): {e}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)


@pytest.fixture(scope="session")
def example_text() -> str:
    return shared("examples/presstv-2018-idlib.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from claimscope.nlp import load

    return load()


@pytest.fixture(scope="session")
def example_analysis(example_text, nlp):  # type: ignore[no-untyped-def]
    from claimscope.ingest.text import read_text
    from claimscope.pipeline import analyze

    return analyze(read_text(example_text, source=str(EXAMPLE)), nlp=nlp)


@pytest.fixture(params=["duckdb", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a test's store lives: a new DuckDB file, or a new schema on the test server."""
    if request.param == "duckdb":
        yield str(tmp_path / "corpus.duckdb")
        return
    url = os.environ.get(PG_ENV)
    if not url:
        message = (
            f"{PG_ENV} is not set: the PostgreSQL half of the store tests needs a server "
            "(postgresql://user@host:port/db; .ci/run starts one)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    import psycopg

    schema = f"claimscope_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {schema} CASCADE")


# Figures that tests measure (title match rate, offset-map coverage, ...) are printed at the end of
# the run, so that CI output shows them; pytest would otherwise capture a test's own prints.
_FIGURES: list[str] = []


@pytest.fixture
def report_figure():  # type: ignore[no-untyped-def]
    """Call with a one-line figure; it is shown in the run's summary."""
    return _FIGURES.append


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _FIGURES:
        terminalreporter.section("measured figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
