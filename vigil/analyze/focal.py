"""The focal government on a date: who stands for the watching country's government when an event happens.

A watch names the offices that matter (``focal_offices``: by default the head of government,
the president, the foreign and the defence minister); their holders are read from the
knowledge base's dated roles, so that Fumio Kishida stands for Japan's government until
2024-10-01 and Shigeru Ishiba from that day. ``gov:<focal>`` and the watch's own
``focal_government`` ids stand for it at every date; ``focal_exclude`` never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from vigil.analyze.watches import Watch
from vigil.kb.knowledge import office_families
from vigil.models import Actor, Role

__all__ = ["FocalGovernment", "Tenure"]


@dataclass(frozen=True, slots=True)
class Tenure:
    """One focal office held by a person, with its dates (inclusive; None: open)."""

    actor: str
    title: str
    start: date | None
    end: date | None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "actor": self.actor,
            "title": self.title,
            "from": self.start.isoformat() if self.start else None,
            "until": self.end.isoformat() if self.end else None,
        }


class FocalGovernment:
    """Who stands for a watch's focal government, date by date, among known actors."""

    def __init__(self, watch: Watch, actors: Mapping[str, Actor] | Iterable[Actor]) -> None:
        self.watch = watch
        self.always = set(watch.government)
        wanted = {f for office in watch.focal_offices for f in office_families(office)}
        pool = actors.values() if isinstance(actors, Mapping) else actors
        self.tenures: dict[str, list[Tenure]] = {}
        for actor in pool:
            if actor.kind != "person" or actor.id in watch.focal_exclude:
                continue
            held = [
                _tenure(actor.id, r)
                for r in actor.roles
                if r.country == watch.focal and office_families(r.title) & wanted
            ]
            if held:
                self.tenures[actor.id] = sorted(held, key=lambda t: t.start or date.min)

    def includes(self, actor_id: str | None, day: date | None) -> bool:
        """True when ``actor_id`` stands for the focal government on ``day``."""
        if actor_id is None:
            return False
        if actor_id in self.always:
            return True
        return any(_holds(t, day) for t in self.tenures.get(actor_id, ()))

    def on(self, day: date | None) -> set[str]:
        """Every actor id standing for the focal government on ``day``."""
        return self.always | {a for a, ts in self.tenures.items() if any(_holds(t, day) for t in ts)}

    def members(self, since: date | None = None, until: date | None = None) -> set[str]:
        """Every actor id that stands for the focal government at some date of ``[since, until]``."""
        return self.always | {a for a, ts in self.tenures.items() if any(_overlaps(t, since, until) for t in ts)}

    def roster(self, since: date | None = None, until: date | None = None) -> list[Tenure]:
        """The office holders of ``[since, until]``, in order of taking office."""
        found = [t for ts in self.tenures.values() for t in ts if _overlaps(t, since, until)]
        return sorted(found, key=lambda t: (t.start or date.min, t.actor))


def _tenure(actor_id: str, role: Role) -> Tenure:
    return Tenure(actor_id, role.title, role.start, role.end)


def _holds(t: Tenure, day: date | None) -> bool:
    if day is None:
        return t.end is None
    return (t.start is None or day >= t.start) and (t.end is None or day <= t.end)


def _overlaps(t: Tenure, since: date | None, until: date | None) -> bool:
    return (until is None or t.start is None or t.start <= until) and (since is None or t.end is None or t.end >= since)
