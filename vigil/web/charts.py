"""Chart data the pages compute for their scripts: time series in regular buckets, gaps as nulls.

A line drawn from one week to a week two years later says the tone was known in between; it was
not. Each series here has a point for every bucket of its span (a week, or a month for spans
longer than two years), ``None`` where nothing was measured, so that the chart shows the gap.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

__all__ = ["bucketed_series"]

_WEEKLY_SPAN_DAYS = 2 * 366


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def bucketed_series(by_day: Mapping[date, Sequence[float]]) -> dict[str, Any]:
    """Mean values per week (per month over spans longer than two years), every bucket present.

    Args:
        by_day: the values measured on each day.
    Returns:
        ``{"unit": "week"|"month", "points": [{"start": ISO date, "value": mean or None, "n": count}]}``,
        buckets in order from the first to the last with values; no points for no values.
    """
    days = sorted(d for d, v in by_day.items() if v)
    if not days:
        return {"unit": "week", "points": []}
    monthly = (days[-1] - days[0]).days > _WEEKLY_SPAN_DAYS
    start_of = _month if monthly else _week
    grouped: dict[date, list[float]] = defaultdict(list)
    for d in days:
        grouped[start_of(d)].extend(by_day[d])
    points = []
    cur, last = start_of(days[0]), start_of(days[-1])
    while cur <= last:
        values = grouped.get(cur, [])
        mean = round(statistics.fmean(values), 3) if values else None
        points.append({"start": cur.isoformat(), "value": mean, "n": len(values)})
        cur = _next_month(cur) if monthly else cur + timedelta(days=7)
    return {"unit": "month" if monthly else "week", "points": points}
