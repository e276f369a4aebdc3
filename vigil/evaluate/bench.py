"""``vigil bench``: throughput, time per stage, peak memory, and model time vs our own code."""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from vigil.config import Settings
from vigil.ingest.pipeline import ingest_records
from vigil.ingest.readers import read_inputs
from vigil.models import RawArticle, Rejection
from vigil.store import open_store

__all__ = ["bench"]


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


def bench(
    inputs: Sequence[str], settings: Settings, *, limit: int | None = None, db: str | None = None
) -> dict[str, Any]:
    """Ingest and extract ``inputs`` into a fresh store and measure it.

    Args:
        inputs: corpus files or folders.
        settings: Vigil settings.
        limit: stop after this many articles.
        db: store to write (default: a temporary SQLite file, removed afterwards).
    Returns:
        A JSON-ready record of the figures.
    """
    from vigil.extract.pipeline import load_extractor

    t0 = time.perf_counter()
    pipeline = load_extractor(settings)
    load_seconds = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        location = db or str(Path(tmp) / "bench.db")
        store = open_store(location)
        records = _Timed(read_inputs(inputs, "auto", settings=settings), limit)
        t0 = time.perf_counter()
        try:
            result = ingest_records(records, store, settings, extractor=pipeline)
        finally:
            close = getattr(pipeline, "close", None)
            if close is not None:
                close()
        total = time.perf_counter() - t0
        status = store.status()
        store.close()
    stages = {k: round(v, 3) for k, v in sorted(pipeline.times.seconds.items())}
    model = sum(v for k, v in pipeline.times.seconds.items() if k.startswith("model."))
    workers = getattr(pipeline, "workers", 1)
    extraction = sum(pipeline.times.seconds.values())  # CPU seconds, summed over workers
    store_seconds = max(0.0, total - records.seconds - extraction / workers)
    busy = extraction + records.seconds + store_seconds
    ours = busy - model
    return {
        "workers": workers,
        "articles": records.articles,
        "stored": result.ingested,
        "seconds_total": round(total, 3),
        "articles_per_second": round(records.articles / total, 2) if total else None,
        "seconds_load_models": round(load_seconds, 3),
        "seconds_per_stage": {
            "read": round(records.seconds, 3),
            **stages,
            "ours.dedupe_and_store": round(store_seconds, 3),
        },
        "model_share": round(model / busy, 3) if busy else None,
        "our_code_share": round(ours / busy, 3) if busy else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_workers": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "events": status["events"],
        "mentions": status["mentions"],
        "extractor": pipeline.version,
    }
