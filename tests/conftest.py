"""Shared fixtures. Third-party data is read from ../shared, never copied into the project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vigil.config import Settings, load_settings
from vigil.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
WIKINEWS = sorted((SHARED / "corpus" / "wikinews").glob("*.csv"))
SEED = SHARED / "corpus" / "seed"


@pytest.fixture
def settings() -> Settings:
    return load_settings(env={})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "vigil.db")
    yield s
    s.close()
