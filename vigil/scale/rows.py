"""The row format that carries articles and their extraction between engines.

A row is a flat mapping of strings (plus one ``kind`` column): an input record as a reader
yielded it (:class:`RawArticle` or :class:`Rejection`), and, for articles, the
:class:`Extraction` as JSON; both through :mod:`vigil.mapping`, so a field added to a record
travels without code here. Ray workers emit these rows, the driver turns them back into
records, and Parquet files store them, so ``vigil load`` replays exactly what a direct
Ray ingest would have written. JSON, not pickle: a Parquet file is data, never code.

A :class:`Precomputed` extractor hands the ingest job the extraction that came with each
row, so rows go through the one ingest path (dedupe, batches, transactions) of the local
engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from vigil.mapping import record_from_json, record_json
from vigil.models import Article, Extraction, RawArticle, Rejection

__all__ = [
    "COLUMNS",
    "Precomputed",
    "extraction_from_json",
    "extraction_to_json",
    "from_row",
    "to_row",
]

# Every column is a nullable string; ``kind`` is "article" or "rejection".
COLUMNS: tuple[str, ...] = (
    "kind",
    "text",
    "title",
    "url",
    "source",
    "published",
    "date_source",
    "origin",
    "location",
    "language",
    "date_note",
    "reason",
    "extraction",
    "stage_seconds",
)


def to_row(record: RawArticle | Rejection, extraction: Extraction | None = None) -> dict[str, str | None]:
    """One row for ``record`` (and the extraction of the article it names)."""
    row: dict[str, str | None] = dict.fromkeys(COLUMNS)
    row.update(record_json(record))
    if isinstance(record, Rejection):
        row["kind"] = "rejection"
        return row
    row["kind"] = "article"
    row["extraction"] = extraction_to_json(extraction) if extraction is not None else None
    return row


def from_row(row: Mapping[str, Any]) -> tuple[RawArticle | Rejection, Extraction | None]:
    """The record (and extraction, if any) a row carries; the inverse of :func:`to_row`."""
    if row["kind"] == "rejection":
        return record_from_json(Rejection, row), None
    extraction = extraction_from_json(row["extraction"]) if row.get("extraction") else None
    return record_from_json(RawArticle, row), extraction


class Precomputed:
    """An extractor that returns extractions computed elsewhere (Ray workers, a Parquet file).

    Feed it with :meth:`records`, which stashes each row's extraction as its record goes by.
    The ingest job asks for the extractions of one batch at a time, right after the batch's
    last record, so the stash never holds more than one batch.

    Args:
        version: the extractor version the extractions carry.
    """

    def __init__(self, version: str) -> None:
        self.version = version
        self._pending: dict[str, Extraction] = {}

    def records(self, rows: Iterable[Mapping[str, Any]]) -> Iterator[RawArticle | Rejection]:
        """The records of ``rows``, in order, keeping their extractions for :meth:`extract`."""
        for row in rows:
            record, extraction = from_row(row)
            if extraction is not None:
                self._pending[extraction.article_id] = extraction
            yield record

    def extract(self, articles: Sequence[Article]) -> list[Extraction]:
        """The stashed extractions of ``articles``, in order (articles that came without one are
        left out); forgets the rest of the batch."""
        out = [x for x in (self._pending.get(a.id) for a in articles) if x is not None]
        self._pending.clear()
        return out

    def close(self) -> None:
        self._pending.clear()


# --- extraction <-> JSON -----------------------------------------------------------


def extraction_to_json(x: Extraction) -> str:
    """``x`` as compact JSON (:func:`vigil.mapping.record_json`)."""
    return json.dumps(record_json(x), ensure_ascii=False, separators=(",", ":"))


def extraction_from_json(text: str) -> Extraction:
    """The :class:`Extraction` that :func:`extraction_to_json` wrote."""
    return record_from_json(Extraction, json.loads(text))
