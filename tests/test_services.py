"""The workflows of vigil.services: ingest then alerts, extract then alerts, look-ups that raise NotFoundError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vigil import services
from vigil.analyze.watches import example_watches, parse_watch
from vigil.config import Settings
from vigil.errors import NotFoundError
from vigil.store import Store, open_store
from vigil.store import analysis as analysis_store

from .conftest import REFERENCE_ARTICLE


@pytest.fixture
def watched(tmp_path: Path) -> Any:
    """An empty store holding the Japan watch, whose rules the reference article (real news) fires."""
    store = open_store(tmp_path / "v.db")
    text = example_watches()["japan-us-2024.yaml"]
    analysis_store.save_watch_yaml(store, parse_watch(text, source="japan-us-2024.yaml").name, text)
    yield store
    store.close()


def test_services_ingest_fires_the_stored_watches_alerts(watched: Store, pipeline: Any, settings: Settings) -> None:
    result = services.ingest_inputs([str(REFERENCE_ARTICLE)], watched, settings, extractor=pipeline)
    assert result.ingested == 1 and result.extracted == 1
    assert result.alerts, "the Japan watch's rules fire on the reference article"
    assert {a.watch for a in result.alerts} == {"japan-us-2024"}
    stored = analysis_store.list_alerts(watched, limit=None)
    assert {a.id for a in stored} == {a.id for a in result.alerts}
    again = services.ingest_inputs([str(REFERENCE_ARTICLE)], watched, settings, extractor=pipeline)
    assert again.ingested == 0 and again.alerts == []


def test_services_extract_fires_alerts_for_articles_extracted_the_first_time(
    watched: Store, pipeline: Any, settings: Settings
) -> None:
    stored_only = services.ingest_inputs([str(REFERENCE_ARTICLE)], watched, settings, extractor=None)
    assert stored_only.ingested == 1 and stored_only.extracted == 0 and stored_only.alerts == []
    first = services.extract_articles(watched, pipeline, settings)
    assert first.extracted == 1 and first.alerts
    assert {a.id for a in analysis_store.list_alerts(watched, limit=None)} == {a.id for a in first.alerts}
    forced = services.extract_articles(watched, pipeline, settings, force=True)
    assert forced.extracted == 1 and forced.alerts == []


def test_services_ingest_without_alerts_stores_none(watched: Store, pipeline: Any, settings: Settings) -> None:
    result = services.ingest_inputs([str(REFERENCE_ARTICLE)], watched, settings, extractor=pipeline, alerts=False)
    assert result.extracted == 1 and result.alerts == []
    assert analysis_store.list_alerts(watched, limit=None) == []


@pytest.mark.parametrize(
    ("look_up", "key", "message"),
    [
        (services.get_article, "0123456789ab", "No article with id '0123456789ab'. List ids with `vigil articles`"),
        (services.get_event, "0" * 20, "No event with id"),
        (services.get_actor, "person:nobody-at-all", "No actor 'person:nobody-at-all'. Find ids"),
        (services.get_watch, "no-such-watch", "Stored watches: japan-us-2024."),
    ],
)
def test_services_look_ups_raise_not_found(watched: Store, look_up: Any, key: str, message: str) -> None:
    with pytest.raises(NotFoundError, match="^No ") as caught:
        look_up(watched, key)
    assert message in str(caught.value)
    assert caught.value.key == key


def test_services_unknown_engine_is_a_config_error() -> None:
    from vigil.errors import ConfigError

    with pytest.raises(ConfigError, match="Unknown engine 'spark'"):
        services.check_ingest("spark", [str(REFERENCE_ARTICLE)])
    with pytest.raises(ConfigError, match="need `--engine ray`"):
        services.check_ingest("local", [str(REFERENCE_ARTICLE)], address="ray://x:10001")


def test_services_news_please_import_fires_alerts(watched: Store, settings: Settings, tmp_path: Path) -> None:
    import json

    text = REFERENCE_ARTICLE.read_text(encoding="utf-8").split(" ", 3)[3]  # without the " date YYYY-MM-DD " header
    record = {"maintext": text, "title": "Japan watches the US primaries", "date_publish": "2024-01-27 08:00:00",
              "url": "https://example.org/japan-primaries", "source_domain": "example.org"}  # fmt: skip
    path = tmp_path / "news.json"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    one_worker = settings.replace(extract__workers=1)
    result, alerts = services.import_articles("news-please", [str(path)], watched, one_worker)
    assert result.total("imported") == 1 and alerts
    assert {a.id for a in analysis_store.list_alerts(watched, limit=None)} == {a.id for a in alerts}
    again, none = services.import_articles("news-please", [str(path)], watched, one_worker, extract=False)
    assert again.total("imported") == 0 and none == []
