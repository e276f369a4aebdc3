"""The ASGI app: the JSON API under ``/api``, the dashboard pages, and the static files they use."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from vigil.api.caching import AnswerCache, CachingMiddleware, server_tag
from vigil.api.context import AppContext
from vigil.api.errors import install_error_handlers
from vigil.api.routes import actors, articles, corrections, events, export, meta, search, watches
from vigil.api.schemas import ErrorOut
from vigil.api.security import AccessPolicy, SecurityMiddleware
from vigil.api.warm import keep_warm
from vigil.config import Settings
from vigil.store import Store, open_store

__all__ = ["create_app"]

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "Bad request"),
        (401, "Token missing or wrong"),
        (403, "Forbidden"),
        (404, "Not found"),
        (422, "Invalid parameters"),
        (500, "Internal error"),
    )
}


def create_app(
    settings: Settings,
    store_location: str | Path | Store,
    *,
    token: str | None = None,
    write_token: str | None = None,
    server_id: str | None = None,
    warm: bool = False,
    cache: bool = True,
) -> FastAPI:
    """Build the Vigil web app over a store.

    Args:
        settings: Vigil settings.
        store_location: a SQLite path or database URL (opened here, closed on shutdown), or an open Store.
        token: the access token (``VIGIL_TOKEN``); None lets loopback clients read without one.
        write_token: the token writes need when ``token`` is None (default: random, see
            :mod:`vigil.api.security`); read it back from ``app.state.vigil.policy.write_token``.
        server_id: what the workers of one server share in their ETags (default: random, this app's own).
        warm: compute the watches' views after each change of the store, before requests ask
            (:mod:`vigil.api.warm`; ``vigil serve`` turns it on).
        cache: keep answers per store version (:mod:`vigil.api.caching`) and each window's views;
            False computes every request (ETags and 304s stay, and each watch's records are still
            read once per version).
    Returns:
        The FastAPI app (serve it with uvicorn).
    """
    owned = not isinstance(store_location, Store)
    store = open_store(store_location) if not isinstance(store_location, Store) else store_location
    policy = AccessPolicy(token=token, write_token=write_token or "")
    answers = AnswerCache() if cache else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Everything loaded at start-up (the app, the knowledge base, SQLAlchemy's metadata) lives as
        # long as the server: move it out of the garbage collector's sight, or each full collection
        # walks it again and adds 60-90 ms to whichever request triggers it (docs/performance.md).
        gc.collect()
        gc.freeze()
        warming = asyncio.create_task(keep_warm(_app, store, policy, answers)) if warm and answers else None
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await warming
            gc.unfreeze()
            if owned:
                store.close()

    app = FastAPI(
        title="Vigil",
        version="0.1.0",
        summary="Who does what to whom, over time, with every fact cited.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        responses=_ERRORS,
        lifespan=lifespan,
    )
    app.state.vigil = AppContext(store, settings, policy, keep_views=cache)
    install_error_handlers(app)
    for module in (articles, events, actors, search, watches, export, corrections, meta):
        app.include_router(module.router)

    from vigil.web.pages import STATIC_DIR, make_templates
    from vigil.web.pages import router as pages_router

    app.state.templates = make_templates()
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The last added runs first: the security checks, then the cache (vigil.api.caching).
    tag = server_tag(settings, policy, server_id or secrets.token_hex(8))
    app.add_middleware(CachingMiddleware, store=store, policy=policy, tag=tag, cache=answers)
    app.add_middleware(SecurityMiddleware, policy=policy)
    return app
