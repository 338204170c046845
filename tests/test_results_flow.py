"""The typed results the analyzers hand each other, and the fields each one declares."""

from __future__ import annotations

from typing import Any

import pytest

from claimscope.analyzers.results import FIELDS, FLOWS, Results, flow_problems
from claimscope.errors import ClaimscopeError
from claimscope.ingest.text import read_text
from claimscope.nlp import COMPONENTS, check_order, make_doc

OTHER = (
    "Kabul (AP) — The Taliban said on Tuesday that they had freed 12 aid workers held since "
    "March, but a United Nations spokesman, Farhan Haq, said none had been released. "
    "“We have no confirmation,” Haq told reporters in New York. Critics called the announcement "
    "a so-called gesture of goodwill."
)


def _fingerprints(found: Results) -> dict[str, str]:
    """Each field's value as text: what changes in place (a relabelled entity, a match added to a
    claim) changes it too."""
    return {f: repr(getattr(found, f)) for f in FIELDS}


class _Recorder:
    """Stands in for a Doc's Results while one component runs, noting what it reads and sets."""

    def __init__(self, real: Results) -> None:
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "read", set())
        object.__setattr__(self, "wrote", set())

    def __getattr__(self, name: str) -> Any:
        self.read.add(name)
        return getattr(self._real, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.wrote.add(name)
        setattr(self._real, name, value)


def test_every_analyzer_declares_its_fields(nlp: Any) -> None:
    assert set(COMPONENTS) <= set(FLOWS)
    for name in COMPONENTS:
        flow = FLOWS[name]
        assert flow.writes, f"{name} declares nothing it writes"
        assert set(flow.reads) | set(flow.writes) <= FIELDS
        assert nlp.get_pipe_meta(name).assigns == ["doc._.claimscope"]
    assert flow_problems(nlp.pipe_names) == []


@pytest.mark.parametrize("which", ["example", "other"])
def test_analyzers_touch_only_the_fields_they_declare(
    which: str, example_text: str, nlp: Any
) -> None:
    text = example_text if which == "example" else OTHER
    article = read_text(text, source=which, url="https://www.presstv.ir/Detail/2018/09/01/1")
    doc = make_doc(nlp, text)
    doc._.article = article
    touched: dict[str, set[str]] = {}
    for name, proc in nlp.pipeline:
        real = Results.of(doc)
        before = _fingerprints(real)
        recorder = _Recorder(real)
        doc._.claimscope = recorder
        doc = proc(doc)
        doc._.claimscope = real
        after = _fingerprints(real)
        changed = {f for f in FIELDS if before[f] != after[f]}
        if name not in FLOWS:
            assert not (recorder.read or recorder.wrote or changed), f"{name} is undeclared"
            continue
        flow = FLOWS[name]
        assert recorder.wrote | changed <= set(flow.writes), name
        assert recorder.read <= set(flow.reads) | set(flow.writes), name
        touched[name] = recorder.read | recorder.wrote
    assert set(touched) == set(COMPONENTS)
    found = Results.of(doc)
    assert found.entities and found.attributions and found.claims and found.sourcing
    assert found.outlet is not None  # the outlet component ran on the URL's domain


def test_an_analyzer_before_what_it_reads_is_refused(nlp: Any) -> None:
    names = list(COMPONENTS)
    names.remove("claimscope_sourcing")
    names.insert(names.index("claimscope_attribution"), "claimscope_sourcing")
    problems = flow_problems(names)
    assert any("claimscope_sourcing reads 'attributions'" in p for p in problems)
    assert any("'findings'" in p for p in problems)

    import spacy

    bare = spacy.blank("en")  # no parser, tagger or recogniser: nothing sets what they need
    bare.add_pipe("claimscope_entities")
    with pytest.raises(ClaimscopeError, match=r"claimscope_entities needs doc\.ents"):
        check_order(bare)


def test_results_start_empty_per_doc(nlp: Any) -> None:
    one, two = make_doc(nlp, "A text."), make_doc(nlp, "Another text.")
    Results.of(one).notes.append("only here")
    assert Results.of(two).notes == [] and Results.of(one) is Results.of(one)
