"""Web pages: the main text through trafilatura, the publication date from the page's metadata.

Dates come, in order, from structured metadata (JSON-LD ``datePublished``, ``article:published_time``
and similar meta tags), then from htmldate's quick (non-extensive) search of the page; all are
``DateSource.METADATA``. A date found only in the URL is ``DateSource.URL``. Scripts and styles
never reach the text: trafilatura removes them before extraction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import htmldate
import trafilatura
from lxml.html import HtmlElement

from vigil.config import Settings
from vigil.ingest.dates import date_from_url, parse_date
from vigil.ingest.fields import build_article
from vigil.models import DateSource, RawArticle, Rejection

__all__ = ["EXTRACTION_OPTIONS", "PageDate", "find_page_date", "page_url", "read_html"]

logger = logging.getLogger(__name__)

EXTRACTION_OPTIONS: Mapping[str, Any] = {
    "favor_precision": True,  # measured on shared/fixtures/html: 23/23 pages >= 0.8 similarity (0.964 mean)
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
}
"""Options passed to :func:`trafilatura.bare_extraction`; see tests/ingest/test_html.py for the measurement."""

_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "citation_publication_date",
    "article.published",
    "originalpublicationdate",
    "date",
)
_META_RANK = {key: rank for rank, key in enumerate(_META_DATE_KEYS)}


@dataclass(frozen=True, slots=True)
class PageDate:
    """A page's publication date candidate: the raw value and where it was found."""

    value: str | None
    source: DateSource
    note: str | None = None


def page_url(tree: HtmlElement) -> str | None:
    """The page's own URL from ``<link rel="canonical">`` or ``og:url``.

    Args:
        tree: the parsed page.
    Returns:
        An absolute http(s) URL, or None.
    """
    for value in (
        *tree.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href'),
        *tree.xpath('//meta[@property="og:url"]/@content'),
    ):
        text = str(value).strip()
        if text.lower().startswith(("http://", "https://")):
            return text
    return None


def _json_ld_dates(tree: HtmlElement) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            value = node.get("datePublished")
            if isinstance(value, str) and value.strip():
                found.append(value.strip())
            for child in node.values():
                if isinstance(child, dict | list):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for script in tree.xpath('//script[contains(@type, "ld+json")]/text()'):
        try:
            walk(json.loads(str(script)))
        except (json.JSONDecodeError, RecursionError):
            continue
    return found


def _meta_dates(tree: HtmlElement) -> list[str]:
    ranked: list[tuple[int, str]] = []
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_RANK:
            ranked.append((_META_RANK[key], meta.get("content", "").strip()))
    for element in tree.xpath('//*[@itemprop="datePublished"][not(self::meta)]'):
        value = element.get("datetime") or element.get("content") or element.text_content()
        ranked.append((_META_RANK["datepublished"], (value or "").strip()))
    return [value for _rank, value in sorted(ranked, key=lambda item: item[0]) if value]


def find_page_date(tree: HtmlElement, url: str | None) -> PageDate:
    """Find a page's publication date.

    Args:
        tree: the parsed page (not modified).
        url: the page's URL, if known (its path may hold a date).
    Returns:
        The first parseable candidate from JSON-LD and meta tags (``METADATA``), else htmldate's
        quick search (``METADATA``), else a date in the URL (``URL``). When candidates exist but
        none parses, the value is the first of them so that the note can show it.
    """
    candidates = _json_ld_dates(tree) + _meta_dates(tree)
    for value in candidates:
        if parse_date(value) is not None:
            return PageDate(value, DateSource.METADATA)
    from_url = date_from_url(url)
    try:
        found = htmldate.find_date(tree, extensive_search=False, original_date=True, deferred_url_extractor=True)
    except (ValueError, TypeError) as exc:  # htmldate is defensive, but pages are wild
        logger.debug("htmldate failed: %s", exc)
        found = None
    if found:
        source = DateSource.URL if from_url is not None and found == from_url.isoformat() else DateSource.METADATA
        return PageDate(found, source)
    if from_url is not None:
        return PageDate(from_url.isoformat(), DateSource.URL)
    if candidates:
        return PageDate(candidates[0], DateSource.METADATA)
    return PageDate(None, DateSource.NONE)


def read_html(
    data: bytes,
    *,
    origin: str,
    settings: Settings,
    url: str | None = None,
) -> Iterator[RawArticle | Rejection]:
    """Read the main article of a web page.

    Args:
        data: the page's bytes (trafilatura detects the encoding).
        origin: file path or URL.
        settings: Vigil settings.
        url: the URL the page was fetched from; for a saved page, its canonical link is used.
    Returns:
        An iterator of one :class:`RawArticle` (title from the page, source from the URL host)
        or one :class:`Rejection` when no article text can be found.
    """
    tree = trafilatura.load_html(data)
    if tree is None:
        yield Rejection(origin, "file", "no HTML document found: the page could not be parsed as HTML")
        return
    address = url or page_url(tree)
    page_date = find_page_date(tree, address)
    language = tree.get("lang") or next(iter(tree.xpath('//meta[@http-equiv="content-language"]/@content')), None)
    document = trafilatura.bare_extraction(tree, url=address, with_metadata=True, **EXTRACTION_OPTIONS)
    text = getattr(document, "text", None) if document is not None else None
    if not text or not str(text).strip():
        yield Rejection(origin, "file", "no article text found in the page (an index, redirect or media page?)")
        return
    yield build_article(
        {
            "text": str(text),
            "title": getattr(document, "title", None),
            "url": address or getattr(document, "url", None),
            "date": page_date.value,
            "language": language,
        },
        origin=origin,
        location="file",
        date_source=page_date.source,
        settings=settings,
    )
