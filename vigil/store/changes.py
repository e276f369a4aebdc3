"""The change log: what each write transaction may have changed of what a watch reads.

Every write transaction (:meth:`vigil.store.Store.transaction`) raises the store version and, in the
same transaction, records its scope (:class:`Touches`) in ``store_changes``. A watch's *inputs
version* (:func:`watch_inputs`) is the last store version whose change its views may see: a batch of
articles published outside the watch's window, or a probability set on another watch, leaves it
where it was, so the views kept for it (:mod:`vigil.store.kept`) stay valid.

A writer that does not say what it touches touches everything: a missing scope costs a
recomputation, never a stale view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, and_, func, or_, select

from vigil.store import schema

__all__ = ["EVERYTHING", "NOTHING", "Touches", "record_change", "watch_inputs"]


@dataclass(frozen=True, slots=True)
class Touches:
    """The scope of one write transaction: ``all``, ``watch`` (one watch's own rows), ``dates``
    (articles published from ``since`` to ``until``, both inclusive, and their extraction) or
    ``none`` (rows no view reads: alerts, briefs, deliveries)."""

    scope: str
    watch: str | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def watch_rows(cls, name: str) -> Touches:
        """A write to one watch's own rows (its definition, its probabilities)."""
        return cls("watch", watch=name)

    @classmethod
    def published(cls, days: Iterable[date | None]) -> Touches:
        """A write of articles published on ``days`` (an article without a date: everything)."""
        found = list(days)
        if not found or any(d is None for d in found):
            return EVERYTHING if found else NOTHING
        known = [d for d in found if d is not None]
        return cls("dates", since=min(known), until=max(known))


EVERYTHING = Touches("all")
NOTHING = Touches("none")


def record_change(conn: Connection, version: int, touches: Touches) -> None:
    """Record the scope of the transaction that raised the store to ``version`` (in that transaction)."""
    conn.execute(
        schema.store_changes.insert().values(
            version=version, scope=touches.scope, watch=touches.watch, since=touches.since, until=touches.until
        )
    )


def watch_inputs(conn: Connection, watch: str, start: date | None, end: date | None) -> int:
    """The last store version whose change a watch over ``[start, end]`` may see (0: none recorded).

    Its views computed at this inputs version hold until a write touches the watch: everything, the
    watch's own rows, or articles published in its window.
    """
    c = schema.store_changes
    dated = [c.c.scope == "dates"]
    if start is not None:
        dated.append(c.c.until >= start)
    if end is not None:
        dated.append(c.c.since <= end)
    where = or_(c.c.scope == "all", and_(c.c.scope == "watch", c.c.watch == watch), and_(*dated))
    return int(conn.execute(select(func.max(c.c.version)).where(where)).scalar_one_or_none() or 0)
