"""What the importers' readers yield, and the provenance records imported events hang on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from vigil.models import Actor, Article, DateSource, Event

__all__ = ["ImportedEvent", "MentionLink", "Skipped", "provenance_record"]


@dataclass(frozen=True, slots=True)
class ImportedEvent:
    """One event of another coder, its provenance record and its actors (``location``: "line N")."""

    event: Event
    record: Article
    actors: tuple[Actor, ...]
    location: str


@dataclass(frozen=True, slots=True)
class MentionLink:
    """A GDELT mention: a further report of an event, in the document of ``record`` at a sentence."""

    event_id: str
    record: Article
    sentence_index: int
    confidence: float
    origin: str
    location: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A well-formed row that is not imported (e.g. an ACLED type with no PLOVER equivalent)."""

    origin: str
    location: str
    reason: str


def provenance_record(
    coder: str,
    key: str,
    *,
    origin: str,
    url: str | None = None,
    source: str | None = None,
    title: str | None = None,
    note: str = "",
    published: date | None = None,
) -> Article:
    """The store's record of where imported events come from: an article row without a text of its own.

    Its id is a hash of the coder and ``key`` (a source URL, "story 123", "event BEN892"), so that every
    event reported in one document shares one record and a second import finds it again. ``note`` is
    the source's own description, if any (ACLED's notes); it is never extracted.
    """
    digest = hashlib.sha256(f"import\x1f{coder}\x1f{key}".encode()).hexdigest()[:24]
    return Article(
        id=digest,
        text=note,
        title=title,
        url=url,
        source=source,
        published=published,
        date_source=DateSource.FIELD if published is not None else DateSource.NONE,
        language=None,
        ingested_at=datetime.now(UTC).replace(tzinfo=None),
        origin=origin,
        imported=coder,
    )
