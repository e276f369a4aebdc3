"""Fixtures for the analyses: one store with the Wikinews corpus and the reference article, extracted once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_store
from vigil.analyze.watches import Watch, example_watches, parse_watch
from vigil.store import Store, open_store


@pytest.fixture(scope="session")
def corpus_path(tmp_path_factory: pytest.TempPathFactory, extracted_corpus: Path) -> Path:
    """A store file holding the Wikinews corpus and the reference article, extracted (a session copy)."""
    return copy_store(extracted_corpus, tmp_path_factory.mktemp("corpus") / "vigil.db")


@pytest.fixture(scope="session")
def corpus(corpus_path: Path) -> Iterator[Store]:
    """The corpus store (read-only by convention: tests that write use their own store)."""
    store = open_store(corpus_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def japan_watch() -> Watch:
    return parse_watch(example_watches()["japan-us-2024.yaml"], source="japan-us-2024.yaml")


@pytest.fixture(scope="session")
def gbr_watch() -> Watch:
    return parse_watch(example_watches()["gbr-us-2020.yaml"], source="gbr-us-2020.yaml")


@pytest.fixture
def seed_store(tmp_path: Path, reference_db: Path) -> Iterator[Store]:
    """A fresh store with only the reference article, extracted (a copy of the session's extraction)."""
    store = open_store(copy_store(reference_db, tmp_path / "seed.db"))
    yield store
    store.close()
