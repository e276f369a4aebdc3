"""JSON Lines (one article per line, streamed) and JSON documents (one object, or an array of objects).

Field names of news-please (``maintext``, ``date_publish``, ``source_domain``...) and plain exports
(``text``, ``date``, ``title``, ``url``, ``source``) are recognised; see
:data:`vigil.ingest.fields.FIELD_ALIASES`. A malformed line is rejected on its own; the rest is kept.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from vigil.config import Settings
from vigil.ingest.encoding import UndecodableError, decode_document, has_bad_bytes, open_text_stream
from vigil.ingest.fields import FIELD_ALIASES, build_article, text_value
from vigil.models import DateSource, RawArticle, Rejection

__all__ = ["pick_fields", "read_json", "read_jsonl"]

logger = logging.getLogger(__name__)


def pick_fields(record: Mapping[str, Any], columns: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Our fields from one JSON object.

    Args:
        record: the object.
        columns: explicit ``our field -> key`` choices; other fields use the first alias
            of :data:`FIELD_ALIASES` that holds a non-empty value.
    Returns:
        Our field -> value.
    """
    folded = {key.lower(): key for key in record if isinstance(key, str)}
    fields: dict[str, Any] = {}
    for field, aliases in FIELD_ALIASES.items():
        if columns and field in columns:
            fields[field] = record.get(columns[field])
            continue
        for alias in aliases:
            key = folded.get(alias)
            if key is not None and text_value(record[key]) is not None:
                fields[field] = record[key]
                break
    return fields


def _article(
    value: Any,
    *,
    origin: str,
    location: str,
    settings: Settings,
    columns: Mapping[str, str] | None,
) -> RawArticle | Rejection:
    if not isinstance(value, dict):
        return Rejection(origin, location, f"expected a JSON object, found {type(value).__name__}")
    fields = pick_fields(value, columns)
    if text_value(fields.get("text")) is None:
        keys = ", ".join(sorted(str(k) for k in value)[:12])
        wanted = columns["text"] if columns and "text" in columns else "maintext/text/content/body"
        return Rejection(origin, location, f"empty text: no non-empty '{wanted}' key (keys: {keys})")
    return build_article(fields, origin=origin, location=location, date_source=DateSource.FIELD, settings=settings)


def _skip_rest_of_line(stream: io.TextIOWrapper, chunk: int) -> None:
    while True:
        part = stream.readline(chunk)
        if not part or part.endswith("\n"):
            return


def read_jsonl(
    stream: BinaryIO,
    *,
    origin: str,
    settings: Settings,
    columns: Mapping[str, str] | None = None,
) -> Iterator[RawArticle | Rejection]:
    """Stream JSON Lines, one record per line, in constant memory.

    Args:
        stream: a seekable binary stream.
        origin: file path or URL.
        settings: Vigil settings (``ingest.max_document_bytes`` bounds one line).
        columns: optional ``our field -> key`` choices.
    Returns:
        An iterator of records; location ``"line N"``. A line that is not JSON, not an object,
        not valid UTF-8 or too large becomes a :class:`Rejection` and the next line is read.
    """
    try:
        with open_text_stream(stream, origin) as text_stream:
            yield from _jsonl_lines(text_stream, origin=origin, settings=settings, columns=columns)
    except UndecodableError as exc:
        yield Rejection(origin, "file", str(exc))


def _jsonl_lines(
    text_stream: io.TextIOWrapper,
    *,
    origin: str,
    settings: Settings,
    columns: Mapping[str, str] | None,
) -> Iterator[RawArticle | Rejection]:
    limit = settings.get_int("ingest.max_document_bytes")
    lineno = 0
    seen_any = False
    while True:
        location = f"line {lineno + 1}"
        try:
            line = text_stream.readline(limit + 1)
        except UnicodeDecodeError as exc:
            yield Rejection(origin, location, f"cannot decode the rest of the file ({exc}); convert it to UTF-8")
            return
        if not line:
            break
        lineno += 1
        if len(line) > limit and not line.endswith("\n"):
            _skip_rest_of_line(text_stream, limit + 1)
            yield Rejection(
                origin,
                location,
                f"document too large: line longer than {limit} bytes (setting ingest.max_document_bytes)",
            )
            continue
        if not line.strip():
            continue
        seen_any = True
        if has_bad_bytes(line):
            yield Rejection(origin, location, "line is not valid UTF-8; convert the file to UTF-8")
            continue
        try:
            value = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            yield Rejection(origin, location, f"malformed JSON: {exc.msg} (column {exc.colno})")
            continue
        yield _article(value, origin=origin, location=location, settings=settings, columns=columns)
    if not seen_any:
        yield Rejection(origin, "file", "empty file: no JSON lines")


def read_json(
    data: bytes,
    *,
    origin: str,
    settings: Settings,
    columns: Mapping[str, str] | None = None,
) -> Iterator[RawArticle | Rejection]:
    """Read a JSON document: one object (news-please writes one per file) or an array of objects.

    A document that turns out to hold several objects, one per line, is read as JSON Lines.

    Args:
        data: the whole document (already bounded by ``ingest.max_document_bytes``).
        origin: file path or URL.
        settings: Vigil settings.
        columns: optional ``our field -> key`` choices.
    Returns:
        An iterator of records; location ``"file"`` for one object, ``"item N"`` for array items.
    """
    try:
        text = decode_document(data, origin)
    except UndecodableError as exc:
        yield Rejection(origin, "file", str(exc))
        return
    if not text.strip():
        yield Rejection(origin, "file", "empty file")
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            yield from read_jsonl(io.BytesIO(data), origin=origin, settings=settings, columns=columns)
        else:
            yield Rejection(origin, "file", f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        return
    if isinstance(value, list):
        if not value:
            yield Rejection(origin, "file", "empty JSON array")
        for index, item in enumerate(value, 1):
            yield _article(item, origin=origin, location=f"item {index}", settings=settings, columns=columns)
        return
    yield _article(value, origin=origin, location="file", settings=settings, columns=columns)
