"""One batch of articles in, one row per article out: what every engine's worker runs.

Rows are ``(key, kind, json)`` with kind ``"analysis"`` or ``"failure"``, so that results cross a
process boundary as contract JSON. Nothing in one article can take the batch down.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from claimscope.model import Analysis, Article, Failure

if TYPE_CHECKING:
    from spacy.language import Language

Row = tuple[str, str, str]  # key, kind, json


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 500 else text[:497] + "..."


def _source_of(key: str, article_json: str) -> str:
    """What to name an article that could not even be read back: its source, id or key."""
    try:
        data = json.loads(article_json)
    except ValueError:
        return f"key {key}"
    if isinstance(data, dict):
        for field in ("source", "id"):
            if isinstance(data.get(field), str) and data[field]:
                return str(data[field])
    return f"key {key}"


def _row(key: str, result: Analysis | Failure) -> Row:
    kind = "analysis" if isinstance(result, Analysis) else "failure"
    return key, kind, result.model_dump_json()


def analyze_rows(keys: list[str], articles: list[str], nlp: Language) -> list[Row]:
    """Analyse one batch of ``(key, article JSON)`` rows: one ``(key, kind, json)`` row out per row in.

    Nothing in one article can take the batch down: an article that does not validate is a
    Failure; analyze_many turns an analyzer's error into a Failure; and should the pipeline itself
    raise (outside analyze_many's per-article guard), the batch is analysed again one article at a
    time, so only the article that raises becomes a Failure.
    """
    from claimscope.pipeline import analyze_many

    out: dict[int, Row] = {}
    good: list[tuple[int, str, Article]] = []
    for i, (key, data) in enumerate(zip(keys, articles, strict=True)):
        try:
            good.append((i, key, Article.model_validate_json(data)))
        except Exception as e:
            failure = Failure(
                source=_source_of(key, data),
                reason=f"the article could not be read in the worker: {one_line(e)}",
                stage="analyze",
            )
            out[i] = _row(key, failure)
    try:
        results = list(analyze_many([a for _, _, a in good], nlp=nlp))
        if len(results) != len(good):
            raise RuntimeError(f"{len(results)} results for {len(good)} articles")
        for (i, key, _), result in zip(good, results, strict=True):
            out[i] = _row(key, result)
    except Exception:
        for i, key, article in good:
            try:
                result = next(iter(analyze_many([article], nlp=nlp)))
            except Exception as e:
                result = Failure(
                    source=article.source or article.id,
                    reason=f"analysis error in the worker: {one_line(e)}",
                    stage="analyze",
                )
            out[i] = _row(key, result)
    return [out[i] for i in range(len(keys))]
