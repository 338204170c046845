"""The inputs of a corpus run: directories, globs, files and URLs, read into Articles.

Each input may hold one article (a text or HTML file, a URL) or many (JSONL, CSV, WARC, a feed).
A directory is walked in name order for the files claimscope reads; a pattern with ``*``, ``?`` or
``[`` is expanded the same way. A file that cannot be read becomes a Failure in its place, never an
abort: a run over a thousand files must not stop at the first broken one.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from claimscope.errors import ClaimscopeError
from claimscope.ingest.auto import READABLE_SUFFIXES, ReadOptions, is_url, read
from claimscope.model import Article, Failure


def expand(inputs: Iterable[str]) -> list[str]:
    """Paths and URLs in run order; a directory or pattern that names nothing is an error."""
    out: list[str] = []
    for spec in inputs:
        if spec == "-" or is_url(spec):
            out.append(spec)
        elif any(c in spec for c in "*?["):
            found = sorted(p for p in glob.glob(spec, recursive=True) if Path(p).is_file())
            if not found:
                raise ClaimscopeError(f"{spec}: the pattern matches no file")
            out.extend(found)
        elif Path(spec).is_dir():
            found = sorted(
                str(Path(root) / name)
                for root, dirs, names in os.walk(spec)
                for name in names
                if not name.startswith(".") and name.lower().endswith(READABLE_SUFFIXES)
            )
            if not found:
                raise ClaimscopeError(f"{spec}: the directory holds no file claimscope reads")
            out.extend(found)
        elif Path(spec).exists():
            out.append(spec)
        else:
            raise ClaimscopeError(f"{spec}: no such file or directory")
    return out


def read_all(specs: Iterable[str], options: ReadOptions) -> Iterator[Article | Failure]:
    """Every article of every input in order, a Failure where an input or record is unreadable."""
    for spec in specs:
        try:
            yield from read(spec, options)
        except ClaimscopeError as e:
            yield Failure(source=spec, reason=str(e), stage="ingest")
        except OSError as e:
            yield Failure(source=spec, reason=f"{e.strerror or e}", stage="ingest")
