"""Tests of vigil.ingest. Shared data is read from ../shared (see tests/conftest.py), never copied."""

from __future__ import annotations

from pathlib import Path

SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
SEED = SHARED / "corpus" / "seed"
WIKINEWS = sorted((SHARED / "corpus" / "wikinews").glob("*.csv"))
