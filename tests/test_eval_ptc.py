"""``claimscope eval techniques``: the PTC loader, the partial-overlap scorer, the baseline and the
command on a slice.

The scorer is checked on hand-made spans whose figures can be worked out by hand; the loader on the
real files (including the train split's offset quirks); the run's wiring with an oracle component
that emits the gold spans, so that these tests do not depend on how good the framing analyzer is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.errors import InputError
from claimscope.evaluation.ptc import (
    PTC_TO_CLAIMSCOPE,
    Labelled,
    Result,
    Scores,
    Tally,
    credit,
    evaluate,
    format_report,
    lexicon_baseline,
    load_ptc,
    merge_overlapping,
    technique_name,
    utf16_to_index,
)

from .conftest import shared

LL = "loaded_language"


def _scores(gold: list[Labelled], predicted: list[Labelled]) -> Scores:
    s = Scores()
    s.add(gold, predicted)
    return s


# --- the scorer on hand-made spans ---------------------------------------------------------------


def test_exact_match_scores_one() -> None:
    gold = [Labelled(LL, 0, 10), Labelled("doubt", 20, 40)]
    s = _scores(gold, list(gold))
    tc = s.classification
    assert (tc.precision(), tc.recall(), tc.f1()) == (1.0, 1.0, 1.0)
    assert s.identification.f1() == 1.0
    assert s.by_technique["doubt"].gold == s.by_technique["doubt"].predicted == 1


def test_half_overlap_gives_the_covered_share() -> None:
    s = _scores([Labelled(LL, 0, 10)], [Labelled(LL, 5, 15)])
    assert s.classification.precision() == pytest.approx(0.5)
    assert s.classification.recall() == pytest.approx(0.5)
    # a prediction inside the gold span is all correct but covers half of it
    s = _scores([Labelled(LL, 0, 10)], [Labelled(LL, 0, 5)])
    tc = s.classification
    assert tc.precision() == pytest.approx(1.0)
    assert tc.recall() == pytest.approx(0.5)
    assert tc.f1() == pytest.approx(2 / 3)


def test_the_best_overlap_counts_not_the_sum() -> None:
    # one prediction over two gold spans: credited for the larger one only (4 of its 10 chars)
    s = _scores([Labelled(LL, 0, 4), Labelled(LL, 6, 10)], [Labelled(LL, 0, 10)])
    assert s.classification.precision() == pytest.approx(0.4)
    assert s.classification.recall() == pytest.approx(1.0)


def test_wrong_technique_scores_zero_for_tc_but_counts_for_si() -> None:
    s = _scores([Labelled(LL, 0, 10)], [Labelled("doubt", 0, 10)])
    assert s.classification.precision() == 0.0
    assert s.classification.recall() == 0.0
    assert s.classification.f1() == 0.0
    assert s.by_technique[LL].recall() == 0.0
    assert s.by_technique["doubt"].precision() == 0.0
    assert s.identification.precision() == 1.0
    assert s.identification.recall() == 1.0


def test_empty_predictions_leave_precision_undefined() -> None:
    s = _scores([Labelled(LL, 0, 10)], [])
    tc = s.classification
    assert tc.precision() is None
    assert tc.recall() == 0.0
    assert tc.f1() == 0.0
    assert Tally().f1() is None  # nothing on either side
    result = Result(folder="x", articles=1, claimscope=s, baseline=_scores([], []))
    report = format_report(result)
    assert re.search(r"^\| claimscope rules \| 0 \| – \| 0\.0% \|", report, re.M)


def test_techniques_without_ptc_counterpart_are_counted_not_scored() -> None:
    gold = [Labelled(LL, 0, 10)]
    s = _scores(gold, [Labelled("scare_quotes", 0, 10), Labelled("scare_quotes", 20, 22)])
    assert s.not_scored == {"scare_quotes": 2}
    assert s.classification.predicted == 0 and s.identification.predicted == 0
    assert "scare_quotes" not in s.by_technique
    result = Result(folder="x", articles=1, claimscope=s, baseline=_scores(gold, []))
    assert (
        "claimscope rules findings not scored (no PTC counterpart): scare_quotes 2"
        in format_report(result)
    )


def test_gold_labels_claimscope_never_predicts_lower_recall() -> None:
    gold = [Labelled(LL, 0, 10), Labelled("red_herring", 20, 30)]
    s = _scores(gold, [Labelled(LL, 0, 10)])
    assert s.classification.recall() == pytest.approx(0.5)
    assert s.classification.precision() == pytest.approx(1.0)


def test_span_identification_merges_overlapping_spans() -> None:
    merged = merge_overlapping([Labelled(LL, 5, 12), Labelled("doubt", 0, 8), Labelled(LL, 12, 15)])
    assert [(m.start, m.end) for m in merged] == [(0, 12), (12, 15)]  # touching is not overlapping
    # two gold techniques on the same words are one span to find
    s = _scores([Labelled(LL, 0, 10), Labelled("doubt", 0, 10)], [Labelled(LL, 0, 10)])
    assert s.identification.gold == 1 and s.identification.recall() == 1.0
    assert s.classification.recall() == pytest.approx(0.5)


def test_empty_spans_earn_no_credit() -> None:
    t = credit([Labelled(LL, 0, 10)], [Labelled(LL, 3, 3)])
    assert t.predicted == 1 and t.precision_credit == 0.0 and t.recall_credit == 0.0


def test_utf16_offsets_become_str_indices() -> None:
    text = "a\U0001f1fa\U0001f1f8 b"  # two astral characters: two UTF-16 units each
    index = utf16_to_index(text)
    assert len(index) == len(text.encode("utf-16-le")) // 2 + 1
    assert text[index[6] : index[7]] == "b"
    assert index[0] == 0 and index[-1] == len(text)


def test_technique_names() -> None:
    assert technique_name("Name_Calling,Labeling") == "name_calling"
    assert technique_name("Appeal_to_fear-prejudice") == "appeal_to_fear"
    assert technique_name("Some New-Technique,Label") == "some_new_technique_label"
    names = set(PTC_TO_CLAIMSCOPE.values())
    assert len(names) == len(PTC_TO_CLAIMSCOPE)
    assert all(re.fullmatch(r"[a-z_]+", n) for n in names)
    assert "scare_quotes" not in names


def test_lexicon_baseline() -> None:
    text = "What a Terrible day. The heroics were real.\n  We won!! Fine."
    spans = [(s.technique, text[s.start : s.end]) for s in lexicon_baseline(text)]
    assert spans == [(LL, "Terrible"), ("exaggeration", "We won!!")]
    assert lexicon_baseline("No emotion here.") == []


# --- the loader on the real files ----------------------------------------------------------------


def _label_lines(folder: Path) -> int:
    return sum(
        1
        for f in folder.glob("article*.labels.tsv")
        for line in f.read_text("utf-8").splitlines()
        if line.strip()
    )


def test_loader_reads_dev_spans_in_range() -> None:
    root = shared("data/ptc2019")
    data = load_ptc(root)
    assert data.folder == root / "dev"
    assert len(data.articles) == len(list((root / "dev").glob("article*.txt"))) > 50
    assert [a.id for a in data.articles] == sorted(a.id for a in data.articles)
    assert sum(len(a.labels) for a in data.articles) == _label_lines(root / "dev") > 900
    known = set(PTC_TO_CLAIMSCOPE.values())
    for art in data.articles:
        assert not art.left_out
        for label in art.labels:
            assert 0 <= label.start < label.end <= len(art.text)
            assert art.text[label.start : label.end].strip()
            assert label.technique in known
    assert set(data.technique_names) == set(PTC_TO_CLAIMSCOPE)


def test_loader_meets_the_train_quirks() -> None:
    root = shared("data/ptc2019")
    by_id = {a.id: a for a in load_ptc(root, split="train").articles}

    def texts(article_id: str) -> list[str]:
        art = by_id[article_id]
        return [art.text[s.start : s.end] for s in art.labels]

    # offsets count UTF-16 units: after two flag emoji, the span still starts on its word
    assert (
        "While officials did not reveal the woman’s name, they did tell reporters she was a prostitute."
        in texts("article696246189")
    )
    # the byte-order mark is counted in the offsets, so it stays in the text
    assert by_id["article705409419"].text.startswith("\ufeff")
    assert texts("article705409419")[0] == "a devastating letter"
    # a label past the end of its text is left out and reported
    assert by_id["article776368676"].left_out == [
        "article776368676 Loaded_Language 4187:4225 (text length 4185)"
    ]
    # articles without propaganda have empty labels files, and are kept
    assert any(not a.labels for a in by_id.values())


def test_loader_limit_and_split_folder() -> None:
    dev = shared("data/ptc2019/dev")
    first = load_ptc(dev, limit=3).articles
    assert [a.id for a in first] == sorted(p.stem for p in dev.glob("article*.txt"))[:3]


def test_gold_against_itself_scores_one() -> None:
    s = Scores()
    for art in load_ptc(shared("data/ptc2019")).articles:
        s.add(art.labels, art.labels)
    assert s.classification.f1() == 1.0
    assert s.identification.f1() == 1.0


def test_loader_refuses_what_is_not_ptc(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"articleNNN\.txt"):
        load_ptc(tmp_path)
    (tmp_path / "article1.txt").write_text("Some text.", "utf-8")
    with pytest.raises(InputError, match=r"labels\.tsv"):
        load_ptc(tmp_path)
    (tmp_path / "article1.labels.tsv").write_text("1\tDoubt\t0\n", "utf-8")
    with pytest.raises(InputError, match=r"article1\.labels\.tsv:1"):
        load_ptc(tmp_path)
    (tmp_path / "article1.labels.tsv").write_text("2\tDoubt\t0\t4\n", "utf-8")
    with pytest.raises(InputError, match="does not match"):
        load_ptc(tmp_path)


# --- the run -------------------------------------------------------------------------------------

_ORACLE: dict[str, list[Labelled]] = {}


def _oracle_pipeline() -> Any:
    """A blank English pipeline whose one component reports the gold spans (and a scare quote)."""
    import spacy
    from spacy.language import Language

    from claimscope.analyzers.results import Results
    from claimscope.model import Finding

    name = "test_ptc_oracle"
    if not Language.has_factory(name):

        @Language.component(name)
        def oracle(doc: Any) -> Any:
            labels = _ORACLE[doc._.article.id]
            findings = [
                Finding(
                    id=f"F{i}",
                    technique=s.technique,
                    start=s.start,
                    end=s.end,
                    text=doc.text[s.start : s.end],
                    explanation="gold",
                    confidence=1.0,
                )
                for i, s in enumerate([*labels, Labelled("scare_quotes", 0, 1)])
            ]
            Results.of(doc).findings = findings
            return doc

    nlp = spacy.blank("en")
    nlp.add_pipe(name)
    return nlp


def test_evaluate_scores_the_findings_of_the_pipeline() -> None:
    root = shared("data/ptc2019")
    for art in load_ptc(root, limit=3).articles:
        _ORACLE[art.id] = art.labels
    result = evaluate(root, 3, nlp=_oracle_pipeline())
    assert result.articles == 3 and not result.failures
    c = result.claimscope
    assert c.classification.f1() == 1.0 and c.identification.f1() == 1.0
    assert c.not_scored == {"scare_quotes": 3}
    assert result.baseline.classification.gold == c.classification.gold > 0
    assert result.baseline.classification.f1() != 1.0


def test_eval_techniques_command_on_three_articles() -> None:
    root = shared("data/ptc2019")
    r = CliRunner().invoke(app, ["eval", "techniques", "--ptc", str(root), "--limit", "3"])
    assert r.exit_code == 0, r.output
    assert "3 articles" in r.stdout
    assert re.search(r"^\| claimscope rules \| \d+ \|", r.stdout, re.M)
    assert re.search(r"^\| lexicon baseline \| \d+ \|", r.stdout, re.M)
    assert re.search(r"^\| loaded_language \| Loaded_Language \| \d+ \|", r.stdout, re.M)
    assert "Per technique" in r.stdout


def test_eval_techniques_refuses_a_folder_without_ptc(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["eval", "techniques", "--ptc", str(tmp_path)])
    assert r.exit_code == 1
    assert "articleNNN.txt" in r.stderr
