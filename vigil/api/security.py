"""Who may read and write, and the headers every response carries.

- Bound to a loopback address without ``VIGIL_TOKEN``: anyone on this machine may read; the
  ``Host`` header must name a loopback host (a DNS-rebinding page cannot reach the API).
- With a token (required to bind anywhere else): every request carries it, as
  ``Authorization: Bearer TOKEN`` or the ``vigil_token`` cookie that the login form sets.
- Writes (POST, PUT, PATCH, DELETE) always need a token. Without ``VIGIL_TOKEN`` the server makes
  a random one at start-up (``vigil serve`` prints it for API clients) and pages hand it to the
  browser as a ``SameSite=Strict``, ``HttpOnly`` cookie, so another site cannot write through
  the analyst's browser. Writes whose ``Origin`` is another site are refused as well.
- Every response forbids inline and foreign scripts (Content-Security-Policy) and framing.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.api.errors import error_payload
from vigil.api.headers import CSP, HEADER_PAIRS

__all__ = ["COOKIE", "CSP", "LOOPBACK_HOSTS", "AccessPolicy", "LoginThrottle", "SecurityMiddleware", "is_loopback"]

COOKIE = "vigil_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_OPEN_PATHS = ("/login", "/static/", "/favicon.ico")


def is_loopback(host: str) -> bool:
    """True when ``host`` (no port) is exactly a loopback name or a loopback IP address.

    Names are compared whole, never by prefix: ``127.0.0.1.attacker.example`` is a DNS name an
    attacker controls (DNS rebinding), not a loopback address.
    """
    h = host.strip().lower().rstrip(".")
    if h in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(h.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


@dataclass(slots=True)
class AccessPolicy:
    """The server's token (``VIGIL_TOKEN``) or, without one, a random write token made at start-up."""

    token: str | None = None
    write_token: str = field(default="")

    def __post_init__(self) -> None:
        if self.token is not None and not self.token.strip():
            self.token = None
        if not self.write_token:
            self.write_token = self.token or secrets.token_urlsafe(32)

    @property
    def reads_need_token(self) -> bool:
        return self.token is not None

    def check(self, presented: str | None) -> bool:
        """True when ``presented`` is the token (constant-time comparison)."""
        return presented is not None and hmac.compare_digest(presented.encode(), self.write_token.encode())


class LoginThrottle:
    """At most ``attempts`` failed logins per client address in ``window`` seconds (then 429)."""

    def __init__(self, attempts: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again (0: now)."""
        with self._lock:
            recent = self._recent(client)
            if len(recent) < self.attempts:
                return 0
            return max(1, int(recent[0] + self.window - self.clock()) + 1)

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(self.clock())
            if len(self._failures) > 10_000:  # bounded: forget the quietest clients
                for key in [k for k, v in self._failures.items() if not v][:5_000]:
                    del self._failures[key]

    def _recent(self, client: str) -> deque[float]:
        now = self.clock()
        recent = self._failures.setdefault(client, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        return recent


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def presented_token(scope: Scope) -> str | None:
    """The token a request carries: a Bearer header, else the cookie."""
    auth = _header(scope, b"authorization")
    if auth and auth.lower().startswith("bearer "):
        return auth[7:].strip()
    cookie = _header(scope, b"cookie")
    if cookie:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie)
        except Exception:  # a malformed Cookie header carries no token
            return None
        morsel = jar.get(COOKIE)
        return morsel.value if morsel is not None else None
    return None


class SecurityMiddleware:
    """ASGI middleware enforcing :class:`AccessPolicy` and adding the security headers."""

    def __init__(self, app: ASGIApp, policy: AccessPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        is_api = path.startswith("/api/") or path == "/openapi.json"
        token = presented_token(scope)
        authorised = self.policy.check(token)
        denial = self._deny(scope, path, method, authorised)
        if denial is not None:
            status, message = denial
            if status == 401 and not is_api and method == "GET":
                target = "/login?next=" + quote(
                    path + ("?" + scope["query_string"].decode() if scope.get("query_string") else ""), safe=""
                )
                response: Any = RedirectResponse(target, status_code=303)
            else:
                response = JSONResponse(error_payload(status, message), status_code=status)
                if status == 401:
                    response.headers["www-authenticate"] = 'Bearer realm="vigil"'
            await self._with_headers(response, scope, receive, send, set_cookie=False)
            return
        # A page load hands the browser the write token (only when no VIGIL_TOKEN is set:
        # with one, the login form sets the cookie).
        set_cookie = (
            self.policy.token is None
            and not is_api
            and method == "GET"
            and not authorised
            and not path.startswith("/static/")
        )
        await self._with_headers(self.app, scope, receive, send, set_cookie=set_cookie)

    def _deny(self, scope: Scope, path: str, method: str, authorised: bool) -> tuple[int, str] | None:
        host = (_header(scope, b"host") or "").strip()
        hostname = urlsplit("//" + host).hostname or ""
        if not self.policy.reads_need_token and not is_loopback(hostname):
            return 403, (
                f"Host {host!r} is not a loopback address. Without VIGIL_TOKEN the server answers only "
                "to 127.0.0.1 or localhost."
            )
        open_path = path.startswith(_OPEN_PATHS)
        if self.policy.reads_need_token and not authorised and not open_path:
            return 401, "This server needs a token: send 'Authorization: Bearer TOKEN' or log in at /login."
        if method in _WRITE_METHODS and not (path == "/login"):
            origin = _header(scope, b"origin")
            if origin and origin != "null" and (urlsplit(origin).netloc or "").lower() != host.lower():
                return 403, f"Cross-site write refused (Origin {origin!r})."
            if not authorised:
                return 401, (
                    "Writes need the token: send 'Authorization: Bearer TOKEN' (VIGIL_TOKEN, or the write token "
                    "`vigil serve` printed), or use the dashboard pages."
                )
        return None

    async def _with_headers(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, set_cookie: bool
    ) -> None:
        cookie = (
            f"{COOKIE}={self.policy.write_token}; Path=/; HttpOnly; SameSite=Strict".encode() if set_cookie else None
        )

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in HEADER_PAIRS if k not in present)
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if cookie is not None and content_type.startswith(b"text/html"):
                    headers.append((b"set-cookie", cookie))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_wrapper)
