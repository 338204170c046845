"""Errors a user can cause and fix: the CLI prints them as one line, never as a traceback."""

from __future__ import annotations


class ClaimscopeError(Exception):
    """Base class for errors caused by the input or the invocation, not by a bug."""


class InputError(ClaimscopeError):
    """The input cannot be read as an article: empty, binary, too large, malformed."""


class FetchError(ClaimscopeError):
    """A URL could not be fetched, or was refused (private address, size, type, time)."""
