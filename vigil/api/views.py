"""What the API and the pages show of a watch, computed once here from vigil.analyze.

Thin: each function calls the library on a cached :class:`WatchWindow` and shapes the result
as JSON-ready mappings, which the routes return and the templates render.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vigil.analyze.focal import FocalGovernment
from vigil.analyze.networks import build_graph, find_bridges, tie_changes
from vigil.analyze.scenarios import scenario_board
from vigil.analyze.stories import Story
from vigil.analyze.timeline import TimelineEntry, timeline
from vigil.analyze.trends import TrendSeries, domain_trends
from vigil.analyze.watches import Watch
from vigil.analyze.window import known_by
from vigil.api.context import AppContext, WatchWindow
from vigil.store import analysis as analysis_store

__all__ = ["network_view", "scenario_view", "story_view", "timeline_view", "trends_view", "watch_summary"]

_MAX_NODES = 120


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


def timeline_view(
    win: WatchWindow,
    *,
    outcome: str | None = None,
    domain: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[TimelineEntry]:
    """The watch's developments, newest first, filtered (unfiltered: kept with the window)."""
    if outcome is None and domain is None and actor is None and since is None and until is None:
        return win.derive("timeline", lambda: _timeline(win))
    return _timeline(win, outcome=outcome, domain=domain, actor=actor, since=since, until=until)


def _timeline(
    win: WatchWindow,
    *,
    outcome: str | None = None,
    domain: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[TimelineEntry]:
    if outcome is not None:
        win.watch.outcome(outcome)
    rows = timeline(
        win.records,
        win.watch,
        stories=win.stories,
        outcome=outcome,
        domain=domain,
        actor=actor,
        since=since,
        until=until,
    )
    return sorted(rows, key=lambda t: (t.date or date.min, t.story), reverse=True)


def story_view(win: WatchWindow, story: Story) -> dict[str, Any]:
    """A story with its reports (articles, oldest first) and its timeline entry."""
    entry = next((t for t in timeline(win.records, win.watch, stories=[story])), None)
    reports = []
    for aid in story.article_ids:
        art = win.records.articles.get(aid)
        if art is None:
            continue
        events = [e for e in win.records.events if e.article_id == aid]
        reports.append(
            {
                "id": art.id,
                "title": art.title,
                "published": art.published,
                "source": art.source,
                "url": art.url,
                "events": len(events),
                "lead": win.records.sentence_text(aid, 0) or art.text[:200],
            }
        )
    return {
        "id": story.id,
        "title": story.title,
        "first": story.first,
        "last": story.last,
        "reports": reports,
        "entry": entry.to_dict() if entry else None,
    }


def network_view(ctx: AppContext, win: WatchWindow, *, since: date | None, until: date | None) -> dict[str, Any]:
    """The actor graph of the window with bridges, camps and the focal government marked, for Cytoscape.

    Also the event dates of the whole watch window (the time slider's stops) and the ties that are
    new or lost since the previous window of the same length. The whole window's view is kept with it.
    """
    if since is None and until is None:
        return win.derive("network", lambda: _network(ctx, win, since=None, until=None))
    return _network(ctx, win, since=since, until=until)


def _network(ctx: AppContext, win: WatchWindow, *, since: date | None, until: date | None) -> dict[str, Any]:
    watch, records = win.watch, win.records
    lo, hi = since or win.since, until or win.until
    graph = build_graph(records, since=lo, until=hi)
    bridges = find_bridges(records, watch, graph)
    changes = []
    if lo is not None and hi is not None:
        length = hi - lo
        prev_win = ctx.window(watch, lo - length, lo, as_of=win.as_of)
        prev = build_graph(prev_win.records, since=lo - length, until=lo)
        changes = tie_changes(graph, prev, among=sorted(watch.watched_actors()))
    g = graph.graph
    bridge_ids = {b.actor for ob in bridges for b in ob.bridges}
    focal = FocalGovernment(watch, win.records.actors).members(lo, hi)
    camps: dict[str, list[str]] = {}
    for o in watch.outcomes:
        for c in o.members:
            camps.setdefault(c, []).append(o.id)
    keep_always = bridge_ids | focal | set(camps) | set(watch.actors)
    ranked = sorted(g.nodes, key=lambda n: (n not in keep_always, -g.degree(n, weight="weight"), n))
    kept = set(ranked[:_MAX_NODES]) | (keep_always & set(g.nodes))
    nodes = []
    for n in sorted(kept):
        d = g.nodes[n]
        roles = []
        if n in focal:
            roles.append("focal")
        if n in camps:
            roles.append("camp")
        if n in bridge_ids:
            roles.append("bridge")
        nodes.append(
            {
                "id": n,
                "label": d.get("label", n),
                "kind": d.get("kind", ""),
                "country": d.get("country", ""),
                "sector": d.get("sector", ""),
                "degree": int(g.degree(n, weight="weight")),
                "roles": roles,
                "outcomes": camps.get(n, []),
            }
        )
    bridge_pairs = {
        frozenset((b.actor, t)) for ob in bridges for b in ob.bridges for t in (*b.focal_ties, *b.camp_ties)
    }
    edges = []
    for a, b, d in g.edges(data=True):
        if a in kept and b in kept:
            edges.append(
                {
                    "id": f"{a}->{b}",
                    "source": a,
                    "target": b,
                    "weight": int(d["weight"]),
                    "quad": int(d["quad"]),
                    "relation": d["relation"],
                    "bridge": frozenset((a, b)) in bridge_pairs,
                }
            )
    # The slider's stops: the days events happened on (Event.when), from the window's start (a stop
    # before ``since`` would ask for an empty window).
    all_dates = sorted({e.when for e in records.events if e.when is not None and (lo is None or e.when >= lo)})
    # Names of every actor the view refers to (ties of bridges, new and lost ties), so that clients
    # show names rather than ids.
    referred = {n["id"] for n in nodes} | {c.source for c in changes} | {c.target for c in changes}
    referred |= {t for ob in bridges for b in ob.bridges for t in (b.actor, *b.focal_ties, *b.camp_ties)}
    names = {a: records.name(a) for a in sorted(referred)}
    return {
        "since": lo,
        "until": hi,
        "as_of": win.as_of,
        "dates": all_dates,
        "nodes": nodes,
        "edges": edges,
        "hidden_nodes": g.number_of_nodes() - len(nodes),
        "bridges": [ob.to_dict() for ob in bridges],
        "changes": [c.to_dict() for c in changes[:50]],
        "names": names,
    }


def trends_view(win: WatchWindow, *, k: float = 2.0, weeks: int = 4) -> list[TrendSeries]:
    """Weekly domain series of the watch, with baselines and bands (the default ones kept with the window)."""
    if (k, weeks) == (2.0, 4):
        return win.derive("trends", lambda: _trends(win, k=k, weeks=weeks))
    return _trends(win, k=k, weeks=weeks)


def _trends(win: WatchWindow, *, k: float, weeks: int) -> list[TrendSeries]:
    return domain_trends(win.records, win.watch, since=win.since, until=win.until, k=k, baseline_weeks=weeks)


def scenario_view(ctx: AppContext, win: WatchWindow) -> dict[str, Any]:
    """The scenario board (per outcome) and the probability log (newest first), kept with the window.

    A probability set is a write: it raises the store version, and the next request gets a new window.
    A window as of a day has the probabilities set by the end of that day.
    """
    return win.derive("scenarios", lambda: _scenarios(ctx, win))


def _scenarios(ctx: AppContext, win: WatchWindow) -> dict[str, Any]:
    log = analysis_store.probabilities(ctx.store, win.watch.name, known_by=known_by(win.as_of))
    board = scenario_board(win.records, win.watch, probabilities={r.outcome: r.probability for r in log})
    return {
        "board": [b.to_dict() for b in board],
        "log": [
            {"outcome": r.outcome, "probability": r.probability, "reason": r.reason, "at": r.at} for r in reversed(log)
        ],
    }
