"""``claimscope eval ...``: measure claimscope on annotated data, next to a baseline (figures in
docs/evaluation.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimscope.cli.common import (
    fail,
    progress_bar,
    working,
)
from claimscope.errors import ClaimscopeError

eval_app = typer.Typer(
    help="Measure claimscope on annotated data, next to a baseline.", no_args_is_help=True
)


@eval_app.command("html-metadata")
def eval_html_metadata(
    pages: Annotated[
        Path, typer.Option(help="Folder of NAME/source.html + NAME/expected-metadata.json.")
    ],
    limit: Annotated[
        int | None, typer.Option(help="Only the first N pages (a quick slice).")
    ] = None,
) -> None:
    """Title, author, site and date from HTML pages, against trafilatura's own metadata."""
    from claimscope.evaluation.html_metadata import evaluate, format_table

    try:
        result = evaluate(pages, limit)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    typer.echo(format_table(result))


@eval_app.command("attribution")
def eval_attribution(
    polnear: Annotated[
        Path,
        typer.Option(help="A PolNeAR split folder (text/NAME.txt + attributions/NAME_*.ann)."),
    ],
    limit: Annotated[
        int | None, typer.Option(help="Only the first N articles (a quick slice).")
    ] = None,
    rules_out: Annotated[
        Path | None,
        typer.Option(help="Write claimscope's precision per analyzer rule here, as JSON."),
    ] = None,
) -> None:
    """Attributions (source, cue, content) against PolNeAR, next to textacy's direct quotations."""
    from claimscope.evaluation.polnear import evaluate, format_report, write_rules

    with working("Analysing PolNeAR articles"):
        result = evaluate(polnear, limit)
    typer.echo(format_report(result))
    if rules_out is not None:
        write_rules(result, rules_out)
        from claimscope import integrity

        integrity.rerecord([rules_out])  # make calibrate writes the packaged confidence.json


@eval_app.command("speakers")
def eval_speakers(
    gold: Annotated[
        Path,
        typer.Option(help="The speakers-dev folder (gold.jsonl + articles/ID.txt)."),
    ],
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first N articles (a quick slice).")
    ] = None,
    errors: Annotated[
        int, typer.Option(min=0, help="How many wrong and missed statements to list.")
    ] = 25,
) -> None:
    """Who said what: statements found, speakers resolved to the full name and voices that are
    speech, next to the source mention as the speaker (baseline)."""
    from claimscope.evaluation.speakers import evaluate, format_report

    with working("Analysing speakers-dev articles"):
        result = evaluate(gold, limit)
    typer.echo(format_report(result, errors))


@eval_app.command("techniques")
def eval_techniques(
    ptc: Annotated[
        Path,
        typer.Option(
            help="A PTC 2019 split folder (articleNNN.txt + articleNNN.labels.tsv), or the corpus "
            "folder holding it."
        ),
    ],
    split: Annotated[
        str, typer.Option(help="The split to use when --ptc is the corpus folder.")
    ] = "dev",
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first N articles (a quick slice).")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(help="A technique tagger file to score (default: the installed one, if any)."),
    ] = None,
) -> None:
    """Framing techniques against PTC's spans (SemEval-2020 Task 11 scoring): the rules, the
    learned tagger and the two merged, next to a lexicon baseline."""
    from claimscope.evaluation.ptc import evaluate, format_report

    with working("Analysing PTC articles"):
        result = evaluate(ptc, limit, split=split, model=model)
    typer.echo(format_report(result))


@eval_app.command("checkworthiness")
def eval_checkworthiness(
    claimbuster: Annotated[
        Path, typer.Option(help="The ClaimBuster folder (crowdsourced.csv + groundtruth.csv).")
    ],
    limit: Annotated[
        int | None,
        typer.Option(
            min=1, help="Only the first N test sentences per test set (a quick slice for CI)."
        ),
    ] = None,
    checkthat2024: Annotated[
        Path | None,
        typer.Option(
            "--checkthat2024",
            help="Also score a CheckThat! 2024 task 1 TSV (Sentence_id, Text, class_label), "
            "e.g. its English dev-test.",
        ),
    ] = None,
) -> None:
    """Check-worthiness on held-out ClaimBuster debates (and CheckThat! 2024 sentences): the
    encoder model and the word model, next to a majority-class and a TF-IDF + logistic
    regression baseline."""
    from claimscope.evaluation.checkworthiness import evaluate, format_report

    with working("Training the baseline and scoring the test sentences"):
        result = evaluate(claimbuster, limit, checkthat2024=checkthat2024)
    typer.echo(format_report(result))


@eval_app.command("places")
def eval_places(
    fakes: Annotated[
        Path, typer.Option(help="The FA-KES CSV (latin-1, with a location column per article).")
    ],
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first N articles (a quick slice).")
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            help="Also score every link on hand-annotated articles (docs/places-gold.tsv): "
            "precision and recall."
        ),
    ] = None,
    pages: Annotated[
        Path | None,
        typer.Option(help="The html-pages folder, for the gold's pages (one folder per page)."),
    ] = None,
    links: Annotated[
        Path | None, typer.Option(help="Write every gold-scored link of every system to this TSV.")
    ] = None,
) -> None:
    """Place linking: the share of FA-KES articles whose main place is their labelled city or lies
    in their governorate, and with --gold the precision and recall of every link on hand-annotated
    articles; each next to a most-populous-match baseline."""
    from claimscope.evaluation import place_links
    from claimscope.evaluation.places import evaluate, format_report

    if gold is not None:
        with working("Linking the places of the gold articles"):
            scored = place_links.evaluate(gold, pages, fakes)
        typer.echo(place_links.format_report(scored))
        if links is not None:
            place_links.write_links(scored, links)
        typer.echo("")
    with working("Analysing FA-KES articles"):
        result = evaluate(fakes, limit)
    typer.echo(format_report(result))


@eval_app.command("story-clusters")
def eval_story_clusters(
    db: Annotated[
        str,
        typer.Option(
            help="A corpus store holding the FA-KES run (corpus run ... --fields ...,id=unit_id)."
        ),
    ],
    fakes: Annotated[Path, typer.Option(help="The FA-KES CSV (its location column is the label).")],
) -> None:
    """Claim clusters: location purity on FA-KES for claimscope's clustering and a no-time-window
    nearest-neighbour baseline, in one run (claim vectors are embedded once and kept in the store)."""
    from claimscope.evaluation.clusters import evaluate, format_report

    with working("Clustering the stored claims"):
        result = evaluate(db, fakes)
    typer.echo(format_report(result))


@eval_app.command("factcheck-matching")
def eval_factcheck_matching(
    checkthat: Annotated[
        Path,
        typer.Option(
            help="The CheckThat! 2020 claim-retrieval folder (verified_claims.docs.tsv, dev/, train/)."
        ),
    ],
    split: Annotated[
        str, typer.Option(help="Which split's tweets to ask (dev is held out).")
    ] = "dev",
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Only the first N tweets, against their claims and 1,000 others (a quick slice).",
        ),
    ] = None,
) -> None:
    """Fact-check retrieval: MAP@1, MAP@5 and recall@5 for BM25, embeddings, RRF and claimscope's
    fusion, in one run; the first run embeds the verified claims into a cached store."""
    from claimscope.evaluation.factchecks import evaluate, format_report

    try:
        with progress_bar() as progress:
            task = progress.add_task("Embedding the verified claims (once per store)", total=None)

            def step(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = evaluate(checkthat, split=split, limit=limit, progress=step)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    typer.echo(format_report(result))
