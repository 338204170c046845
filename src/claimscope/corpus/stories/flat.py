"""What the story functions need of an analysis, flattened: claims and paragraphs with their
article's outlet and date.

The store can produce these from its tables without parsing every document; for a handful of
analyses in memory, :func:`claim_records` and :func:`paragraph_records` make them directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from claimscope.model import Analysis

_DISTANCING = frozenset(
    {
        "claim",
        "claimed",
        "claims",
        "alleged",
        "allege",
        "alleges",
        "purported",
        "purportedly",
        "reportedly",
        "so-called",
    }
)


@dataclass(frozen=True)
class ClaimRecord:
    key: str  # the article's store key
    claim: str  # the claim's id in its analysis ("C3")
    text: str
    outlet: str | None
    published: str | None  # YYYY-MM-DD
    title: str | None
    voice: str  # attributed | outlet | unattributed
    speaker: str | None  # who it is attributed to, when it is
    cue: str | None  # the attribution's cue words ("said", "claimed")
    hedges: tuple[str, ...] = ()

    @property
    def stance(self) -> str:
        """How the outlet carries the claim: ``fact`` (its own voice, no hedge), ``attributed``
        (someone said it), or ``doubt`` (hedged, or attributed with a distancing cue)."""
        cue_words = set((self.cue or "").lower().split())
        if self.hedges or cue_words & _DISTANCING:
            return "doubt"
        return "fact" if self.voice == "outlet" else "attributed"


@dataclass(frozen=True)
class ParagraphRecord:
    key: str
    index: int  # paragraph number in the article
    text: str
    outlet: str | None
    published: str | None
    title: str | None


def claim_records(analysis: Analysis, key: str) -> Iterator[ClaimRecord]:
    article = analysis.article
    attributions = {a.id: a for a in analysis.attributions}
    for claim in analysis.claims:
        attribution = attributions.get(claim.attribution or "")
        yield ClaimRecord(
            key=key,
            claim=claim.id,
            text=claim.text,
            outlet=article.outlet,
            published=article.published,
            title=article.title,
            voice=claim.voice,
            speaker=attribution.speaker.name if attribution and attribution.speaker else None,
            cue=attribution.cue.text if attribution else None,
            hedges=tuple(h.text for h in claim.hedges),
        )


_PARAGRAPH = re.compile(r"\n\s*\n+")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[A-Z“\"])")


def paragraph_records(
    analysis: Analysis, key: str, *, min_words: int = 12
) -> Iterator[ParagraphRecord]:
    """The passages of an analysed article (see :func:`paragraphs`)."""
    a = analysis.article
    return paragraphs(key, a.text, a.outlet, a.published, a.title, min_words=min_words)


def paragraphs(
    key: str,
    text: str,
    outlet: str | None,
    published: str | None,
    title: str | None,
    *,
    min_words: int = 12,
) -> Iterator[ParagraphRecord]:
    """Blocks of the text (blank-line separated); a text that is one block (FA-KES articles are)
    is cut into runs of three sentences, so that a copied passage is still found."""
    blocks = [b.strip() for b in _PARAGRAPH.split(text) if b.strip()]
    if len(blocks) <= 2:
        sentences = [s for b in blocks for s in _SENTENCE_END.split(b)]
        blocks = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    for n, block in enumerate(blocks):
        if len(block.split()) >= min_words:
            yield ParagraphRecord(key, n, block, outlet, published, title)


def all_claims(items: Iterable[tuple[str, Analysis]]) -> list[ClaimRecord]:
    return [c for key, analysis in items for c in claim_records(analysis, key)]
