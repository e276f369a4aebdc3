from __future__ import annotations

from datetime import date

import pytest

from vigil.config import Settings
from vigil.ingest.fields import build_article, clean_text, resolve_columns, source_from_url
from vigil.ingest.markup import fragment_to_text
from vigil.models import DateSource, RawArticle, Rejection

LONG = "Officials said the agreement would be signed next week in Geneva after months of talks."


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://en.wikinews.org//wiki/Magnitogorsk", "en.wikinews.org"),
        ("https://www.rt.com/news/1/", "rt.com"),
        ("https://archive.is/newest/https://www.wsj.com/world/x-1", "wsj.com"),
        ("https://web.archive.org/web/2020/https://www.ft.com/content/x", "ft.com"),
        ("not a url", None),
        (None, None),
    ],
)
def test_records_source_from_url(url: str | None, source: str | None) -> None:
    assert source_from_url(url) == source


def test_records_clean_text_keeps_paragraphs() -> None:
    assert clean_text("  One.  \r\n\r\n\r\n Two.\n\n\n\nThree.\n") == "One.\n\n Two.\n\nThree."


def test_records_source_field_wins_and_domains_normalised(settings: Settings) -> None:
    fields = {"text": LONG, "source": "www.Reuters.com", "url": "https://www.rt.com/x"}
    article = build_article(fields, origin="o", location="line 1", date_source=DateSource.FIELD, settings=settings)
    assert isinstance(article, RawArticle) and article.source == "reuters.com"
    named = build_article(
        {"text": LONG, "source": "The Guardian"},
        origin="o",
        location="x",
        date_source=DateSource.FIELD,
        settings=settings,
    )
    assert isinstance(named, RawArticle) and named.source == "The Guardian"


def test_records_min_text_chars_setting(settings: Settings) -> None:
    strict = settings.replace(ingest__min_text_chars=200)
    record = build_article({"text": LONG}, origin="o", location="line 3", date_source=DateSource.FIELD, settings=strict)
    assert record == Rejection(
        "o", "line 3", f"text too short: {len(LONG)} characters, fewer than 200 (setting ingest.min_text_chars)"
    )


def test_records_date_resolution_uses_today(settings: Settings) -> None:
    record = build_article(
        {"text": LONG, "date": "2024-06-05"},
        origin="o",
        location="x",
        date_source=DateSource.FIELD,
        settings=settings,
        today=date(2024, 6, 1),
    )
    assert isinstance(record, RawArticle) and record.date_note == "future date 2024-06-05"


def test_records_resolve_columns() -> None:
    mapping, missing = resolve_columns(["URL", "Date", "Body"], {"text": "Body", "title": "Headline"})
    assert mapping == {"text": "Body", "url": "URL", "date": "Date"} and missing == ["title='Headline'"]


def test_records_fragment_to_text_drops_scripts() -> None:
    markup = "<p>First &amp; foremost.</p><script>evil()</script><style>p{}</style><p>Second<br>line.</p>"
    assert fragment_to_text(markup) == "First & foremost.\n\nSecond\n\nline."
    assert fragment_to_text("Plain &lt;text&gt;") == "Plain <text>"
