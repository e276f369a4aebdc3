"""The JSON shapes of the API (pydantic models, so that /openapi.json describes them), and converters.

Every response has ``ok``; lists carry ``items`` and ``next_cursor`` (None on the last page).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from vigil.models import Actor, Article, DomainTag, Event, Mention, Role, Sentence, Tone

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


class ArticleOut(BaseModel):
    id: str
    title: str | None
    url: str | None
    source: str | None
    published: date | None
    date_source: str
    language: str | None
    ingested_at: datetime
    duplicate_of: str | None
    story_id: str | None


class EventOut(BaseModel):
    id: str
    article_id: str
    sentence_index: int
    date: date | None
    source_actor: str | None
    target_actor: str | None
    source_text: str | None
    target_text: str | None
    root: str | None
    quad: int | None
    cameo: str | None
    mode: str | None
    modality: str
    contexts: list[str]
    stance: float | None
    confidence: float
    extractor: str
    source_span: list[int] | None
    target_span: list[int] | None
    trigger_span: list[int] | None
    sentence: str | None = None
    coder: str = "VIGIL"
    provenance: str | None = None  # imported events: where they come from (they have no sentence)


class MentionOut(BaseModel):
    sentence_index: int
    start: int
    end: int
    text: str
    label: str
    actor_id: str | None
    country: str | None
    sector: str | None
    confidence: float
    extractor: str


class SentenceOut(BaseModel):
    index: int
    start: int
    end: int
    text: str


class DomainOut(BaseModel):
    sentence_index: int | None
    domain: str
    score: float
    extractor: str


class ToneOut(BaseModel):
    sentence_index: int | None
    score: float
    source_actor: str | None
    target_actor: str | None
    confidence: float
    extractor: str


class ArticleDetail(ArticleOut):
    text: str
    origin: str
    date_note: str | None
    sentences: list[SentenceOut]
    mentions: list[MentionOut]
    events: list[EventOut]
    domains: list[DomainOut]
    tones: list[ToneOut]


class ActorDetail(ActorOut):
    as_source: list[EventOut]
    as_target: list[EventOut]


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
    return ArticleOut(
        id=a.id,
        title=a.title,
        url=a.url,
        source=a.source,
        published=a.published,
        date_source=a.date_source.value,
        language=a.language,
        ingested_at=a.ingested_at,
        duplicate_of=a.duplicate_of,
        story_id=a.story_id,
    )


def _span(s: tuple[int, int] | None) -> list[int] | None:
    return [s[0], s[1]] if s is not None else None


def event_out(e: Event, sentence: str | None = None, *, provenance: str | None = None) -> EventOut:
    return EventOut(
        id=e.id,
        article_id=e.article_id,
        sentence_index=e.sentence_index,
        date=e.date,
        source_actor=e.source_actor,
        target_actor=e.target_actor,
        source_text=e.source_text,
        target_text=e.target_text,
        root=e.root_name,
        quad=e.quad,
        cameo=e.cameo,
        mode=e.mode,
        modality=e.modality.value,
        contexts=list(e.contexts),
        stance=e.stance,
        confidence=e.confidence,
        extractor=e.extractor,
        source_span=_span(e.source_span),
        target_span=_span(e.target_span),
        trigger_span=_span(e.trigger_span),
        sentence=sentence,
        coder=e.coder,
        provenance=provenance,
    )


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
        sentences=[SentenceOut(index=s.index, start=s.start, end=s.end, text=texts[s.index]) for s in sentences],
        mentions=[
            MentionOut(
                sentence_index=m.sentence_index,
                start=m.start,
                end=m.end,
                text=m.text,
                label=m.label,
                actor_id=m.actor_id,
                country=m.country,
                sector=m.sector,
                confidence=m.confidence,
                extractor=m.extractor,
            )
            for m in mentions
        ],
        events=[event_out(e, texts.get(e.sentence_index)) for e in events],
        domains=[
            DomainOut(sentence_index=d.sentence_index, domain=d.domain, score=d.score, extractor=d.extractor)
            for d in domains
        ],
        tones=[
            ToneOut(
                sentence_index=t.sentence_index,
                score=t.score,
                source_actor=t.source_actor,
                target_actor=t.target_actor,
                confidence=t.confidence,
                extractor=t.extractor,
            )
            for t in tones
        ],
    )
