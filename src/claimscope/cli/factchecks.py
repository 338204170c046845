"""``claimscope factchecks ...``: import fact-checks into a store, search it, describe it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from claimscope.cli.common import (
    EXIT_PARTIAL,
    err,
    fail,
    progress_bar,
)
from claimscope.errors import ClaimscopeError

factchecks_app = typer.Typer(
    help="Import fact-checks into a store and search it (claims are matched during analyze).",
    no_args_is_help=True,
)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store", help="The store file (default: $CLAIMSCOPE_FACTCHECKS or the user's store)."
    ),
]


@factchecks_app.command("import")
def factchecks_import(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="ClaimReview JSON-LD/JSON Lines/HTML pages, CSV/TSV, or a CheckThat folder."
        ),
    ],
    store: StoreOption = None,
    embed: Annotated[
        bool, typer.Option(help="Embed the new records now (else on first match).")
    ] = True,
) -> None:
    """Add fact-checks to the store. Malformed records are listed and skipped; the rest load, and
    re-imported reviews are merged, not duplicated."""
    from rich.markup import escape

    from claimscope.knowledge.factchecks import FactCheckStore, default_path, read_path

    path = store or default_path()
    skipped = 0
    try:
        with FactCheckStore(path) as target:
            for file in files:
                result = read_path(file)
                for problem in result.problems:
                    skipped += problem.skipped
                    err.print(
                        f"[yellow]{'skipped' if problem.skipped else 'note'}:[/] "
                        + escape(str(problem)),
                        highlight=False,
                        soft_wrap=True,
                    )
                added = target.add(result.records)
                err.print(
                    f"{file}: {added.added} added, {added.merged} already stored (merged), "
                    f"{sum(p.skipped for p in result.problems)} skipped",
                    highlight=False,
                    soft_wrap=True,
                )
            if embed:
                from claimscope.knowledge.factchecks.match import matching_embedder

                embedder = matching_embedder()
                with progress_bar() as progress:
                    task = progress.add_task("Embedding new records", total=None)
                    target.embed(
                        embedder.encode,
                        embedder.model_id,
                        progress=lambda done, total: progress.update(
                            task, completed=done, total=total
                        ),
                    )
            total = len(target)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(f"{e.filename or path}: {e.strerror or e}") from None
    err.print(f"{path}: {total} fact-checks", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_PARTIAL if skipped else 0)


@factchecks_app.command("search")
def factchecks_search(
    text: Annotated[str, typer.Argument(help="A claim to look for.")],
    store: StoreOption = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="How many matches.")] = 5,
    all_scores: Annotated[
        bool, typer.Option("--all", help="Show matches under the display threshold too.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The stored fact-checks that match a claim, best first, with their fused score."""
    from rich.table import Table

    from claimscope.knowledge.factchecks import FactCheckIndex, open_store

    try:
        with open_store(store) as opened:
            index = FactCheckIndex.open(opened)
        matches = index.match([text], k=k, min_score=0.0 if all_scores else None)[0]
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    if as_json:
        typer.echo(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=1))
        return
    if not matches:
        err.print(
            f"no match at or above the threshold {index.fusion.threshold:.2f} (--all shows the nearest)",
            highlight=False,
        )
        return
    table = Table("score", "rating", "reviewer", "claim checked", "url")
    for m in matches:
        f = m.factcheck
        table.add_row(f"{m.score:.2f}", f.rating or "", f.reviewer or "", f.claim, f.url or "")
    Console().print(table)


@factchecks_app.command("info")
def factchecks_info(
    store: StoreOption = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Delete vectors of models matching no longer uses (left by an upgrade).",
        ),
    ] = False,
) -> None:
    """Where the store is, how many fact-checks it holds, the matching threshold, and the vectors
    it keeps per embedding model."""
    from claimscope.knowledge.factchecks import open_store
    from claimscope.knowledge.factchecks.match import matching_embedder, packaged_fusion

    try:
        # The vectors matching compares (MiniLM with the packaged tuning, unless another model
        # file is configured); a store keeps vectors per model.
        model = matching_embedder().model_id
        with open_store(store) as opened:
            info: dict[str, object] = {
                "store": str(opened.path),
                "factchecks": len(opened),
                "revision": opened.revision,
            }
            if prune:
                info["pruned_vectors"] = opened.drop_vectors(keep=model)
            info["vectors"] = opened.vector_models()
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    info["threshold"] = packaged_fusion().threshold
    info["embedding_model"] = model
    typer.echo(json.dumps(info, indent=1))
