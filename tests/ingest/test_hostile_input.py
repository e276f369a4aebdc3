"""Inputs crafted to stall or exhaust an ingest: each one is refused or read in linear time and
bounded memory. Slow paths run in a child process with a generous deadline, so a regression
fails the test instead of hanging the suite (before the fixes these inputs took hours)."""

from __future__ import annotations

import gzip
import subprocess
import sys
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from tests.ingest import local_server
from vigil.config import Settings
from vigil.errors import FetchError
from vigil.ingest.fetch import HttpxFetcher

DEADLINE = 60.0  # seconds; the inputs below took from hours (regexes) to minutes (clean-up) before


def _finishes(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("blank", ["\n", " ", "\t", "\r\n"])
def test_feed_prologue_with_whitespace_and_entity_is_linear(blank: str) -> None:
    out = _finishes(
        "from vigil.ingest.feeds import defuse_xml, UnsafeXMLError\n"
        f"data = b'<?xml version=\"1.0\"?>' + {blank!r}.encode() * 5000 + b'<!-- c -->' + b' ' * 5000 "
        "+ b'<!ENTITY x \"y\"><rss/>'\n"
        "try:\n    defuse_xml(data)\n    print('kept')\nexcept UnsafeXMLError:\n    print('refused')\n"
    )
    assert out.strip() == "refused"


def test_feed_doctype_with_many_brackets_is_linear() -> None:
    out = _finishes(
        "from vigil.ingest.feeds import defuse_xml, UnsafeXMLError\n"
        "data = b'<?xml version=\"1.0\"?><!DOCTYPE rss [' + b'] ' * 20000 + b'<!ENTITY a \"b\"><rss/>'\n"
        "try:\n    print(b'<!ENTITY' in defuse_xml(data))\nexcept UnsafeXMLError:\n    print('refused')\n"
    )
    assert out.strip() in ("False", "refused")  # the declaration is removed or the document refused


def test_long_line_of_spaces_is_cleaned_in_linear_time() -> None:
    out = _finishes(
        "from vigil.ingest.fields import clean_text\n"
        "print(len(clean_text('word ' + ' ' * 400_000 + 'end')), len(clean_text('a  \\n' * 200_000)))\n"
    )
    assert out.split() == [str(5 + 400_000 + 3), str(2 * 200_000 - 1)]


def test_oversized_document_is_refused_before_any_clean_up() -> None:
    out = _finishes(
        "from datetime import date\n"
        "from vigil.config import load_settings\nfrom vigil.ingest.fields import build_article\n"
        "from vigil.models import DateSource\n"
        "r = build_article({'text': 'x' + ' ' * 6_000_000 + 'y'}, origin='o', location='l', "
        "date_source=DateSource.NONE, settings=load_settings(env={}), today=date(2024, 1, 1))\n"
        "print(type(r).__name__, r.reason.split(':')[0])\n"
    )
    assert out.strip() == "Rejection document too large"


def _gzip_bomb(expanded: int) -> bytes:
    """``gzip(gzip(b"\\0" * expanded))`` made in small steps (a few kB for hundreds of MB)."""
    inner = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * 1_000_000
    once = b"".join(inner.compress(block) for _ in range(expanded // len(block))) + inner.flush()
    return gzip.compress(once, 9)


BOMB = _gzip_bomb(400_000_000)


class _BombHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if self.path == "/bomb":
            self.send_header("Content-Encoding", "gzip, gzip")
        elif self.path == "/br":
            self.send_header("Content-Encoding", "br")
        elif self.path == "/plain-gzip":
            self.send_header("Content-Encoding", "gzip")
        body = gzip.compress(b"<rss>" + b"a" * 1000 + b"</rss>") if self.path == "/plain-gzip" else BOMB
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def bomb_server() -> Iterator[str]:
    with local_server(_BombHandler) as url:
        yield url


def test_compressed_bomb_stops_at_the_size_limit(bomb_server: str, settings: Settings) -> None:
    assert len(BOMB) < 2_000_000
    with HttpxFetcher(settings.replace(ingest__max_fetch_bytes=1_000_000, ingest__fetch_timeout=30.0)) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="larger than 1000000 bytes"):
                fetcher.fetch(bomb_server + "/bomb")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 50_000_000, f"peak {peak / 1e6:.0f} MB while refusing a 400 MB bomb"
        with pytest.raises(FetchError, match="identity was asked for"):
            fetcher.fetch(bomb_server + "/br")
        small = fetcher.fetch(bomb_server + "/plain-gzip")
    assert small.content == b"<rss>" + b"a" * 1000 + b"</rss>"


@pytest.mark.parametrize("name", [b"\xff\xff-8", b"no-such-codec", b"\xc3("])
def test_feed_with_an_unreadable_declared_encoding_is_a_rejection(name: bytes, settings: Settings) -> None:
    """Found by `make fuzz`: feedparser decodes the declaration's encoding name and raised."""
    from vigil.ingest.feeds import read_feed
    from vigil.models import Rejection

    data = b'<?xml version="1.0" encoding="' + name + b'"?>\n<rss version="2.0"><channel><title>t</title>'
    data += b"<item><title>A</title><description>Some text of the item, long enough.</description></item>"
    data += b"</channel></rss>"
    records = list(read_feed(data, origin="feed.xml", settings=settings))
    assert records and all(isinstance(r, Rejection) or r.text for r in records)


def test_feed_item_with_control_characters_keeps_its_text(settings: Settings) -> None:
    """Found by `make fuzz`: lxml refused a summary holding control characters and the reader raised."""
    from vigil.ingest.feeds import read_feed
    from vigil.models import RawArticle

    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>A</title>'
    data += b"<description>&lt;p&gt;The minister \x0bmet the envoy\x01 on Monday.&lt;/p&gt;&lt;p&gt;More.&lt;/p&gt;"
    data += b"</description></item></channel></rss>"
    records = list(read_feed(data, origin="feed.xml", settings=settings))
    texts = [r.text for r in records if isinstance(r, RawArticle)]
    assert texts and "met the envoy" in texts[0] and "\x0b" not in texts[0]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "text"])
def test_a_utf16_file_cut_mid_character_is_a_rejection(fmt: str, settings: Settings) -> None:
    """Found by `make fuzz`: strict UTF-16 decoding raised on truncated data instead of rejecting the file."""
    from vigil.ingest.readers import _read_document
    from vigil.models import Rejection

    data = bytes.fromhex("bffffeffff020d40fffffffeffff02ff")[1:]  # the fuzzer's input, minus its reader byte
    records = list(_read_document(data, fmt, origin=f"x.{fmt}", settings=settings, columns=None))
    assert records and all(isinstance(r, Rejection) for r in records)
