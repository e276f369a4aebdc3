"""A throw-away PostgreSQL cluster of a test's own, for the tests that break a server on purpose (fill its
disk, turn it read-only, restart it): done to the suite's shared server (VIGIL_TEST_POSTGRES), it would
cut the connections of the tests running beside it under ``pytest -n``."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import TEST_POSTGRES
from vigil.store import store_url

ROOT = Path(__file__).resolve().parents[2]


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


def own_cluster(file_size_kb: int | None) -> Iterator[Cluster]:
    """A throw-away cluster for one test (a fixture's body), stopped afterwards; skipped like the other
    PostgreSQL tests when VIGIL_TEST_POSTGRES is unset, and a failure then under CI."""
    if not TEST_POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: run the suite through `bash scripts/ci-postgres make test`.")
        pytest.skip("PostgreSQL fault tests run with the PostgreSQL tests (VIGIL_TEST_POSTGRES set)")
    cluster = Cluster(file_size_kb)
    try:
        yield cluster
    finally:
        cluster.stop()
