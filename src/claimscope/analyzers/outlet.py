"""The outlet: the registry entry for the article's ``outlet`` (``--outlet``) or its URL's domain.

Writes ``Results.outlet``: the entry as a dict, each rater's verdict listed separately
with its source (see :mod:`claimscope.knowledge.outlets`), plus ``matched_from`` naming what was
looked up. Nothing is written when the outlet is unknown.
"""

from __future__ import annotations

from spacy.tokens import Doc

from claimscope.analyzers.results import Results, component
from claimscope.knowledge.outlets import lookup


@component("claimscope_outlet", writes=["outlet"])
def outlet_component(doc: Doc) -> Doc:
    article = doc._.article
    if article is None:
        return doc
    for where, query in (("outlet", article.outlet), ("url", article.url)):
        if not query:
            continue
        found = lookup(query, labels=where == "outlet")
        if found is not None:
            Results.of(doc).outlet = {**found.to_dict(), "matched_from": f"{where} “{query}”"}
            break
    return doc
