"""The Ray engine: the same analysis as the local engine, run by Ray Data on a local Ray instance or
a cluster.

Articles go to Ray as ``(key, article JSON)`` rows, in datasets of at most ``chunk_size`` rows so
that the driver's memory stays bounded however large the input. A pool of ``actors`` actors
(:class:`AnalyzeActor`) each loads the spaCy pipeline once and analyses ``batch_size`` rows at a
time through :func:`claimscope.pipeline.analyze_many`, the one analysis path; each row comes out as
``key``, ``kind`` (``"analysis"`` or ``"failure"``) and ``json`` (the contract document or the
Failure). The rows are written as Parquet partitions under ``output_dir/run-XXXX/chunk-NNNNN/``,
so a cluster's results are on disk before the driver reads them back and yields them.

Ray is an optional dependency (``pip install 'claimscope[ray]'``) and is imported only when a run
starts. See ``docs/ray.md`` for running on an existing cluster.
"""

from __future__ import annotations

import inspect
import logging
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimscope.corpus.engines import Result
from claimscope.corpus.engines.rows import Row, analyze_rows, one_line
from claimscope.errors import ClaimscopeError
from claimscope.extras import need
from claimscope.model import Analysis, Article, Failure

if TYPE_CHECKING:
    pass

__all__ = ["AnalyzeActor", "RayEngine"]

COLUMNS = ("key", "kind", "json")
CHUNK_SIZE = 10_000  # rows per Ray dataset: what the driver holds at once
ROWS_PER_FILE = 1_000  # rows per Parquet file, about
# The driver's settings that change an analysis (fact-check store, outlet registry, embedding
# model, gazetteer cache) are passed on to the actors, which may run on other machines.
ENV_PREFIX = "CLAIMSCOPE_"


# --- the worker side ------------------------------------------------------------------------------


class AnalyzeActor:
    """A Ray Data actor: loads the pipeline once, then analyses one batch per call.

    Batches arrive as pyarrow Tables with columns ``key`` and ``article`` (Article JSON) and leave
    as Tables with the columns ``key``, ``kind`` and ``json``.
    """

    def __init__(self, factchecks: str | None = None, env: dict[str, str] | None = None) -> None:
        os.environ.update(env or {})
        from claimscope import nlp

        self.nlp = nlp.load(factchecks=factchecks)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        keys = [str(k) for k in batch.column("key").to_pylist()]
        articles = [str(a) for a in batch.column("article").to_pylist()]
        rows = analyze_rows(keys, articles, self.nlp)
        return pa.table(
            {name: pa.array([r[n] for r in rows], pa.string()) for n, name in enumerate(COLUMNS)}
        )


# --- the driver side ------------------------------------------------------------------------------


def _import_ray() -> Any:
    ray = need("ray", "the Ray engine")
    need("ray.data", "the Ray engine")
    return ray


def _chunks(items: Iterator[tuple[str, Article]], size: int) -> Iterator[list[tuple[str, Article]]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _is_uri(path: str) -> bool:
    return "://" in path


class RayEngine:
    """Analyse with Ray Data: ``actors`` actors, ``batch_size`` articles per call.

    ``address`` is given to ``ray.init``: None starts a local Ray instance (or joins the one
    ``$RAY_ADDRESS`` names), ``"auto"`` joins the cluster this machine belongs to, and
    ``"ray://HOST:10001"`` connects through Ray Client. When Ray is already initialised in this
    process, that instance is used. An instance the engine started is shut down when the run ends.

    Results are written as Parquet under ``output_dir`` (a directory every Ray node and this
    driver can reach: a shared file system, or a URI that pyarrow can open, such as ``s3://...``)
    and kept there; without ``output_dir`` they go to a temporary directory that is removed after
    the run, which only works when Ray runs on this machine.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        actors: int = 2,
        batch_size: int = 16,
        output_dir: str | Path | None = None,
        factchecks: str | None = None,
        chunk_size: int = CHUNK_SIZE,
        cpus_per_actor: float = 1.0,
    ) -> None:
        if actors < 1:
            raise ClaimscopeError(f"--actors must be at least 1, not {actors}")
        if batch_size < 1:
            raise ClaimscopeError(f"the batch size must be at least 1, not {batch_size}")
        if chunk_size < 1:
            raise ClaimscopeError(f"the chunk size must be at least 1, not {chunk_size}")
        self.address = address
        self.actors = actors
        self.batch_size = batch_size
        self.output_dir = output_dir
        # The actors may not share this process's working directory: a relative path is made whole.
        self.factchecks = (
            str(Path(factchecks).expanduser().resolve())
            if factchecks and not _is_uri(factchecks)
            else factchecks
        )
        self.chunk_size = chunk_size
        self.cpus_per_actor = cpus_per_actor
        self.run_dir: str | None = None  # where the last run's Parquet partitions were written

    # Engine protocol
    def run(self, items: Iterable[tuple[str, Article]]) -> Iterator[Result]:
        ray = _import_ray()
        started = self._connect(ray)
        temporary: str | None = None
        quiet: _Quiet | None = None
        try:
            quiet = _Quiet(ray)
            if self.output_dir is None:
                self._check_local(ray)
                temporary = tempfile.mkdtemp(prefix="claimscope-ray-")
                base = temporary
            elif _is_uri(str(self.output_dir)):
                base = str(self.output_dir).rstrip("/")
            else:
                base = str(Path(self.output_dir).expanduser().resolve())
            self.run_dir = f"{base}/run-{uuid.uuid4().hex[:12]}"
            for n, chunk in enumerate(_chunks(iter(items), self.chunk_size)):
                yield from self._run_chunk(ray, chunk, f"{self.run_dir}/chunk-{n:05d}")
        finally:
            if quiet is not None:
                quiet.restore()
            if temporary is not None:
                shutil.rmtree(temporary, ignore_errors=True)
            if started:
                ray.shutdown()

    def _connect(self, ray: Any) -> bool:
        """Join or start Ray unless this process already has; True when this call started it."""
        if ray.is_initialized():
            return False
        local = self.address is None and not os.environ.get("RAY_ADDRESS")
        if local:
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        options: dict[str, Any] = {
            "address": self.address,
            "ignore_reinit_error": True,
            "log_to_driver": False,
            "logging_level": logging.WARNING,
        }
        if local:  # a private instance: no dashboard, and none of Ray's start-up notices
            options["include_dashboard"] = False
            options["logging_level"] = logging.ERROR
        try:
            ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError) as e:
            where = self.address or os.environ.get("RAY_ADDRESS")
            if not where:
                raise ClaimscopeError(f"could not start Ray: {one_line(e)}") from None
            raise ClaimscopeError(
                f"could not join the Ray cluster at {where}: {one_line(e)} (is the address "
                "right, and is this Ray the cluster's version? A cluster with token authentication "
                "also needs RAY_AUTH_MODE=token and its token here: see docs/ray.md)"
            ) from None
        return True

    def _check_local(self, ray: Any) -> None:
        """Without ``output_dir``, the Parquet files go to this machine's temporary directory: only
        right when every actor runs on this machine."""
        address = self.address or os.environ.get("RAY_ADDRESS") or ""
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        if address.startswith("ray://") or len(nodes) > 1:
            raise ClaimscopeError(
                "on a Ray cluster the results are written where every node and this driver can "
                "read them: give --output-dir on shared storage (see docs/ray.md)"
            )

    def _run_chunk(self, ray: Any, chunk: list[tuple[str, Article]], path: str) -> Iterator[Result]:
        expected = Counter(key for key, _ in chunk)
        sources = {key: article.source or article.id for key, article in chunk}
        dataset = ray.data.from_items(
            [{"key": key, "article": article.model_dump_json()} for key, article in chunk]
        )
        actors = max(1, min(self.actors, -(-sum(expected.values()) // self.batch_size)))
        env = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
        analysed = dataset.map_batches(
            AnalyzeActor,
            compute=ray.data.ActorPoolStrategy(size=actors),
            batch_size=self.batch_size,
            batch_format="pyarrow",
            fn_constructor_kwargs={"factchecks": self.factchecks, "env": env},
            num_cpus=self.cpus_per_actor,
        )
        # Writing is light: its tasks take no CPU from the actors, so results are written while
        # the actors go on; rows are gathered into files of about ROWS_PER_FILE.
        rows_option = (
            "min_rows_per_file"  # newer Ray; older releases call it num_rows_per_file
            if "min_rows_per_file" in inspect.signature(analysed.write_parquet).parameters
            else "num_rows_per_file"
        )
        analysed.write_parquet(
            path, ray_remote_args={"num_cpus": 0}, **{rows_option: ROWS_PER_FILE}
        )
        for key, kind, data in _read_parquet(path):
            if expected[key] <= 0:
                continue  # a retried Ray task may have written a row twice
            expected[key] -= 1
            if kind == "analysis":
                yield key, Analysis.model_validate_json(data)
            else:
                yield key, Failure.model_validate_json(data)
        for key, missing in expected.items():
            for _ in range(missing):
                yield (
                    key,
                    Failure(
                        source=sources[key],
                        reason=f"the Ray run wrote no result for this article (see {path})",
                        stage="analyze",
                    ),
                )


def _read_parquet(path: str) -> Iterator[Row]:
    """The rows of every Parquet file under ``path``, a record batch at a time."""
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    if _is_uri(path):
        fs, root = pafs.FileSystem.from_uri(path)
    else:
        fs, root = pafs.LocalFileSystem(), path
    infos = fs.get_file_info(pafs.FileSelector(root, recursive=True, allow_not_found=True))
    files = sorted(
        i.path for i in infos if i.type == pafs.FileType.File and i.path.endswith(".parquet")
    )
    for file in files:
        with fs.open_input_file(file) as handle:
            for batch in pq.ParquetFile(handle).iter_batches(columns=list(COLUMNS), batch_size=256):
                columns = [batch.column(name).to_pylist() for name in COLUMNS]
                yield from zip(*columns, strict=True)


class _Quiet:
    """Ray Data's progress bars and per-run log lines off for the run; put back afterwards."""

    def __init__(self, ray: Any) -> None:
        self.context = ray.data.DataContext.get_current()
        self.saved: dict[str, Any] = {}
        for name in ("enable_progress_bars", "print_on_execution_start", "enable_auto_log_stats"):
            if hasattr(self.context, name):
                self.saved[name] = getattr(self.context, name)
                setattr(self.context, name, False)
        self.logger = logging.getLogger("ray.data")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def restore(self) -> None:
        for name, value in self.saved.items():
            setattr(self.context, name, value)
        self.logger.setLevel(self.level)
