"""Domain trends: per policy domain and ISO week, activity, cooperation/conflict balance and tone to the focal country.

For each (domain, metric) series, a point's baseline is the mean of the previous
``baseline_weeks`` weeks that have a value, its band is baseline ± k·std of those weeks,
and a point outside the band is flagged. A point needs ``min_history`` earlier values to
get a band at all, so the first weeks of a series are never flagged.

An event counts in the week it happened (:attr:`vigil.models.Event.when`: the date its sentence
gives, else its publication date); one known only to its month or year is left out of the weekly
series. Tone rows count in their article's publication week.

Metrics:
    events   number of watch events whose sentence is tagged with the domain.
    balance  (q1 + q2 - q3 - q4) / n over those events, in [-1, 1].
    tone     mean directed tone toward the focal country's actors (directed tone rows whose
             target is a focal actor, in sentences of the domain); falls back to the
             stance of events targeting the focal country.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from vigil.analyze.watches import Watch
from vigil.analyze.window import Records
from vigil.models import DateGranularity, Event

__all__ = ["METRICS", "TrendPoint", "TrendSeries", "domain_trends", "focal_actors", "iso_week", "watch_events"]

METRICS = ("events", "balance", "tone")


def iso_week(day: date) -> str:
    """The ISO week of a date as ``YYYY-Www``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One week of one series, with its baseline and band."""

    week: str
    start: date
    value: float | None
    n: int
    baseline: float | None
    low: float | None
    high: float | None

    @property
    def outside(self) -> bool:
        """True when the value leaves the band."""
        if self.value is None or self.low is None or self.high is None:
            return False
        return self.value < self.low or self.value > self.high

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "value": _round(self.value),
            "n": self.n,
            "baseline": _round(self.baseline),
            "low": _round(self.low),
            "high": _round(self.high),
            "outside": self.outside,
        }


@dataclass(frozen=True, slots=True)
class TrendSeries:
    """The weekly series of one metric in one domain."""

    domain: str
    metric: str
    points: tuple[TrendPoint, ...]

    @property
    def outliers(self) -> tuple[TrendPoint, ...]:
        """The points outside the band."""
        return tuple(p for p in self.points if p.outside)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "domain": self.domain,
            "metric": self.metric,
            "points": [p.to_dict() for p in self.points],
            "outside": [p.week for p in self.outliers],
        }


def focal_actors(records: Records, watch: Watch) -> set[str]:
    """Actor ids belonging to the focal country (country, government, its people and bodies)."""
    out = {f"country:{watch.focal}", f"gov:{watch.focal}", *watch.government}
    ids = {m.actor_id for m in records.mentions if m.actor_id}
    ids |= {x for e in records.events for x in (e.source_actor, e.target_actor) if x}
    out |= {a for a in ids if records.actor_country(a) == watch.focal}
    return out


def _week_day(e: Event) -> date | None:
    """The day that places an event in a week: when it happened (:attr:`Event.when`).

    None for an event known only to its month or year ("in July", "last year"): its week is not
    known, so weekly series leave it out rather than pile it on the first week of the period.
    """
    if e.occurred_granularity in {DateGranularity.MONTH, DateGranularity.YEAR}:
        return None
    return e.when


def watch_events(records: Records, watch: Watch) -> list[Event]:
    """Events with at least one actor the watch cares about (focal country, camps, actors of interest)."""
    wanted = watch.watched_actors() | focal_actors(records, watch)
    return [e for e in records.events if e.source_actor in wanted or e.target_actor in wanted]


def _band(
    values: list[tuple[date, float | None, int]], baseline_weeks: int, k: float, min_history: int
) -> list[TrendPoint]:
    points = []
    history: list[float] = []
    for start, value, n in values:
        window = history[-baseline_weeks:]
        base: float | None = None
        low: float | None = None
        high: float | None = None
        if len(window) >= min_history:
            base = statistics.fmean(window)
            spread = statistics.pstdev(window)
            low, high = base - k * spread, base + k * spread
        points.append(TrendPoint(iso_week(start), start, value, n, base, low, high))
        if value is not None:
            history.append(value)
    return points


def domain_trends(
    records: Records,
    watch: Watch,
    *,
    since: date | None = None,
    until: date | None = None,
    domains: Sequence[str] | None = None,
    baseline_weeks: int = 4,
    k: float = 2.0,
    min_history: int = 3,
) -> list[TrendSeries]:
    """Weekly series per domain and metric, with baselines, bands and the points outside them.

    Args:
        records: the loaded records.
        watch: the watch (focal country, actors, domains).
        since, until: inclusive date bounds (default: the span of the events).
        domains: the domains (default: the watch's).
        baseline_weeks: weeks in the rolling baseline.
        k: band half-width in standard deviations.
        min_history: earlier values needed before a point gets a band.
    Returns:
        One :class:`TrendSeries` per (domain, metric), domains in order, metrics as :data:`METRICS`.
    """
    wanted_domains = list(domains or watch.domains)
    events = [e for e in watch_events(records, watch) if _week_day(e) is not None]
    if since is not None:
        events = [e for e in events if (_week_day(e) or date.min) >= since]
    if until is not None:
        events = [e for e in events if (_week_day(e) or date.max) <= until]
    sent_domains = records.sentence_domains()
    focal = focal_actors(records, watch)
    by_week: dict[tuple[str, date], list[Event]] = defaultdict(list)
    for e in events:
        day = _week_day(e)
        assert day is not None
        doms = set(e.contexts) | set(sent_domains.get((e.article_id, e.sentence_index), {}))
        for d in doms & set(wanted_domains):
            by_week[(d, _monday(day))].append(e)
    dated = {a.id: a.published for a in records.articles.values() if a.published is not None}
    tone_by_week: dict[tuple[str, date], list[float]] = defaultdict(list)
    for t in records.tones:
        if t.target_actor not in focal or t.source_actor in focal or t.sentence_index is None:
            continue
        day = dated.get(t.article_id)
        if day is None or (since and day < since) or (until and day > until):
            continue
        for d in set(sent_domains.get((t.article_id, t.sentence_index), {})) & set(wanted_domains):
            tone_by_week[(d, _monday(day))].append(t.score)
    all_days = [d for d in map(_week_day, events) if d is not None]
    if not all_days and not tone_by_week:
        return [TrendSeries(d, m, ()) for d in wanted_domains for m in METRICS]
    first = _monday(since) if since else min(all_days + [w for _, w in tone_by_week])
    last = _monday(until) if until else max(all_days + [w for _, w in tone_by_week])
    weeks = []
    cur = first
    while cur <= last:
        weeks.append(cur)
        cur += timedelta(days=7)
    out = []
    for d in wanted_domains:
        counts: list[tuple[date, float | None, int]] = []
        balance: list[tuple[date, float | None, int]] = []
        tone: list[tuple[date, float | None, int]] = []
        for w in weeks:
            evs = by_week.get((d, w), [])
            n = len(evs)
            counts.append((w, float(n), n))
            coop = sum(1 for e in evs if e.quad in (1, 2))
            conf = sum(1 for e in evs if e.quad in (3, 4))
            balance.append((w, (coop - conf) / n if n else None, n))
            scores = tone_by_week.get((d, w))
            if not scores:
                scores = [e.stance for e in evs if e.target_actor in focal and e.stance is not None]
            tone.append((w, statistics.fmean(scores) if scores else None, len(scores)))
        for metric, values in (("events", counts), ("balance", balance), ("tone", tone)):
            out.append(TrendSeries(d, metric, tuple(_band(values, baseline_weeks, k, min_history))))
    return out
