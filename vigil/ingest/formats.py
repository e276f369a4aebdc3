"""Telling input formats apart: by extension, by content type, then by content."""

from __future__ import annotations

import re

__all__ = ["FORMATS", "detect_format", "format_from_name"]

FORMATS = ("auto", "text", "jsonl", "csv", "rss", "html")

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".rss": "rss",
    ".atom": "rss",
    ".rdf": "rss",
    ".xml": "rss",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_CONTENT_TYPES = (
    ("rss", ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")),
    ("html", ("text/html", "application/xhtml+xml")),
    ("jsonl", ("application/json", "application/x-ndjson", "application/jsonl", "application/json-seq")),
    ("csv", ("text/csv", "text/tab-separated-values")),
    ("text", ("text/plain",)),
)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)\b", re.I)
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)


def format_from_name(name: str) -> str | None:
    """The format an extension names (``.jsonl`` -> ``"jsonl"``), or None.

    Args:
        name: a file name, path or URL path.
    Returns:
        A format name or None.
    """
    lower = name.lower().split("?")[0].split("#")[0]
    for extension, fmt in _EXTENSIONS.items():
        if lower.endswith(extension):
            return fmt
    return None


def _from_content(head: bytes) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "jsonl"
    if stripped[:1] == b"<":
        if _FEED_ROOT.search(head[:4096]) and not _HTML_ROOT.search(head[:1024]):
            return "rss"
        if _HTML_ROOT.search(head[:4096]):
            return "html"
        if stripped.startswith(b"<?xml"):
            return "rss"
        return "html"
    first_line = stripped.split(b"\n", 1)[0].lower()
    if b"," in first_line and re.search(rb"(^|,)\"?(text|maintext|content|body)\"?(,|\r?$)", first_line):
        return "csv"
    return "text"


def detect_format(name: str, head: bytes, content_type: str | None = None) -> str:
    """Sniff the format of an input.

    Args:
        name: file name or URL (its extension is the first clue).
        head: the first few kilobytes of the content.
        content_type: the HTTP Content-Type, for URLs.
    Returns:
        One of ``text``, ``jsonl``, ``csv``, ``rss``, ``html``.
    """
    by_name = format_from_name(name)
    if by_name is not None:
        # saved pages lie about their type: a feed saved as .html, a page saved as .xml
        if by_name == "rss" and _HTML_ROOT.search(head[:1024]) and not _FEED_ROOT.search(head[:4096]):
            return "html"
        if by_name == "html" and _FEED_ROOT.search(head[:4096]) and not _HTML_ROOT.search(head[:4096]):
            return "rss"
        return by_name
    if content_type:
        mime = content_type.split(";")[0].strip().lower()
        for fmt, mimes in _CONTENT_TYPES:
            if mime in mimes:
                return _from_content(head) if fmt == "text" else fmt
    return _from_content(head)
