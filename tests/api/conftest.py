"""Fixtures of the API tests: the corpus store and TestClients over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.corpus import build_web_store, hostile_id
from tests.conftest import RECALL_VIEW

WRITE_TOKEN = "test-write-token-0123456789"


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory, extracted_corpus: Path) -> Path:
    """The corpus store (built once per session). Tests that write use :func:`writable_db`."""
    return build_web_store(tmp_path_factory.mktemp("webcorpus"), extracted_corpus)


@pytest.fixture(scope="session")
def hostile(web_db: Path) -> str:
    return hostile_id(web_db)


@pytest.fixture
def writable_db(web_db: Path, tmp_path: Path) -> Path:
    """A copy of the corpus store that a test may write to."""
    import shutil
    import sqlite3

    target = tmp_path / "copy.db"
    with sqlite3.connect(web_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    shutil.copymode(web_db, target)
    return target


def make_client(  # type: ignore[no-untyped-def]
    db: Path, *, token: str | None = None, raise_errors: bool = True, overrides: dict[str, object] | None = None
):
    from fastapi.testclient import TestClient

    from vigil.api import create_app
    from vigil.config import load_settings

    app = create_app(
        load_settings(env={}, overrides=overrides or {}), db, token=token, write_token=None if token else WRITE_TOKEN
    )
    return TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=raise_errors)


@pytest.fixture(scope="session")
def client(web_db: Path) -> Iterator:  # type: ignore[type-arg]
    """A client of the app over the corpus store, bound to loopback without VIGIL_TOKEN (read-only use)."""
    with make_client(web_db) as c:
        yield c


@pytest.fixture(scope="session")
def recall_client(web_db: Path) -> Iterator:  # type: ignore[type-arg]
    """A client of the app of a desk that reads events down to ``RECALL_VIEW`` (tests/conftest.py)."""
    with make_client(web_db, overrides={"view.min_confidence": RECALL_VIEW}) as c:
        yield c


@pytest.fixture
def write_client(writable_db: Path) -> Iterator:  # type: ignore[type-arg]
    with make_client(writable_db) as c:
        yield c
