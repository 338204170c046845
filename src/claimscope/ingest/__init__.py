"""Readers: every input becomes an :class:`~claimscope.model.Article` (or a recorded Failure)."""
