"""What the scripts that write a packaged file share: write it, or (``--check``) only say whether
the file in the repository is what they would write."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def write_or_check(description: str | None, out: Path, make: Callable[[], str]) -> int:
    """Parse ``--check``; write ``make()`` to ``out``, or compare them. Returns the exit code."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    text = make()
    if args.check:
        same = out.is_file() and out.read_text("utf-8") == text
        print(f"{out.name} {'matches what the sources give' if same else 'differs'}")
        return 0 if same else 1
    out.write_text(text, "utf-8")
    print(f"wrote {out} ({len(text.splitlines())} lines)")
    return 0
