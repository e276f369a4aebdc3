"""The history of a watch's outcomes: who changed what, and when.

Made from what the store keeps: every stored version of the watch's YAML (``watch_revisions``, with
its author and reason) and the probability log (``scenario_probabilities``, with its author). Two
consecutive versions are compared outcome by outcome: outcomes added or removed, labels, camps, and
candidates with their dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from vigil.analyze.watches import Candidate, Outcome, WatchError, parse_watch
from vigil.store import Store
from vigil.store import analysis as analysis_store

__all__ = ["OutcomeChange", "outcome_history"]


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    """One change of a watch's outcomes: ``kind`` is ``created``, ``added``, ``removed``, ``label``,
    ``camp``, ``candidate`` (a candidate added, removed or re-dated) or ``probability``; ``unreadable``
    for a stored version today's rules refuse, and ``restated`` for the readable one after it."""

    at: datetime
    author: str  # '' when not recorded (changes made before Vigil kept authors)
    kind: str
    outcome: str | None
    change: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "author": self.author,
            "kind": self.kind,
            "outcome": self.outcome,
            "change": self.change,
            "reason": self.reason,
        }


def _days(c: Candidate) -> str:
    return f"{c.start or '…'}..{c.end or '…'}"


def _candidate_changes(before: Outcome, after: Outcome) -> Iterator[str]:
    """Candidacies added and removed; an actor with one candidacy gone and one new is re-dated."""
    old = [c for c in before.candidates if c not in after.candidates]
    new = [c for c in after.candidates if c not in before.candidates]
    for c in new:
        was = [o for o in old if o.actor == c.actor]
        if len(was) == 1 and sum(n.actor == c.actor for n in new) == 1:
            yield f"candidate {c.actor} {_days(was[0])} -> {_days(c)}"
            old.remove(was[0])
        else:
            yield f"candidate {c.actor} added ({_days(c)})"
    for c in old:
        yield f"candidate {c.actor} removed (was {_days(c)})"


def _compare(before: dict[str, Outcome], after: dict[str, Outcome]) -> Iterator[tuple[str, str, str]]:
    """(kind, outcome, change) for every difference between two versions' outcomes."""
    for oid, o in after.items():
        if oid not in before:
            yield "added", oid, f"outcome added: {o.label}"
            continue
        b = before[oid]
        if b.label != o.label:
            yield "label", oid, f"label {b.label!r} -> {o.label!r}"
        if b.camp != o.camp:
            gained = [x for x in o.camp if x not in b.camp]
            lost = [x for x in b.camp if x not in o.camp]
            parts = [f"+{x}" for x in gained] + [f"-{x}" for x in lost]
            yield "camp", oid, "camp " + (" ".join(parts) if parts else "reordered")
        for change in _candidate_changes(b, o):
            yield "candidate", oid, change
    for oid, o in before.items():
        if oid not in after:
            yield "removed", oid, f"outcome removed: {o.label}"


def _outcomes(yaml_text: str, name: str) -> dict[str, Outcome] | None:
    try:
        return {o.id: o for o in parse_watch(yaml_text, source=name).outcomes}
    except WatchError:  # a version stored by an older Vigil that today's rules refuse
        return None


def outcome_history(store: Store, name: str, *, since: date | None = None) -> list[OutcomeChange]:
    """Every change of the watch's outcomes, oldest first: its versions compared one to the next, and
    the probability log. ``since``: changes made on that day or later."""
    changes: list[OutcomeChange] = []
    previous: dict[str, Outcome] | None = None
    for i, rev in enumerate(analysis_store.watch_revisions(store, name)):
        current = _outcomes(rev.yaml, name)
        if current is None:
            changes.append(
                OutcomeChange(rev.at, rev.author, "unreadable", None, "a version that no longer parses", rev.reason)
            )
            previous = None
            continue
        if previous is None:  # the first version (or the first readable one after an unreadable one)
            listed = ", ".join(current) or "none"
            kind = "created" if i == 0 else "restated"
            changes.append(OutcomeChange(rev.at, rev.author, kind, None, f"outcomes: {listed}", rev.reason))
        else:
            for kind, oid, change in _compare(previous, current):
                changes.append(OutcomeChange(rev.at, rev.author, kind, oid, change, rev.reason))
        previous = current
    for p in analysis_store.probabilities(store, name):
        changes.append(
            OutcomeChange(p.at, p.author, "probability", p.outcome, f"probability {p.probability:.0%}", p.reason)
        )
    changes.sort(key=lambda c: c.at)
    return [c for c in changes if since is None or c.at.date() >= since]
