"""What the analyzers hand each other: one typed object at ``doc._.claimscope``.

Each analyzer is a spaCy component that reads the Doc and the results of earlier analyzers and
writes its own. They pass them through :class:`Results`, whose fields mirror the
:class:`~claimscope.model.Analysis` (plus the claims' sentence vectors, which the fact-check
matcher reuses), so that mypy checks every read and write, and
:func:`claimscope.pipeline.analysis_from_doc` copies fields, not string keys.

Every component is registered with :func:`component` (or :func:`factory`), which declares the
fields it reads and writes beside spaCy's own ``requires``/``assigns`` (the token and Doc
attributes it needs from the parser and the tagger, which ``nlp.analyze_pipes()`` checks).
:func:`flow_problems` checks the order of a pipeline against the declarations: a component that
reads a field no earlier component writes would see it empty and say nothing, so
:func:`claimscope.nlp.load` refuses such a pipeline. A component that changes a field in place
(the place linker relabels entities, the fact-check matcher adds matches to claims, sourcing
replaces the voices with described ones) declares it as written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar, get_args

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from claimscope.model import (
    ActorFraming,
    Attribution,
    Claim,
    Entity,
    Finding,
    Place,
    Sourcing,
    TimeExpression,
    TimelineEvent,
    Voice,
)

if not Doc.has_extension("claimscope"):
    Doc.set_extension("claimscope", default=None)

F = TypeVar("F", bound=Callable[..., Any])

Field = Literal[
    "entities",
    "places",
    "times",
    "attributions",
    "voices",
    "claims",
    "claim_vectors",
    "timeline",
    "findings",
    "technique_model",
    "sourcing",
    "framing_by_actor",
    "outlet",
    "notes",
]


@dataclass(frozen=True)
class ClaimVectors:
    """The claims' sentence vectors and the encoder that made them (its model id)."""

    encoder: str
    by_claim: dict[str, np.ndarray]


@dataclass
class Results:
    """The analyzers' results for one Doc, in the order the pipeline fills them."""

    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    voices: list[Voice] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # the check-worthiness pass's vectors of the claims, when it had them (not in the Analysis)
    claim_vectors: ClaimVectors | None = None
    timeline: list[TimelineEvent] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    technique_model: str | None = None
    sourcing: Sourcing | None = None
    framing_by_actor: list[ActorFraming] = field(default_factory=list)
    outlet: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Doc) -> Results:
        """The Doc's results, created on first use (a shared default would leak between Docs)."""
        found = doc._.claimscope
        if found is None:
            found = doc._.claimscope = cls()
        out: Results = found
        return out


FIELDS: frozenset[str] = frozenset(get_args(Field))
assert {f.name for f in fields(Results)} == FIELDS, "Field and Results must list the same names"


@dataclass(frozen=True)
class Flow:
    """The :class:`Results` fields a component reads and writes."""

    reads: tuple[Field, ...]
    writes: tuple[Field, ...]


FLOWS: dict[str, Flow] = {}


def _declare(name: str, reads: Iterable[Field], writes: Iterable[Field]) -> list[str]:
    """Record the component's flow; what it assigns in spaCy's terms."""
    FLOWS[name] = Flow(tuple(reads), tuple(writes))
    return ["doc._.claimscope"] if FLOWS[name].writes else []


def component(
    name: str,
    *,
    reads: Iterable[Field] = (),
    writes: Iterable[Field] = (),
    requires: Sequence[str] = (),
) -> Callable[[F], F]:
    """``Language.component(name)`` for an analyzer, with the fields it reads and writes.

    ``requires`` are spaCy attributes (``"token.dep"``, ``"doc.ents"``) the component needs.
    """
    register: Callable[[F], F] = Language.component(
        name, requires=list(requires), assigns=_declare(name, reads, writes)
    )
    return register


def factory(
    name: str,
    *,
    default_config: dict[str, Any],
    reads: Iterable[Field] = (),
    writes: Iterable[Field] = (),
    requires: Sequence[str] = (),
) -> Callable[[F], F]:
    """``Language.factory(name)`` for a configurable analyzer, with the fields it reads and
    writes."""
    register: Callable[[F], F] = Language.factory(
        name,
        default_config=default_config,
        requires=list(requires),
        assigns=_declare(name, reads, writes),
    )
    return register


def flow_problems(pipe_names: Iterable[str]) -> list[str]:
    """What is wrong with this order of components: each field a declared component reads that
    no declared component before it writes. Components declared nowhere are passed over."""
    written: set[str] = set()
    problems = []
    for name in pipe_names:
        flow = FLOWS.get(name)
        if flow is None:
            continue
        for f in flow.reads:
            if f not in written:
                problems.append(f"{name} reads '{f}', which no component before it writes")
        written.update(flow.writes)
    return problems
