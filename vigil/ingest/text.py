"""Plain dated text: `` date YYYY-MM-DD `` then the article, paragraphs separated by blank lines.

A text without the dateline is kept with no date (``DateSource.NONE``). The title is left
empty: a first line is not promoted to a title by guesswork.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from vigil.config import Settings
from vigil.ingest.encoding import UndecodableError, decode_document
from vigil.ingest.fields import build_article
from vigil.models import DateSource, RawArticle, Rejection

__all__ = ["read_text", "split_dateline"]

logger = logging.getLogger(__name__)

_DATELINE = re.compile(r"\A\s*date[ \t]+(\S+)(?:\s+|\Z)", re.I)


def split_dateline(text: str) -> tuple[str | None, str]:
    """Split the `` date YYYY-MM-DD `` header from the article.

    Args:
        text: the decoded file.
    Returns:
        ``(raw date, body)``; ``(None, text)`` when there is no dateline. The raw date is not
        validated here (``date 2024-13-45`` gives ``"2024-13-45"``).
    """
    match = _DATELINE.match(text)
    if match is None or not re.match(r"\d{4}-\d{1,2}-\d{1,2}$", match[1]):
        return None, text
    return match[1], text[match.end() :]


def read_text(
    data: bytes,
    *,
    origin: str,
    settings: Settings,
    url: str | None = None,
) -> Iterator[RawArticle | Rejection]:
    """Read one plain-text article.

    Args:
        data: the file's bytes (UTF-8, or an encoding detected with confidence).
        origin: file path or URL.
        settings: Vigil settings.
        url: the URL it was fetched from, if any.
    Returns:
        An iterator of one :class:`RawArticle` (date from the dateline, ``DateSource.DATELINE``)
        or one :class:`Rejection`.
    """
    try:
        text = decode_document(data, origin)
    except UndecodableError as exc:
        yield Rejection(origin, "file", str(exc))
        return
    raw_date, body = split_dateline(text)
    yield build_article(
        {"text": body, "date": raw_date, "url": url},
        origin=origin,
        location="file",
        date_source=DateSource.DATELINE,
        settings=settings,
    )
