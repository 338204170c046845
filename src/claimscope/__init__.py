"""claimscope: see how a news article is built: who claims what, through whom, in what words."""

from __future__ import annotations

__version__ = "0.1.0"
