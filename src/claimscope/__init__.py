"""claimscope: see how a news article is built: who claims what, through whom, in what words.

The library's front door: :func:`analyze` for one article, :func:`analyze_many` for a stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from claimscope._version import __version__

__all__ = ["Analysis", "Article", "__version__", "analyze", "analyze_many"]

if TYPE_CHECKING:
    from claimscope.model import Analysis, Article
    from claimscope.pipeline import analyze, analyze_many


def __getattr__(name: str) -> Any:
    # Imported lazily so that `claimscope version` and the readers do not pay for spaCy's import.
    if name in ("analyze", "analyze_many"):
        from claimscope import pipeline

        return getattr(pipeline, name)
    if name in ("Analysis", "Article"):
        from claimscope import model

        return getattr(model, name)
    raise AttributeError(name)
