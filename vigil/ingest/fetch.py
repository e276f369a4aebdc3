"""Fetching URLs behind a small protocol, so that readers and tests never need the network.

``HttpxFetcher`` streams the body with a size cap and a total deadline; ``MockFetcher`` runs the
same code over an ``httpx.MockTransport`` handler.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, runtime_checkable

import httpx

from vigil.config import Settings
from vigil.errors import FetchError

__all__ = ["USER_AGENT", "Fetcher", "HttpxFetcher", "MockFetcher", "RawDocument"]

logger = logging.getLogger(__name__)

USER_AGENT = "vigil/0.1 (+https://github.com/vigil-news/vigil; news-intelligence reader)"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a fetch returns: the bytes and where they finally came from."""

    url: str
    content: bytes
    content_type: str | None
    final_url: str


@runtime_checkable
class Fetcher(Protocol):
    """Anything that can turn a URL into a :class:`RawDocument` (or raise :class:`FetchError`)."""

    def fetch(self, url: str) -> RawDocument: ...


_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


def decoded(raw: Iterator[bytes], encodings: list[str], limit: int, url: str) -> Iterator[bytes]:
    """The body of a response with ``Content-Encoding`` ``encodings``, never more than ``limit`` + 1 bytes
    out of any layer: each gzip/deflate layer is inflated with an output bound, so a small
    "gzip, gzip" bomb stops at the limit instead of expanding in memory first.

    Raises:
        FetchError: an encoding other than identity, gzip and deflate (we asked for identity).
    """
    stream = raw
    for encoding in reversed([e for e in encodings if e and e != "identity"]):
        if encoding not in _WBITS:
            raise FetchError(
                f"{url} answered with Content-Encoding {encoding!r} although identity was asked for; refused."
            )
        stream = _inflate(stream, _WBITS[encoding], limit)
    return stream


def _raw_chunks(response: httpx.Response) -> Iterator[bytes]:
    """The body as sent; a response made in memory (``httpx.MockTransport``) has it read already."""
    if response.is_stream_consumed:
        yield response.content
    else:
        yield from response.iter_raw()


def _inflate(chunks: Iterator[bytes], wbits: int, limit: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(wbits)
    produced = 0
    try:
        for chunk in chunks:
            data = chunk
            while data and produced <= limit:
                out = inflater.decompress(data, limit + 1 - produced)
                produced += len(out)
                if out:
                    yield out
                data = inflater.unconsumed_tail
            if produced > limit:
                return
        if produced <= limit:
            yield inflater.flush(limit + 1 - produced)
    except zlib.error as exc:
        raise FetchError(f"the compressed body is damaged ({exc})") from None


class HttpxFetcher:
    """Fetch over HTTP(S) with httpx: redirects followed, a timeout, and a cap on the body size.

    Args:
        settings: Vigil settings (``ingest.fetch_timeout`` seconds, ``ingest.max_fetch_bytes``).
        transport: an httpx transport (tests pass ``httpx.MockTransport``).
        headers: extra request headers.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.timeout = settings.get_float("ingest.fetch_timeout")
        self.max_bytes = settings.get_int("ingest.max_fetch_bytes")
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=True,
            # identity: a compressed body is a bomb waiting to expand before any size check
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})},
            transport=transport,
        )

    def fetch(self, url: str) -> RawDocument:
        """Fetch ``url``.

        Args:
            url: an http(s) URL.
        Returns:
            The :class:`RawDocument`.
        Raises:
            FetchError: not http(s), timeout (connect, read, or the whole transfer taking longer
                than the timeout), connection failure, an HTTP error status, or a body larger than
                ``ingest.max_fetch_bytes``.
        """
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError(f"Cannot fetch {url!r}: only http:// and https:// URLs are supported.")
        deadline = time.monotonic() + self.timeout
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise FetchError(
                        f"HTTP {response.status_code} {response.reason_phrase} for {url}; check the URL or try later."
                    )
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(self._too_large(url))
                chunks: list[bytes] = []
                size = 0
                encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
                for chunk in decoded(_raw_chunks(response), encodings, self.max_bytes, url):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(self._too_large(url))
                    if time.monotonic() > deadline:
                        raise FetchError(self._timed_out(url))
                    chunks.append(chunk)
                return RawDocument(
                    url=url,
                    content=b"".join(chunks),
                    content_type=response.headers.get("content-type"),
                    final_url=str(response.url),
                )
        except httpx.TimeoutException:
            raise FetchError(self._timed_out(url)) from None
        except httpx.TooManyRedirects:
            raise FetchError(f"Too many redirects fetching {url}.") from None
        except httpx.HTTPError as exc:
            problem = str(exc) or type(exc).__name__
            raise FetchError(f"Could not fetch {url}: {problem}. Check the URL and the network.") from None

    def _timed_out(self, url: str) -> str:
        return (
            f"timed out after {self.timeout:g}s fetching {url}; "
            "try again later or raise the setting ingest.fetch_timeout"
        )

    def _too_large(self, url: str) -> str:
        return f"response from {url} is larger than {self.max_bytes} bytes (setting ingest.max_fetch_bytes)"

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self._client.close()

    def __enter__(self) -> HttpxFetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class MockFetcher(HttpxFetcher):
    """An :class:`HttpxFetcher` whose requests are answered by ``handler`` (no network).

    Args:
        handler: ``httpx.Request -> httpx.Response``, as for ``httpx.MockTransport``.
        settings: Vigil settings; the defaults when None.
    """

    def __init__(
        self,
        handler: Callable[[httpx.Request], httpx.Response],
        settings: Settings | None = None,
    ) -> None:
        if settings is None:
            from vigil.config import load_settings

            settings = load_settings(env={})
        super().__init__(settings, transport=httpx.MockTransport(handler))
