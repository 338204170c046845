"""Small helpers the benchmark scripts share (each script runs with this folder on sys.path)."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import metadata
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
