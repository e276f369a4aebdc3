"""What an export holds: the events, articles, mentions and actors of a watch or of the whole store.

One selection rule for every format, so that the files of one export agree with each other:

- Without a watch: the articles published in ``[since, until]`` (every article when both are open)
  and their events dated in that range.
- With a watch: the watch's window (``since``/``until``, default the watch's start and end), and of
  its articles only those that concern the watch (a watched actor or keyword, as the timeline
  selects them). The network formats export the window's actor graph as ``vigil network`` shows it.

An undated event is outside any bounded range, as in the analyses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from vigil.analyze.networks import ActorGraph, OutcomeBridges, build_graph, find_bridges
from vigil.analyze.timeline import watch_articles
from vigil.analyze.watches import Watch, parse_watch
from vigil.analyze.window import Records, load_records
from vigil.errors import ConfigError
from vigil.models import VIGIL_CODER, Article, Event, Mention
from vigil.store import Store
from vigil.store import analysis as analysis_store

__all__ = ["Selection", "select", "watch_by_name"]


def watch_by_name(store: Store, name: str) -> Watch:
    """The stored watch ``name``.

    Raises:
        ConfigError: no such watch (the message lists the stored ones).
    """
    text = analysis_store.get_watch_yaml(store, name)
    if text is None:
        known = ", ".join(n for n, _, _ in analysis_store.list_watches(store)) or "none"
        raise ConfigError(
            f"No watch named {name!r} (watches: {known}). Create one with `vigil watch create FILE.yaml`."
        )
    return parse_watch(text, source=name)


def _in_window(day: date | None, since: date | None, until: date | None) -> bool:
    if since is not None and (day is None or day < since):
        return False
    return not (until is not None and (day is None or day > until))


@dataclass(slots=True)
class Selection:
    """The records of one export, with the events, articles and mentions it holds."""

    records: Records
    events: list[Event]
    articles: list[Article]
    mentions: list[Mention]
    watch: Watch | None = None
    since: date | None = None
    until: date | None = None
    store: Store | None = None
    _graph: ActorGraph | None = field(default=None, repr=False)
    _bridges: list[OutcomeBridges] | None = field(default=None, repr=False)

    def actor_ids(self) -> list[str]:
        """Every actor id named by the selected events and mentions, sorted."""
        ids = {x for e in self.events for x in (e.source_actor, e.target_actor) if x}
        ids |= {m.actor_id for m in self.mentions if m.actor_id}
        return sorted(ids)

    def as_of(self) -> date | None:
        """The day actors' countries, sectors and roles are read on: the latest selected event's date,
        else the latest selected article's, else the window's end (None when nothing is dated)."""
        days = [e.date for e in self.events if e.date] or [a.published for a in self.articles if a.published]
        return max(days) if days else self.until

    def graph(self) -> ActorGraph:
        """The actor graph: the watch's window as ``vigil network`` builds it, or the selected events'."""
        if self._graph is None:
            if self.watch is not None:
                self._graph = build_graph(self.records, since=self.since, until=self.until)
            else:
                self._graph = build_graph(
                    Records.build(
                        self.articles,
                        events=self.events,
                        mentions=self.mentions,
                        actors=self.records.actors.values(),
                    ),
                    since=self.since,
                    until=self.until,
                )
        return self._graph

    def bridges(self) -> list[OutcomeBridges]:
        """The watch's bridges per outcome (none without a watch)."""
        if self._bridges is None:
            self._bridges = find_bridges(self.records, self.watch, self.graph()) if self.watch is not None else []
        return self._bridges


def select(
    store: Store,
    *,
    watch: str | None = None,
    since: date | None = None,
    until: date | None = None,
    min_confidence: float | None = None,
    as_of: date | None = None,
) -> Selection:
    """Load what an export holds (see the module's rule).

    Args:
        store: the open store.
        watch: a stored watch's name, or None for the whole store.
        since, until: inclusive bounds (with a watch, default its start and end).
        min_confidence: the events' lowest confidence (None: the default view's, 0: every event).
        as_of: the day actors' roles are read on (:func:`vigil.analyze.window.load_records`).
    Raises:
        ConfigError: unknown watch, or ``until`` before ``since``.
    """
    w = watch_by_name(store, watch) if watch is not None else None
    lo = since if since is not None or w is None else w.start
    hi = until if until is not None or w is None else w.end
    if lo is not None and hi is not None and hi < lo:
        raise ConfigError(f"--until {hi} is before --since {lo}: nothing can be exported from an empty range.")
    # The default view's events (setting view.min_confidence), and with a watch the coders it reads.
    coders = w.coders if w is not None else (VIGIL_CODER,)
    records = load_records(store, since=lo, until=hi, coders=coders, min_confidence=min_confidence, as_of=as_of)
    keep = watch_articles(records, w) if w is not None else set(records.articles)
    articles = [a for a in records.articles.values() if a.id in keep]
    events = [e for e in records.events if e.article_id in keep and _in_window(e.when, lo, hi)]
    events.sort(key=lambda e: (e.when or date.min, e.article_id, e.sentence_index, e.id))
    mentions = [m for m in records.mentions if m.article_id in keep]
    mentions.sort(key=lambda m: (m.article_id, m.start, m.end))
    return Selection(records, events, articles, mentions, w, lo, hi, store)
