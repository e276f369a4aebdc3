"""How the dashboard names ids (no store needed), and the chart series with their gaps."""

from __future__ import annotations

from datetime import date

from vigil.web.charts import bucketed_series
from vigil.web.names import Names, url_host


def test_actor_names_come_from_the_store_the_knowledge_base_or_the_text() -> None:
    names = Names(None)
    assert names.actor("person:taro-aso") == "Taro Aso"  # the knowledge base's name
    assert names.actor("prov:acme-corp", "Acme Corp.") == "Acme Corp."  # the text that mentioned it
    assert names.actor("prov:acme-corp") == "acme corp"  # never the raw id
    assert names.actor(None) == "—" and names.actor(None, "the troops") == "the troops"


def test_sources_fall_back_to_the_url_host() -> None:
    assert Names.source("Reuters", "https://www.example.org/a") == "Reuters"
    assert Names.source(None, "https://www.example.org/a") == "example.org"
    assert Names.source("  ", "http://news.example.org:8080/a") == "news.example.org"
    assert Names.source(None, "javascript:alert(1)") == "unknown source"
    assert Names.source(None, None) == "unknown source"
    assert url_host("ftp://example.org/x") is None


def test_article_names_follow_the_one_label_rule() -> None:
    names = Names(None)
    assert names.article("abc", "  A   title ") == "A title"
    assert names.article(None) == "(unknown article)"


def test_tone_series_breaks_at_empty_buckets() -> None:
    one = bucketed_series({date(2024, 1, 27): [0.2, 0.4]})
    assert one == {"unit": "week", "points": [{"start": "2024-01-22", "value": 0.3, "n": 2}]}
    gap = bucketed_series({date(2024, 1, 1): [0.5], date(2024, 1, 29): [-0.5]})
    assert [p["value"] for p in gap["points"]] == [0.5, None, None, None, -0.5]
    years = bucketed_series({date(2019, 5, 3): [0.1], date(2024, 1, 27): [0.2]})
    assert years["unit"] == "month" and years["points"][0]["start"] == "2019-05-01"
    assert years["points"][-1]["start"] == "2024-01-01" and sum(p["value"] is not None for p in years["points"]) == 2
    assert bucketed_series({}) == {"unit": "week", "points": []}
