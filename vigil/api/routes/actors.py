"""``/api/actors``: actors seen in events, and one actor with its events as source and as target."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from vigil import services
from vigil.api.context import AppContext, get_context
from vigil.api.pagination import cursor_offset, encode_cursor
from vigil.api.params import ActorId, AsOf, Cursor, Limit
from vigil.api.schemas import ActorDetail, ActorItem, ActorPage, GkgSummary, actor_out, events_out

router = APIRouter(prefix="/api/actors", tags=["actors"])


@router.get("", response_model=ActorPage)
def list_actors(
    ctx: Annotated[AppContext, Depends(get_context)],
    q: Annotated[str | None, Query(max_length=200, description="Part of the name.")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="ISO-3 country code.")] = None,
    sector: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,4}$", description="PLOVER sector.")] = None,
    as_of: AsOf = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ActorPage:
    """Actors that appear in events, by id, as they stood on ``as_of`` (country, sector and role then)."""
    offset = cursor_offset(cursor)
    day = as_of or ctx.store.latest_date()
    rows = ctx.store.actors(
        country=country, sector=sector, search=q, with_events=True, limit=limit + 1, offset=offset, as_of=day
    )
    nxt = encode_cursor({"o": offset + limit}) if len(rows) > limit else None
    return ActorPage(items=[actor_out(a, day) for a in rows[:limit]], next_cursor=nxt)


@router.get("/{actor_id}", response_model=ActorItem)
def get_actor(
    actor_id: ActorId,
    ctx: Annotated[AppContext, Depends(get_context)],
    limit: Annotated[int, Query(ge=1, le=500, description="Most events of each direction.")] = 50,
    as_of: AsOf = None,
) -> ActorItem:
    """One actor: identity, aliases, roles with dates, its role on ``as_of``, its latest events as source and target,
    and what imported GDELT GKG documents say of it (``gkg``: documents, tone by month, themes; null if none)."""
    store = ctx.store
    found = services.get_actor(store, actor_id)
    detail = ActorDetail(
        **actor_out(found, as_of or store.latest_date()).model_dump(),
        as_source=events_out(store, store.events(actor=actor_id, limit=limit)),
        as_target=events_out(store, store.events(target=actor_id, limit=limit)),
        gkg=GkgSummary.model_validate(gkg) if (gkg := store.gkg_summary(actor_id)) is not None else None,
    )
    return ActorItem(item=detail)
