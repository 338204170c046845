"""``claimscope eval attribution``: the PolNeAR loader, the scorer and the command on a slice.

The full dev figures are in docs/evaluation.md; here the loader is checked against the raw brat
files, the scorer on hand-made relations, and the command on two articles.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.evaluation.polnear import (
    Relation,
    Result,
    Scores,
    char_set,
    gold_kind,
    load_polnear,
    match,
    parse_ann,
    rules_json,
)

from .conftest import shared

_RECORD = re.compile(r"^[TERAMN#*]\d*\t")


def _raw_t_lines(ann: str) -> list[tuple[str, str, list[tuple[int, int]], str]]:
    """(id, type, parts, text) of every T line, with text continued over newlines as brat wrote it."""
    records: list[str] = []
    for line in ann.split("\n"):
        if _RECORD.match(line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    out = []
    for rec in records:
        if rec.startswith("T"):
            tid, mid, text = rec.split("\t", 2)
            typ, offsets = mid.split(" ", 1)
            parts = [(int(a), int(b)) for a, b in (p.split() for p in offsets.split(";"))]
            out.append((tid, typ, parts, text.rstrip("\n")))
    return out


def test_loader_reads_dev_offsets_as_str_indices() -> None:
    root = shared("data/polnear/dev")
    articles = load_polnear(root)
    assert len(articles) == len(list((root / "text").glob("*.txt"))) > 0
    relations = 0
    for art in articles:
        assert not art.text.startswith("\ufeff") and "\r" not in art.text
        ann = (root / "attributions" / f"{art.name}_{art.annotator}.ann").read_text("utf-8")
        lines = _raw_t_lines(ann)
        for _, _, parts, text in lines:
            # brat joins the fragments of a discontinuous span with a space
            assert " ".join(art.text[a:b] for a, b in parts) == text
        content_parts = {p for _, typ, parts, _ in lines if typ == "Content" for p in parts}
        for rel in art.attributions:
            assert rel.content and set(rel.content) <= content_parts
            assert rel.kind in {"direct", "indirect", "mixed", "according_to", "agentless"}
        relations += len(art.attributions)
    assert relations > 1000


def test_loader_uses_the_first_annotator_file() -> None:
    root = shared("data/polnear/dev")
    by_name: dict[str, list[str]] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        name, _, annotator = ann.stem.rpartition("_")
        by_name.setdefault(name, []).append(annotator)
    several = {n: a for n, a in by_name.items() if len(a) > 1}
    assert several  # the split does have articles annotated twice
    for art in load_polnear(root):
        assert art.annotator == by_name[art.name][0]


def test_parse_ann_handles_brat_quirks() -> None:
    text = 'Mr Smith said that taxes rise.\n"We win," she said, "always."\nTaxes were said to rise.'
    ann = "\n".join(
        [
            "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",  # before its T lines
            "T1\tSource 0 8\tMr Smith",
            "T2\tCue 9 13\tsaid",
            "T3\tContent 14 29\tthat taxes rise",
            "T4\tAttribution 9 13\tsaid",
            'T5\tContent 31 40;51 60\t"We win," "always."',
            "T6\tSource 41 44\tshe",
            "T7\tCue 45 49\tsaid",
            "E2\tAttribution:T7 Cue:T7 Source:T6 Content:T5",
            "T8\tContent 61 66\tTaxes",
            "T9\tContent 77 84\tto rise",
            "T10\tCue 67 76\twere said",
            "E3\tAttribution-no-source:T10 Cue:T10 Content:T8 Content2:T9",
            "E4\tAttribution:T2 Cue:T2 Source:T1",  # no content: left out
        ]
    )
    art = parse_ann("x", text, ann)
    assert art.without_content == 1
    first, second, third = art.attributions
    assert first.source == ((0, 8),) and first.content == ((14, 29),) and first.kind == "indirect"
    assert second.content == ((31, 40), (51, 60)) and second.kind == "direct"
    assert third.source is None and third.content == ((61, 66), (77, 84))
    assert third.kind == "agentless" and third.label == "were said"


def _rel(content: tuple[tuple[int, int], ...], **kw: object) -> Relation:
    defaults: dict[str, object] = {"cue": ((0, 1),), "source": None, "content": content}
    defaults.update(kw)
    return Relation(**defaults)  # type: ignore[arg-type]


def test_exact_ignores_whitespace_and_trailing_punctuation_but_not_quotes() -> None:
    text = 'He said that "taxes will rise".  End'
    assert char_set(text, [(13, 31)]) == char_set(text, [(13, 30)])  # trailing period
    assert char_set(text, [(12, 30)]) == char_set(text, [(13, 30)])  # leading space
    assert char_set(text, [(13, 30)]) != char_set(text, [(14, 29)])  # quote marks count
    assert char_set(text, [(8, 30)]) != char_set(text, [(13, 30)])  # "that" counts


def test_exact_and_lenient_matching() -> None:
    text = "Officials said the bridge will close in May for repairs, the mayor added."
    gold = [_rel(((15, 55),), source=((0, 9),), kind="indirect")]  # the bridge ... repairs
    exact = _rel(((15, 56),), source=((0, 9),))  # with the comma
    lenient = _rel(((15, 43),), source=((57, 66),))  # "the bridge will close in May"
    too_short = _rel(((15, 25),))  # "the bridge": 10 of 40 characters of gold
    assert match(text, gold, [exact]) == [(0, 0, True)]
    assert match(text, gold, [lenient]) == [(0, 0, False)]
    # "the bridge" lies inside gold, so it covers 100% of the shorter content: lenient too
    assert match(text, gold, [too_short]) == [(0, 0, False)]
    s = Scores()
    s.add(text, gold, [lenient])
    assert s.overall.lenient == 1 and s.overall.exact == 0
    assert s.with_gold_source == 1 and s.source_overlap == 0


def test_lenient_needs_half_of_the_shorter_content() -> None:
    text = "abcdefghij klmnopqrst"
    gold = [_rel(((0, 10),))]
    assert match(text, gold, [_rel(((5, 15),))]) == [(0, 0, False)]  # 5 of 9 non-space
    assert match(text, gold, [_rel(((6, 21),))]) == []  # 4 of 10


def test_matching_is_one_to_one_best_first() -> None:
    text = "A said one two three four five six. B said seven eight nine."
    g1 = _rel(((7, 34),))  # one ... six
    g2 = _rel(((43, 59),))  # seven eight nine
    part = _rel(((7, 20),))  # one two three
    whole = _rel(((7, 34),))
    # both predictions overlap g1; the exact one wins it, the other is a false positive
    pairs = match(text, [g1, g2], [part, whole])
    assert pairs == [(0, 1, True)]
    s = Scores()
    s.add(text, [g1, g2], [_rel(((7, 20),), label="say"), whole])
    o = s.overall
    assert (o.predicted, o.gold, o.lenient, o.exact) == (2, 2, 1, 1)
    assert o.precision("lenient") == 0.5 and o.recall("exact") == 0.5
    assert s.false_positives == {"say": 1}


def test_per_kind_and_per_rule_counts() -> None:
    text = 'X said "we go." Y said they stay. Z thinks so.'
    gold = [
        _rel(((7, 15),), kind="direct", source=((0, 1),)),
        _rel(((23, 32),), kind="indirect", source=((16, 17),), label="said"),
    ]
    pred = [
        _rel(((7, 15),), kind="direct", rule="quote", source=((0, 1),)),
        _rel(((43, 45),), kind="indirect", rule="verb", label="think"),
        _rel(((36, 45),), kind="indirect"),
    ]
    s = Scores()
    s.add(text, gold, pred)
    assert s.by_gold_kind["direct"].recall("exact") == 1.0
    assert s.by_gold_kind["indirect"].recall("lenient") == 0.0
    assert s.by_pred_kind["direct"].precision("lenient") == 1.0
    assert s.by_pred_kind["indirect"].precision("lenient") == 0.0
    assert {k: (c.lenient, c.predicted) for k, c in s.by_rule.items()} == {
        "quote": (1, 1),
        "verb": (0, 1),
        "unknown": (0, 1),
    }
    assert s.false_negatives == {"said": 1}
    assert s.source_overlap == 1 == s.with_gold_source
    data = rules_json(Result(split="t", articles=1, claimscope=s))
    assert data["rules"]["quote"]["precision"] == 1.0


@pytest.mark.parametrize(
    ("content", "cue", "source", "kind"),
    [
        ('"We win."', "said", True, "direct"),
        ("“We win,” and “we stay”", "said", True, "direct"),
        ("the figures are wrong", "according to", True, "according_to"),
        ("taxes rise", "is expected", False, "agentless"),
        ("taxes are “a disgrace”", "said", True, "mixed"),
        ("that taxes rise", "said", True, "indirect"),
    ],
)
def test_gold_kind(content: str, cue: str, source: bool, kind: str) -> None:
    text = f"{cue} | {content}."
    start = len(cue) + 3
    rel = _rel(
        ((start, start + len(content) + 1),),
        cue=((0, len(cue)),),
        source=((0, 1),) if source else None,
    )
    assert gold_kind(text, rel) == kind


def test_gold_against_itself_scores_one() -> None:
    s = Scores()
    for art in load_polnear(shared("data/polnear/dev")):
        s.add(art.text, art.attributions, art.attributions)
    for level in ("lenient", "exact"):
        assert s.overall.f1(level) == 1.0
    assert s.cue_exact == s.overall.lenient
    assert s.source_overlap == s.with_gold_source > 0


def test_eval_attribution_command_on_two_articles(tmp_path: Path) -> None:
    polnear = shared("data/polnear/dev")
    rules = tmp_path / "rules.json"
    r = CliRunner().invoke(
        app,
        [
            "eval",
            "attribution",
            "--polnear",
            str(polnear),
            "--limit",
            "2",
            "--rules-out",
            str(rules),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "2 articles" in r.stdout
    assert re.search(r"^\| claimscope \| \d+ \|", r.stdout, re.M)
    assert re.search(r"^\| textacy direct_quotations \(baseline\) \| \d+ \|", r.stdout, re.M)
    assert "false negatives by gold cue" in r.stdout
    data = json.loads(rules.read_text("utf-8"))
    assert data["articles"] == 2 and isinstance(data["rules"], dict)


def test_eval_attribution_refuses_a_folder_without_polnear(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["eval", "attribution", "--polnear", str(tmp_path)])
    assert r.exit_code == 1
    assert "text/ and attributions/" in r.stderr
