"""``claimscope train ...``: rebuild the shipped model files, or build those whose training data's
terms keep them off the package, on the user's machine."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer

from claimscope.cli.common import (
    err,
    fail,
)
from claimscope.errors import ClaimscopeError

train_app = typer.Typer(
    help="Rebuild the model files shipped in the package from public annotated data.",
    no_args_is_help=True,
)


@contextmanager
def _training(title: str, where: Path | None) -> Iterator[Callable[[str], None]]:
    """A progress callback: a spinner line on a terminal; otherwise each step on its own line
    (a log). A claimscope error or a file error inside becomes the one-line failure (``where``
    names the file when the error does not)."""
    from rich.markup import escape

    status = err.status(title) if err.is_terminal else None

    def say(message: str) -> None:
        if status is not None:
            status.update(f"Training: {escape(message)}")
        else:
            err.print(escape(message), highlight=False)

    try:
        with status or nullcontext():
            yield say
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(f"{e.filename or where}: {e.strerror or e}") from None


@train_app.command("checkworthiness")
def train_checkworthiness(
    claimbuster: Annotated[
        Path, typer.Option(help="The ClaimBuster folder (crowdsourced.csv + groundtruth.csv).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            help="The folder to write the two models to (default: the package's own, where "
            "analyze reads them)."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=2, help="Train on N training sentences only (tests; not for shipping)."),
    ] = None,
) -> None:
    """Train the check-worthiness scorers (the encoder model and the word model) on the
    ClaimBuster debates not held out for evaluation; about three minutes on two cores."""
    from claimscope.training.checkworthiness import format_report, train

    with _training("Training the check-worthiness scorers", out) as say:
        report = train(claimbuster, out, limit=limit, progress=say)
    typer.echo(format_report(report))


@train_app.command("factcheck-matching")
def train_factcheck_matching(
    checkthat: Annotated[
        Path, typer.Option(help="The CheckThat! 2020 claim-retrieval folder (train/ is used).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            help="A folder for fusion.json and encoder-tuning.npz (default: the package's own "
            "files, replaced)."
        ),
    ] = None,
    folds: Annotated[
        int, typer.Option(min=2, max=20, help="Folds for the cross-fitted fusion features.")
    ] = 5,
    limit: Annotated[
        int | None, typer.Option(min=10, help="Train on the first N tweets only (a quick check).")
    ] = None,
) -> None:
    """Tune the encoder (BitFit) and fit the fact-check fusion and its display threshold on
    CheckThat 2020 train. Needs the optional training packages (pip install 'claimscope\\[train]');
    about 35 minutes on two cores."""
    from importlib.resources import files

    from claimscope.knowledge.factchecks.match import FUSION_FILE, TUNING_FILE
    from claimscope.training.factchecks import save, train

    folder = out or Path(str(files("claimscope.knowledge.factchecks")))
    with _training("Training fact-check matching", folder) as say:
        folder.mkdir(parents=True, exist_ok=True)
        trained = train(checkthat, folds=folds, limit=limit, progress=say)
        save(trained.fusion, folder / FUSION_FILE)
        trained.tuning.save(folder / TUNING_FILE)
        from claimscope import integrity

        integrity.rerecord([folder / FUSION_FILE, folder / TUNING_FILE])
    typer.echo(json.dumps(trained.fusion.to_dict(), indent=1))
    typer.echo(f"written to {folder / FUSION_FILE} and {folder / TUNING_FILE}")


@train_app.command("techniques")
def train_techniques(
    ptc: Annotated[
        Path, typer.Option(help="The PTC 2019 corpus folder (train/ is used) or its train folder.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the model (default: techniques.onnx in the user's data "
            "directory, or $CLAIMSCOPE_TECHNIQUE_MODEL), which analyze then uses."
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, max=10, help="Passes over the training data.")] = 2,
    limit: Annotated[
        int | None, typer.Option(min=2, help="Train on the first N articles only (a quick check).")
    ] = None,
) -> None:
    """Fine-tune the framing-technique tagger on PTC train, on this machine (PTC's licence allows
    no redistribution, so no such weights ship). Needs the optional training packages (pip install
    'claimscope\\[train]'); about 12 minutes on two cores."""

    from claimscope.training.techniques import train

    with _training("Training the technique tagger", out) as say:
        report = train(ptc, out, epochs=epochs, limit=limit, progress=say)
    f1 = "–" if report.held_out_si_f1 is None else f"{report.held_out_si_f1:.3f}"
    typer.echo(
        f"trained on {report.articles} articles ({report.pieces} word pieces), {report.epochs} "
        f"epochs, in {report.seconds / 60:.1f} min; threshold {report.threshold} (span F1 {f1} "
        f"on {report.held_out} held-out articles)\nwritten to {report.path}"
    )
