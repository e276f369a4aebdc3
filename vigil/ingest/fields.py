"""Build a :class:`RawArticle` (or a :class:`Rejection`) from the fields a reader found.

Every reader ends here, so the rules are applied once: text cleaning and the minimum
length, date resolution, language, and the outlet (``source``) taken from the URL host
when the input does not name it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from vigil.config import Settings
from vigil.ingest.dates import resolve_date
from vigil.ingest.language import detect_language
from vigil.models import DateSource, RawArticle, Rejection

__all__ = [
    "FIELDS",
    "FIELD_ALIASES",
    "build_article",
    "clean_text",
    "map_fields",
    "resolve_columns",
    "source_from_url",
    "text_value",
]

logger = logging.getLogger(__name__)

FIELDS = ("text", "title", "url", "date", "source", "language")
"""Our field names; ``columns`` mappings of :func:`vigil.ingest.readers.read_inputs` use them as keys."""

FIELD_ALIASES: Mapping[str, tuple[str, ...]] = {
    "text": ("maintext", "text", "content", "body", "article", "article_text", "story"),
    "title": ("title", "headline", "title_page", "title_rss"),
    "url": ("url", "link", "canonical_link", "canonical_url"),
    "date": (
        "date_publish", "published", "date", "datetime", "pubdate", "pub_date", "published_at",
        "publish_date", "date_published", "datepublished", "publication_date", "timestamp",
    ),
    "source": ("source", "source_domain", "outlet", "publisher", "site_name", "sitename", "domain"),
    "language": ("language", "lang", "lang_code", "language_code"),
}  # fmt: skip
"""Common names of each field in news-please, plain JSON Lines and CSV exports, in order of preference."""

_ARCHIVE_HOSTS = {"archive.is", "archive.ph", "archive.today", "archive.li", "archive.md", "web.archive.org"}
_EMBEDDED_URL = re.compile(r"https?://.+", re.I)
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
_SOURCE_LIKE = re.compile(r"^[\w.-]+\.[a-z]{2,}$", re.I)


def source_from_url(url: str | None) -> str | None:
    """The outlet named by a URL: its host without ``www.``, looking through archive links.

    Args:
        url: an absolute URL (``https://www.wsj.com/...``, ``https://archive.is/newest/https://www.ft.com/...``).
    Returns:
        ``"wsj.com"``, ``"ft.com"``; None for a missing or host-less URL.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if host in _ARCHIVE_HOSTS:
        embedded = _EMBEDDED_URL.search(parts.path + ("?" + parts.query if parts.query else ""))
        if embedded:
            return source_from_url(embedded[0])
    if host.startswith("www."):
        host = host[4:]
    return host or None


def clean_text(text: str) -> str:
    """Normalise line ends and blank lines; keep paragraphs (one blank line between them).

    Args:
        text: raw article text.
    Returns:
        The text with ``\\r\\n`` turned into ``\\n``, trailing spaces dropped, runs of blank lines
        reduced to one, and outer whitespace stripped.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    # line by line, not a regex: ``[ \t]+\n`` rescans a long run of spaces from every start (quadratic)
    text = "\n".join(line.rstrip(" \t\u00a0") for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def text_value(value: Any) -> str | None:
    """A field value as a stripped string; None for missing, empty or ``"None"``/``"null"`` values.

    Args:
        value: a JSON/CSV value.
    Returns:
        The string, or None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value.lower() in {"", "none", "null", "nan"} else value


def _normalise_source(value: str | None) -> str | None:
    if value is None:
        return None
    if "://" in value:
        return source_from_url(value)
    if _SOURCE_LIKE.match(value):  # a domain such as www.rt.com
        value = value.lower()
        return value[4:] if value.startswith("www.") else value
    return value


def build_article(
    fields: Mapping[str, Any],
    *,
    origin: str,
    location: str,
    date_source: DateSource,
    settings: Settings,
    today: date | None = None,
) -> RawArticle | Rejection:
    """Turn the fields a reader found into a record.

    Args:
        fields: values for some of :data:`FIELDS` (missing keys are None). ``date`` may be any
            value :func:`vigil.ingest.dates.parse_date` accepts.
        origin: file path or URL of the input.
        location: where in the input (``"file"``, ``"line 3"``, ``"item 2"``).
        date_source: how ``fields["date"]`` was found; used when the date is usable.
        settings: Vigil settings (``ingest.min_text_chars``, ``ingest.future_tolerance_days``,
            ``ingest.max_document_bytes``).
        today: reference day for the future-date check (UTC today when None).
    Returns:
        A :class:`RawArticle`, or a :class:`Rejection` when the text is missing, too short or too large.
    """
    raw_text = fields.get("text")
    limit = settings.get_int("ingest.max_document_bytes")
    # the size check comes first, on the raw text: nothing else runs over an oversized document
    too_large = isinstance(raw_text, str) and len(raw_text) > limit and len(raw_text.encode("utf-8")) > limit
    text = clean_text(raw_text) if isinstance(raw_text, str) and not too_large else ""
    if not text and not too_large:
        return Rejection(origin, location, "empty text: the item has no article text")
    if too_large:
        return Rejection(
            origin,
            location,
            f"document too large: more than {limit} bytes (setting ingest.max_document_bytes); split it",
        )
    minimum = settings.get_int("ingest.min_text_chars")
    if len(text) < minimum:
        return Rejection(
            origin,
            location,
            f"text too short: {len(text)} characters, fewer than {minimum} (setting ingest.min_text_chars)",
        )
    url = text_value(fields.get("url"))
    source = _normalise_source(text_value(fields.get("source"))) or source_from_url(url)
    title = text_value(fields.get("title"))
    dated = resolve_date(
        fields.get("date"),
        date_source,
        tolerance_days=settings.get_int("ingest.future_tolerance_days"),
        today=today,
    )
    note = dated.note or (text_value(fields.get("date_note")) if dated.published is None else None)
    return RawArticle(
        text=text,
        title=" ".join(title.split()) if title else None,
        url=url,
        source=source,
        published=dated.published,
        date_source=dated.source,
        origin=origin,
        location=location,
        language=detect_language(text, fields.get("language")),
        date_note=note,
    )


def resolve_columns(available: list[str], columns: Mapping[str, str] | None) -> tuple[dict[str, str], list[str]]:
    """Match our fields to the keys (or CSV headers) of an input.

    Args:
        available: the input's keys or column names.
        columns: explicit ``our field -> input name`` choices; they win over :data:`FIELD_ALIASES`.
    Returns:
        ``(mapping, missing)``: our field -> input name for every field found, and the explicit
        ``columns`` entries that name something the input does not have.
    """
    exact = {name: name for name in available}
    folded = {name.strip().lower(): name for name in available}
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for field, wanted in (columns or {}).items():
        found = exact.get(wanted) or folded.get(wanted.strip().lower())
        if found is None:
            missing.append(f"{field}={wanted!r}")
        else:
            mapping[field] = found
    for field, aliases in FIELD_ALIASES.items():
        if field in mapping or (columns and field in columns):
            continue
        for alias in aliases:
            if alias in folded:
                mapping[field] = folded[alias]
                break
    return mapping, missing


def map_fields(record: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """Pick our fields out of one record with a mapping from :func:`resolve_columns`.

    Args:
        record: one JSON object or CSV row.
        mapping: our field -> the record's key.
    Returns:
        Our field -> value, for the fields the mapping names.
    """
    return {field: record.get(key) for field, key in mapping.items()}
