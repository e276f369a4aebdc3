"""The row format that carries articles and their extraction between engines.

A row is a flat mapping of strings (plus one ``kind`` column): an input record as a reader
yielded it (:class:`RawArticle` or :class:`Rejection`), and, for articles, the
:class:`Extraction` as JSON. Ray workers emit these rows, the driver turns them back into
records, and Parquet files store them, so ``vigil load`` replays exactly what a direct
Ray ingest would have written. JSON, not pickle: a Parquet file is data, never code.

A :class:`Precomputed` extractor hands the ingest job the extraction that came with each
row, so rows go through the one ingest path (dedupe, batches, transactions) of the local
engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from vigil.models import (
    Actor,
    Article,
    DateGranularity,
    DateSource,
    DomainTag,
    Event,
    Extraction,
    Mention,
    Modality,
    RawArticle,
    Rejection,
    Role,
    Sentence,
    Tone,
)

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
    if isinstance(record, Rejection):
        row.update(kind="rejection", origin=record.origin, location=record.location, reason=record.reason)
        return row
    row.update(
        kind="article",
        text=record.text,
        title=record.title,
        url=record.url,
        source=record.source,
        published=record.published.isoformat() if record.published else None,
        date_source=record.date_source.value,
        origin=record.origin,
        location=record.location,
        language=record.language,
        date_note=record.date_note,
        extraction=extraction_to_json(extraction) if extraction is not None else None,
    )
    return row


def from_row(row: Mapping[str, Any]) -> tuple[RawArticle | Rejection, Extraction | None]:
    """The record (and extraction, if any) a row carries; the inverse of :func:`to_row`."""
    if row["kind"] == "rejection":
        return Rejection(row["origin"], row["location"], row["reason"]), None
    raw = RawArticle(
        text=row["text"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
        published=_date(row["published"]),
        date_source=DateSource(row["date_source"]),
        origin=row["origin"],
        location=row["location"],
        language=row["language"],
        date_note=row["date_note"],
    )
    extraction = extraction_from_json(row["extraction"]) if row.get("extraction") else None
    return raw, extraction


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
    """``x`` as compact JSON (the article id is stored once, not on every record)."""
    data = {
        "article_id": x.article_id,
        "extractor": x.extractor,
        "sentences": [[s.index, s.start, s.end] for s in x.sentences],
        "mentions": [
            [
                m.sentence_index,
                m.start,
                m.end,
                m.text,
                m.label,
                m.actor_id,
                m.confidence,
                m.extractor,
                m.country,
                m.sector,
            ]
            for m in x.mentions
        ],
        "events": [_event(e) for e in x.events],
        "domains": [[d.sentence_index, d.domain, d.score, d.extractor] for d in x.domains],
        "tones": [
            [t.sentence_index, t.score, t.extractor, t.source_actor, t.target_actor, t.confidence] for t in x.tones
        ],
        "actors": [_actor(a) for a in x.actors],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def extraction_from_json(text: str) -> Extraction:
    """The :class:`Extraction` that :func:`extraction_to_json` wrote."""
    d = json.loads(text)
    aid: str = d["article_id"]
    return Extraction(
        article_id=aid,
        extractor=d["extractor"],
        sentences=tuple(Sentence(aid, i, s, e) for i, s, e in d["sentences"]),
        mentions=tuple(Mention(aid, *m) for m in d["mentions"]),
        events=tuple(_event_back(aid, e) for e in d["events"]),
        domains=tuple(DomainTag(aid, *t) for t in d["domains"]),
        tones=tuple(Tone(aid, *t) for t in d["tones"]),
        actors=tuple(_actor_back(a) for a in d["actors"]),
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _span(value: Sequence[int] | None) -> tuple[int, int] | None:
    return (int(value[0]), int(value[1])) if value is not None else None


def _event(e: Event) -> dict[str, Any]:
    return {
        "sentence_index": e.sentence_index,
        "date": _iso(e.date),
        "source_actor": e.source_actor,
        "target_actor": e.target_actor,
        "root": e.root,
        "quad": e.quad,
        "cameo": e.cameo,
        "modality": e.modality.value,
        "confidence": e.confidence,
        "extractor": e.extractor,
        "source_text": e.source_text,
        "target_text": e.target_text,
        "source_span": e.source_span,
        "target_span": e.target_span,
        "trigger_span": e.trigger_span,
        "mode": e.mode,
        "contexts": list(e.contexts),
        "stance": e.stance,
        "occurred": _iso(e.occurred),
        "occurred_granularity": e.occurred_granularity.value if e.occurred_granularity else None,
    }


def _event_back(aid: str, d: dict[str, Any]) -> Event:
    return Event(
        article_id=aid,
        sentence_index=d["sentence_index"],
        date=_date(d["date"]),
        source_actor=d["source_actor"],
        target_actor=d["target_actor"],
        root=d["root"],
        quad=d["quad"],
        cameo=d["cameo"],
        modality=Modality(d["modality"]),
        confidence=d["confidence"],
        extractor=d["extractor"],
        source_text=d["source_text"],
        target_text=d["target_text"],
        source_span=_span(d["source_span"]),
        target_span=_span(d["target_span"]),
        trigger_span=_span(d["trigger_span"]),
        mode=d["mode"],
        contexts=tuple(d["contexts"]),
        stance=d["stance"],
        occurred=_date(d.get("occurred")),
        occurred_granularity=DateGranularity(d["occurred_granularity"]) if d.get("occurred_granularity") else None,
    )


def _actor(a: Actor) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind,
        "country": a.country,
        "sector": a.sector,
        "aliases": list(a.aliases),
        "roles": [[r.title, r.country, r.sector, _iso(r.start), _iso(r.end)] for r in a.roles],
        "wikidata": a.wikidata,
        "provisional": a.provisional,
    }


def _actor_back(d: dict[str, Any]) -> Actor:
    return Actor(
        id=d["id"],
        name=d["name"],
        kind=d["kind"],
        country=d["country"],
        sector=d["sector"],
        aliases=tuple(d["aliases"]),
        roles=tuple(Role(t, c, s, _date(b), _date(e)) for t, c, s, b, e in d["roles"]),
        wikidata=d["wikidata"],
        provisional=d["provisional"],
    )
