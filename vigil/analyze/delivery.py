"""Where alerts go, and the limits on where they may go.

A watch's ``delivery`` names the console, a JSON Lines file or a webhook. Files and webhooks are
side effects on this machine and its network, so they are confined whoever stored the watch:

- a file must lie inside ``alerts.delivery_dir`` (a relative path is taken inside it; ``..`` and
  symbolic links that leave it are refused);
- a webhook host must be in ``alerts.webhook_hosts`` when that allow-list is set, and every address
  it resolves to must be a public one (no loopback, private, link-local, multicast or reserved
  address, e.g. no cloud metadata service) unless ``alerts.webhook_allow_private`` is true. The
  request goes to the address that was checked (no second DNS answer), follows no redirect, and
  verifies TLS against the URL's host name.

Each target is delivered on its own: one that fails is logged and the others still get the alerts.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import httpx

from vigil.errors import VigilError
from vigil.models import Alert

if TYPE_CHECKING:
    from vigil.analyze.watches import Delivery
    from vigil.config import Settings

__all__ = ["DeliveryError", "DeliveryPolicy", "deliver"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

Resolver = Callable[[str, int], list[str]]


class DeliveryError(VigilError):
    """An alert could not be delivered (file not writable or not allowed, webhook refused or failed)."""


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """The limits on file and webhook deliveries (settings ``alerts.*``)."""

    directory: Path = Path("alerts")
    webhook_hosts: tuple[str, ...] = ()
    allow_private: bool = False
    resolver: Resolver = _resolve

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        hosts = settings.get_str("alerts.webhook_hosts")
        return cls(
            directory=Path(settings.get_str("alerts.delivery_dir")).expanduser(),
            webhook_hosts=tuple(h.strip().lower() for h in hosts.split(",") if h.strip()),
            allow_private=settings.get_bool("alerts.webhook_allow_private"),
        )

    def file_path(self, path: str) -> Path:
        """The file a ``file`` delivery writes to, inside :attr:`directory`.

        Raises:
            DeliveryError: the path leaves the directory.
        """
        root = self.directory.resolve()
        target = (root / Path(path).expanduser()).resolve()
        if not target.is_relative_to(root) or target == root:
            raise DeliveryError(
                f"Alert file {path!r} is outside the alert directory {str(root)!r} (setting alerts.delivery_dir); "
                "name a file inside it."
            )
        return target

    def webhook_address(self, url: str) -> tuple[str, str]:
        """The URL to connect to (host replaced by a checked address) and the ``Host`` header to send.

        Raises:
            DeliveryError: not http(s), a bad port, a host outside the allow-list, a host that does not
                resolve, or an address that is not public (unless allowed).
        """
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise DeliveryError(f"Webhook URL {url!r} is not valid: {exc}.") from None
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise DeliveryError(f"Webhook URL {url!r} is not an http(s) URL with a host.")
        if self.webhook_hosts and host not in self.webhook_hosts:
            raise DeliveryError(
                f"Webhook host {host!r} is not in the allow-list (setting alerts.webhook_hosts: "
                f"{', '.join(self.webhook_hosts)})."
            )
        try:
            addresses = self.resolver(host, port)
        except OSError as exc:
            raise DeliveryError(f"Webhook host {host!r} does not resolve: {exc}.") from None
        if not addresses:
            raise DeliveryError(f"Webhook host {host!r} does not resolve.")
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not self.allow_private and not ip.is_global:
                raise DeliveryError(
                    f"Webhook host {host!r} resolves to {address}, which is not a public address (loopback, "
                    "private, link-local or reserved); set alerts.webhook_allow_private=true to allow it."
                )
        first = ipaddress.ip_address(addresses[0].split("%")[0])
        netloc = f"[{first}]" if first.version == 6 else str(first)
        default_port = port == (443 if parts.scheme == "https" else 80)
        host_header = host if default_port else f"{host}:{port}"
        return urlunsplit((parts.scheme, f"{netloc}:{port}", parts.path or "/", parts.query, "")), host_header


def deliver(
    alerts: Sequence[Alert],
    targets: Sequence[Delivery],
    *,
    policy: DeliveryPolicy | None = None,
    console: Callable[[str], None] | None = None,
    client: httpx.Client | None = None,
) -> list[str]:
    """Deliver alerts to every target, each on its own.

    Args:
        alerts: the alerts.
        targets: where to send them.
        policy: the limits on files and webhooks (default: :class:`DeliveryPolicy` defaults).
        console: writes one line (default: standard error).
        client: the HTTP client for webhooks (default: a new one with a 10 s timeout).
    Returns:
        One message per target that failed (empty when all were delivered); each is also logged.
    """
    return [message for _, message in deliver_each(alerts, targets, policy=policy, console=console, client=client)]


def deliver_each(
    alerts: Sequence[Alert],
    targets: Sequence[Delivery],
    *,
    policy: DeliveryPolicy | None = None,
    console: Callable[[str], None] | None = None,
    client: httpx.Client | None = None,
) -> list[tuple[Delivery, str]]:
    """Like :func:`deliver`, returning each failed target with its message (for a later retry)."""
    failures: list[tuple[Delivery, str]] = []
    if not alerts:
        return failures
    policy = policy or DeliveryPolicy()
    for target in targets:
        try:
            _deliver_one(alerts, target, policy, console, client)
        except DeliveryError as exc:
            failures.append((target, str(exc)))
        except Exception as exc:  # one bad target never stops the others
            failures.append((target, f"{target.kind} delivery failed: {type(exc).__name__}: {exc}"))
    for _, message in failures:
        log.warning("alerts stored but not delivered: %s", message)
    return failures


def _deliver_one(
    alerts: Sequence[Alert],
    target: Delivery,
    policy: DeliveryPolicy,
    console: Callable[[str], None] | None,
    client: httpx.Client | None,
) -> None:
    if target.kind == "console":
        write = console or _stderr
        for a in alerts:
            first = a.evidence[0].text if a.evidence else ""
            write(f"[alert {a.watch}/{a.rule}] {a.message}" + (f" — “{first}”" if first else ""))
    elif target.kind == "file":
        assert target.path is not None
        path = policy.file_path(target.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                for a in alerts:
                    fh.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
        except OSError as exc:
            raise DeliveryError(f"Cannot append alerts to {path}: {exc.strerror}.") from None
    elif target.kind == "webhook":
        assert target.url is not None
        address, host = policy.webhook_address(target.url)
        own = client is None
        http = client or httpx.Client(timeout=10.0, follow_redirects=False)
        try:
            resp = http.post(
                address,
                json={"alerts": [a.to_dict() for a in alerts]},
                headers={"Host": host},
                extensions={"sni_hostname": host.rsplit(":", 1)[0] if not host.endswith("]") else host},
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Webhook {target.url} failed: {exc}. The alerts are stored.") from None
        finally:
            if own:
                http.close()
        if resp.status_code >= 300:
            raise DeliveryError(
                f"Webhook {target.url} answered HTTP {resp.status_code}. The alerts are stored; "
                "list them with `vigil alerts`."
            )


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
