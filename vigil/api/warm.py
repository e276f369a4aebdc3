"""Each worker computes the dashboard's watch views for a new store version before anyone asks.

After an ingest (or any write), the first analyst to open a watch would wait for its analyses
(the scenario board and the overview take a second or more on the demo store). Instead, every
worker polls the store version; at start-up, and once a new version has held for one poll (so
that a running ingest, which raises it batch after batch, is not chased), the worker requests each stored watch's
pages and API views from itself, through the whole app, so that the answer cache
(:mod:`vigil.api.caching`) holds them for that version, and drops the answers of older versions.
Requests that arrive meanwhile wait for the same computation rather than repeat it.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

import httpx
from anyio import to_thread
from starlette.types import ASGIApp

from vigil.api.caching import AnswerCache
from vigil.api.security import AccessPolicy
from vigil.store import Store
from vigil.store import analysis as analysis_store

__all__ = ["WATCH_VIEWS", "keep_warm", "watch_paths"]

log = logging.getLogger(__name__)

# What a desk opens for each watch: the pages, then the JSON views their scripts and clients read.
WATCH_VIEWS = (
    "/watches/{name}",
    "/watches/{name}/timeline",
    "/watches/{name}/network",
    "/watches/{name}/trends",
    "/watches/{name}/scenarios",
    "/api/watches/{name}/timeline",
    "/api/watches/{name}/network",
    "/api/watches/{name}/bridges",
    "/api/watches/{name}/trends",
    "/api/watches/{name}/scenarios",
    "/api/watches/{name}/stories",
)


def watch_paths(store: Store) -> list[str]:
    """The paths :func:`keep_warm` computes: every view of :data:`WATCH_VIEWS` for every stored watch."""
    names = [quote(name, safe="") for name, _, _ in analysis_store.list_watches(store)]
    return ["/", *(view.format(name=n) for n in names for view in WATCH_VIEWS)]


async def warm_once(client: httpx.AsyncClient, store: Store) -> int:
    """Request every path of :func:`watch_paths` once; return how many answered 200."""
    ok = 0
    for path in await to_thread.run_sync(watch_paths, store):
        try:
            response = await client.get(path)
        except Exception:  # a view that fails is logged and left to its first request
            log.exception("warming %s failed", path)
            continue
        ok += response.status_code == 200
    return ok


async def keep_warm(
    app: ASGIApp, store: Store, policy: AccessPolicy, cache: AnswerCache, *, interval: float = 2.0
) -> None:
    """Poll the store version every ``interval`` seconds and warm each version that has settled.

    Args:
        app: the whole app (its security and caching middleware included).
        store: the app's store.
        policy: the app's access policy (the warming requests carry its write token).
        cache: the answer cache, whose older answers are dropped once a version is warm.
        interval: seconds between polls.
    """
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {policy.write_token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=headers) as client:
        seen: int | None = await to_thread.run_sync(store.version)  # the version served at start-up is warmed now
        warmed: int | None = None
        while True:
            try:
                version = await to_thread.run_sync(store.version)
                if version == seen and version != warmed:
                    count = await warm_once(client, store)
                    warmed = version
                    cache.drop_older(version)
                    log.info("store version %s: %s views computed", version, count)
                seen = version
            except asyncio.CancelledError:
                raise
            except Exception:  # the store may be briefly unreachable: try again at the next poll
                log.exception("warming failed")
            await asyncio.sleep(interval)
