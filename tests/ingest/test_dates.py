from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from vigil.ingest.dates import date_from_url, parse_date, resolve_date
from vigil.models import DateSource

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-27", date(2024, 1, 27)),
        ("2018-06-19T05:50:00+09:00", date(2018, 6, 19)),  # the day as written, not UTC
        ("20180619T055000+0900", date(2018, 6, 19)),
        ("2023-11-06T13:00:15.055Z", date(2023, 11, 6)),
        ("2017-07-17 17:03:00", date(2017, 7, 17)),
        ("Sat, 21 Feb 2026 05:00:07 GMT", date(2026, 2, 21)),
        ("Mon, 30 Dec 2013 14:42:01 -0700", date(2013, 12, 30)),
        ("2019/08/20", date(2019, 8, 20)),
        ("2011年4月8日", date(2011, 4, 8)),
        ("January 4, 2019", date(2019, 1, 4)),
        ("4 January 2019", date(2019, 1, 4)),
        ("1700000000", date(2023, 11, 14)),
        (1700000000, date(2023, 11, 14)),
        (1700000000000, date(2023, 11, 14)),
        (datetime(2020, 5, 1, 23, 0, tzinfo=UTC), date(2020, 5, 1)),
        (date(2020, 5, 1), date(2020, 5, 1)),
        (time.strptime("2020-05-01", "%Y-%m-%d"), date(2020, 5, 1)),
    ],
)
def test_dates_parse_formats(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["foo", "March 2020", "2024-13-45", "2024-02-30", "12345", "", None, True, [2020]])
def test_dates_parse_rejects_non_dates(value: object) -> None:
    assert parse_date(value) is None


def test_dates_resolve_unparseable_is_flagged_not_dated_today() -> None:
    result = resolve_date("foo", DateSource.FIELD, tolerance_days=2, today=TODAY)
    assert result.published is None
    assert result.source is DateSource.NONE
    assert result.note == "unparseable date 'foo'"


def test_dates_resolve_future_beyond_tolerance() -> None:
    result = resolve_date("2031-01-01", DateSource.FIELD, tolerance_days=2, today=TODAY)
    assert (result.published, result.source, result.note) == (None, DateSource.NONE, "future date 2031-01-01")


def test_dates_resolve_within_tolerance_is_kept() -> None:
    soon = TODAY + timedelta(days=2)
    result = resolve_date(soon.isoformat(), DateSource.FEED, tolerance_days=2, today=TODAY)
    assert (result.published, result.source, result.note) == (soon, DateSource.FEED, None)
    late = TODAY + timedelta(days=3)
    assert resolve_date(late.isoformat(), DateSource.FEED, tolerance_days=2, today=TODAY).published is None


def test_dates_resolve_default_today_is_real_today() -> None:
    future = date.today() + timedelta(days=400)
    assert resolve_date(future.isoformat(), DateSource.FIELD, tolerance_days=2).note == f"future date {future}"


def test_dates_resolve_missing_gives_no_note_and_implausible_is_noted() -> None:
    assert resolve_date(None, DateSource.FIELD, tolerance_days=2) == resolve_date(
        "None", DateSource.FIELD, tolerance_days=2
    )
    assert resolve_date(None, DateSource.FIELD, tolerance_days=2).note is None
    assert resolve_date("1066-10-14", DateSource.FIELD, tolerance_days=2).note == "implausible date 1066-10-14"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.cnn.com/2023/11/06/politics/alito/index.html", date(2023, 11, 6)),
        ("http://www.news.cn/fortune/2023-11/17/c_1129981476.htm", date(2023, 11, 17)),
        ("https://example.com/news/20210304-story", date(2021, 3, 4)),
        ("https://example.com/2021/3/4/story", date(2021, 3, 4)),
        ("https://example.com/article/12345", None),
        ("https://example.com/2021/13/40/x", None),
        (None, None),
    ],
)
def test_dates_from_url(url: str | None, expected: date | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    "text", ["Wed, 21 Jan 2033333333333333326 17:31:27 GMT", "99999999999999999999-01-01", "2024-99999999999-01"]
)
def test_dates_with_overflowing_numbers_are_not_dates(text: str) -> None:
    """Found by `make fuzz`: a pubDate whose day overflows a C int raised OverflowError."""
    from vigil.ingest.dates import parse_date

    assert parse_date(text) is None
