"""HTTP caching: ETags from the store version, answers kept per version, and static assets' lifetimes.

Every read the server answers (the API's GETs and the dashboard's pages) is a function of the URL,
the settings and the store. The store version (:meth:`vigil.store.Store.version`) changes with every
write, so it makes the ETag: ``W/"<version>-<server>"``, where ``<server>`` is a digest of what the
server was started with (settings, write token: a restarted server does not validate pages that
carry another write token). A request whose ``If-None-Match`` names the current ETag gets a 304
without any computation.

Each worker also keeps the 200 answers it computed, keyed by (version, path, query), in a bounded
LRU; the first request of a key computes it while the others asking for the same key wait for it.
An answer is stored under the version read before it was computed, so it never holds less than
that version (it may hold more: the next request then finds a newer version and recomputes).

Not cached: writes, the login page, exports and briefs (files and documents made on request),
errors, and anything but a complete 200 answer. The security middleware runs first: a request it
refuses never reaches the cache, and a cached page gets its cookie from it as a computed one does.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.api.security import AccessPolicy, presented_token
from vigil.config import Settings
from vigil.store import Store

__all__ = ["STATIC_MAX_AGE", "AnswerCache", "CachingMiddleware", "server_tag"]

STATIC_MAX_AGE = 86_400
_NOT_CACHED = ("/login", "/api/export", "/static/", "/favicon.ico")
_MAX_ENTRY_BYTES = 4_000_000


def server_tag(settings: Settings, policy: AccessPolicy, server_id: str) -> str:
    """The ETag's server part: a digest of the settings, the write token and the server's id."""
    blob = json.dumps({"settings": dict(settings), "write": policy.write_token, "id": server_id}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class AnswerCache:
    """Answers by key, at most ``max_bytes`` of bodies, least recently used dropped first."""

    def __init__(self, max_bytes: int = 64_000_000) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[tuple[Any, ...], _Answer] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> _Answer | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def drop_older(self, version: int) -> int:
        """Forget the answers of versions before ``version`` (no request asks for them again); return how many."""
        old = [k for k in self._items if k[0] < version]
        for k in old:
            self.size -= len(self._items.pop(k).body)
        return len(old)

    def put(self, key: tuple[Any, ...], answer: _Answer) -> None:
        if len(answer.body) > _MAX_ENTRY_BYTES or key in self._items:
            return
        self._items[key] = answer
        self.size += len(answer.body)
        while self.size > self.max_bytes and self._items:
            _, dropped = self._items.popitem(last=False)
            self.size -= len(dropped.body)


def _header(scope: Scope, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == name), None)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip() for t in if_none_match.split(",")}
    return "*" in tags or etag in tags or etag.removeprefix("W/") in tags


class CachingMiddleware:
    """ASGI middleware: ETag/304 and per-version answers for reads, ``Cache-Control`` for static files."""

    def __init__(self, app: ASGIApp, store: Store, policy: AccessPolicy, tag: str, cache: AnswerCache | None) -> None:
        self.app = app
        self.store = store
        self.policy = policy
        self.tag = tag
        self.cache = cache
        self._pending: dict[tuple[Any, ...], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith("/static/"):
            await self.app(scope, receive, _with_headers(send, _static_cache_control(path)))
            return
        if path.startswith(_NOT_CACHED) or (path.startswith("/api/watches/") and path.endswith("/brief")):
            await self.app(scope, receive, send)
            return
        version = await to_thread.run_sync(self.store.version)
        etag = f'W/"{version}-{self.tag}"'
        validators = [(b"etag", etag.encode()), (b"cache-control", b"private, no-cache")]
        if _matches(_header(scope, b"if-none-match"), etag) and self._may_validate(scope, path):
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return
        if self.cache is None:  # answers are not kept: computed for every request
            await self.app(scope, receive, _with_validators(send, validators))
            return
        key = (version, path, scope.get("query_string", b""))
        answer = await self._answer(key, scope, receive)
        headers = list(answer.headers)
        if answer.status == 200:
            headers += validators
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

    def _may_validate(self, scope: Scope, path: str) -> bool:
        """A page is validated (304) only for a browser that holds the token cookie already.

        Without it, the page must be sent whole so that the security middleware can hand the
        browser its write cookie (a browser restart drops the cookie but keeps its cache).
        """
        is_api = path.startswith("/api/") or path == "/openapi.json"
        return is_api or self.policy.token is not None or self.policy.check(presented_token(scope))

    async def _answer(self, key: tuple[Any, ...], scope: Scope, receive: Receive) -> _Answer:
        """The answer for ``key``: kept, or computed once while other requests for it wait."""
        assert self.cache is not None
        while True:
            found = self.cache.get(key)
            if found is not None:
                return found
            pending = self._pending.get(key)
            if pending is None:
                break
            await pending.wait()
            if self.cache.get(key) is None:  # that answer was not kept (an error): compute our own
                return await self._compute(scope, receive)
        event = asyncio.Event()
        self._pending[key] = event
        try:
            answer = await self._compute(scope, receive)
            if answer.status == 200:
                self.cache.put(key, answer)
            return answer
        finally:
            del self._pending[key]
            event.set()

    async def _compute(self, scope: Scope, receive: Receive) -> _Answer:
        """Run the app and collect its answer."""
        start: Message = {}
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        if not start:
            raise RuntimeError(f"{scope.get('path')!r} sent no response")
        return _Answer(int(start["status"]), tuple(start.get("headers", [])), b"".join(chunks))


def _static_cache_control(path: str) -> bytes:
    """Vendored libraries may be kept a day; the project's own scripts and styles are revalidated."""
    if path.startswith("/static/vendor/"):
        return f"public, max-age={STATIC_MAX_AGE}".encode()
    return b"no-cache"


def _with_validators(send: Send, validators: list[tuple[bytes, bytes]]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start" and message.get("status") == 200:
            message["headers"] = [*message.get("headers", []), *validators]
        await send(message)

    return wrapped


def _with_headers(send: Send, cache_control: bytes) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start" and message.get("status") == 200:
            message["headers"] = [*message.get("headers", []), (b"cache-control", cache_control)]
        await send(message)

    return wrapped
