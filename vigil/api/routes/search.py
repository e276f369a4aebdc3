"""``/api/search``: one query across articles (full text), their events, and actor names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from vigil.api.context import AppContext, get_context
from vigil.api.routes.events import events_out
from vigil.api.schemas import SearchOut, actor_out, article_out
from vigil.models import Actor, Article, Event
from vigil.store import Store

router = APIRouter(prefix="/api/search", tags=["search"])


@dataclass(frozen=True, slots=True)
class SearchResult:
    articles: list[Article]
    events: list[Event]
    actors: list[Actor]


def search(store: Store, q: str, *, limit: int = 20) -> SearchResult:
    """Articles matching ``q`` (best first), the events of the best ones, and actors whose name contains it.

    Actors match the whole query as a name fragment; events are those of the matching articles
    whose source or target text contains a query word (else all their events).
    """
    arts = store.articles(search=q, limit=limit) if q.strip() else []
    actors = store.actors(search=q.strip(), with_events=True, limit=limit) if q.strip() else []
    words = [w.lower() for w in q.split() if w.strip()]
    events: list[Event] = []
    for a in arts[:10]:
        evs = store.events(article_id=a.id, limit=None)
        hits = [e for e in evs if any(w in f"{e.source_text or ''} {e.target_text or ''}".lower() for w in words)]
        events.extend(hits or evs)
        if len(events) >= limit:
            break
    return SearchResult(arts, events[:limit], actors)


@router.get("", response_model=SearchOut)
def search_all(
    ctx: Annotated[AppContext, Depends(get_context)],
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words to look for.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchOut:
    """Articles, events and actors matching ``q`` (actors as they stood on the store's latest event date)."""
    found = search(ctx.store, q, limit=limit)
    day = ctx.store.latest_date()
    return SearchOut(
        query=q,
        articles=[article_out(a) for a in found.articles],
        events=events_out(ctx.store, found.events),
        actors=[actor_out(a, day) for a in found.actors],
    )
