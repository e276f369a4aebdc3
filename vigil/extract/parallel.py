"""Extraction over worker processes, and what the parent process of an ingest needs of it.

The parent only hands articles out and collects their extractions: it never imports spaCy, torch or
the models (two seconds of start-up, and memory, it would spend for nothing). Each worker process
loads its own :class:`~vigil.extract.pipeline.Pipeline` (:meth:`~vigil.extract.pipeline.Pipeline.load_worker`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from vigil.config import Settings
from vigil.extract.stages import configured_stages
from vigil.extract.timing import StageTimes
from vigil.extract.version import pipeline_version, stages_tag
from vigil.models import Article, Extraction

if TYPE_CHECKING:
    from vigil.extract.pipeline import Pipeline

__all__ = ["LOAD_STAGE", "RELOAD_STAGE", "ParallelPipeline", "load_extractor"]

_WORKER: Pipeline | None = None
_LOAD: tuple[str, float] | None = None  # this worker's start-up (stage, seconds), until its first task reports it
LOAD_STAGE = "workers.load"  # the first pool's start-up
RELOAD_STAGE = "workers.reload"  # the start-up of the pools that replace it, part of the extraction's time


def _init_worker(
    settings: Settings, started: float, stage: str, stages: tuple[str, ...], modules: tuple[str, ...]
) -> None:
    """Load this worker's pipeline; ``started``: the wall-clock time the pool was made (process start-up counts).

    ``modules`` register the named stages that are not built in (importing a module registers its stages).
    """
    global _WORKER, _LOAD
    import importlib

    from vigil.extract.pipeline import Pipeline

    for module in modules:
        importlib.import_module(module)
    _WORKER = Pipeline.load_worker(settings, stages)
    _LOAD = (stage, max(0.0, time.time() - started))


def _stage_modules(stages: Sequence[str]) -> tuple[str, ...]:
    """The modules that registered ``stages`` in this process (a script's own, ``__main__``, re-runs in a worker)."""
    from vigil.extract.stages import registered

    known = registered()
    return tuple(sorted({known[n].func.__module__ for n in stages if n in known} - {"__main__"}))


def _loaded() -> bool:
    return _WORKER is not None


def _work(articles: list[Article]) -> tuple[list[Extraction], dict[str, float]]:
    global _LOAD
    assert _WORKER is not None
    _WORKER.times = StageTimes()
    if _LOAD is not None:
        _WORKER.times.add(*_LOAD)
        _LOAD = None
    results = _WORKER.extract(articles)
    return results, dict(_WORKER.times.seconds)


class ParallelPipeline:
    """The same :class:`Pipeline`, one per worker process; articles are shared out per batch.

    Results are identical to the in-process pipeline's: each article is extracted on its own.

    Args:
        settings: Vigil settings.
        workers: number of worker processes (2 or more).
        stages: the stages each worker runs, in order.
    """

    def __init__(self, settings: Settings, workers: int, stages: Sequence[str] | None = None) -> None:
        self.settings = settings
        self.workers = workers
        self.stages = configured_stages(settings) if stages is None else tuple(stages)
        self._modules = _stage_modules(self.stages)
        self.version = pipeline_version(
            settings.get_bool("extract.drop_non_events"),
            settings.get_bool("extract.transformer"),
            settings.get_int("extract.events_per_sentence"),
        ) + stages_tag(self.stages)
        self.times = StageTimes()
        # The workers are replaced after ``extract.worker_max_tasks`` tasks each: the models' caches
        # (spaCy's string store grows with every new word) then cannot grow with the corpus. The whole
        # pool is replaced between two batches: ``max_tasks_per_child`` would do it per worker, but in
        # Python 3.11 a pool whose workers all leave that way can stop starting new ones and hang.
        self.max_tasks = max(0, settings.get_int("extract.worker_max_tasks")) * workers
        self._pools = 0  # pools started so far
        self._start()

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(
                self.settings,
                time.time(),
                RELOAD_STAGE if self._pools else LOAD_STAGE,
                self.stages,
                self._modules,
            ),
        )
        self._tasks = 0
        self._pools += 1
        # Launch the workers now (each submission starts one): they load the models while the first
        # batch is read and deduplicated.
        for _ in range(self.workers):
            self._pool.submit(_loaded)

    def extract(self, articles: Sequence[Article]) -> list[Extraction]:
        return self.submit(articles)()

    def submit(self, articles: Sequence[Article]) -> Callable[[], list[Extraction]]:
        """Hand ``articles`` to the workers now; the returned call waits for their extractions.

        The ingest job submits the next batch before it writes this one, so the workers never wait.
        """
        if not articles:
            return list
        # Small tasks, longest first: a free worker takes the next one, so the workers finish together.
        order = sorted(range(len(articles)), key=lambda i: -len(articles[i].text))
        size = max(1, min(8, len(articles) // (self.workers * 4)))
        chunks = [[articles[i] for i in order[k : k + size]] for k in range(0, len(order), size)]
        if self.max_tasks and self._tasks >= self.max_tasks:
            self._pool.shutdown(wait=True)  # what was submitted finishes; its futures keep their results
            self._start()
        futures = [self._pool.submit(_work, c) for c in chunks if c]
        self._tasks += len(futures)
        ids = [a.id for a in articles]

        def collect() -> list[Extraction]:
            by_id: dict[str, Extraction] = {}
            for future in futures:
                results, times = future.result()
                by_id.update((x.article_id, x) for x in results)
                for stage, seconds in times.items():
                    self.times.add(stage, seconds)
            return [by_id[i] for i in ids]

        return collect

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ParallelPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_extractor(settings: Settings) -> Pipeline | ParallelPipeline:
    """The pipeline the settings ask for: in-process, or ``extract.workers`` processes."""
    import os

    workers = settings.get_int("extract.workers")
    if workers <= 0:
        workers = min(os.cpu_count() or 1, 4)
    if workers == 1:
        from vigil.extract.pipeline import Pipeline

        return Pipeline.load(settings)
    return ParallelPipeline(settings, workers)
