from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from tests.ingest import SHARED, local_server
from vigil.config import Settings
from vigil.errors import FetchError
from vigil.ingest.fetch import Fetcher, HttpxFetcher, MockFetcher, RawDocument
from vigil.ingest.readers import read_inputs
from vigil.models import DateSource, RawArticle, Rejection

FEED = (SHARED / "fixtures" / "feeds" / "wsj_world_2025-04.xml").read_bytes()
PAGE = (SHARED / "fixtures" / "html" / "html" / "cnn_article.html").read_bytes()
SLEEP = 1.5


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(SLEEP)
            self._send(200, b"late", "text/plain")
        elif self.path == "/feed":
            self._send(200, FEED, "application/rss+xml; charset=utf-8")
        elif self.path == "/story":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/story")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/big":
            self._send(200, b"x" * 50_000, "text/plain")
        else:
            self._send(404, b"not here", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with local_server(_Handler) as url:
        yield url


@pytest.fixture
def fetcher(settings: Settings) -> Iterator[HttpxFetcher]:
    with HttpxFetcher(settings.replace(ingest__fetch_timeout=0.3, ingest__max_fetch_bytes=1_000_000)) as f:
        yield f


def test_fetch_timeout_against_real_server(server: str, fetcher: HttpxFetcher) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.3s fetching http://127\.0\.0\.1:\d+/slow"):
        fetcher.fetch(f"{server}/slow")
    assert time.monotonic() - started < SLEEP  # gave up before the server answered


def test_fetch_timeout_becomes_rejection(server: str, fetcher: HttpxFetcher, settings: Settings) -> None:
    [rejection] = list(read_inputs([f"{server}/slow"], settings=settings, fetcher=fetcher))
    assert isinstance(rejection, Rejection)
    assert rejection.origin == f"{server}/slow" and rejection.location == "file"
    assert rejection.reason.startswith("timed out after 0.3s")
    assert "ingest.fetch_timeout" in rejection.reason


def test_fetch_feed_from_local_server(server: str, fetcher: HttpxFetcher, settings: Settings) -> None:
    document = fetcher.fetch(f"{server}/feed")
    assert document.content == FEED and document.content_type is not None
    records = list(read_inputs([f"{server}/feed"], settings=settings, fetcher=fetcher))
    assert len(records) == 56 and all(isinstance(r, RawArticle) for r in records)
    first = records[0]
    assert isinstance(first, RawArticle)
    assert first.origin == f"{server}/feed" and first.source == "wsj.com"
    assert (first.published, first.date_source) == (date(2025, 4, 30), DateSource.FEED)


def test_fetch_html_via_redirect(server: str, fetcher: HttpxFetcher, settings: Settings) -> None:
    document = fetcher.fetch(f"{server}/moved")
    assert document.final_url == f"{server}/story" and document.url == f"{server}/moved"
    [article] = list(read_inputs([f"{server}/moved"], settings=settings, fetcher=fetcher))
    assert isinstance(article, RawArticle)
    assert "forecasters" in article.text.lower() or "thanksgiving" in article.text.lower()
    assert article.url == f"{server}/story" and article.source == "127.0.0.1"


def test_fetch_http_error_and_size_cap(server: str, settings: Settings) -> None:
    with HttpxFetcher(settings.replace(ingest__max_fetch_bytes=10_000)) as small:
        with pytest.raises(FetchError, match="HTTP 404 Not Found"):
            small.fetch(f"{server}/missing")
        with pytest.raises(FetchError, match=r"larger than 10000 bytes \(setting ingest.max_fetch_bytes\)"):
            small.fetch(f"{server}/big")
        with pytest.raises(FetchError, match="only http"):
            small.fetch("ftp://example.org/x")


def test_fetch_connection_refused(settings: Settings) -> None:
    with HttpxFetcher(settings.replace(ingest__fetch_timeout=2.0)) as fetcher:
        with pytest.raises(FetchError, match="Could not fetch http://127.0.0.1:9/"):
            fetcher.fetch("http://127.0.0.1:9/")


def test_fetch_mock_fetcher_satisfies_protocol(settings: Settings) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=FEED, headers={"content-type": "text/xml"})

    with MockFetcher(handler, settings) as mock:
        assert isinstance(mock, Fetcher)
        document = mock.fetch("https://feeds.example.org/world")
        assert isinstance(document, RawDocument) and document.content == FEED
        records = list(read_inputs(["https://feeds.example.org/world"], settings=settings, fetcher=mock))
    assert len(records) == 56
