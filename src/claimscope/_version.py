"""The package version, in a module of its own so that low modules (the URL reader's user agent)
need not import the package root."""

__version__ = "0.1.0"
