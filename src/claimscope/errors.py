"""Errors a user can cause and fix: the CLI prints them as one line, never as a traceback."""

from __future__ import annotations


class ClaimscopeError(Exception):
    """Base class for errors caused by the input or the invocation, not by a bug."""


class InputError(ClaimscopeError):
    """The input cannot be read as an article: empty, binary, too large, malformed."""


class FetchError(ClaimscopeError):
    """A URL could not be fetched, or was refused (private address, size, type, time)."""


class Busy(ClaimscopeError):
    """Too much to do right now: an analysis ran out of its time, or waited too long for its
    turn. Nothing is wrong with the input; a later try, or a smaller text, can succeed."""
