"""``vigil bench``: throughput, time per stage, peak memory, store size and query latency.

One run ingests a corpus into a fresh store with the local or the Ray engine, then times
the read calls the interfaces make on that store (timeline, actor network, full-text
search), and returns one JSON-ready record. :func:`bench_queries` times the same calls on
an existing store, without ingesting (a large store built with ``scripts/make-scale-store``).

Memory is measured two ways: the parent's peak RSS from the kernel (``ru_maxrss``, exact),
and a sampler thread that reads the RSS of every descendant process (extraction workers,
Ray's processes) twice a second and keeps the peak of the largest one and of the sum.
Shared pages (spaCy's model after fork, Ray's object store) count in each process that maps
them, so the sum overstates what the machine really used.
"""

from __future__ import annotations

import gc
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from vigil.config import Settings
from vigil.errors import ConfigError
from vigil.ingest.job import IngestResult, ingest_records
from vigil.ingest.readers import read_inputs
from vigil.models import RawArticle, Rejection
from vigil.store import Store, open_store

__all__ = ["ENGINES", "bench", "bench_queries", "query_latency"]

ENGINES = ("local", "ray")
SEARCH_TERMS = ("election", "government minister", "president trump", "police", "china trade")


class _Timed:
    """Wraps the reader so that its time is counted apart."""

    def __init__(self, records: Iterable[RawArticle | Rejection], limit: int | None) -> None:
        self.records = records
        self.limit = limit
        self.seconds = 0.0
        self.articles = 0

    def __iter__(self) -> Iterator[RawArticle | Rejection]:
        it = iter(self.records)
        while self.limit is None or self.articles < self.limit:
            t0 = time.perf_counter()
            try:
                record = next(it)
            except StopIteration:
                self.seconds += time.perf_counter() - t0
                return
            self.seconds += time.perf_counter() - t0
            if isinstance(record, RawArticle):
                self.articles += 1
            yield record


class _MemorySampler:
    """Samples the RSS of this process and of all its descendants until stopped."""

    def __init__(self, interval: float = 0.5) -> None:
        import psutil

        self._psutil = psutil
        self._me = psutil.Process()
        self.interval = interval
        self.peak_child = 0
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vigil-bench-memory", daemon=True)

    def __enter__(self) -> _MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        total = self._me.memory_info().rss
        for child in self._me.children(recursive=True):
            try:
                rss = child.memory_info().rss
            except (self._psutil.NoSuchProcess, self._psutil.AccessDenied):
                continue
            self.peak_child = max(self.peak_child, rss)
            total += rss
        self.peak_total = max(self.peak_total, total)


def bench(
    inputs: Sequence[str],
    settings: Settings,
    *,
    limit: int | None = None,
    db: str | None = None,
    engine: str = "local",
    extract: bool = True,
    address: str | None = None,
    query_runs: int = 50,
) -> dict[str, Any]:
    """Ingest ``inputs`` into a fresh store, time the read calls on it, and measure it all.

    Args:
        inputs: corpus files or folders.
        settings: Vigil settings (``extract.workers`` sizes the worker pool of either engine).
        limit: stop after this many articles (local engine only).
        db: store to write, a SQLite path or a database URL (default: a temporary SQLite file,
            removed afterwards). It should be empty: the figures describe one ingest.
        engine: ``local`` (worker processes) or ``ray`` (Ray Data; a local Ray unless ``address``).
        extract: False ingests without extraction (reading, dedupe and storage only).
        address: Ray cluster address (engine ``ray``).
        query_runs: times each query is run for the latency percentiles (0 skips them).
    Returns:
        A JSON-ready record of the figures.
    """
    if engine not in ENGINES:
        raise ConfigError(f"Unknown engine {engine!r}. Use one of: {', '.join(ENGINES)}.")
    if engine == "ray" and limit is not None:
        raise ConfigError(
            "--limit works with the local engine only: cut the corpus instead (scripts/make-scale-corpus)."
        )
    with tempfile.TemporaryDirectory() as tmp, _MemorySampler() as memory:
        store = open_store(db or str(Path(tmp) / "bench.db"))
        try:
            t0 = time.perf_counter()
            if engine == "local":
                figures = _ingest_local(inputs, store, settings, limit=limit, extract=extract)
            else:
                figures = _ingest_ray(inputs, store, settings, extract=extract, address=address)
            total = time.perf_counter() - t0
            memory.sample()
            # The query phase below loads more (knowledge base, clustering): keep the ingest's own peaks.
            ingest_peaks = (_maxrss(), memory.peak_child, memory.peak_total)
            status = _settled_status(store)
            latency = query_latency(store, runs=query_runs) if query_runs > 0 else {}
        finally:
            store.close()
    articles = int(figures.pop("articles"))
    stored = int(figures["stored"])
    size = status["size_bytes"]
    return {
        "engine": engine,
        "backend": status["backend"],
        "extract": extract,
        "articles": articles,
        **figures,
        "seconds_total": round(total, 3),
        "articles_per_second": round(articles / total, 2) if total else None,
        "peak_rss_mb": round(_maxrss() / 2**20, 1),
        "peak_rss_mb_largest_child": round(memory.peak_child / 2**20, 1),
        "peak_rss_mb_all_processes": round(memory.peak_total / 2**20, 1),
        "ingest_peak_rss_mb": {
            "parent": round(ingest_peaks[0] / 2**20, 1),
            "largest_child": round(ingest_peaks[1] / 2**20, 1),
            "all_processes": round(ingest_peaks[2] / 2**20, 1),
        },
        "store_bytes": size,
        "store_mb_per_1000_articles": round(size / 2**20 / stored * 1000, 2) if size and stored else None,
        "events": status["events"],
        "mentions": status["mentions"],
        "query_latency_ms": latency,
    }


def _ingest_local(
    inputs: Sequence[str], store: Store, settings: Settings, *, limit: int | None, extract: bool
) -> dict[str, Any]:
    from vigil.extract.parallel import LOAD_STAGE, load_extractor

    t0 = time.perf_counter()
    pipeline = load_extractor(settings) if extract else None
    load_seconds = time.perf_counter() - t0
    records = _Timed(read_inputs(inputs, "auto", settings=settings), limit)
    t0 = time.perf_counter()
    try:
        result = ingest_records(records, store, settings, extractor=pipeline, keep_ids=False)
    finally:
        if pipeline is not None:
            pipeline.close()
    ingest_seconds = time.perf_counter() - t0
    times = dict(pipeline.times.seconds) if pipeline is not None else {}
    workers = getattr(pipeline, "workers", 1) if pipeline is not None else 0
    # Worker processes start (from the pool's creation to their models loaded) while the first batch
    # is read: their start-up is part of the ingest's time, reported (per worker) with the pool's own,
    # and only what outlasts the reading is not the store's. The pools that replace it (bounded memory)
    # load while the ingest waits: their stage stays with the extraction's.
    worker_load = times.pop(LOAD_STAGE, 0.0) / max(workers, 1)
    extraction = sum(times.values())  # CPU seconds, summed over workers
    waiting = extraction / max(workers, 1) + max(0.0, worker_load - records.seconds)
    store_seconds = max(0.0, ingest_seconds - records.seconds - waiting)
    return {
        "articles": records.articles,
        **_counts(result),
        "workers": workers,
        "seconds_startup": round(load_seconds + worker_load, 3),
        **_stages({"read": records.seconds, **times, "ours.dedupe_and_store": store_seconds}, records.articles),
        "extractor": pipeline.version if pipeline is not None else None,
    }


def _ingest_ray(
    inputs: Sequence[str], store: Store, settings: Settings, *, extract: bool, address: str | None
) -> dict[str, Any]:
    from vigil.scale.ray import RayRun, ingest_ray, ray_session

    run = RayRun()
    t0 = time.perf_counter()
    started = ray_session(address, num_cpus=None if address else _cpus(settings))
    startup = time.perf_counter() - t0
    try:
        result = ingest_ray(inputs, settings, store=store, extract=extract, run=run, keep_ids=False)
    finally:
        if started:
            import ray

            ray.shutdown()
    articles = result.ingested + result.exact_duplicates
    return {
        "articles": articles,
        **_counts(result),
        "workers": run.workers,
        "seconds_startup": round(startup, 3),
        **_stages(run.seconds, articles),
        "extractor": run.version or None,
    }


def _maxrss() -> int:
    """This process's peak RSS so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpus(settings: Settings) -> int:
    import os

    workers = settings.get_int("extract.workers")
    return workers if workers > 0 else (os.cpu_count() or 1)


def _counts(result: IngestResult) -> dict[str, Any]:
    return {
        "stored": result.ingested,
        "exact_duplicates": result.exact_duplicates,
        "near_duplicates": result.near_duplicates,
        "extracted": result.extracted,
        "rejected": len(result.rejected),
    }


def _stages(seconds: dict[str, float], articles: int) -> dict[str, Any]:
    """Seconds per stage, and each stage's own rate (articles per second of that stage, one core)."""
    return {
        "seconds_per_stage": {k: round(v, 3) for k, v in sorted(seconds.items())},
        "articles_per_second_per_stage": {k: round(articles / v, 1) for k, v in sorted(seconds.items()) if v > 0},
        "model_share": _share(seconds, "model."),
    }


def _share(seconds: dict[str, float], prefix: str) -> float | None:
    busy = sum(seconds.values())
    return round(sum(v for k, v in seconds.items() if k.startswith(prefix)) / busy, 3) if busy else None


def _settled_status(store: Store) -> dict[str, Any]:
    """The store's status, with SQLite's write-ahead log folded into the file first."""
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return store.status()


# --- query latency ---------------------------------------------------------------------


def bench_queries(db: str, *, query_runs: int = 50) -> dict[str, Any]:
    """Time the read calls on an existing store, without ingesting anything.

    Args:
        db: the store, a SQLite path or a database URL. A SQLite file must exist.
        query_runs: times each query is run for the latency percentiles.
    Returns:
        A JSON-ready record: the store's backend, size and counts, and ``query_latency_ms``
        as :func:`bench` reports it.
    """
    if query_runs < 1:
        raise ConfigError("Timing queries needs at least one run of each: give --queries 1 or more.")
    if "://" not in db and not Path(db).expanduser().is_file():
        raise ConfigError(f"Store {db} does not exist. Give the store to time with --db PATH (or a database URL).")
    store = open_store(db)
    try:
        status = _settled_status(store)
        latency = query_latency(store, runs=query_runs)
    finally:
        store.close()
    size, articles = status["size_bytes"], int(status["articles"])
    return {
        "backend": status["backend"],
        "store": status["store"],
        "articles": articles,
        "near_duplicates": status["near_duplicates"],
        "extracted": status["extractions"],
        "events": status["events"],
        "mentions": status["mentions"],
        "actors": status["actors"],
        "first_date": status["first_date"],
        "last_date": status["last_date"],
        "store_bytes": size,
        "store_mb_per_1000_articles": round(size / 2**20 / articles * 1000, 2) if size and articles else None,
        "query_latency_ms": latency,
    }


def query_latency(
    store: Store,
    *,
    runs: int = 50,
    window: tuple[date, date] = (date(2020, 10, 4), date(2020, 11, 3)),
    freeze: bool = True,
) -> dict[str, Any]:
    """p50/p95 milliseconds of the timeline, network and search calls on ``store``.

    The timeline and network calls load one window of the store (as the CLI and API do) and
    run :func:`vigil.analyze.timeline.timeline` for the packaged ``gbr-us-2020`` watch and
    :func:`vigil.analyze.networks.build_graph`; search runs :meth:`Store.articles` with a few
    common terms in turn (first page of 20, best match first).

    Args:
        store: the store to query.
        runs: runs per call (after one warm-up run).
        window: the dates of the timeline and network calls (default: the month before the
            2020 U.S. election, which the Wikinews corpus covers).
        freeze: time the calls as the API server runs them (below); False leaves the collector
            as it is, the worst case.
    Returns:
        ``{call: {"p50": ms, "p95": ms, "runs": n, "cpu_p50": ms, "cpu_p95": ms}}``, the window and
        its article count. ``p50``/``p95`` are wall-clock times; ``cpu_*`` count this process's
        CPU time only, so a gap between the two is time spent waiting (for the CPU on a shared
        machine, or for the disk). ``gc`` says how the garbage collector ran: ``"server"`` or
        ``"unfrozen"``.

    The calls are timed as the API server runs them: what was loaded before the first request (here,
    by the warm-up runs: the knowledge base, the watch, the store's metadata, and what an ingest
    left in this process) is frozen out of the collector's sight (:func:`gc.freeze`), as the server
    does at start-up. Without it every full collection walks those objects again, and the p95
    measures the collector over whatever the process holds rather than the call.
    """
    from vigil.analyze.networks import build_graph
    from vigil.analyze.timeline import timeline
    from vigil.analyze.watches import load_watch
    from vigil.analyze.window import load_records

    since, until = window
    watch, _ = load_watch(Path(__file__).resolve().parents[1] / "watches" / "gbr-us-2020.yaml")
    window_articles = len(load_records(store, since=since, until=until, with_kb=False).articles)
    terms = iter(SEARCH_TERMS * (runs + 1))

    calls: dict[str, Callable[[], object]] = {
        "timeline": lambda: timeline(load_records(store, since=since, until=until), watch),
        "network": lambda: build_graph(load_records(store, since=since, until=until), since=since, until=until),
        "search": lambda: store.articles(search=next(terms), limit=20),
    }
    out: dict[str, Any] = {
        "window": [since.isoformat(), until.isoformat()],
        "window_articles": window_articles,
        "gc": "server" if freeze else "unfrozen",
    }
    for call in calls.values():
        call()  # warm-up: caches, the knowledge base
    if freeze:
        gc.collect()
        gc.freeze()
    try:
        out.update(_timed_calls(calls, runs))
    finally:
        if freeze:
            gc.unfreeze()
    return out


def _timed_calls(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, call in calls.items():
        samples, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            call()
            samples.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        out[name] = {
            "p50": round(statistics.median(samples), 1),
            "p95": round(_p95(samples), 1),
            "runs": runs,
            "cpu_p50": round(statistics.median(cpu), 1),
            "cpu_p95": round(_p95(cpu), 1),
        }
    return out


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
