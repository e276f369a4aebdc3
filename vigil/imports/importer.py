"""``vigil import FORMAT PATH...``: read files of another coder and write their events to the store.

Every imported event keeps its coder (``events.coder``: GDELT, ICEWS, ACLED) and hangs on a provenance
record (an ``articles`` row with ``imported`` set and no text of its own: the source URL, ICEWS story or
ACLED event). Ids come from the source's own event ids, so a second import of a file adds nothing.
Rows that cannot be read are rejected with their file and line (``rejections`` table); the rest is
imported. News-please JSON is articles, not events: it goes through the normal ingest path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from vigil.config import Settings
from vigil.errors import VigilError
from vigil.imports.actors import ActorMapper
from vigil.imports.gkg import GkgRecord, read_gkg, write_gkg
from vigil.imports.plover import read_plover
from vigil.imports.readers import (
    Record,
    as_sequence,
    read_acled,
    read_gdelt_events,
    read_gdelt_mentions,
    read_icews,
)
from vigil.imports.records import ImportedEvent, MentionLink, Skipped
from vigil.models import Actor, Rejection
from vigil.store import Store, schema
from vigil.store.store import EVENT_COLUMNS, article_row, columns, event_row, row_event

__all__ = ["EVENT_FORMATS", "FORMATS", "FileCounts", "ImportError_", "ImportResult", "import_files"]

EVENT_FORMATS: dict[str, Callable[[Path, ActorMapper], Iterator[Record]]] = {
    "gdelt-events": read_gdelt_events,
    "gdelt-mentions": read_gdelt_mentions,
    "icews": read_icews,
    "acled": read_acled,
    "plover": read_plover,
}
FORMATS = (*EVENT_FORMATS, "gdelt-gkg", "news-please")
_BATCH = 500


class ImportError_(VigilError):  # noqa: N801 - ImportError is Python's
    """A call that cannot run: unknown format, or a path that does not exist."""


@dataclass
class FileCounts:
    """What one input file gave: events imported, already there, updated, skipped and rejected rows."""

    imported: int = 0
    existing: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "existing": self.existing,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": self.rejected,
        }


@dataclass
class ImportResult:
    """Counts per file, and every rejected and skipped row with its file, line and reason."""

    format: str
    files: dict[str, FileCounts] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)  # news-please: the new articles

    def total(self, what: str) -> int:
        return sum(getattr(c, what) for c in self.files.values())

    @property
    def exit_code(self) -> int:
        """0 when every row went in (or was skipped on purpose), 1 when some were rejected."""
        return 1 if self.rejected else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "files": {path: c.to_dict() for path, c in self.files.items()},
            "imported": self.total("imported"),
            "existing": self.total("existing"),
            "updated": self.total("updated"),
            "skipped": [{"input": r.origin, "where": r.location, "reason": r.reason} for r in self.skipped],
            "rejected": [{"input": r.origin, "where": r.location, "reason": r.reason} for r in self.rejected],
        }


def import_files(
    fmt: str,
    paths: Sequence[str],
    store: Store,
    *,
    settings: Settings | None = None,
    mapper: ActorMapper | None = None,
    extractor: Any = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import files of format ``fmt`` into ``store``.

    Args:
        fmt: one of :data:`FORMATS`.
        paths: files or folders (a folder's files are read in sorted order, without NOTICE/LICENSE/README).
        store: the open store.
        settings: Vigil settings (news-please only: ingest limits).
        mapper: the actor mapper (default: one over the packaged knowledge base).
        extractor: news-please only: extracts the new articles, as ``vigil ingest`` does.
        progress: called with the number of rows read so far.
    Returns:
        An :class:`ImportResult`.
    Raises:
        ImportError_: an unknown format or a path that does not exist; nothing is read then.
    """
    if fmt not in FORMATS:
        raise ImportError_(f"Unknown import format {fmt!r}. Formats: {', '.join(FORMATS)}.")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise ImportError_(f"No such file or folder: {', '.join(missing)}. Nothing was imported.")
    files = as_sequence(paths)
    result = ImportResult(fmt)
    if fmt == "news-please":
        return _news_please(files, store, settings, extractor, result)
    mapper = mapper or ActorMapper()
    if fmt == "gdelt-gkg":
        return _gkg(files, store, mapper, result, progress)
    reader = EVENT_FORMATS[fmt]
    seen = 0
    for path in files:
        counts = result.files.setdefault(str(path), FileCounts())
        batch: list[Record] = []
        for record in reader(path, mapper):
            batch.append(record)
            seen += 1
            if len(batch) >= _BATCH:
                _write(store, batch, counts, result)
                batch = []
                if progress is not None:
                    progress(seen)
        _write(store, batch, counts, result)
        if progress is not None:
            progress(seen)
    return result


def _write(store: Store, batch: Sequence[Record], counts: FileCounts, result: ImportResult) -> None:
    """Write one batch in one transaction: provenance records, actors, new events, updates, rejections."""
    if not batch:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    events = [r for r in batch if isinstance(r, ImportedEvent)]
    links = [r for r in batch if isinstance(r, MentionLink)]
    rejected = [r for r in batch if isinstance(r, Rejection)]
    skipped = [Rejection(r.origin, r.location, r.reason) for r in batch if isinstance(r, Skipped)]
    with store.transaction() as conn:
        if links:
            found, link_rejections = _resolve_links(store, conn, links, counts)
            events.extend(found)
            rejected.extend(link_rejections)
        wanted: dict[str, ImportedEvent] = {}
        for item in events:
            if item.event.id in wanted:
                counts.existing += 1  # the same event twice in one batch
            else:
                wanted[item.event.id] = item
        e = schema.events
        there = set()
        ids = list(wanted)
        for i in range(0, len(ids), 500):
            there |= set(conn.execute(select(e.c.id).where(e.c.id.in_(ids[i : i + 500]))).scalars())
        new = [item for eid, item in wanted.items() if eid not in there]
        counts.existing += len(wanted) - len(new)
        records = {item.record.id: item.record for item in new}
        if records:
            conn.execute(store.insert_ignore(schema.articles), [article_row(r) for r in records.values()])
        actors: dict[str, Actor] = {}
        for item in new:
            for actor in item.actors:
                actors.setdefault(actor.id, actor)
        store.upsert_actors(conn, [a for a in actors.values() if not a.provisional], replace=True)
        store.upsert_actors(conn, [a for a in actors.values() if a.provisional], replace=False)
        if new:
            conn.execute(store.insert_ignore(schema.events), [event_row(item.event) for item in new])
        counts.imported += len(new)
        counts.skipped += len(skipped)
        counts.rejected += len(rejected)
        store.add_rejections(conn, [*rejected, *skipped], now)
    result.rejected.extend(rejected)
    result.skipped.extend(skipped)


def _resolve_links(
    store: Store, conn: Connection, links: Sequence[MentionLink], counts: FileCounts
) -> tuple[list[ImportedEvent], list[Rejection]]:
    """GDELT mentions as events: a copy of the mentioned event in the mention's document and sentence.

    The mention of an event in the document its events row already cites sets that event's sentence
    instead (GDELT's SOURCEURL is the event's first mention): no event is counted twice.
    """
    e = schema.events
    ids = sorted({link.event_id for link in links})
    parents = {}
    for i in range(0, len(ids), 500):
        stmt = select(*columns(e, EVENT_COLUMNS)).where(e.c.id.in_(ids[i : i + 500]))
        for row in conn.execute(stmt):
            stored = row_event(row)
            parents[stored.id] = stored
    out: list[ImportedEvent] = []
    rejected: list[Rejection] = []
    for link in links:
        parent = parents.get(link.event_id)
        if parent is None:
            rejected.append(
                Rejection(
                    link.origin,
                    link.location,
                    f"event {link.event_id} is not in the store: a mention carries no event codes, so import "
                    "the Events file of the same GDELT batch first (then this file again)",
                )
            )
            continue
        if parent.article_id == link.record.id:
            if parent.sentence_index != link.sentence_index:
                conn.execute(update(e).where(e.c.id == parent.id).values(sentence_idx=link.sentence_index))
                parents[parent.id] = replace(parent, sentence_index=link.sentence_index)
                counts.updated += 1
            else:
                counts.existing += 1
            continue
        suffix = hashlib.sha1(link.record.id.encode()).hexdigest()[:8]
        event = replace(
            parent,
            article_id=link.record.id,
            sentence_index=link.sentence_index,
            confidence=link.confidence,
            extractor="import:gdelt-mentions",
            import_id=f"{parent.id}-{suffix}",
        )
        out.append(ImportedEvent(event, link.record, (), link.location))
    return out, rejected


def _gkg(
    files: Iterable[Path],
    store: Store,
    mapper: ActorMapper,
    result: ImportResult,
    progress: Callable[[int], None] | None,
) -> ImportResult:
    """GDELT GKG files: records of documents (:mod:`vigil.imports.gkg`), counted as records, not events."""
    seen = 0
    for path in files:
        counts = result.files.setdefault(str(path), FileCounts())
        batch: list[GkgRecord] = []
        rejected: list[Rejection] = []
        for item in read_gkg(path, mapper):
            seen += 1
            if isinstance(item, Rejection):
                rejected.append(item)
                continue
            batch.append(item)
            if len(batch) >= _BATCH:
                _write_gkg(store, batch, counts)
                batch = []
                if progress is not None:
                    progress(seen)
        _write_gkg(store, batch, counts)
        if rejected:
            with store.transaction() as conn:
                store.add_rejections(conn, rejected, datetime.now(UTC).replace(tzinfo=None))
            counts.rejected += len(rejected)
            result.rejected.extend(rejected)
        if progress is not None:
            progress(seen)
    return result


def _write_gkg(store: Store, batch: Sequence[GkgRecord], counts: FileCounts) -> None:
    if batch:
        new, there = write_gkg(store, batch)
        counts.imported += new
        counts.existing += there


def _news_please(
    files: Iterable[Path], store: Store, settings: Settings | None, extractor: Any, result: ImportResult
) -> ImportResult:
    """News-please JSON files are articles: the ingest path reads them (and extracts them, given an extractor)."""
    from vigil.config import load_settings
    from vigil.ingest.job import ingest

    settings = settings or load_settings(env={})
    for path in files:
        got = ingest([str(path)], store, settings, fmt="jsonl", extractor=extractor)
        counts = result.files.setdefault(str(path), FileCounts())
        counts.imported += got.ingested
        counts.existing += got.exact_duplicates + got.near_duplicates
        counts.rejected += len(got.rejected)
        result.rejected.extend(got.rejected)
        result.article_ids.extend(got.article_ids)
    return result
