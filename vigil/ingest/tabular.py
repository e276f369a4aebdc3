"""CSV and TSV exports with a header row: one article per row, streamed in constant memory.

Cells may hold newlines (quoted). Column names are matched to our fields through
:data:`vigil.ingest.fields.FIELD_ALIASES` or an explicit ``columns`` mapping.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from vigil.config import Settings
from vigil.ingest.encoding import UndecodableError, has_bad_bytes, open_text_stream
from vigil.ingest.fields import build_article, resolve_columns
from vigil.models import DateSource, RawArticle, Rejection

__all__ = ["read_csv"]

logger = logging.getLogger(__name__)

_DELIMITERS = (",", "\t", ";", "|")


def _delimiter(header: str, name: str) -> str:
    if name.lower().endswith(".tsv"):
        return "\t"
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _set_field_limit(limit: int) -> None:
    # The csv field limit is process-wide; a cell may hold a whole article, so it is set to the
    # largest document we accept (plus one, so that a larger cell raises and can be reported).
    csv.field_size_limit(limit + 1)


def read_csv(
    stream: BinaryIO,
    *,
    origin: str,
    settings: Settings,
    columns: Mapping[str, str] | None = None,
) -> Iterator[RawArticle | Rejection]:
    """Stream a CSV/TSV file with a header row.

    Args:
        stream: a seekable binary stream.
        origin: file path or URL (a ``.tsv`` name selects tabs; otherwise the header decides).
        settings: Vigil settings (``ingest.max_document_bytes`` bounds one cell).
        columns: optional ``our field -> column name`` choices, e.g. ``{"text": "body"}``.
    Returns:
        An iterator of records with date source ``FIELD`` and location ``"line N"`` (the line
        where the row starts). A file without a text column is one :class:`Rejection` naming
        the columns it has. A cell larger than the limit, or a quoting error, ends the file
        with a Rejection (the rows after it cannot be located reliably).
    """
    # The csv module's field limit is process-wide: the reader sets it for this file and gives the
    # previous value back when the file ends (or the reader is closed), for other csv users.
    previous = csv.field_size_limit()
    try:
        with open_text_stream(stream, origin) as text_stream:
            yield from _rows(text_stream, origin=origin, settings=settings, columns=columns)
    except UndecodableError as exc:
        yield Rejection(origin, "file", str(exc))
    finally:
        csv.field_size_limit(previous)


def _rows(
    text_stream: io.TextIOWrapper,
    *,
    origin: str,
    settings: Settings,
    columns: Mapping[str, str] | None,
) -> Iterator[RawArticle | Rejection]:
    limit = settings.get_int("ingest.max_document_bytes")
    _set_field_limit(limit)
    header_line = text_stream.readline(limit + 1)
    if not header_line.strip():
        yield Rejection(origin, "file", "empty file: no CSV header")
        return
    delimiter = _delimiter(header_line, origin)
    text_stream.seek(0)
    reader = csv.reader(text_stream, delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except (csv.Error, UnicodeDecodeError) as exc:
        yield Rejection(origin, "line 1", f"malformed CSV header: {exc}")
        return
    mapping, missing = resolve_columns(header, columns)
    if missing or "text" not in mapping:
        problem = f"no column for {', '.join(missing)}" if missing else "no text column"
        yield Rejection(
            origin,
            "file",
            f"{problem}; the file has columns {header}. Name the text column with columns={{'text': '<column>'}}"
            " (CLI: --column text=<column>)",
        )
        return
    index = {field: header.index(name) for field, name in mapping.items()}
    no_date = None
    if "date" not in mapping:
        no_date = f"no date column among {', '.join(header)}: name it with --column date=<column>"
    rows = 0
    while True:
        location = f"line {reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                reason = f"document too large: a cell is larger than {limit} bytes (setting ingest.max_document_bytes)"
            yield Rejection(origin, location, f"{reason}; the rest of the file was skipped")
            return
        except UnicodeDecodeError as exc:
            yield Rejection(origin, location, f"cannot decode the rest of the file ({exc}); convert it to UTF-8")
            return
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if any(has_bad_bytes(cell) for cell in row):
            yield Rejection(origin, location, "row is not valid UTF-8; convert the file to UTF-8")
            continue
        fields = {field: row[i] if i < len(row) else None for field, i in index.items()}
        if no_date is not None and not fields.get("date_note"):
            fields["date_note"] = no_date
        yield build_article(fields, origin=origin, location=location, date_source=DateSource.FIELD, settings=settings)
    if rows == 0:
        yield Rejection(origin, "file", "empty file: a header but no rows")
