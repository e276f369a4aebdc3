"""What every route needs: the store, the settings, the access policy and the analyses of each watch.

The windows of the watches and their views come from :class:`vigil.analyze.dashboard.Windows`: read
from the store once per inputs version of a watch, the views of its whole window kept in the store.
"""

from __future__ import annotations

from datetime import date

from fastapi import Request

from vigil.analyze.dashboard import WatchWindow, Windows
from vigil.analyze.watches import Watch
from vigil.api.security import AccessPolicy, LoginThrottle
from vigil.config import Settings
from vigil.services import get_watch
from vigil.store import Store

__all__ = ["AppContext", "WatchWindow", "get_context"]


class AppContext:
    """The store, the settings and the access policy of one app, with the watches' windows."""

    def __init__(self, store: Store, settings: Settings, policy: AccessPolicy, *, keep_views: bool = True) -> None:
        self.store = store
        self.keep_views = keep_views
        self.settings = settings
        self.policy = policy
        self.windows = Windows(store, settings, keep_views=keep_views)
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
        """The watch's window over ``[since, until]`` (:meth:`vigil.analyze.dashboard.Windows.window`).

        Raises:
            WindowError: ``until`` is before ``since`` (the API answers 422).
        """
        return self.windows.window(watch, since, until, as_of=as_of)


def get_context(request: Request) -> AppContext:
    """FastAPI dependency: the app's :class:`AppContext`."""
    ctx = request.app.state.vigil
    assert isinstance(ctx, AppContext)
    return ctx
