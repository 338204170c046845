"""Article -> spaCy Doc -> analyzers -> Analysis: the one path every interface goes through."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from claimscope.analyzers.results import Results
from claimscope.analyzers.time import latest_full_date
from claimscope.errors import InputError
from claimscope.ingest.text import max_chars, read_text
from claimscope.model import Analysis, Article, Failure

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

ENGLISH = "en"


def make_doc(pipeline: Language, text: str) -> Doc:
    from claimscope import nlp as nlp_module

    return nlp_module.make_doc(pipeline, text)


def _pipeline(nlp: Language | None) -> Language:
    if nlp is not None:
        return nlp
    from claimscope import nlp as nlp_module

    return nlp_module.load()


def _coerce(article: Article | str) -> Article:
    return read_text(article, source="<string>") if isinstance(article, str) else article


def analyze(article: Article | str, *, nlp: Language | None = None) -> Analysis:
    """Analyse one article (or pasted text) and return the contract document.

    Raises InputError for a text over the length limit, RuntimeError for a bug in an analyzer.
    """
    one = _coerce(article)
    problem = _too_long(one)
    if problem is not None and one.language == ENGLISH:
        raise InputError(problem)
    result = next(iter(analyze_many([one], nlp=nlp)))
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
    language (reported in its notes, not mis-analysed), are emitted in input order.

    Nothing one article does can cost another: a text over the pipeline's length limit, or one
    the tokenizer refuses, becomes that article's Failure before parsing; when a batch fails in
    parsing or in an analyzer, its articles are analysed again one at a time, so that only the
    one that breaks becomes a Failure, with its own reason.

    This runs in one process: the Docs carry the Article and the analyzers' results as Python
    objects, which spaCy's ``n_process`` serialiser cannot ship. Parallel runs give each worker
    process its own pipeline instead (the corpus engines).
    """
    pipeline = _pipeline(nlp)
    batch: list[Article | Failure] = []
    articles = 0
    for item in items:
        batch.append(item)
        articles += isinstance(item, Article)
        if articles >= batch_size:
            yield from _analyze_batch(pipeline, batch)
            batch, articles = [], 0
    if batch:
        yield from _analyze_batch(pipeline, batch)


def _analyze_batch(
    pipeline: Language, batch: list[Article | Failure]
) -> Iterator[Analysis | Failure]:
    out: list[Analysis | Failure | None] = [None] * len(batch)
    docs: list[Doc] = []
    for seq, item in enumerate(batch):
        if isinstance(item, Failure):
            out[seq] = item
        elif item.language != ENGLISH:
            out[seq] = _unanalysed(item)
        else:
            doc_or_failure = _make_doc(pipeline, item)
            if isinstance(doc_or_failure, Failure):
                out[seq] = doc_or_failure
            else:
                doc_or_failure.user_data["claimscope_seq"] = seq
                docs.append(doc_or_failure)
    try:
        for doc in pipeline.pipe(docs, batch_size=max(1, len(docs))):
            out[doc.user_data["claimscope_seq"]] = _assembled(doc)
    except Exception:  # one article broke the batch: every article on its own
        for doc in docs:
            seq = doc.user_data["claimscope_seq"]
            out[seq] = _analyze_alone(pipeline, doc._.article)
    for result in out:
        assert result is not None
        yield result


def _too_long(article: Article) -> str | None:
    limit = max_chars()
    if len(article.text) <= limit:
        return None
    return (
        f"the text has {len(article.text):,} characters, over the limit of {limit:,} "
        "(split it, or raise the limit with --max-chars or CLAIMSCOPE_MAX_CHARS)"
    )


def _make_doc(pipeline: Language, article: Article) -> Doc | Failure:
    """The article's tokenised Doc, or its Failure when the text cannot be parsed at all."""
    problem = _too_long(article)
    if problem is not None:
        return Failure(source=article.source or article.id, reason=problem, stage="analyze")
    pipeline.max_length = max(pipeline.max_length, max_chars())  # a limit raised on purpose
    try:
        doc = make_doc(pipeline, article.text)
    except Exception as e:
        return Failure(
            source=article.source or article.id, reason=f"could not tokenise: {e}", stage="analyze"
        )
    doc._.article = article
    return doc


def _analyze_alone(pipeline: Language, article: Article) -> Analysis | Failure:
    doc = _make_doc(pipeline, article)
    if isinstance(doc, Failure):
        return doc
    try:
        return _assembled(pipeline(doc))
    except Exception as e:
        return Failure(source=article.source or article.id, reason=str(e), stage="analyze")


def _assembled(doc: Doc) -> Analysis | Failure:
    try:
        return analysis_from_doc(doc)
    except Exception as e:  # one broken article must not end a batch run
        article: Article = doc._.article
        return Failure(source=article.source or article.id, reason=str(e), stage="analyze")


def analysis_from_doc(doc: Doc) -> Analysis:
    """Assemble the Analysis from what the analyzers wrote into ``doc._.claimscope``."""
    article: Article = doc._.article
    found = Results.of(doc)
    notes = [*article.ingest_notes, *found.notes]
    if not article.published:
        bound = latest_full_date(found.times)
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
        entities=found.entities,
        times=found.times,
        timeline=found.timeline,
        attributions=found.attributions,
        claims=found.claims,
        findings=found.findings,
        voices=found.voices,
        sourcing=found.sourcing,
        framing_by_actor=found.framing_by_actor,
        places=found.places,
        outlet=found.outlet,
        notes=notes,
        technique_model=found.technique_model,
    )


def language_warning(analysis: Analysis) -> str | None:
    """The one-line warning for an article passed over for its language (its notes say so too),
    or None when it was analysed."""
    article = analysis.article
    if article.language == ENGLISH:
        return None
    return (
        f"{article.source or article.id}: the text is in language '{article.language}', not "
        "English; no analysis was run (--language en forces it)"
    )


def _unanalysed(article: Article) -> Analysis:
    notes = [
        *article.ingest_notes,
        f"The text is in language '{article.language}', not English: claimscope's analyzers are "
        "built for English news, so no analysis was run (set the language to 'en' to force it).",
    ]
    return Analysis(article=article, notes=notes)
