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
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import TEST_POSTGRES, WIKINEWS
from tests.store.test_faults import _counts
from vigil.store import open_store, store_url

ROOT = Path(__file__).resolve().parents[2]
BATCH = 10


class Cluster:
    """A throw-away PostgreSQL cluster started by scripts/pg-test-server, with 1 MiB WAL segments."""

    def __init__(self, file_size_kb: int | None) -> None:
        env = {**os.environ, "PG_TEST_INITDB_ARGS": "--wal-segsize=1"}
        if file_size_kb is not None:
            env["PG_TEST_FILE_SIZE_KB"] = str(file_size_kb)
        started = subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg-test-server"), "start"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        exported = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines())
        self.url, self.dir = exported["VIGIL_TEST_POSTGRES"], Path(exported["PG_TEST_DIR"])
        self.admin = create_engine(store_url(self.url), isolation_level="AUTOCOMMIT", pool_pre_ping=True)

    def database(self, name: str) -> str:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def restart(self) -> None:
        """Restart the server from this process, so without the file-size limit it was started with."""
        pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
        owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*owner, str(pg_ctl), "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log")]
        subprocess.run([*command, "-m", "fast", "-w", "restart"], check=True, capture_output=True)

    def set_read_only(self, on: bool) -> None:
        """Turn the whole server read-only (or back), and wait until new sessions see it."""
        with self.admin.connect() as conn:
            if on:
                conn.exec_driver_sql("ALTER SYSTEM SET default_transaction_read_only = on")
            else:
                conn.exec_driver_sql("ALTER SYSTEM RESET default_transaction_read_only")
            conn.exec_driver_sql("SELECT pg_reload_conf()")
        want = "on" if on else "off"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # a new session starts from the postmaster's settings: once it sees the change, the
            # postmaster has reloaded and signalled every running session to reload too
            with self.admin.connect() as conn:
                if conn.exec_driver_sql("SHOW default_transaction_read_only").scalar_one() == want:
                    return
            time.sleep(0.05)
        raise AssertionError(f"the server did not reload default_transaction_read_only = {want}")

    def wait_for_lock(self, database: str, proc: subprocess.Popen[str]) -> None:
        """Wait until a session of ``database`` waits for a lock (the ingest, for the row we hold)."""
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'"
        ).bindparams(db=database)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            with self.admin.connect() as conn:  # a new session: a fresh view of the activity
                if conn.execute(query).scalar_one():
                    return
            time.sleep(0.1)
        raise AssertionError("the ingest's first batch never waited for the store version")

    def stop(self) -> None:
        self.admin.dispose()
        subprocess.run(["bash", str(ROOT / "scripts" / "pg-test-server"), "stop", str(self.dir)], check=False)


def _cluster(file_size_kb: int | None) -> Iterator[Cluster]:
    if not TEST_POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: run the suite through `bash scripts/ci-postgres make test`.")
        pytest.skip("PostgreSQL fault tests run with the PostgreSQL tests (VIGIL_TEST_POSTGRES set)")
    cluster = Cluster(file_size_kb)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def small_server() -> Iterator[Cluster]:
    """No file of the server may grow past 1 MiB: the WAL segments just fit, the store's biggest index does not."""
    yield from _cluster(1024)


@pytest.fixture
def server() -> Iterator[Cluster]:
    yield from _cluster(None)


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
