"""Faults injected on purpose, with real processes: the store never keeps half of anything.

Migrations run in one transaction under a lock; an ingest killed mid-way keeps whole articles
only, and its re-run ends with the counts of an uninterrupted run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.conftest import WIKINEWS
from vigil.store import open_store, store_url

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _tables(location: str) -> set[str]:
    engine = create_engine(store_url(location))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


FAILING_MIGRATION = """
import sys, time
from vigil.store import migrations, open_store
def last(conn):
    if sys.argv[2] == "sleep":
        print("migrating", flush=True)
        time.sleep(60)
    raise RuntimeError("injected failure in a migration")
migrations.MIGRATIONS.append(("9999_injected", last))
open_store(sys.argv[1])
"""


def test_a_failing_migration_leaves_no_half_made_schema(new_db: Callable[[], str]) -> None:
    location = new_db()
    proc = _python(FAILING_MIGRATION, location, "fail")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0 and "injected failure" in err
    assert _tables(location) <= {"vigil_migrations"}  # nothing of the run that failed
    store = open_store(location)  # the next open migrates from scratch
    try:
        assert "articles" in _tables(location) and store.articles(limit=1) == []
    finally:
        store.close()


def test_a_process_killed_during_a_migration_leaves_a_store_that_opens(new_db: Callable[[], str]) -> None:
    location = new_db()
    proc = _python(FAILING_MIGRATION, location, "sleep")
    assert proc.stdout is not None and proc.stdout.readline().strip() == "migrating"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert _tables(location) <= {"vigil_migrations"}
    store = open_store(location)
    try:
        assert set(store.applied_migrations) == {name for name, _ in _migrations()}
    finally:
        store.close()


def _migrations() -> list[tuple[str, object]]:
    from vigil.store.migrations import MIGRATIONS

    return [m for m in MIGRATIONS if not m[0].startswith("9999")]


OPEN = """
import sys
from vigil.store import open_store
s = open_store(sys.argv[1])
print(len(s.applied_migrations))
s.close()
"""


def test_two_processes_opening_a_new_store_migrate_it_once(new_db: Callable[[], str]) -> None:
    location = new_db()
    procs = [_python(OPEN, location) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-1000:] for o in outs]
    applied = sorted(int(o[0]) for o in outs)
    assert applied[-1] == len(_migrations()) and applied[:-1] == [0, 0]
    engine = create_engine(store_url(location))
    try:
        with engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM vigil_migrations")).scalars().all()
    finally:
        engine.dispose()
    assert sorted(names) == sorted(name for name, _ in _migrations())


INGEST = """
import sys
from vigil.config import load_settings
from vigil.ingest.pipeline import ingest
from vigil.extract.parallel import load_extractor
from vigil.store import open_store
settings = load_settings(env={}, overrides={"ingest.batch_size": 5, "extract.workers": 1})
store = open_store(sys.argv[1])
extractor = load_extractor(settings)
result = ingest(sys.argv[2:], store, settings, extractor=extractor)
print(result.ingested, result.extracted, flush=True)
"""


def _counts(location: str) -> dict[str, int]:
    store = open_store(location)
    try:
        with store.engine.connect() as conn:
            return {
                name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608 - fixed names
                for name in ("articles", "sentences", "mentions", "events", "extractions")
            }
    finally:
        store.close()


def _slice(tmp_path: Path, n: int) -> str:
    """The first ``n`` Wikinews articles as a CSV of their own (read from ../shared, written to tmp)."""
    import csv

    csv.field_size_limit(sys.maxsize)
    with WIKINEWS[0].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:n]
    path = tmp_path / "slice.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


@pytest.mark.slow
def test_an_ingest_killed_during_extraction_loses_nothing_acknowledged(
    new_db: Callable[[], str], tmp_path: Path
) -> None:
    inputs = [_slice(tmp_path, 40)]
    whole = new_db()
    clean = _python(INGEST, whole, *inputs)
    out, err = clean.communicate(timeout=900)
    assert clean.returncode == 0, err[-2000:]
    expected = _counts(whole)
    assert expected["articles"] == 40 and expected["events"] > 0

    killed = new_db()
    proc = _python(INGEST, killed, *inputs)
    deadline = time.monotonic() + 600
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
        try:
            seen = _counts(killed)["articles"]
        except Exception:  # the store may not exist yet
            continue
        if 0 < seen < expected["articles"]:
            break
    assert proc.poll() is None, "the ingest ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    partial = _counts(killed)
    assert 0 < partial["articles"] < expected["articles"]
    # every stored article is whole: extracted, with its sentences
    store = open_store(killed)
    try:
        with store.engine.connect() as conn:
            unextracted = conn.execute(
                text(
                    "SELECT count(*) FROM articles a "
                    "WHERE NOT EXISTS (SELECT 1 FROM extractions x WHERE x.article_id = a.id)"
                )
            ).scalar_one()
    finally:
        store.close()
    assert unextracted == 0

    rerun = _python(INGEST, killed, *inputs)
    out, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, err[-2000:]
    assert _counts(killed) == expected
