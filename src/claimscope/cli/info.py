"""``claimscope schema``, ``outlet`` and ``version``: what the contract is, what is known of an
outlet, what runs on this machine."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from claimscope._version import __version__
from claimscope.cli.common import (
    fail,
)
from claimscope.errors import ClaimscopeError


def schema() -> None:
    """Print the JSON Schema of the analysis document (claimscope.analysis/1)."""
    from importlib.resources import files

    sys.stdout.write(files("claimscope").joinpath("schema/analysis.schema.json").read_text("utf-8"))


def outlet(
    name: Annotated[str, typer.Argument(help="An outlet name, domain or URL.")],
) -> None:
    """Print the outlet registry entry for NAME|DOMAIN as JSON (each rater's verdict separately)."""

    from claimscope.knowledge.outlets import lookup

    try:
        found = lookup(name, labels=True)
    except ClaimscopeError as e:
        raise fail(str(e)) from None
    if found is None:
        raise fail(f"no outlet named {name!r} in the registry")
    typer.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))


def version() -> None:
    """Print the versions of claimscope, spaCy and the English model, and which framing-technique
    and check-worthiness models run."""
    import spacy

    from claimscope.nlp import MODEL_PACKAGES

    model = "none installed"
    for name in MODEL_PACKAGES:
        try:
            meta = spacy.util.get_package_version(name)
        except Exception:
            meta = None
        if meta:
            model = f"{name} {meta}"
            break
    from claimscope.analyzers.framing import tagger

    found = tagger.active()
    if found is None:
        techniques = (
            f"rules only (no tagger at {tagger.default_path()}; "
            "claimscope train techniques --ptc DIR builds one)"
        )
    elif isinstance(found, ClaimscopeError):
        techniques = f"rules only ({found})"
    else:
        techniques = f"rules and the tagger {found.label}, {found.path}"
    from claimscope.analyzers import checkworthiness

    scorer = checkworthiness.active()
    worthiness = (
        f"the encoder model (sentence vectors of {scorer.encoder} + hand features)"
        if scorer.needs_vectors
        else "the word model (TF-IDF + hand features)"
    )
    if scorer.needs_vectors:
        running = checkworthiness.running_encoder()
        if running is not None and running != scorer.encoder:
            worthiness += f", run on {running}"
    typer.echo(
        f"claimscope {__version__}\nspaCy {spacy.__version__}\nmodel {model}\n"
        f"framing techniques {techniques}\ncheck-worthiness {worthiness}"
    )
