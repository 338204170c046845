"""Where claimscope keeps what it builds on the user's machine (the gazetteer index, the fast copy
of the sentence encoder): ``$CLAIMSCOPE_CACHE_DIR`` or the platform's user cache directory."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "CLAIMSCOPE_CACHE_DIR"


def cache_dir() -> Path:
    """``$CLAIMSCOPE_CACHE_DIR`` or the user cache directory (``~/.cache/claimscope`` on Linux)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claimscope", appauthor=False))
