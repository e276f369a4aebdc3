"""A PostgreSQL server that stops accepting writes in the middle of an ingest, on a real server.

Each test starts a throw-away cluster of its own (``scripts/pg-test-server``): one whose files may not
grow past 1 MiB (``ulimit -f``: the server's writes then fail with "File too large", as on a full disk),
one turned read-only between two batches (``ALTER SYSTEM SET default_transaction_read_only``, what an
operator or a demotion to a standby does). The ingest must stop with a clear message and exit code 2,
keep every batch written before the fault, and a re-run once the fault is gone must end with the
counts of an uninterrupted run. The ingests store articles without extracting them (``--no-extract``):
the fault is in the batch's transaction, which is the same with or without extraction, and extraction
would multiply the time of these tests (the killed-during-extraction tests of ``test_faults.py`` cover it).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import WIKINEWS
from tests.store.pg_cluster import Cluster, own_cluster
from tests.store.test_faults import _counts
from vigil.store import open_store, store_url

ROOT = Path(__file__).resolve().parents[2]
BATCH = 10


@pytest.fixture
def small_server() -> Iterator[Cluster]:
    """No file of the server may grow past 1 MiB: the WAL segments just fit, the store's biggest index does not."""
    yield from own_cluster(1024)


@pytest.fixture
def server() -> Iterator[Cluster]:
    yield from own_cluster(None)


def _ingest(location: str) -> subprocess.Popen[str]:
    """`vigil ingest --no-extract` of both Wikinews files (295 real articles), 10 a batch."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "vigil", "--db", location, "--set", f"ingest.batch_size={BATCH}"]
    command += ["ingest", "--no-extract", *map(str, WIKINEWS)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _counts_and_urls(location: str) -> tuple[dict[str, int], set[str]]:
    counts = _counts(location)
    engine = create_engine(store_url(location))
    try:
        with engine.connect() as conn:
            for table in ("article_minhashes", "rejections"):
                counts[table] = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            urls = set(conn.execute(text("SELECT url FROM articles")).scalars())
    finally:
        engine.dispose()
    return counts, urls


def _input_urls() -> list[str]:
    csv.field_size_limit(sys.maxsize)
    urls: list[str] = []
    for path in WIKINEWS:
        with path.open(encoding="utf-8", newline="") as handle:
            urls += [row["url"] for row in csv.DictReader(handle)]
    return urls


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, int], set[str]]:
    """The counts and article URLs of an uninterrupted ingest of the same input."""
    location = str(tmp_path_factory.mktemp("whole") / "whole.db")
    proc = _ingest(location)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    counts, urls = _counts_and_urls(location)
    assert counts["articles"] > 250 and counts["article_minhashes"] == counts["articles"] - _duplicates(location)
    return counts, urls


def _duplicates(location: str) -> int:
    engine = create_engine(store_url(location))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")).scalar_one())
    finally:
        engine.dispose()


def _kept_whole_batches(partial: set[str], whole: set[str]) -> None:
    """What the failed ingest kept is everything the uninterrupted one stored up to some article of
    the input, with no gap: every batch before the fault is there, nothing after it."""
    order = [url for url in _input_urls() if url in whole]
    assert partial and partial < whole
    assert partial == set(order[: len(partial)])


def _rerun_completes(location: str, expected: tuple[dict[str, int], set[str]]) -> None:
    rerun = _ingest(location)
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err[-2000:]
    counts, urls = _counts_and_urls(location)
    assert counts == expected[0] and urls == expected[1]  # no article twice, none missing


@pytest.mark.slow
def test_a_postgresql_server_out_of_disk_space_stops_the_ingest_cleanly(
    small_server: Cluster, expected: tuple[dict[str, int], set[str]]
) -> None:
    location = small_server.database("vigil_full")
    proc = _ingest(location)
    _, err = proc.communicate(timeout=600)
    message = " ".join(err.split())
    assert proc.returncode == 2, err[-2000:]
    assert "Traceback" not in err
    assert "is out of disk space: could not extend file" in message and "File too large" in message, err[-2000:]
    assert "Nothing of this batch was stored; the batches before it are kept." in message
    assert "Free space on the server's disk" in message and "run the same command again" in message
    counts, urls = _counts_and_urls(location)
    _kept_whole_batches(urls, expected[1])
    assert counts["article_minhashes"] + _duplicates(location) == counts["articles"]  # each article whole
    small_server.restart()  # the disk has room again
    _rerun_completes(location, expected)


@pytest.mark.slow
def test_a_postgresql_server_turned_read_only_stops_the_ingest_cleanly(
    server: Cluster, expected: tuple[dict[str, int], set[str]]
) -> None:
    location = server.database("vigil_read_only")
    open_store(location).close()  # migrated
    holder = create_engine(store_url(location))
    proc = None
    try:
        with holder.connect() as conn:
            # Hold the store version's row: the ingest's first batch waits for it at its last statement.
            conn.execute(text("SELECT version FROM store_version WHERE id = 1 FOR UPDATE"))
            proc = _ingest(location)
            server.wait_for_lock("vigil_read_only", proc)
            server.set_read_only(True)  # in the middle of the ingest: its first batch is already under way
            conn.rollback()  # the first batch commits; the next one starts read-only
        _, err = proc.communicate(timeout=600)
    finally:
        holder.dispose()
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.communicate()
    message = " ".join(err.split())
    assert proc.returncode == 2, err[-2000:]
    assert "Traceback" not in err
    assert "accepts no writes: cannot execute INSERT in a read-only transaction" in message, err[-2000:]
    assert "Nothing of this batch was stored; the batches before it are kept." in message
    assert "Point --db at the primary server" in message
    counts, urls = _counts_and_urls(location)
    assert counts["articles"] == BATCH  # the first batch, acknowledged before the server turned read-only
    _kept_whole_batches(urls, expected[1])
    server.set_read_only(False)
    _rerun_completes(location, expected)
