"""The store version: raised by every committed write transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import REFERENCE_ARTICLE
from vigil.analyze.watches import example_watches, parse_watch
from vigil.config import Settings
from vigil.ingest.job import ingest
from vigil.store import Store, schema
from vigil.store import analysis as analysis_store


def test_store_version_raised_by_each_write(store: Store, settings: Settings) -> None:
    start = store.version()
    assert start == 0
    result = ingest([str(REFERENCE_ARTICLE)], store, settings, extractor=None)
    assert result.ingested == 1
    after_ingest = store.version()
    assert after_ingest > start
    assert store.version() == after_ingest  # reading changes nothing
    text = example_watches()["japan-us-2024.yaml"]
    analysis_store.save_watch_yaml(store, parse_watch(text, source="japan").name, text)
    assert store.version() == after_ingest + 1
    analysis_store.add_probability(store, "japan-us-2024", "trump", 0.5, "a poll")
    assert store.version() == after_ingest + 2
    again = ingest([str(REFERENCE_ARTICLE)], store, settings, extractor=None)
    assert again.ingested == 0  # an exact duplicate: nothing new, and no transaction that stored something
    assert store.version() >= after_ingest + 2


def test_store_version_unchanged_by_a_failed_write(store: Store) -> None:
    start = store.version()
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(
            schema.scenario_probabilities.insert().values(
                watch="w", outcome="o", probability=0.1, reason="r", at=datetime(2024, 1, 27)
            )
        )
        raise RuntimeError("the batch fails")
    assert store.version() == start
    assert store.count(schema.scenario_probabilities) == 0
