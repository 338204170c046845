"""Small helpers the benchmark scripts share (each script runs with this folder on sys.path)."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def version(package: str) -> str | None:
    """The installed version of ``package``, or None."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``fn()`` took, and what it returned."""
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def emit(figures: Mapping[str, object], path: Path | None) -> None:
    """Print the figures as JSON, and write them to ``path`` too when given."""
    text = json.dumps(figures, indent=2)
    print(text)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")


def environment(repeat: int) -> dict[str, object]:
    """What a benchmark's figures were measured with: Python, spaCy, and the repeats kept."""
    import platform

    import spacy

    return {"python": platform.python_version(), "spacy": spacy.__version__, "repeat": repeat}


def fakes_parser(doc: str | None, csv: Path, limit: int) -> argparse.ArgumentParser:
    """The options of the benchmarks over FA-KES rows: --csv, --limit, --repeat, --json."""
    ap = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--csv", type=Path, default=csv)
    ap.add_argument("--limit", type=int, default=limit)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    return ap
