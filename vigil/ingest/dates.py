"""Publication dates: parse many formats, then decide whether a date is usable.

A date is *usable* when it parses to a complete calendar day, is not implausibly old
and is not further in the future than ``ingest.future_tolerance_days``. An unusable
date is never replaced by today: the article keeps ``published=None``,
``date_source=DateSource.NONE`` and a ``date_note`` saying why.

Dates written with a time zone keep the calendar day *as written* (``2018-06-19T05:50+09:00``
is 2018-06-19), which is the day the outlet printed.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil import parser as dateutil_parser

from vigil.models import DateSource

__all__ = ["DateResult", "date_from_url", "parse_date", "resolve_date"]

logger = logging.getLogger(__name__)

MIN_YEAR = 1900
_EMPTY = {"", "none", "null", "nan", "nat", "n/a", "-", "0"}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s_]\d)")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:$|T\d)")
_SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:$|[T\s]\d)")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")
_URL_DATE = re.compile(r"(?<![0-9])((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?![0-9])")
_URL_DATE_SEPARATED = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$|[^0-9])")
_SENTINELS = (datetime(1, 1, 1), datetime(2, 2, 2))


@dataclass(frozen=True, slots=True)
class DateResult:
    """The outcome of :func:`resolve_date`: a usable day, or None and a note saying why."""

    published: date | None
    source: DateSource
    note: str | None = None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):  # "Fri, 99999999999999999999 Feb 2026" overflows a C int
        return None


def _from_epoch(seconds: float) -> date | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _parse_string(text: str) -> date | None:
    if match := _ISO.match(text) or _SLASHED.match(text) or _COMPACT.match(text):
        return _day(int(match[1]), int(match[2]), int(match[3]))
    if match := _CJK.search(text):
        return _day(int(match[1]), int(match[2]), int(match[3]))
    if _DIGITS.match(text):
        # bare numbers: epoch seconds (10 digits) or milliseconds (13 digits); anything else is not a date
        whole = text.split(".")[0]
        return _from_epoch(float(text)) if len(whole) in (10, 13) else None
    parsed = email.utils.parsedate_tz(text)  # RFC 822 / 2822, as in RSS pubDate
    if parsed is not None and parsed[0] and parsed[1] and parsed[2]:
        return _day(parsed[0], parsed[1], parsed[2])
    results: list[datetime] = []
    for default in _SENTINELS:
        try:
            results.append(dateutil_parser.parse(text, default=default, ignoretz=True))
        except (ValueError, OverflowError, TypeError):
            return None
    first, second = results
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None  # incomplete: "March 2020" has no day
    day: date = first.date()
    return day


def parse_date(value: object) -> date | None:
    """Parse a date from a string, number, datetime, date or ``time.struct_time``.

    Args:
        value: ISO 8601 (also compact ``20180619T0550+0900``), RFC 822 (RSS), ``YYYY/MM/DD``,
            ``YYYY年M月D日``, epoch seconds or milliseconds, or any unambiguous English date
            that :mod:`dateutil` reads with a day, month and year.
    Returns:
        The calendar day as written, or None when the value is not a complete date.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time.struct_time):
        return _day(value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _EMPTY or len(text) > 100:
            return None
        return _parse_string(text)
    return None


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and value.strip().lower() in _EMPTY


def _show(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def resolve_date(
    value: object,
    source: DateSource,
    *,
    tolerance_days: int,
    today: date | None = None,
) -> DateResult:
    """Decide whether ``value`` gives a usable publication date.

    Args:
        value: the raw date found in the input (see :func:`parse_date`), or None.
        source: how the value was found; returned when the date is usable.
        tolerance_days: a date later than ``today + tolerance_days`` is not used.
        today: the reference day (UTC today when None); a parameter for tests.
    Returns:
        A :class:`DateResult`: the day and ``source``, or None, ``DateSource.NONE`` and a note
        (``"unparseable date 'foo'"``, ``"future date 2031-01-01"``, ``"implausible date 1066-10-14"``).
        A missing value gives no note.
    """
    if _is_empty(value):
        return DateResult(None, DateSource.NONE)
    day = parse_date(value)
    if day is None:
        return DateResult(None, DateSource.NONE, f"unparseable date '{_show(value)}'")
    reference = today or datetime.now(UTC).date()
    if day > reference + timedelta(days=tolerance_days):
        return DateResult(None, DateSource.NONE, f"future date {day.isoformat()}")
    if day.year < MIN_YEAR:
        return DateResult(None, DateSource.NONE, f"implausible date {day.isoformat()}")
    return DateResult(day, source)


def date_from_url(url: str | None) -> date | None:
    """A date embedded in a URL path (``/2023/11/06/``, ``/20231106/``, ``2023-11-06``), if any.

    Args:
        url: an absolute or relative URL.
    Returns:
        The day, or None when the path holds no complete, valid date.
    """
    if not url:
        return None
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", url, flags=re.I)
    for pattern in (_URL_DATE_SEPARATED, _URL_DATE):
        for match in pattern.finditer(path):
            day = _day(int(match[1]), int(match[2]), int(match[3]))
            if day is not None:
                return day
    return None
