"""HTML metadata: how often the HTML reader agrees with a reference on title, author, site, date.

The reference is a folder of pages, each ``NAME/source.html`` with ``NAME/expected-metadata.json``
(the layout of Mozilla Readability's test pages: ``title``, ``byline``, ``siteName``,
``publishedTime``). The baseline is trafilatura's own metadata for the same page, so the figures
show what claimscope's metadata rules add over the extractor alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimscope.errors import InputError
from claimscope.ingest.dates import parse_date
from claimscope.ingest.normalize import normalize

# (article field, expected-metadata key, trafilatura attribute, comparison form)
FIELDS: list[tuple[str, str, str, Callable[[Any], str | None]]] = [
    ("title", "title", "title", lambda v: normalize(v) if v else None),
    ("author", "byline", "author", lambda v: normalize(v) if v else None),
    ("outlet", "siteName", "sitename", lambda v: normalize(v) if v else None),
    ("published", "publishedTime", "date", parse_date),
]


@dataclass
class Tally:
    pages: int = 0
    claimscope: int = 0
    baseline: int = 0


@dataclass
class Result:
    pages: int = 0
    failed: list[str] = field(default_factory=list)
    fields: dict[str, Tally] = field(default_factory=lambda: {f[0]: Tally() for f in FIELDS})


def page_dirs(root: Path) -> list[Path]:
    dirs = sorted(p.parent for p in root.glob("*/source.html"))
    if not dirs:
        raise InputError(f"{root}: no NAME/source.html pages found")
    return dirs


def evaluate(root: Path, limit: int | None = None) -> Result:
    from trafilatura import bare_extraction

    from claimscope.ingest.html import read_html

    result = Result()
    for page in page_dirs(root)[:limit]:
        expected_path = page / "expected-metadata.json"
        if not expected_path.exists():
            continue
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        data = (page / "source.html").read_bytes()
        result.pages += 1
        try:
            article = read_html(data, source=page.name)
        except InputError as e:
            result.failed.append(f"{page.name}: {e}")
            continue
        try:
            base = bare_extraction(data, with_metadata=True)
        except Exception:
            base = None
        for name, key, base_attr, form in FIELDS:
            want = form(expected.get(key))
            if not want:
                continue
            tally = result.fields[name]
            tally.pages += 1
            tally.claimscope += form(getattr(article, name)) == want
            tally.baseline += base is not None and form(getattr(base, base_attr, None)) == want
    return result


def format_table(result: Result) -> str:
    lines = [
        f"HTML metadata agreement with the reference ({result.pages} pages, "
        f"{len(result.failed)} failed to ingest)",
        "",
        "| field | pages with a value | claimscope | trafilatura alone (baseline) |",
        "|---|---:|---:|---:|",
    ]
    for name, t in result.fields.items():
        if t.pages:
            lines.append(
                f"| {name} | {t.pages} | {t.claimscope} ({t.claimscope / t.pages:.1%}) | "
                f"{t.baseline} ({t.baseline / t.pages:.1%}) |"
            )
    lines += [f"failed: {f}" for f in result.failed]
    return "\n".join(lines)
