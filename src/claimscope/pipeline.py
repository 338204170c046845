"""Article -> spaCy Doc -> analyzers -> Analysis: the one path every interface goes through."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from claimscope.analyzers.time import latest_full_date
from claimscope.ingest.text import read_text
from claimscope.model import Analysis, Article, Failure

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

ENGLISH = "en"


def _pipeline(nlp: Language | None) -> Language:
    if nlp is not None:
        return nlp
    from claimscope import nlp as nlp_module

    return nlp_module.load()


def _coerce(article: Article | str) -> Article:
    return read_text(article, source="<string>") if isinstance(article, str) else article


def analyze(article: Article | str, *, nlp: Language | None = None) -> Analysis:
    """Analyse one article (or pasted text) and return the contract document."""
    result = next(iter(analyze_many([_coerce(article)], nlp=nlp)))
    if isinstance(result, Failure):  # only possible through a bug in an analyzer
        raise RuntimeError(result.reason)
    return result


def analyze_many(
    items: Iterable[Article | Failure],
    *,
    nlp: Language | None = None,
    batch_size: int = 32,
) -> Iterator[Analysis | Failure]:
    """Stream articles through ``nlp.pipe``; failures pass through in their place.

    English articles go through spaCy in batches; an ingest Failure, and an article in another
    language (reported in its notes, not mis-analysed), are emitted in input order as soon as every
    earlier article has been.

    This runs in one process: the Docs carry the Article and the analyzers' results as Python
    objects, which spaCy's ``n_process`` serialiser cannot ship. Parallel runs give each worker
    process its own pipeline instead (the corpus engines).
    """
    pipeline = _pipeline(nlp)
    waiting: dict[int, Analysis | Failure] = {}
    next_out = 0

    def docs() -> Iterator[Doc]:
        for seq, item in enumerate(items):
            if isinstance(item, Failure):
                waiting[seq] = item
            elif item.language != ENGLISH:
                waiting[seq] = _unanalysed(item)
            else:
                doc = pipeline.make_doc(item.text)
                doc._.article = item
                doc.user_data["claimscope_seq"] = seq
                yield doc

    for doc in pipeline.pipe(docs(), batch_size=batch_size):
        seq = doc.user_data["claimscope_seq"]
        while next_out < seq:
            yield waiting.pop(next_out)
            next_out += 1
        try:
            yield analysis_from_doc(doc)
        except Exception as e:  # one broken article must not end a batch run
            yield Failure(
                source=doc._.article.source or doc._.article.id, reason=str(e), stage="analyze"
            )
        next_out += 1
    for seq in sorted(waiting):
        yield waiting.pop(seq)


def analysis_from_doc(doc: Doc) -> Analysis:
    """Assemble the Analysis from what the analyzers wrote into ``doc._.claimscope``."""
    article: Article = doc._.article
    found: dict[str, Any] = doc._.claimscope or {}
    times = found.get("times", [])
    notes = [*article.ingest_notes, *found.get("notes", [])]
    if not article.published:
        bound = latest_full_date(times)
        if bound:
            notes.append(
                f"No publication date was found; the latest explicit date in the text is {bound}, "
                "so the article was published on or after that day. Give the date (--published) "
                "to resolve relative dates."
            )
        else:
            notes.append(
                "No publication date was found, and the text has no explicit date to bound it; "
                "relative dates cannot be resolved."
            )
    return Analysis(
        article=article,
        entities=found.get("entities", []),
        times=times,
        timeline=found.get("timeline", []),
        attributions=found.get("attributions", []),
        claims=found.get("claims", []),
        findings=found.get("findings", []),
        voices=found.get("voices", []),
        sourcing=found.get("sourcing"),
        framing_by_actor=found.get("framing_by_actor", []),
        places=found.get("places", []),
        outlet=found.get("outlet"),
        notes=notes,
    )


def _unanalysed(article: Article) -> Analysis:
    notes = [
        *article.ingest_notes,
        f"The text is in language '{article.language}', not English: claimscope's analyzers are "
        "built for English news, so no analysis was run (set the language to 'en' to force it).",
    ]
    return Analysis(article=article, notes=notes)
