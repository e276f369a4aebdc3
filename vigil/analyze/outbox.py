"""Alert deliveries that failed, kept and retried: a webhook that is down gets the alerts later.

:func:`vigil.analyze.alerts.evaluate_alerts` stores every alert, then delivers it; a target that
fails (a webhook answering 503, a file that cannot be written) is queued here, one entry per
alert and target, with the error. :func:`retry_due` delivers the entries whose time has come
(after every ingest, and with ``vigil alerts --retry``): a success removes the entry, a failure
waits twice as long as the time before (1, 2, 4 ... minutes, at most a day), and after
:data:`MAX_ATTEMPTS` attempts the entry is given up (kept, and listed, for the analyst).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from vigil.analyze.delivery import DeliveryPolicy, deliver_each
from vigil.analyze.watches import Delivery
from vigil.models import Alert
from vigil.store import Store, schema
from vigil.store import analysis as analysis_store
from vigil.store.changes import NOTHING

__all__ = ["MAX_ATTEMPTS", "Pending", "RetryResult", "pending", "queue_failures", "retry_due"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

MAX_ATTEMPTS = 10
_MAX_WAIT = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Pending:
    """An alert not yet delivered to one target."""

    id: int
    alert_id: str
    watch: str
    target: Delivery
    attempts: int
    last_error: str
    next_at: datetime
    given_up: bool


@dataclass(frozen=True, slots=True)
class RetryResult:
    """What a retry did."""

    delivered: int
    failed: int
    given_up: int


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _wait(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), _MAX_WAIT)


def _target(d: dict[str, Any]) -> Delivery:
    return Delivery(str(d["kind"]), d.get("path"), d.get("url"))


def queue_failures(store: Store, failures: Sequence[tuple[Delivery, str, Sequence[Alert]]]) -> int:
    """Queue each failed ``(target, error, alerts)`` for a retry; return how many entries were added."""
    now = _now()
    rows = [
        {
            "alert_id": a.id,
            "watch": a.watch,
            "target": {"kind": target.kind, "path": target.path, "url": target.url},
            "attempts": 1,
            "last_error": error[:2000],
            "next_at": now + _wait(1),
            "given_up": False,
            "created_at": now,
        }
        for target, error, alerts in failures
        for a in alerts
    ]
    if rows:
        with store.transaction(NOTHING) as conn:
            conn.execute(schema.pending_deliveries.insert(), rows)
    return len(rows)


def pending(store: Store, *, include_given_up: bool = True) -> list[Pending]:
    """The queued deliveries, oldest first."""
    t = schema.pending_deliveries
    stmt = select(t).order_by(t.c.id)
    if not include_given_up:
        stmt = stmt.where(t.c.given_up.is_(False))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        Pending(
            r["id"],
            r["alert_id"],
            r["watch"],
            _target(r["target"]),
            r["attempts"],
            r["last_error"],
            r["next_at"],
            r["given_up"],
        )
        for r in rows
    ]


def retry_due(
    store: Store,
    policy: DeliveryPolicy | None = None,
    *,
    now: datetime | None = None,
    console: Callable[[str], None] | None = None,
    client: httpx.Client | None = None,
) -> RetryResult:
    """Deliver the queued entries whose time has come; reschedule or give up the ones that fail again."""
    now = now or _now()
    due = [p for p in pending(store, include_given_up=False) if p.next_at <= now]
    if not due:
        return RetryResult(0, 0, 0)
    alerts = {a.id: a for a in analysis_store.list_alerts(store, limit=None)}
    by_target: dict[Delivery, list[Pending]] = defaultdict(list)
    for p in due:
        by_target[p.target].append(p)
    done: list[int] = []
    failed: list[tuple[Pending, str]] = []
    for target, entries in by_target.items():
        found = [alerts[p.alert_id] for p in entries if p.alert_id in alerts]
        errors = deliver_each(found, [target], policy=policy, console=console, client=client)
        if errors:
            failed += [(p, errors[0][1]) for p in entries]
        else:
            done += [p.id for p in entries]
    t = schema.pending_deliveries
    given_up = 0
    with store.transaction(NOTHING) as conn:
        if done:
            conn.execute(t.delete().where(t.c.id.in_(done)))
        for p, error in failed:
            attempts = p.attempts + 1
            stop = attempts >= MAX_ATTEMPTS
            given_up += stop
            conn.execute(
                t.update()
                .where(t.c.id == p.id)
                .values(attempts=attempts, last_error=error[:2000], next_at=now + _wait(attempts), given_up=stop)
            )
    if failed:
        log.warning("%d alert deliveries failed again (%d given up)", len(failed), given_up)
    return RetryResult(len(done), len(failed), given_up)
