"""Sentence starts at line breaks, set before the parser.

An article's text keeps its paragraphs and headline on lines of their own (see
:mod:`claimscope.ingest.text`: line breaks inside a paragraph are already made spaces). A headline
has no full stop, and spaCy's parser would run it into the first sentence ("Militants kidnap
children\\n\\nMilitants kidnapped 22 children ..., the ministry said"), so that an attribution's
content and a claim would straddle the two. The parser respects sentence starts set before it, so
the token after each line break is marked as one; the token after that is marked as *not* one, as
the parser otherwise cuts a paragraph's first word off on its own ("Militants" | "kidnapped 22
children ...") when it is told where the paragraph starts.
"""

from __future__ import annotations

from typing import Any, cast

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("claimscope_paragraphs")
def paragraphs_component(doc: Doc) -> Doc:
    # Set in one array: the ``is_sent_start`` setter checks the whole Doc for a parse each time.
    starts = doc.to_array([SENT_START]).astype("int64")  # 1 start, -1 not one, 0 unknown
    changed = False
    for token in doc[:-1]:  # spaCy makes a line break (with any spaces around it) a space token
        if not (token.is_space and "\n" in token.text):
            continue
        first = doc[token.i + 1]
        if first.is_space:
            continue
        starts[first.i] = 1
        changed = True
        if first.i + 1 < len(doc) and first.is_alpha and not doc[first.i + 1].is_space:
            starts[first.i + 1] = -1
    if changed:
        doc.from_array([SENT_START], cast(Any, starts.astype("uint64")))  # -1 wraps, as stored
    return doc
