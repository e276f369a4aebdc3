from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import SQLAlchemyError

from tests.conftest import SEED, SHARED, WIKINEWS
from vigil.config import Settings
from vigil.ingest.job import ingest, ingest_records
from vigil.models import DateSource, RawArticle
from vigil.store import Store, open_store, schema


def _raw(text: str, source: str = "example.org", location: str = "1") -> RawArticle:
    return RawArticle(
        text=text,
        title=None,
        url=None,
        source=source,
        published=date(2024, 1, 27),
        date_source=DateSource.FIELD,
        origin="test",
        location=location,
        language="en",
    )


BASE = (
    "The Japanese government is keeping a vigilant eye on the unfolding U.S. presidential primaries, "
    "and officials in Tokyo are preparing for every outcome of the race, including a second Trump term. "
    "Ministers met on Friday to review the alliance, trade and the Group of Seven agenda for the year."
)


def test_pipeline_reingest_adds_nothing(store: Store, settings: Settings) -> None:
    inputs = [str(p) for p in WIKINEWS] + [str(SEED)]
    first = ingest(inputs, store, settings)
    assert first.ingested == 296 and not first.rejected
    again = ingest(inputs, store, settings)
    assert again.ingested == 0 and again.exact_duplicates == 296
    assert store.count(schema.articles) == 296


def test_pipeline_near_duplicates_are_linked_not_dropped(store: Store, settings: Settings) -> None:
    syndicated = BASE.replace("on Friday", "on Friday afternoon")
    other_outlet = BASE  # same text, another source: a different id, a near duplicate
    unrelated = "Floods hit the north of the country after a week of heavy rain, and roads were closed to traffic."
    result = ingest_records(
        [
            _raw(BASE),
            _raw(syndicated, location="2"),
            _raw(other_outlet, source="mirror.example", location="3"),
            _raw(unrelated, location="4"),
        ],
        store,
        settings,
    )
    assert result.ingested == 4 and result.near_duplicates == 2
    rows = store.articles(limit=None)
    original = next(a for a in rows if a.text == BASE and a.source == "example.org")
    assert original.duplicate_of is None
    dups = [a for a in rows if a.duplicate_of is not None]
    assert {a.duplicate_of for a in dups} == {original.id}
    assert next(a for a in rows if a.text == unrelated).duplicate_of is None
    # Across runs too: the LSH bands live in the store.
    later = ingest_records([_raw(BASE + " A correction was appended.", location="5")], store, settings)
    assert later.near_duplicates == 1


def test_pipeline_feed_snapshots_store_each_item_once(store: Store, settings: Settings) -> None:
    feeds = sorted((SHARED / "fixtures" / "feeds").glob("wsj_world_*.xml"))
    result = ingest([str(p) for p in feeds], store, settings, fmt="rss")
    assert result.ingested > 0 and result.exact_duplicates > 0
    texts = [a.text for a in store.articles(limit=None)]
    assert len(texts) == len(set(texts))
    again = ingest([str(p) for p in feeds], store, settings, fmt="rss")
    assert again.ingested == 0


def _consistency(location: str) -> tuple[int, int, int]:
    """Counts of a store, after checking that no article was half written or written twice."""
    with open_store(location) as s, s.engine.connect() as con:
        one = lambda sql: con.exec_driver_sql(sql).scalar_one()  # noqa: E731
        articles = one("SELECT count(*) FROM articles")
        without_sig = one("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM article_minhashes)")
        assert without_sig == 0, "an article without its signature: a partial write"
        assert one("SELECT count(*) FROM article_minhashes") == articles, "a signature stored twice or orphaned"
        assert one("SELECT count(DISTINCT article_id) FROM lsh_bands") == articles, "an article without its bands"
        twice = one(
            "SELECT count(*) FROM (SELECT band_key, article_id FROM lsh_bands "
            "GROUP BY band_key, article_id HAVING count(*) > 1) AS d"
        )
        assert twice == 0, "a band row stored twice"
        if s.dialect == "sqlite":
            assert one("SELECT count(*) FROM articles_fts") == articles, "full-text index out of step with articles"
        bands = one("SELECT count(*) FROM lsh_bands")
        dups = one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")
        return articles, bands, dups


def _ids(location: str) -> list[tuple[str, str | None]]:
    with open_store(location) as s:
        return sorted((a.id, a.duplicate_of) for a in s.articles(limit=None))


def _ingest_cmd(location: str, batch_size: int = 5) -> list[str]:
    return [
        sys.executable,
        "-m",
        "vigil",
        "--db",
        location,
        "--set",
        f"ingest.batch_size={batch_size}",
        "ingest",
        "--no-extract",
        *map(str, WIKINEWS),
    ]


_ENV = {**os.environ, "VIGIL_EXTRACT_ENABLED": "false"}


_Reference = tuple[tuple[int, int, int], list[tuple[str, str | None]]]
_UNINTERRUPTED: dict[str, _Reference] = {}  # per backend


def _uninterrupted(backend: str, new_db: Callable[[], str]) -> _Reference:
    """The counts and ids of one uninterrupted `vigil ingest` of the inputs on ``backend`` (run once per backend)."""
    if backend not in _UNINTERRUPTED:
        reference = new_db()
        subprocess.run(_ingest_cmd(reference), check=True, capture_output=True, env=_ENV)
        _UNINTERRUPTED[backend] = (_consistency(reference), _ids(reference))
    return _UNINTERRUPTED[backend]


def _ingested(stdout: str) -> int:
    match = re.search(r"ingested (\d+)", stdout)
    assert match, stdout
    return int(match.group(1))


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL: tests/store/test_faults.py kills ingests there
def test_pipeline_kill_9_mid_ingest_then_rerun_completes(new_db: Callable[[], str], backend: str) -> None:
    """A real subprocess killed with SIGKILL mid-ingest leaves whole batches only; a re-run completes."""
    db = new_db()
    cmd = _ingest_cmd(db)
    open_store(db).close()  # created and migrated, so progress can be polled from the start
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV)
    deadline = time.monotonic() + 60
    seen = 0
    with open_store(db) as watcher:
        while time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                seen = watcher.count(schema.articles)
            except SQLAlchemyError:
                continue
            if seen >= 20:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial, _, _ = _consistency(db)
    assert 0 < partial < 295, f"the kill should land mid-ingest (stored {partial})"
    rerun = subprocess.run(cmd, capture_output=True, text=True, env=_ENV, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert (_consistency(db), _ids(db)) == _uninterrupted(backend, new_db)


def test_pipeline_two_concurrent_ingests_store_each_article_once(new_db: Callable[[], str], backend: str) -> None:
    """Two real processes ingesting the same inputs into one store at once lose and duplicate nothing."""
    db = new_db()
    open_store(db).close()
    procs = [
        subprocess.Popen(
            _ingest_cmd(db, batch_size=size), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_ENV
        )
        for size in (5, 7)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    reference, reference_ids = _uninterrupted(backend, new_db)
    articles, bands, _ = _consistency(db)
    assert articles == 295
    assert (articles, bands) == reference[:2]
    assert [i for i, _ in _ids(db)] == [i for i, _ in reference_ids]
    # Each article is counted by the one process whose write landed.
    assert sum(_ingested(out) for out, _ in outputs) == 295


def test_pipeline_ingest_while_reading_loses_nothing(new_db: Callable[[], str]) -> None:
    """Status and article listings in a loop while a real process ingests: reads never fail or go back."""
    db = new_db()
    open_store(db).close()
    proc = subprocess.Popen(_ingest_cmd(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_ENV)
    counts: list[int] = []
    with open_store(db) as reader:
        while True:
            done = proc.poll() is not None
            info = reader.status()
            listed = reader.articles(limit=None)
            assert len(listed) >= info["articles"]
            counts.append(info["articles"])
            if done:
                break
            time.sleep(0.02)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert counts == sorted(counts), "a reader saw the store shrink"
    assert counts[-1] == 295 and len(counts) > 2
    assert _consistency(db)[0] == 295


def test_pipelined_ingest_with_workers_equals_one_batch_at_a_time(tmp_path: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    """With worker processes, batch k+1 is extracted while batch k is written: same store, same counts.

    Duplicates are placed so that their original is in the batch still being written (and in the
    store, and in the same batch): each is caught as when the batches go one at a time.
    """
    from dataclasses import replace

    from tests.conftest import TABLES, rows
    from vigil.config import load_settings
    from vigil.extract.parallel import ParallelPipeline
    from vigil.ingest.readers import read_inputs

    settings = load_settings(env={}, overrides={"ingest.batch_size": 4})
    raws = [r for r in read_inputs([str(WIKINEWS[0])], settings=settings) if isinstance(r, RawArticle)][:9]
    mirror = "mirror.example"
    records = (
        raws[:5]  # batches of 4: items 0-3, 4-7, 8-11, 12
        + [raws[1]]  # exact duplicate of an article in the batch before
        + raws[5:7]
        + [replace(raws[6], source=mirror), replace(raws[2], source=mirror)]  # near: batch before; store
        + [replace(raws[7], source=mirror)]  # near: same batch (this copy comes first)
        + raws[7:9]
    )
    results, stores = [], []
    # in-process: the session's pipeline (its settings differ in no extraction setting)
    for name, extractor in (("one.db", pipeline), ("pipelined.db", ParallelPipeline(settings, 2))):
        store = open_store(tmp_path / name)
        try:
            results.append(ingest_records(records, store, settings, extractor=extractor))
        finally:
            extractor.close()
        stores.append(store)
    one, pipelined = results
    assert (one.ingested, one.exact_duplicates, one.near_duplicates, one.extracted) == (12, 1, 3, 12)
    assert (pipelined.ingested, pipelined.exact_duplicates, pipelined.near_duplicates) == (12, 1, 3)
    assert pipelined.article_ids == one.article_ids
    for table in TABLES:
        assert rows(stores[1], table) == rows(stores[0], table), table.name
    for store in stores:
        store.close()
