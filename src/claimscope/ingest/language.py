"""Language identification (py3langid: its model ships inside the package, nothing downloads)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Below this many letters an identifier's guess is noise; such texts are assumed English and say so.
MIN_LETTERS = 40
MIN_PROBABILITY = 0.5


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str, default: str = "en") -> tuple[str, float | None]:
    """Return (ISO 639-1 code, probability); ``(default, None)`` when the text is too short to say."""
    sample = text[:20_000]
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return default, None
    lang, prob = _identifier().classify(sample)
    if prob < MIN_PROBABILITY:
        return default, float(prob)
    return str(lang), float(prob)
