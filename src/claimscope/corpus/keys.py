"""The key a corpus run stores an article under: a hash of its content and metadata.

Keys are computed from the Article before it is analysed, so a re-run can skip what is stored
without analysing it again; two inputs with the same text and metadata are one article. The input
``id`` (a JSONL/CSV column) is kept as a column, not in the key: renumbering a file must not
duplicate its articles.
"""

from __future__ import annotations

import hashlib

from claimscope.model import Article


def article_key(article: Article) -> str:
    """32 hex digits over the analysed text and the metadata that changes the analysis."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (article.text, article.title, article.outlet, article.published, article.url):
        digest.update((part or "").encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()
