"""The Ray engine: the local engine's extraction on a Ray cluster, with Ray Data.

The dataset flows in three steps:

============  ==========================================  ================================
step          where                                       what
============  ==========================================  ================================
read          Ray tasks, one per input file or URL        Vigil's readers -> rows
extract       ``map_batches``, an actor pool; each actor  :meth:`Pipeline.extract` (the
              holds one :class:`Pipeline`                 same code as the local engine)
write         the driver, streaming                       :func:`ingest_records`: dedupe,
                                                          batches, one transaction each
============  ==========================================  ================================

or, with ``parquet=DIR``, the workers write the rows to Parquet files (``vigil load DIR``
imports them later through the same write path). Rows are :mod:`vigil.scale.rows` rows.

Order is preserved end to end, so which article of a near-duplicate pair is the original is
the same as with the local engine, and the stored result is the same row for row. Exact
duplicates are extracted before the driver sees that they are duplicates (their extraction
is dropped): the store is only known to the driver.

Without an address the engine starts Ray on this machine (node address 127.0.0.1, token
authentication on every service, no dashboard, no usage reporting) and stops it afterwards;
a Ray already initialised in the process is used as it is. On a cluster, input paths must be
readable by the workers (shared file system).
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from vigil.config import Settings
from vigil.errors import ConfigError
from vigil.ingest.job import IngestProgress, IngestResult, article_from_raw, ingest_records
from vigil.ingest.readers import iter_folder, read_inputs
from vigil.models import Article, RawArticle, Rejection
from vigil.scale.rows import COLUMNS, Precomputed, from_row, to_row

try:
    import pyarrow as pa
    import ray
    import ray.data
except ImportError as exc:  # pragma: no cover - exercised without the extra installed
    raise ConfigError(
        f"The Ray engine needs Ray Data and pyarrow ({exc.name} is missing). Install them with "
        "`pip install 'vigil[ray]'`, or use `--engine local`."
    ) from None

__all__ = ["RayRun", "ingest_ray", "ray_session"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SCHEMA = pa.schema([(name, pa.string()) for name in COLUMNS])
_READ_ROWS = 64  # rows per block out of a reader: a big file streams in small pieces
# Articles per extraction block. An actor takes whole blocks, so the last ones decide how long the
# other actors wait at the end: on 1,000 articles, blocks of 16 ran at 1.12x the rate of blocks
# of 75 (half of ``ingest.batch_size``, as before), and 8 gained nothing more.
_EXTRACT_ROWS = 16


class RayRun:
    """What a Ray ingest measured besides the :class:`IngestResult`.

    Attributes:
        seconds: stage -> seconds summed over the actors (as ``Pipeline.times``).
        workers: actors in the extraction pool.
        version: the extractor version.
        rows: rows that came out of the dataset.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.workers = 0
        self.version = ""
        self.rows = 0

    def add_times(self, text: str | None) -> None:
        if not text:
            return
        import json

        for stage, value in json.loads(text).items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + float(value)


def ray_session(address: str | None = None, *, num_cpus: int | None = None) -> bool:
    """Connect to Ray: the cluster at ``address``, or a new local one; False if Ray was already up.

    The local Ray advertises 127.0.0.1 as its node address, has no dashboard, reports no usage and
    requires Ray's token authentication: a random token made here and passed to its processes,
    unless ``RAY_AUTH_MODE`` is set already. Ray's gRPC services listen on every interface (Ray
    has no setting to bind them to one address), so the token is what keeps other machines and
    other local processes from submitting work or reading objects.

    Args:
        address: ``ray://host:10001``, ``host:6379`` or ``auto``; None starts Ray here.
        num_cpus: CPUs the local Ray may use (default: all of this machine's).
    Returns:
        True when this call started (or connected) Ray, so the caller should shut it down.
    """
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    common: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING, "configure_logging": False}
    if address:
        ray.init(address=address, **common)
    else:
        if "RAY_AUTH_MODE" not in os.environ:
            os.environ["RAY_AUTH_MODE"] = "token"
            os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
            # Ray reads its configuration when it is imported; reload it so this process uses the token
            # (the same two calls as Ray's own authentication test helpers).
            from ray._raylet import AuthenticationTokenLoader, Config  # type: ignore[attr-defined]

            Config.initialize("")
            AuthenticationTokenLoader.instance().reset_cache()
        ray.init(
            num_cpus=num_cpus or os.cpu_count() or 1,
            include_dashboard=False,
            _node_ip_address="127.0.0.1",
            **common,
        )
    return True


def ingest_ray(
    inputs: Sequence[str],
    settings: Settings,
    *,
    store: Any = None,
    parquet: str | Path | None = None,
    fmt: str = "auto",
    columns: Mapping[str, str] | None = None,
    extract: bool = True,
    address: str | None = None,
    workers: int | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    run: RayRun | None = None,
    keep_ids: bool = True,
) -> IngestResult:
    """Ingest ``inputs`` with extraction on Ray, into ``store`` or into Parquet files.

    Args:
        inputs: files, folders or http(s) URLs (as for :func:`vigil.ingest.job.ingest`).
        settings: Vigil settings; ``extract.workers`` (0: one per Ray CPU) sizes the actor pool.
        store: the open store to write (through the local engine's write path).
        parquet: write rows to Parquet files in this folder instead (``vigil load`` imports them).
        fmt, columns: reader format and field mapping.
        extract: False stores articles only (the Ray job then only reads).
        address: a Ray cluster; None starts Ray on this machine for the duration of the call.
        workers: extraction actors (default from ``extract.workers``).
        progress: called after every record the driver writes (store mode).
        run: filled with stage times and the pool size, for ``vigil bench``.
        keep_ids: False leaves ``IngestResult.article_ids`` empty (memory bounded at any size).
    Returns:
        The :class:`IngestResult`; in Parquet mode ``ingested`` counts the article rows written
        (deduplication happens when they are loaded).
    Raises:
        IngestError: bad inputs (before Ray starts); ConfigError: neither or both of store and parquet.
    """
    if (store is None) == (parquet is None):
        raise ConfigError("Give the Ray ingest a store or a Parquet folder (`--parquet DIR`), not both or neither.")
    sources = _plan(inputs, fmt, columns, settings)
    run = run if run is not None else RayRun()
    started = ray_session(address, num_cpus=_local_cpus(settings) if not address else None)
    try:
        ds = _dataset(sources, settings, fmt=fmt, columns=columns, extract=extract, run=run)
        if parquet is not None:
            return _write_parquet(ds, Path(parquet), run)
        if not extract:
            return ingest_records(_records(_rows(ds, run)), store, settings, progress=progress, keep_ids=keep_ids)
        extractor = Precomputed(run.version)
        records = extractor.records(_rows(ds, run))
        return ingest_records(records, store, settings, extractor=extractor, progress=progress, keep_ids=keep_ids)
    finally:
        if started:
            ray.shutdown()


# --- the dataset ------------------------------------------------------------------------


def _local_cpus(settings: Settings) -> int:
    workers = settings.get_int("extract.workers")
    return max(workers, 1) if workers > 0 else (os.cpu_count() or 1)


def _plan(
    inputs: Sequence[str], fmt: str, columns: Mapping[str, str] | None, settings: Settings
) -> list[dict[str, str]]:
    """One item per input file or URL: the name records carry, and the path a worker opens."""
    read_inputs(inputs, fmt, settings=settings, columns=columns)  # validates now; reads nothing
    items: list[dict[str, str]] = []
    for item in [inputs] if isinstance(inputs, str) else inputs:
        text = os.fspath(item)
        if text.startswith(("http://", "https://")):
            items.append({"name": text, "path": text, "empty": ""})
            continue
        path = Path(text)
        files = list(iter_folder(path)) if path.is_dir() else [path]
        if path.is_dir() and not files:
            items.append({"name": text, "path": "", "empty": "folder"})
        items.extend({"name": str(f), "path": str(f.resolve()), "empty": ""} for f in files)
    return items


def _dataset(
    sources: list[dict[str, str]],
    settings: Settings,
    *,
    fmt: str,
    columns: Mapping[str, str] | None,
    extract: bool,
    run: RayRun,
) -> ray.data.Dataset:
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # same order as the local engine: same originals
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    reader = _Reader(settings, fmt, dict(columns) if columns else None)
    ds: ray.data.Dataset = ray.data.from_items(sources, override_num_blocks=max(1, len(sources)))
    # Reading is light: it must not wait for a CPU that an extraction actor holds.
    ds = ds.map_batches(reader, batch_size=1, batch_format="pyarrow", num_cpus=0)
    if not extract:
        return ds
    total = int(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]
    wanted = settings.get_int("extract.workers")
    run.workers = max(1, wanted if wanted > 0 else total)
    from vigil.extract.stages import configured_stages
    from vigil.extract.version import pipeline_version, stages_tag

    stages = configured_stages(settings)
    run.version = pipeline_version(
        settings.get_bool("extract.drop_non_events"),
        settings.get_bool("extract.transformer"),
        settings.get_int("extract.events_per_sentence"),
        stages,
    ) + stages_tag(stages)
    # A reader's output merges into big blocks; the actor pool hands out whole blocks, so
    # without cutting them one actor would get a whole file while the others wait.
    ds = ds.repartition(target_num_rows_per_block=_EXTRACT_ROWS)
    return ds.map_batches(
        _Extractor,
        fn_constructor_args=(settings,),
        batch_size=_EXTRACT_ROWS,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=run.workers),
        # The actors leave one CPU to the light steps (reading, cutting blocks), which would
        # otherwise wait forever for a CPU that an actor holds; the OS shares the cores.
        num_cpus=max(0.1, min(1.0, (total - 1) / run.workers)),
    )


class _Reader:
    """A Ray Data batch function: the records of one input file or URL, as row tables."""

    def __init__(self, settings: Settings, fmt: str, columns: dict[str, str] | None) -> None:
        self.settings = settings
        self.fmt = fmt
        self.columns = columns

    def __call__(self, batch: pa.Table) -> Iterator[pa.Table]:
        for item in batch.to_pylist():
            rows: list[dict[str, str | None]] = []
            for record in self._records(item):
                rows.append(to_row(record))
                if len(rows) >= _READ_ROWS:
                    yield pa.Table.from_pylist(rows, schema=SCHEMA)
                    rows = []
            if rows:
                yield pa.Table.from_pylist(rows, schema=SCHEMA)

    def _records(self, item: dict[str, str]) -> Iterator[RawArticle | Rejection]:
        name, path = item["name"], item["path"]
        if item["empty"]:
            yield Rejection(name, "file", "folder holds no input files (hidden and licence files are skipped)")
            return
        for record in read_inputs([path], self.fmt, settings=self.settings, columns=self.columns):
            # Records name the input as the user gave it, as the local engine's do.
            yield replace(record, origin=name) if record.origin == path else record


class _Extractor:
    """A Ray Data actor: one :class:`Pipeline`, loaded once, run on batches of rows."""

    def __init__(self, settings: Settings) -> None:
        from vigil.extract.pipeline import Pipeline

        self.pipeline = Pipeline.load_worker(settings)  # one actor per CPU

    def __call__(self, batch: pa.Table) -> pa.Table:
        import json

        from vigil.extract.timing import StageTimes

        rows = batch.to_pylist()
        records = [from_row(r)[0] for r in rows]
        articles = [_article(r) for r in records if isinstance(r, RawArticle)]
        self.pipeline.times = StageTimes()
        extractions = iter(self.pipeline.extract(articles))
        out = [to_row(r, next(extractions) if isinstance(r, RawArticle) else None) for r in records]
        if out:
            out[0]["stage_seconds"] = json.dumps(dict(self.pipeline.times.seconds))
        return pa.Table.from_pylist(out, schema=SCHEMA)


def _article(raw: RawArticle) -> Article:
    """The article extraction sees; what extraction does not read (ingested at) is a placeholder."""
    from datetime import datetime

    return article_from_raw(raw, datetime(1970, 1, 1))


# --- the driver's side -------------------------------------------------------------------


def _rows(ds: ray.data.Dataset, run: RayRun) -> Iterator[dict[str, Any]]:
    for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=2):
        assert isinstance(batch, pa.Table)
        for row in batch.to_pylist():
            run.rows += 1
            run.add_times(row.get("stage_seconds"))
            yield row


def _records(rows: Iterator[dict[str, Any]]) -> Iterator[RawArticle | Rejection]:
    for row in rows:
        yield from_row(row)[0]


def _write_parquet(ds: ray.data.Dataset, folder: Path, run: RayRun) -> IngestResult:
    """Workers write the rows; the driver reads back the counts (a small scan of two columns)."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("*.parquet")):
        raise ConfigError(f"{folder} already holds Parquet files. Give an empty folder, or load these first.")
    t0 = time.perf_counter()
    ds.write_parquet(str(folder))
    log.info("wrote Parquet to %s in %.1f s", folder, time.perf_counter() - t0)
    result = IngestResult()
    for path in sorted(folder.glob("*.parquet")):
        table = pq.read_table(path, columns=["kind", "origin", "location", "reason", "extraction", "stage_seconds"])
        for row in table.to_pylist():
            run.rows += 1
            run.add_times(row["stage_seconds"])
            if row["kind"] == "rejection":
                result.rejected.append(Rejection(row["origin"], row["location"], row["reason"]))
            else:
                result.ingested += 1
                result.extracted += row["extraction"] is not None
    return result
