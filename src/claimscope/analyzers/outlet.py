"""The outlet: the registry entry for the article's ``outlet`` (``--outlet``) or its URL's domain.

Writes ``results(doc)["outlet"]``: the entry as a dict, each rater's verdict listed separately
with its source (see :mod:`claimscope.knowledge.outlets`), plus ``matched_from`` naming what was
looked up. Nothing is written when the outlet is unknown.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from claimscope.analyzers import results
from claimscope.knowledge.outlets import lookup


@Language.component("claimscope_outlet")
def outlet_component(doc: Doc) -> Doc:
    article = doc._.article
    if article is None:
        return doc
    for where, query in (("outlet", article.outlet), ("url", article.url)):
        if not query:
            continue
        found = lookup(query, labels=where == "outlet")
        if found is not None:
            results(doc)["outlet"] = {**found.to_dict(), "matched_from": f"{where} “{query}”"}
            break
    return doc
