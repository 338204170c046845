"""``claimscope corpus clusters|cluster|copies|compare``: stories across outlets, as tables.

A thin shell over :mod:`claimscope.corpus.stories`, on the ``corpus`` group of
:mod:`claimscope.cli.corpus`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from claimscope.cli.common import (
    DbOption,
    OutletFilter,
    SinceFilter,
    UntilFilter,
    err,
    fail,
    filters,
    open_store,
)
from claimscope.cli.corpus import corpus_app
from claimscope.errors import ClaimscopeError

# Tables are wide: piped output (no terminal to measure) gets 160 columns rather than Rich's 80.
out = Console(markup=False, highlight=False)
if not out.is_terminal:
    out = Console(markup=False, highlight=False, width=160)
JsonOption = Annotated[bool, typer.Option("--json", help="JSON instead of a table.")]


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, default=str))


def _short(text: str | None, n: int = 110) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


@corpus_app.command("clusters")
def corpus_clusters(
    db: DbOption,
    build: Annotated[
        bool,
        typer.Option(
            "--build",
            help="(Re)build the clusters from every stored claim first (claims are embedded once "
            "and their vectors kept in the store).",
        ),
    ] = False,
    min_outlets: Annotated[
        int, typer.Option(min=1, help="Only clusters this many outlets carried.")
    ] = 2,
    outlet: Annotated[str | None, typer.Option(help="Only clusters this outlet carried.")] = None,
    words: Annotated[
        str | None, typer.Option("--words", help="Only clusters with a claim holding these words.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 20,
    as_json: JsonOption = False,
) -> None:
    """The same claim across articles: clusters of similar claims, most outlets first."""
    from claimscope.corpus.stories import stored

    store = open_store(db)
    try:
        if build:
            info, _ = _build(store)
            err.print(
                f"{info.clusters} clusters of {info.claims} claims from {info.articles} articles "
                f"in {info.seconds:.1f} s",
                highlight=False,
            )
        info = stored.last_build(store)
        if info is None:
            raise fail(f"no clusters built yet: run claimscope corpus clusters --build --db {db}")
        rows = stored.saved_clusters(
            store, min_outlets=min_outlets, outlet=outlet, query=words, limit=limit
        )
        now = store.count()
    finally:
        store.close()
    if as_json:
        for row in rows:
            _echo_json(row.to_dict())
        return
    if now != info.articles:
        err.print(
            f"[yellow]note:[/] the clusters were built over {info.articles} articles; the store "
            f"now holds {now}: rebuild with --build",
            highlight=False,
        )
    if not rows:
        err.print("no cluster matches", highlight=False)
        return
    table = Table("id", "first", "first outlet", "outlets", "articles", "claim (first words)")
    for r in rows:
        table.add_row(
            str(r.id),
            r.first_published or "",
            r.first_outlet or "",
            ", ".join(r.outlets),
            str(r.articles),
            _short(r.text),
        )
    out.print(table)


def _build(store: Any) -> Any:
    from claimscope.corpus.stories import stored

    with Progress(
        TextColumn("Embedding claims"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("embed", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            return stored.build_clusters(store, progress=step)
        except ClaimscopeError as e:
            raise fail(str(e)) from None


@corpus_app.command("cluster")
def corpus_cluster(
    db: DbOption,
    cluster_id: Annotated[
        int, typer.Argument(metavar="ID", help="A cluster id from `corpus clusters`.")
    ],
    as_json: JsonOption = False,
) -> None:
    """One claim cluster: where it appeared first, and how each outlet carried it, in order."""
    from claimscope.corpus.stories import stored

    store = open_store(db)
    try:
        cluster = stored.saved_cluster(store, cluster_id)
    finally:
        store.close()
    if cluster is None:
        raise fail(f"no cluster {cluster_id} in the last build (see claimscope corpus clusters)")
    if as_json:
        _echo_json(cluster.to_dict())
        return
    s = cluster.summary
    err.print(
        f"cluster {s.id}: {s.claims} claims in {s.articles} articles from {len(s.outlets)} "
        f"outlets, {s.first_published or 'undated'} – {s.last_published or 'undated'}",
        highlight=False,
    )
    table = Table("date", "outlet", "carried as", "by", "hedges", "claim", "article")
    for n, m in enumerate(cluster.members):
        by = " ".join(p for p in (m.speaker, m.cue) if p)
        table.add_row(
            (m.published or "undated") + (" (first)" if n == 0 else ""),
            m.outlet or "",
            m.stance,
            by,
            ", ".join(m.hedges),
            _short(m.text, 140),
            m.key[:12],
        )
    out.print(table)


@corpus_app.command("copies")
def corpus_copies(
    db: DbOption,
    threshold: Annotated[
        float, typer.Option(min=0.3, max=1.0, help="Jaccard similarity of word 5-grams.")
    ] = 0.6,
    whole: Annotated[
        bool, typer.Option("--whole", help="Only copies of most of an article, not quotations.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 30,
    as_json: JsonOption = False,
) -> None:
    """Passages shared between articles (republication), with the direction their dates give."""
    from dataclasses import asdict

    from claimscope.corpus.stories import chains, find_copies, stored

    store = open_store(db)
    try:
        with err.status("Reading passages and comparing them"):
            links = find_copies(stored.paragraph_records(store), threshold=threshold)
    finally:
        store.close()
    if whole:
        links = [link for link in links if link.whole]
    if as_json:
        for link in links[:limit]:
            _echo_json(asdict(link))
        return
    if not links:
        err.print("no shared passages", highlight=False)
        return
    err.print(
        f"{len(links)} article pairs share passages; {len(chains(links))} republication chains",
        highlight=False,
    )
    table = Table("from", "to", "direction", "passages", "copy", "source key", "target key")
    for link in links[:limit]:
        table.add_row(
            f"{link.source_outlet or '?'} {link.source_date or ''}",
            f"{link.target_outlet or '?'} {link.target_date or ''}",
            link.direction,
            str(len(link.passages)),
            "whole" if link.whole else "part",
            link.source[:12],
            link.target[:12],
        )
    out.print(table)


@corpus_app.command("compare")
def corpus_compare(
    db: DbOption,
    query: Annotated[
        str | None, typer.Argument(help="Words: compare the articles they find.")
    ] = None,
    cluster: Annotated[
        int | None, typer.Option(help="Compare the articles of this claim cluster instead.")
    ] = None,
    outlet: OutletFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Articles at most.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Outlets side by side on one story: headlines, voices, framing, hedges and cue verbs."""
    from claimscope.corpus.stories import compare_outlets, stored, summary_rows

    if (query is None) == (cluster is None):
        raise fail("give words to search for, or --cluster ID (one of them)")
    store = open_store(db)
    try:
        if cluster is not None:
            found = stored.saved_cluster(store, cluster)
            if found is None:
                raise fail(
                    f"no cluster {cluster} in the last build (see claimscope corpus clusters)"
                )
            keys = list(dict.fromkeys(m.key for m in found.members))
        else:
            hits = store.search(query, **filters(outlet, since, until), limit=limit)
            keys = [h.key for h in hits]
        items = store.analyses(keys[:limit])
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    finally:
        store.close()
    if not items:
        err.print("no article to compare", highlight=False)
        return
    rows = summary_rows(compare_outlets(items))
    if as_json:
        for row in rows:
            _echo_json(row)
        return
    err.print(f"{len(items)} articles from {len(rows)} outlets", highlight=False)
    table = Table("", *(r["outlet"] for r in rows), show_lines=True)
    for field in (
        "state",
        "articles",
        "dates",
        "headline",
        "voices",
        "sides",
        "framing",
        "hedges",
        "cues",
        "one-sided",
    ):
        table.add_row(field, *(r[field] for r in rows))
    out.print(table)
