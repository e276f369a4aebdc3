"""RSS 0.9x/1.0/2.0 and Atom feeds through feedparser, defused against entity expansion.

Each item becomes an article whose text is its title and its content (or summary) as plain
text, dated from ``published``/``updated`` (``DateSource.FEED``). Before feedparser sees the
bytes, a DOCTYPE that declares entities is removed (:func:`defuse_xml`), so a "billion laughs"
document cannot expand; feedparser then reads the entity references as plain text.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

import feedparser

from vigil.config import Settings
from vigil.ingest.dates import parse_date
from vigil.ingest.fields import build_article, source_from_url
from vigil.ingest.markup import fragment_to_text
from vigil.models import DateSource, RawArticle, Rejection

__all__ = ["UnsafeXMLError", "defuse_xml", "read_feed"]

logger = logging.getLogger(__name__)

# Every part matches in one way only (disjoint first characters, comments and processing
# instructions end at their first terminator, atomic groups), so a failed match is linear in the
# input: no nested quantifiers for a crafted prologue to backtrack through.
_PROLOGUE_DOCTYPE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?>(?:\s|<\?(?:[^?]|\?(?!>))*+\?>|<!--(?:[^-]|-(?!->))*+-->)*+)"
    rb"(<!DOCTYPE\b(?>(?:[^\[>]|\[[^\]]*+\])*+)>)",
    re.I,
)
MAX_DOCTYPE_BYTES = 1_000_000
_ENTITY = re.compile(rb"<!ENTITY", re.I)
_WIDE_ENTITIES = ("<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))


class UnsafeXMLError(ValueError):
    """An XML document declares entities in a way that cannot be removed safely."""


def defuse_xml(data: bytes) -> bytes:
    """Remove a DOCTYPE that declares entities, so that no entity can expand.

    Args:
        data: an XML document.
    Returns:
        The document, without its DOCTYPE when that DOCTYPE declares entities (otherwise unchanged).
    Raises:
        UnsafeXMLError: entity declarations that are not in a well-formed leading DOCTYPE, or in
            UTF-16/32 (where they cannot be stripped byte-wise).
    """
    if any(pattern in data for pattern in _WIDE_ENTITIES):
        raise UnsafeXMLError("the document declares XML entities in UTF-16/32; refused (possible entity bomb)")
    first = _ENTITY.search(data)
    if first is None:
        return data
    match = _PROLOGUE_DOCTYPE.match(data[:MAX_DOCTYPE_BYTES])
    if match is None or _ENTITY.search(match[1]) is None:
        head = data[: first.start()]
        if re.search(rb"<[A-Za-z_]", re.sub(rb"<!\[CDATA\[.*?(\]\]>|\Z)", b"", head, flags=re.S)):
            return data  # the text "<!ENTITY" appears after the root element starts: content, not a declaration
        raise UnsafeXMLError("the document declares XML entities outside a well-formed DOCTYPE; refused")
    logger.warning("removed a DOCTYPE with entity declarations (possible entity-expansion bomb)")
    return data[: match.start(1)] + data[match.end(1) :]


def _first(entry: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)
        if value:
            return value
    return None


def _entry_text(entry: Mapping[str, Any]) -> str:
    bodies = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, Mapping)]
    summary = entry.get("summary", "")
    candidates = [fragment_to_text(b) for b in [*bodies, summary] if isinstance(b, str) and b.strip()]
    body = max(candidates, key=len) if candidates else ""
    title = fragment_to_text(entry.get("title", "")) if isinstance(entry.get("title"), str) else ""
    if title and body and not body.startswith(title):
        return f"{title}\n\n{body}"
    return body or title


def read_feed(
    data: bytes,
    *,
    origin: str,
    settings: Settings,
    url: str | None = None,
    content_type: str | None = None,
) -> Iterator[RawArticle | Rejection]:
    """Read the items of an RSS or Atom feed.

    Args:
        data: the feed's bytes.
        origin: file path or URL.
        settings: Vigil settings.
        url: the URL it was fetched from (for relative links).
        content_type: the HTTP Content-Type, if fetched (helps feedparser with the encoding).
    Returns:
        An iterator of records, location ``"item N"``. A feed feedparser cannot make sense of
        (no items recovered) is one :class:`Rejection` naming the parser's complaint; items
        recovered from a malformed feed are kept.
    """
    try:
        safe = defuse_xml(data)
    except UnsafeXMLError as exc:
        yield Rejection(origin, "file", str(exc))
        return
    headers = {"content-type": content_type} if content_type else {}
    if url:
        headers["content-location"] = url
    try:
        parsed = feedparser.parse(io.BytesIO(safe), response_headers=headers, sanitize_html=True)
    except (UnicodeError, LookupError) as exc:  # feedparser decodes the XML declaration's encoding name itself
        yield Rejection(
            origin, "file", f"the feed declares an encoding that cannot be read ({exc}); fix its XML declaration"
        )
        return
    entries = parsed.get("entries", [])
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            yield Rejection(origin, "file", f"malformed feed, no items recovered: {problem}")
        else:
            yield Rejection(origin, "file", "feed has no items")
        return
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        logger.warning("%s: malformed feed (%s); kept %d recovered items", origin, problem, len(entries))
    feed = parsed.get("feed", {})
    language = feed.get("language")
    feed_link = feed.get("link") or url
    for index, entry in enumerate(entries, 1):
        # dict.get reads what the feed holds, without feedparser's deprecated updated->published fallback
        raw_date = _first(entry, "published", "updated", "created")
        parsed_date = _first(entry, "published_parsed", "updated_parsed", "created_parsed")
        date_value: Any = raw_date
        if raw_date and parse_date(raw_date) is None and parsed_date is not None:
            date_value = parsed_date  # a format feedparser knows and we do not
        link = entry.get("link")
        source = None
        if not link and feed_link:
            source = source_from_url(feed_link)
        yield build_article(
            {
                "text": _entry_text(entry),
                "title": fragment_to_text(entry["title"]) if isinstance(entry.get("title"), str) else None,
                "url": link,
                "source": source,
                "date": date_value,
                "language": entry.get("language") or language,
            },
            origin=origin,
            location=f"item {index}",
            date_source=DateSource.FEED,
            settings=settings,
        )
