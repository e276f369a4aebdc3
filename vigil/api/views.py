"""What the API and the pages show of a watch: its definition here, its views from
:mod:`vigil.analyze.dashboard` (computed once per inputs version of the watch, kept in the store).
"""

from __future__ import annotations

from typing import Any

from vigil.analyze.dashboard import network_view, scenario_view, story_view, timeline_view, trends_view
from vigil.analyze.focal import FocalGovernment
from vigil.analyze.watches import Watch

__all__ = ["network_view", "scenario_view", "story_view", "timeline_view", "trends_view", "watch_summary"]


def watch_summary(watch: Watch) -> dict[str, Any]:
    """The watch's definition as a JSON-ready mapping, with the focal government's office holders
    over the watch's period (from the knowledge base)."""
    from vigil.kb import KnowledgeBase

    roster = FocalGovernment(watch, KnowledgeBase.load().actors()).roster(watch.start, watch.end)
    return {
        "name": watch.name,
        "title": watch.title,
        "focal": watch.focal,
        "focal_government": list(watch.government),
        "focal_offices": list(watch.focal_offices),
        "focal_exclude": list(watch.focal_exclude),
        "focal_roster": [t.to_dict() for t in roster],
        "subject": watch.subject,
        "start": watch.start,
        "end": watch.end,
        "calendar": [{"date": c.date, "label": c.label} for c in watch.calendar],
        "outcomes": [
            {
                "id": o.id,
                "label": o.label,
                "camp": list(o.camp),
                "candidates": [{"actor": c.actor, "from": c.start, "until": c.end} for c in o.candidates],
                "keywords": list(o.keywords),
                "signposts": [
                    {"id": s.id, "label": s.label, "keywords": list(s.keywords), "roots": list(s.roots)}
                    for s in o.signposts
                ],
            }
            for o in watch.outcomes
        ],
        "domains": list(watch.domains),
        "actors": list(watch.actors),
        "keywords": list(watch.keywords),
        "alerts": [{"id": r.id, "kind": r.kind} for r in watch.alerts],
    }
