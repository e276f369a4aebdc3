"""``/api/search``: one query across articles (full text), their events, and actor names."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from vigil.api.context import AppContext, get_context
from vigil.api.schemas import SearchOut, actor_out, article_out, events_out
from vigil.services import search

router = APIRouter(prefix="/api/search", tags=["search"])


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
