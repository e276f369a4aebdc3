"""What every route needs: the store, the settings, the access policy and the analyses of each watch.

Analyses load a window of records (a few bulk queries) and compute stories over them; both are
kept per watch, window and store version (:meth:`vigil.store.Store.version`, raised by every
write), so that the dashboard's pages do not reload the corpus on every click.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast

from fastapi import Request

from vigil.analyze.stories import Story, cluster_stories
from vigil.analyze.timeline import watch_articles
from vigil.analyze.watches import Watch
from vigil.analyze.window import Records, known_until, load_records
from vigil.api.errors import ApiError
from vigil.api.security import AccessPolicy, LoginThrottle
from vigil.config import Settings
from vigil.services import get_watch
from vigil.store import Store

__all__ = ["AppContext", "WatchWindow", "get_context"]

_CACHE_SIZE = 8
T = TypeVar("T")
_CONSISTENT_READS = 3


@dataclass(frozen=True, slots=True)
class WatchWindow:
    """A watch's records and stories over one date window, as of one store version.

    The views computed from it with their default parameters (the scenario board, the timeline,
    the network, the trends) are kept with it (:meth:`derive`): the overview page, the view's own
    page and its JSON share one computation.
    """

    watch: Watch
    since: date | None
    until: date | None
    records: Records
    relevant: frozenset[str]
    stories: tuple[Story, ...]
    keep_views: bool = True
    as_of: date | None = None  # what the store knew at the end of that day (None: everything it holds)
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def story(self, story_id: str) -> Story | None:
        return next((s for s in self.stories if s.id == story_id), None)

    def derive(self, name: str, compute: Callable[[], T]) -> T:
        """The view ``name`` of this window: computed once, then kept (callers must not change it).

        With ``keep_views`` False (``vigil serve --no-cache``), computed on every call.
        """
        if not self.keep_views:
            return compute()
        with self._lock:
            if name not in self._derived:
                self._derived[name] = compute()
            return cast(T, self._derived[name])


class AppContext:
    """The store, the settings and the access policy of one app, with a small analysis cache."""

    def __init__(self, store: Store, settings: Settings, policy: AccessPolicy, *, keep_views: bool = True) -> None:
        self.store = store
        self.keep_views = keep_views
        self.settings = settings
        self.policy = policy
        self._lock = threading.Lock()
        self._windows: OrderedDict[tuple[Any, ...], WatchWindow] = OrderedDict()
        self._periods: OrderedDict[tuple[Any, ...], Records] = OrderedDict()
        self.throttle = LoginThrottle()

    def version(self) -> int:
        """The store version (the cache key's store part): raised by every write to the store."""
        return self.store.version()

    def watch(self, name: str) -> Watch:
        """The stored watch ``name``.

        Raises:
            NotFoundError: there is none (the API answers 404).
        """
        return get_watch(self.store, name)

    def window(
        self, watch: Watch, since: date | None = None, until: date | None = None, *, as_of: date | None = None
    ) -> WatchWindow:
        """The watch's records and stories over ``[since, until]``, clamped to the watch's period.

        The watch's whole period is read from the store once per store version; a narrower window
        is cut from it in memory, so varying ``since``/``until`` costs no store read. Both caches
        are bounded. With ``as_of``, what the store knew at the end of that day (articles published
        and ingested by then, corrections made by then: :func:`load_records`), and the window ends
        on that day at the latest.
        """
        lo, hi = since or watch.start, until or watch.end
        if lo is not None and hi is not None and hi < lo:
            raise ApiError(422, f"Invalid request: until ({hi}) is before since ({lo}).")
        if watch.start is not None and (lo is None or lo < watch.start):
            lo = watch.start
        if watch.end is not None and (hi is None or hi > watch.end):
            hi = watch.end
        hi = known_until(lo, hi, as_of)
        digest = hashlib.sha1(repr(watch).encode()).hexdigest()
        version = self.version()
        key = (watch.name, digest, lo, hi, as_of, version)
        with self._lock:
            found = self._windows.get(key)
            if found is not None:
                self._windows.move_to_end(key)
                return found
            base_key = (watch.name, digest, as_of, version)
            base = self._periods.get(base_key)
            if base is None:
                base, version = self._load_period(watch, version, as_of)
                base_key, key = (watch.name, digest, as_of, version), (watch.name, digest, lo, hi, as_of, version)
                self._periods[base_key] = base
                while len(self._periods) > _CACHE_SIZE:
                    self._periods.popitem(last=False)
            else:
                self._periods.move_to_end(base_key)
            records = base if (lo, hi) == (watch.start, watch.end) else base.within(lo, hi)
            relevant = watch_articles(records, watch)
            stories = cluster_stories([records.articles[a] for a in relevant])
            win = WatchWindow(watch, lo, hi, records, frozenset(relevant), tuple(stories), self.keep_views, as_of)
            self._windows[key] = win
            while len(self._windows) > _CACHE_SIZE:
                self._windows.popitem(last=False)
            return win

    def _load_period(self, watch: Watch, version: int, as_of: date | None) -> tuple[Records, int]:
        """The watch's whole period as of one store version (and as known on ``as_of``), and that version.

        The records come from several queries; a write committed between two of them would give a
        half-updated view. Every write raises the version, so a load that starts and ends on the
        same version saw no write: it is kept under that version. Otherwise it is read again (at
        most a few times; under a constant stream of writes the last load is kept under the version
        it started from, and so is recomputed on the next request).
        """
        started = version
        for _ in range(_CONSISTENT_READS):
            started = version
            records = load_records(
                self.store,
                since=watch.start,
                until=watch.end,
                coders=watch.coders,
                min_confidence=self.settings.get_float("view.min_confidence"),
                as_of=as_of,
            )
            after = self.version()
            if after == version:
                return records, version
            version = after
        return records, started


def get_context(request: Request) -> AppContext:
    """FastAPI dependency: the app's :class:`AppContext`."""
    ctx = request.app.state.vigil
    assert isinstance(ctx, AppContext)
    return ctx
