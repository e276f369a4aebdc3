"""The Ray engine stores what the local engine stores, row for row (Wikinews articles and the reference article).

Both engines ingest the first 10 Wikinews articles and the reference article into SQLite. The Parquet
path re-uses the running Ray on an 8-article slice and loads it into every backend.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REFERENCE_ARTICLE, TABLES, WIKINEWS, rows
from vigil.config import Settings
from vigil.store import Store, open_store, schema

pytest.importorskip("ray.data", reason="the Ray engine needs `pip install 'vigil[ray]'`")

pytestmark = pytest.mark.slow

_NOT_ID = frozenset(c.name for c in schema.articles.c if c.name != "id")


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """One local Ray (2 CPUs) for the module, shut down whatever happens."""
    import ray

    from vigil.scale.ray import ray_session

    assert not ray.is_initialized()
    ray_session(num_cpus=2)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def engines(
    tmp_path_factory: pytest.TempPathFactory, ray_cluster: None, pipeline: Any
) -> Iterator[tuple[Store, Store]]:
    """The first 10 Wikinews articles and the reference article with extraction: the local engine's store
    (in-process, the session's pipeline) and a Ray ingest of the same inputs."""
    from vigil.config import load_settings
    from vigil.ingest.job import ingest
    from vigil.scale.ray import ingest_ray

    settings: Settings = load_settings(env={})
    tmp = tmp_path_factory.mktemp("engines")
    inputs = [str(_wikinews_slice(tmp, 10)), str(REFERENCE_ARTICLE)]
    local = open_store(tmp / "local.db")
    local_done = ingest(inputs, local, settings, extractor=pipeline)
    assert local_done.ingested == local_done.extracted == 11
    on_ray = open_store(tmp / "ray.db")
    ray_done = ingest_ray(inputs, settings, store=on_ray)
    a = schema.articles
    assert (ray_done.ingested, ray_done.extracted, ray_done.near_duplicates) == (
        local.count(a),
        local.count(schema.extractions),
        local.count(a, a.c.duplicate_of.is_not(None)),
    )
    assert sorted(ray_done.article_ids) == sorted(r[0] for r in rows(local, a, drop=_NOT_ID))
    yield local, on_ray
    local.close()
    on_ray.close()


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_ray_ingest_equals_local_row_for_row(engines: tuple[Store, Store], table: Any) -> None:
    local, on_ray = engines
    expected = rows(local, table)
    if table.name in {"articles", "extractions", "sentences", "mentions", "events", "domain_tags", "tones"}:
        assert expected, f"the local engine stored no {table.name}: nothing compared"
    assert rows(on_ray, table) == expected


def _wikinews_slice(tmp_path: Path, articles: int) -> Path:
    """The first ``articles`` rows of a Wikinews CSV (header kept), as a file of their own."""
    with WIKINEWS[0].open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        head = [next(reader) for _ in range(articles + 1)]
    part = tmp_path / "part.csv"
    with part.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(head)
    return part


@pytest.fixture(scope="module")
def parquet_slice(tmp_path_factory: pytest.TempPathFactory, ray_cluster: None) -> Path:
    """An 8-article Wikinews slice ingested by Ray into Parquet files (``--parquet DIR``), written once."""
    from vigil.config import load_settings
    from vigil.scale.ray import ingest_ray

    tmp = tmp_path_factory.mktemp("parquet")
    folder = tmp / "parquet"
    written = ingest_ray([str(_wikinews_slice(tmp, 8))], load_settings(env={}), parquet=folder)
    assert written.ingested == 8 and written.extracted == 8 and not written.rejected
    return folder


def test_ray_parquet_then_load_equals_direct_ingest(
    engines: tuple[Store, Store], parquet_slice: Path, new_db: Callable[[], str]
) -> None:
    """`--parquet DIR` then `vigil load DIR` stores what a direct ingest stores (on each backend)."""
    local, _ = engines
    folder = parquet_slice
    db = new_db()
    done = subprocess.run(
        [sys.executable, "-m", "vigil", "--db", db, "load", str(folder), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ingested"] == 8
    with open_store(db) as loaded:
        ids = {r[0] for r in rows(loaded, schema.articles)}
        assert len(ids) == 8
        for table in TABLES[4:]:
            if table.name == "actors":
                continue  # the store-wide actor table also holds actors of other articles
            assert rows(loaded, table) == rows(local, table, ids), table.name
        # The slice was read from another file: only where it came from differs.
        origin = frozenset({"origin"})
        assert rows(loaded, schema.articles, drop=origin) == rows(local, schema.articles, ids, drop=origin)


def test_ray_parquet_cli_leaves_the_store_alone(tmp_path: Path) -> None:
    """`vigil ingest --engine ray --parquet DIR` writes files only: the --db store is not created."""
    part = _wikinews_slice(tmp_path, 3)
    db = tmp_path / "untouched.db"
    folder = tmp_path / "parquet"
    done = subprocess.run(
        [sys.executable, "-m", "vigil", "--db", str(db), "ingest", "--engine", "ray", "--parquet", str(folder)]
        + ["--no-extract", "--json", str(part)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ingested"] == 3
    assert list(folder.glob("*.parquet")) and not db.exists()


def test_local_ray_refuses_clients_without_its_token(ray_cluster: None) -> None:
    """Ray's services listen on every interface; the token made by `ray_session` keeps others out."""
    import os

    import ray

    assert os.environ["RAY_AUTH_MODE"] == "token"
    address = ray.get_runtime_context().gcs_address
    probe = (
        "import sys\nfrom ray._raylet import GcsClient\n"
        "try:\n    GcsClient(address=sys.argv[1]).internal_kv_keys(b'', namespace=None, timeout=20)\n"
        "    print('CONNECTED')\nexcept Exception as exc:\n    print('REFUSED', type(exc).__name__)\n"
    )
    stranger = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH")}
    refused = subprocess.run([sys.executable, "-c", probe, address], env=stranger, capture_output=True, text=True)
    assert refused.stdout.strip() == "REFUSED AuthenticationError", refused.stdout + refused.stderr[-500:]
    holder = subprocess.run([sys.executable, "-c", probe, address], capture_output=True, text=True)
    assert holder.stdout.strip() == "CONNECTED", holder.stdout + holder.stderr[-500:]
