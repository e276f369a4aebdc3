"""The JSON shapes of the API (pydantic models, so that /openapi.json describes them), and converters.

Every response has ``ok``; lists carry ``items`` and ``next_cursor`` (None on the last page).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, create_model

from vigil import models
from vigil.mapping import record_json
from vigil.models import Actor, Article, DomainTag, Event, Mention, Role, Sentence, Tone
from vigil.services import event_sentences
from vigil.store import Store

__all__ = [
    "ActorDetail",
    "ActorOut",
    "ArticleDetail",
    "ArticleOut",
    "ErrorOut",
    "EventOut",
    "Page",
    "actor_out",
    "article_out",
    "event_out",
    "events_out",
]


class ErrorOut(BaseModel):
    """Every failure: 4xx and 5xx alike."""

    ok: bool = False
    error: str
    status: int


class RoleOut(BaseModel):
    title: str
    country: str | None
    sector: str | None
    start: date | None
    end: date | None


class ActorOut(BaseModel):
    """An actor as it stood on ``as_of``: ``country`` and ``sector`` are those of its ``role`` then."""

    id: str
    name: str
    kind: str
    country: str | None
    sector: str | None
    as_of: date | None = Field(description="The day country, sector and role are read on (None: now).")
    role: RoleOut | None = Field(description="The role held on as_of (for a former holder, the last one).")
    former: bool = Field(description="A former office holder on as_of (sector ELI).")
    aliases: list[str]
    roles: list[RoleOut]
    wikidata: str | None
    provisional: bool


def _record_model(name: str, cls: type, *, exclude: Collection[str], **extra: Any) -> type[BaseModel]:
    """A pydantic model of the record type ``cls``'s fields (minus ``exclude``, plus ``extra``), in field order:
    a field added to the record is in the API's answers and in /openapi.json without further code."""
    hints = typing.get_type_hints(cls, vars(models))
    fields: dict[str, Any] = {
        f.name: (hints[f.name], f.default if f.default is not dataclasses.MISSING else ...)
        for f in dataclasses.fields(cls)
        if f.name not in exclude
    }
    return create_model(name, **fields, **extra)


_EventOut = _record_model(
    "EventOut",
    Event,
    exclude={"fixed_id", "import_id"},
    id=(str, ...),
    sentence=(str | None, None),
    provenance=(str | None, Field(default=None, description="Imported events: where they come from (no sentence).")),
)
if TYPE_CHECKING:
    EventOut = BaseModel
else:
    EventOut = _EventOut
"""An event: every field of :class:`vigil.models.Event`, its ``id``, and its ``sentence`` (or ``provenance``)."""


_ARTICLE_DETAIL_ONLY = frozenset({"text", "origin", "date_note"})  # in an article's page, not in lists
_ArticleOut = _record_model("ArticleOut", Article, exclude=_ARTICLE_DETAIL_ONLY | {"imported"})
_SentenceOut = _record_model("SentenceOut", Sentence, exclude={"article_id"}, text=(str, ...))
_MentionOut = _record_model("MentionOut", Mention, exclude={"article_id"})
_DomainOut = _record_model("DomainOut", DomainTag, exclude={"article_id"})
_ToneOut = _record_model("ToneOut", Tone, exclude={"article_id"})
if TYPE_CHECKING:
    ArticleOut = BaseModel
    SentenceOut = BaseModel
    MentionOut = BaseModel
    DomainOut = BaseModel
    ToneOut = BaseModel
else:
    ArticleOut, SentenceOut, MentionOut = _ArticleOut, _SentenceOut, _MentionOut
    DomainOut, ToneOut = _DomainOut, _ToneOut


def _out(model: type[BaseModel], record: Any, exclude: Collection[str] = ("article_id",), **extra: Any) -> Any:
    """``record`` as the API model ``model`` (made from the record's fields by :func:`_record_model`)."""
    return model(**record_json(record, exclude=exclude, dates=False) | extra)


class ArticleDetail(ArticleOut):
    text: str
    origin: str
    date_note: str | None
    sentences: list[SentenceOut]
    mentions: list[MentionOut]
    events: list[EventOut]
    domains: list[DomainOut]
    tones: list[ToneOut]


class GkgMonth(BaseModel):
    month: str
    documents: int
    tone: float | None


class GkgTheme(BaseModel):
    theme: str
    documents: int


class GkgSummary(BaseModel):
    """What imported GDELT GKG records say of an actor (``vigil import gdelt-gkg``; tone on GDELT's -100..100)."""

    documents: int
    mentions: int
    first: date | None
    last: date | None
    tone: float | None
    by_month: list[GkgMonth]
    themes: list[GkgTheme]


class ActorDetail(ActorOut):
    as_source: list[EventOut]
    as_target: list[EventOut]
    gkg: GkgSummary | None = None  # None: no imported GKG document names the actor


class Page(BaseModel):
    """A page of a list; pass ``next_cursor`` back as ``cursor`` for the next page."""

    ok: bool = True
    items: list[Any]
    next_cursor: str | None = Field(default=None, description="Opaque; None on the last page.")


class ArticlePage(Page):
    items: list[ArticleOut]  # type: ignore[assignment]


class EventPage(Page):
    items: list[EventOut]  # type: ignore[assignment]


class ActorPage(Page):
    items: list[ActorOut]  # type: ignore[assignment]


class Item(BaseModel):
    ok: bool = True
    item: Any


class ArticleItem(Item):
    item: ArticleDetail


class ActorItem(Item):
    item: ActorDetail


class SearchOut(BaseModel):
    ok: bool = True
    query: str
    articles: list[ArticleOut]
    events: list[EventOut]
    actors: list[ActorOut]


def _role_out(r: Role) -> RoleOut:
    return RoleOut(title=r.title, country=r.country, sector=r.sector, start=r.start, end=r.end)


def actor_out(a: Actor, day: date | None) -> ActorOut:
    """``a`` as it stood on ``day`` (None: now)."""
    standing = a.standing_on(day)
    return ActorOut(
        id=a.id,
        name=a.name,
        kind=a.kind,
        country=standing.country,
        sector=standing.sector,
        as_of=day,
        role=_role_out(standing.role) if standing.role else None,
        former=standing.former,
        aliases=list(a.aliases),
        roles=[_role_out(r) for r in a.roles],
        wikidata=a.wikidata,
        provisional=a.provisional,
    )


def article_out(a: Article) -> ArticleOut:
    """An article as lists answer it: every field of :class:`vigil.models.Article` but its text and notes."""
    out: ArticleOut = _out(_ArticleOut, a, exclude=_ARTICLE_DETAIL_ONLY | {"imported"})
    return out


def event_out(e: Event, sentence: str | None = None, *, provenance: str | None = None) -> BaseModel:
    """An event as the API answers it (its root as users read it: STATEMENT for a plain statement)."""
    data = record_json(e, exclude={"fixed_id", "import_id"}, dates=False)
    return _EventOut(**data | {"root": e.root_name, "sentence": sentence, "provenance": provenance})


def events_out(store: Store, events: list[Event]) -> list[BaseModel]:
    """The events with their sentences (imported events: where they come from)."""
    texts = event_sentences(store, events)
    return [
        event_out(e, None, provenance=texts.get((e.article_id, e.sentence_index)))
        if e.imported
        else event_out(e, texts.get((e.article_id, e.sentence_index)))
        for e in events
    ]


def article_detail(
    a: Article,
    sentences: list[Sentence],
    mentions: list[Mention],
    events: list[Event],
    domains: list[DomainTag],
    tones: list[Tone],
) -> ArticleDetail:
    texts = {s.index: a.text[s.start : s.end] for s in sentences}
    return ArticleDetail(
        **article_out(a).model_dump(),
        text=a.text,
        origin=a.origin,
        date_note=a.date_note,
        sentences=[_out(_SentenceOut, s, text=texts[s.index]) for s in sentences],
        mentions=[_out(_MentionOut, m) for m in mentions],
        events=[event_out(e, texts.get(e.sentence_index)) for e in events],
        domains=[_out(_DomainOut, d) for d in domains],
        tones=[_out(_ToneOut, t) for t in tones],
    )
