"""Stories across outlets: claim clusters, copies, outlet comparison (issue 8)."""

from __future__ import annotations

from claimscope.corpus.stories import (
    ClaimRecord,
    ParagraphRecord,
    chains,
    claim_records,
    cluster_claims,
    compare_outlets,
    find_copies,
    paragraph_records,
    summary_rows,
)


def _claim(key: str, text: str, outlet: str, published: str | None, **kw: object) -> ClaimRecord:
    return ClaimRecord(
        key=key,
        claim="C1",
        text=text,
        outlet=outlet,
        published=published,
        title=None,
        voice=str(kw.get("voice", "outlet")),
        speaker=kw.get("speaker"),  # type: ignore[arg-type]
        cue=kw.get("cue"),  # type: ignore[arg-type]
        hedges=tuple(kw.get("hedges", ())),  # type: ignore[arg-type]
    )


CLAIMS = [
    _claim(
        "a1",
        "Militants kidnapped 22 children in Aleppo countryside to stage a chemical attack.",
        "SANA",
        "2018-09-12",
    ),
    _claim(
        "a2",
        "Terrorists abducted twenty-two children from the Aleppo countryside for a staged chemical attack.",
        "Sputnik",
        "2018-09-13",
        voice="attributed",
        speaker="Russia's Defense Ministry",
        cue="said",
    ),
    _claim(
        "a3",
        "The ministry claimed that 22 children were kidnapped in rural Aleppo to fake a chemical attack.",
        "Reuters",
        "2018-09-14",
        voice="attributed",
        speaker="Russia's Defense Ministry",
        cue="claimed",
    ),
    _claim(
        "a4",
        "The central bank raised its main interest rate by half a percentage point on Tuesday.",
        "Reuters",
        "2018-09-14",
    ),
    _claim(
        "a5",
        "A football club in Madrid signed a new goalkeeper for the coming season.",
        "SANA",
        "2018-09-15",
    ),
    _claim("a6", "Too short a claim.", "SANA", "2018-09-15"),
]


def test_the_same_claim_across_outlets_is_one_cluster_with_its_first_appearance() -> None:
    clusters = cluster_claims(CLAIMS)
    assert len(clusters) == 1
    (cluster,) = clusters
    assert {m.key for m in cluster.members} == {"a1", "a2", "a3"}
    assert cluster.first.key == "a1" and cluster.first.outlet == "SANA"
    assert cluster.outlets == ["SANA", "Sputnik", "Reuters"]
    stances = {outlet: [m.stance for m in ms] for outlet, ms in cluster.carriage().items()}
    assert stances == {"SANA": ["fact"], "Sputnik": ["attributed"], "Reuters": ["doubt"]}
    assert 0.7 < cluster.cohesion <= 1.0


def test_one_outlet_repeating_itself_needs_a_higher_bar() -> None:
    same = [
        _claim(
            "b1",
            "Militants kidnapped 22 children in Aleppo countryside to stage a chemical attack.",
            "SANA",
            "2018-09-12",
        ),
        _claim(
            "b2",
            "Terrorists abducted twenty-two children from the Aleppo countryside for a staged chemical attack.",
            "SANA",
            "2018-09-13",
        ),
    ]
    assert cluster_claims(same) == []  # similar, but under the same-outlet bar
    assert len(cluster_claims(same, same_outlet=0.5)) == 1
    # Claims of one article are never a cluster on their own.
    one_article = [_claim("c1", t.text, "X", None) for t in CLAIMS[:3]]
    assert cluster_claims(one_article) == []


def test_copied_paragraphs_are_found_with_their_direction() -> None:
    wire = [
        "The defence ministry said on Wednesday that armed groups had moved chlorine cylinders into a village near the city overnight.",
        "Local sources told the agency that residents had been warned to leave their homes before the weekend.",
        "The ministry added that it had informed the United Nations and the organisation for the prohibition of chemical weapons.",
    ]
    reprint = [
        "The defence ministry said on Wednesday that armed groups had moved chlorine cylinders into a village near the city overnight.",
        "Local sources told the agency that residents had been warned to leave their homes before the weekend.",
        "Our correspondent could not verify the report independently, and opposition groups denied it.",
    ]
    unrelated = [
        "The national football team won its qualifying match three to one in front of a home crowd on Sunday."
    ]
    paragraphs = [
        *(
            ParagraphRecord("later", i, t, "Outlet B", "2018-09-13", None)
            for i, t in enumerate(reprint)
        ),
        *(ParagraphRecord("wire", i, t, "Agency", "2018-09-12", None) for i, t in enumerate(wire)),
        *(
            ParagraphRecord("other", i, t, "Outlet C", "2018-09-12", None)
            for i, t in enumerate(unrelated)
        ),
    ]
    (link,) = find_copies(paragraphs)
    assert (link.source, link.target, link.direction) == ("wire", "later", "dated")
    assert [(a, b) for a, b, _ in link.passages] == [(0, 0), (1, 1)]
    assert link.whole  # two of three paragraphs: most of the article
    assert chains([link]) == [["wire", "later"]]


def test_undated_copies_keep_the_direction_open() -> None:
    text = "Officials in the province said the road between the two towns would stay closed until the bridge was repaired."
    paragraphs = [
        ParagraphRecord("x", 0, text, "A", None, None),
        ParagraphRecord("y", 0, text, "B", None, None),
    ]
    (link,) = find_copies(paragraphs)
    assert link.direction == "undated" and chains([link]) == []


def test_records_and_outlet_comparison_from_a_real_analysis(example_analysis) -> None:  # type: ignore[no-untyped-def]
    claims = list(claim_records(example_analysis, "k1"))
    assert len(claims) == len(example_analysis.claims)
    assert any(c.voice == "attributed" and c.speaker for c in claims)
    assert list(paragraph_records(example_analysis, "k1"))

    columns = compare_outlets([("k1", example_analysis), ("k2", example_analysis)])
    (column,) = columns
    assert column.articles == 2
    assert column.techniques and column.voices
    assert sum(column.voices.values()) == 2 * sum(
        len(v.attributions) for v in example_analysis.voices
    )
    (row,) = summary_rows(columns)
    assert row["articles"] == "2" and row["framing"]
