"""What the dashboard and the API show of a watch: its windows and their views, computed once.

A :class:`Windows` serves the windows of the watches of one store. A watch's whole period is read
from the store once per *inputs version* of the watch (:func:`vigil.store.changes.watch_inputs`: the
last write that may have changed what it reads), and a narrower window is cut from it in memory.

The views of a watch's whole window with their default parameters (the timeline, the network with
its bridges, the trends, the scenario board, the watch's articles and stories) are *kept*: stored in
the store under the inputs version (:mod:`vigil.store.kept`), where every process finds them. They
are computed after an ingest, an extraction, an import or a correction (:func:`refresh_views`, run by
:mod:`vigil.services`), else by the first reader. A batch of articles published outside a watch's
window, or a probability set on another watch, leaves a watch's views as they are; a batch that
touches the window recomputes the watch's views, whole.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

from vigil.analyze.focal import FocalGovernment
from vigil.analyze.networks import build_graph, find_bridges, tie_changes
from vigil.analyze.scenarios import scenario_board
from vigil.analyze.stories import cluster_stories
from vigil.analyze.timeline import TimelineEntry, timeline, watch_articles
from vigil.analyze.trends import TrendPoint, TrendSeries, domain_trends
from vigil.analyze.watches import Watch, parse_watch
from vigil.analyze.window import Records, known_by, known_until, load_records
from vigil.config import Settings
from vigil.errors import WindowError
from vigil.models import Citation, Story
from vigil.store import Store
from vigil.store import analysis as analysis_store
from vigil.store.kept import keep_views, kept_views, register_type

__all__ = [
    "KEPT_VIEWS",
    "WatchWindow",
    "Windows",
    "network_view",
    "refresh_views",
    "scenario_view",
    "story_view",
    "timeline_view",
    "trends_view",
]

T = TypeVar("T")
log = logging.getLogger(__name__)
_CACHE_SIZE = 8
_CONSISTENT_READS = 3
_MAX_NODES = 120
# The views of a watch's whole window that are kept in the store, in the order they are computed.
KEPT_VIEWS = ("relevant", "stories", "timeline", "network", "trends", "scenarios")

for _cls in (Citation, Story, TimelineEntry, TrendPoint, TrendSeries):
    register_type(_cls)


@cache
def _code_digest() -> str:
    """A digest of the analysis code and the knowledge base's data (what views are computed with)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py" or "kb" in path.relative_to(root).parts[:1]:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


class WatchWindow:
    """A watch's records, articles and stories over one date window, as of one inputs version.

    The records are read when first needed: the views of the whole window are usually kept in the
    store, and a page made of them reads nothing else. The views computed with their default
    parameters are kept with the window (:meth:`derive`): the overview page, the view's own page and
    its JSON share one computation.
    """

    def __init__(
        self,
        windows: Windows,
        watch: Watch,
        since: date | None,
        until: date | None,
        inputs: int,
        *,
        as_of: date | None = None,
        period: Callable[[], Records],
    ) -> None:
        self.windows = windows
        self.watch = watch
        self.since = since
        self.until = until
        self.inputs = inputs
        self.as_of = as_of  # what the store knew at the end of that day (None: everything it holds)
        self.keep_views = windows.keep_views
        self.whole = as_of is None and (since, until) == (watch.start, watch.end)
        self._period = period
        self._records: Records | None = None
        self._derived: dict[str, Any] = {}
        self._kept: dict[str, Any] | None = None
        self._lock = threading.RLock()

    @property
    def records(self) -> Records:
        """The window's records (read from the store on first use)."""
        with self._lock:
            if self._records is None:
                base = self._period()
                self._records = (
                    base
                    if (self.since, self.until) == (self.watch.start, self.watch.end)
                    else (base.within(self.since, self.until))
                )
            return self._records

    @property
    def relevant(self) -> frozenset[str]:
        """The ids of the window's articles that concern the watch."""
        return self.derive("relevant", lambda: frozenset(watch_articles(self.records, self.watch)), always=True)

    @property
    def stories(self) -> tuple[Story, ...]:
        """The stories of the watch's articles."""
        return self.derive(
            "stories", lambda: tuple(cluster_stories([self.records.articles[a] for a in self.relevant])), always=True
        )

    def story(self, story_id: str) -> Story | None:
        return next((s for s in self.stories if s.id == story_id), None)

    def derive(self, name: str, compute: Callable[[], T], *, always: bool = False) -> T:
        """The view ``name`` of this window: computed once, then kept (callers must not change it).

        A view of the whole window is read from the store when it was kept there at this inputs
        version, else computed and kept there. With ``keep_views`` False (``vigil serve --no-cache``)
        the views are computed on every call (``always``: the window's articles and stories, which
        are kept with the window in any case).
        """
        if not (self.keep_views or always):
            return compute()
        with self._lock:
            if name in self._derived:
                return cast(T, self._derived[name])
            store_backed = self.whole and self.keep_views and name in KEPT_VIEWS
            if store_backed and self._kept is None:
                self._kept = self.windows.kept(self.watch, self.inputs)
            if store_backed and self._kept is not None and name in self._kept:
                value = self._kept[name]
            else:
                value = compute()
                if store_backed:
                    self.windows.keep(self.watch, self.inputs, {name: value})
            self._derived[name] = value
            return cast(T, value)

    def compute_all(self) -> None:
        """Compute (or read) every kept view of the whole window."""
        timeline_view(self)
        network_view(self, since=None, until=None)
        trends_view(self)
        scenario_view(self)


class Windows:
    """The windows of the watches of one store, with their views (bounded caches per process)."""

    def __init__(self, store: Store, settings: Settings, *, keep_views: bool = True) -> None:
        self.store = store
        self.settings = settings
        self.keep_views = keep_views
        self._lock = threading.Lock()
        self._windows: OrderedDict[tuple[Any, ...], WatchWindow] = OrderedDict()
        self._periods: OrderedDict[tuple[Any, ...], Records] = OrderedDict()
        self._period_locks: dict[tuple[Any, ...], threading.Lock] = {}

    def basis(self, watch: Watch) -> str:
        """What a watch's kept views depend on besides the store: its definition, the code and the
        knowledge base, the view settings."""
        parts = (_code_digest(), repr(watch), repr(self.settings.get_float("view.min_confidence")))
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]

    def kept(self, watch: Watch, inputs: int, *, bodies: bool = True) -> dict[str, Any]:
        return kept_views(self.store, watch.name, inputs, self.basis(watch), bodies=bodies)

    def keep(self, watch: Watch, inputs: int, views: dict[str, Any]) -> None:
        keep_views(self.store, watch.name, inputs, self.basis(watch), self.store.version(), views)

    def window(
        self, watch: Watch, since: date | None = None, until: date | None = None, *, as_of: date | None = None
    ) -> WatchWindow:
        """The watch's window ``[since, until]``, clamped to the watch's period.

        The watch's whole period is read from the store once per inputs version, when a view needs
        it; a narrower window is cut from it in memory. With ``as_of``, what the store knew at the
        end of that day (articles published and ingested by then, corrections made by then:
        :func:`load_records`), and the window ends on that day at the latest.

        Raises:
            WindowError: ``until`` is before ``since``.
        """
        lo, hi = since or watch.start, until or watch.end
        if lo is not None and hi is not None and hi < lo:
            raise WindowError(f"until ({hi}) is before since ({lo}).")
        if watch.start is not None and (lo is None or lo < watch.start):
            lo = watch.start
        if watch.end is not None and (hi is None or hi > watch.end):
            hi = watch.end
        hi = known_until(lo, hi, as_of)
        digest = hashlib.sha1(repr(watch).encode()).hexdigest()
        inputs = self.store.watch_inputs(watch.name, watch.start, watch.end)
        key = (watch.name, digest, lo, hi, as_of, inputs)
        with self._lock:
            found = self._windows.get(key)
            if found is not None:
                self._windows.move_to_end(key)
                return found
            base_key = (watch.name, digest, as_of, inputs)
            win = WatchWindow(self, watch, lo, hi, inputs, as_of=as_of, period=lambda: self._period(watch, base_key))
            self._windows[key] = win
            while len(self._windows) > _CACHE_SIZE:
                self._windows.popitem(last=False)
            return win

    def _period(self, watch: Watch, base_key: tuple[Any, ...]) -> Records:
        """The watch's whole period at one inputs version (read once, by one thread)."""
        with self._lock:
            lock = self._period_locks.setdefault(base_key, threading.Lock())
        with lock:
            with self._lock:
                found = self._periods.get(base_key)
                if found is not None:
                    self._periods.move_to_end(base_key)
                    return found
            records = self._load_period(watch, base_key[-1], base_key[-2])
            with self._lock:
                self._periods[base_key] = records
                while len(self._periods) > _CACHE_SIZE:
                    old, _ = self._periods.popitem(last=False)
                    self._period_locks.pop(old, None)
            return records

    def _load_period(self, watch: Watch, inputs: int, as_of: date | None) -> Records:
        """The watch's whole period as of one inputs version (and as known on ``as_of``).

        The records come from several queries; a write that touches the watch committed between two
        of them would give a half-updated view. Every such write raises the watch's inputs version,
        so a load that starts and ends on the same inputs version saw none; otherwise it is read
        again (at most a few times; under a constant stream of writes the last load is kept).
        """
        records = None
        for _ in range(_CONSISTENT_READS):
            records = load_records(
                self.store,
                since=watch.start,
                until=watch.end,
                coders=watch.coders,
                min_confidence=self.settings.get_float("view.min_confidence"),
                as_of=as_of,
            )
            after = self.store.watch_inputs(watch.name, watch.start, watch.end)
            if after == inputs:
                break
            inputs = after
        assert records is not None
        return records


def refresh_views(store: Store, settings: Settings) -> dict[str, int]:
    """Compute and keep the views of every stored watch whose inputs changed since they were kept.

    A watch whose views cannot be computed (a stored definition today's rules refuse, a store that
    stops answering) is logged and left to its first reader: the writes before are kept either way.

    Returns:
        The watches whose views were computed, each with its inputs version.
    """
    windows = Windows(store, settings)
    done: dict[str, int] = {}
    for name, text, _ in analysis_store.list_watches(store):
        try:
            watch = parse_watch(text, source=name)
            win = windows.window(watch)
            if set(windows.kept(watch, win.inputs, bodies=False)) >= set(KEPT_VIEWS):
                continue
            win.compute_all()
        except Exception:  # what was written is stored: a view not kept now is computed by its first reader
            log.warning(
                "the views of watch %r were not computed; the first reader will compute them", name, exc_info=True
            )
            continue
        done[name] = win.inputs
    return done


# --- the views ---------------------------------------------------------------------------------------


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
    filters: dict[str, Any] = {"outcome": outcome, "domain": domain, "actor": actor, "since": since, "until": until}
    if all(value is None for value in filters.values()):
        return win.derive("timeline", lambda: _timeline(win, filters))
    return _timeline(win, filters)


def _timeline(win: WatchWindow, filters: dict[str, Any]) -> list[TimelineEntry]:
    if filters["outcome"] is not None:
        win.watch.outcome(filters["outcome"])
    rows = timeline(win.records, win.watch, stories=win.stories, **filters)
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


def network_view(win: WatchWindow, *, since: date | None, until: date | None) -> dict[str, Any]:
    """The actor graph of the window with bridges, camps and the focal government marked, for Cytoscape.

    Also the event dates of the whole watch window (the time slider's stops) and the ties that are
    new or lost since the previous window of the same length. The whole window's view is kept with it.
    """
    if since is None and until is None:
        return win.derive("network", lambda: _network(win, since=None, until=None))
    return _network(win, since=since, until=until)


def _network(win: WatchWindow, *, since: date | None, until: date | None) -> dict[str, Any]:
    watch, records = win.watch, win.records
    lo, hi = since or win.since, until or win.until
    graph = build_graph(records, since=lo, until=hi)
    bridges = find_bridges(records, watch, graph)
    changes = []
    if lo is not None and hi is not None:
        length = hi - lo
        prev_win = win.windows.window(watch, lo - length, lo, as_of=win.as_of)
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


def scenario_view(win: WatchWindow) -> dict[str, Any]:
    """The scenario board (per outcome) and the probability log (newest first), kept with the window.

    A probability set is a write to the watch's rows: it raises the watch's inputs version, and the
    next request gets a new window. A window as of a day has the probabilities set by the end of that day.
    """
    return win.derive("scenarios", lambda: _scenarios(win))


def _scenarios(win: WatchWindow) -> dict[str, Any]:
    log = analysis_store.probabilities(win.windows.store, win.watch.name, known_by=known_by(win.as_of))
    board = scenario_board(win.records, win.watch, probabilities={r.outcome: r.probability for r in log})
    return {
        "board": [b.to_dict() for b in board],
        "log": [
            {"outcome": r.outcome, "probability": r.probability, "reason": r.reason, "author": r.author, "at": r.at}
            for r in reversed(log)
        ],
    }
