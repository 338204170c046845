"""Where claimscope keeps files on the user's machine.

Two places, as the platform names them (``platformdirs``):

- the **cache** (``$CLAIMSCOPE_CACHE_DIR``, else e.g. ``~/.cache/claimscope``) holds what claimscope
  builds from shipped files and can build again: the gazetteer index, the fast copy of the
  sentence encoder;
- the **data directory** (``$CLAIMSCOPE_DATA_DIR``, else e.g. ``~/.local/share/claimscope``) holds
  what the user made and would lose: the fact-check store, the technique tagger trained on their
  machine.

Each file there may also be named by a setting of its own (``$CLAIMSCOPE_FACTCHECKS``,
``$CLAIMSCOPE_TECHNIQUE_MODEL``), which wins over the directory.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "CLAIMSCOPE_CACHE_DIR"
DATA_ENV = "CLAIMSCOPE_DATA_DIR"


def cache_dir() -> Path:
    """``$CLAIMSCOPE_CACHE_DIR`` or the user cache directory (``~/.cache/claimscope`` on Linux)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claimscope", appauthor=False))


def data_dir() -> Path:
    """``$CLAIMSCOPE_DATA_DIR`` or the user data directory (``~/.local/share/claimscope`` on
    Linux)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("claimscope"))  # as earlier versions kept it


def data_file(name: str, env: str) -> Path:
    """The user's file ``name``: the path in ``$env`` when set, else ``name`` in :func:`data_dir`."""
    override = os.environ.get(env)
    if override:
        return Path(override).expanduser()
    return data_dir() / name
