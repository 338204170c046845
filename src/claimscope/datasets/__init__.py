"""Readers of the annotated datasets both the ``eval`` and the ``train`` commands use."""
