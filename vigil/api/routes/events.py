"""``/api/events``: coded events with their sentence, filtered and paged newest first."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from vigil.api.context import AppContext, get_context
from vigil.api.errors import ApiError
from vigil.api.pagination import page_keyset
from vigil.api.params import Coder, Cursor, Limit, ModalityQ, Since, Until
from vigil.api.schemas import EventPage, events_out
from vigil.models import Event

router = APIRouter(prefix="/api/events", tags=["events"])

ActorQ = Annotated[str | None, Query(max_length=200, description="Actor id, e.g. gov:JPN.")]


@router.get("", response_model=EventPage)
def list_events(
    ctx: Annotated[AppContext, Depends(get_context)],
    actor: ActorQ = None,
    target: ActorQ = None,
    root: Annotated[str | None, Query(max_length=20, pattern=r"^[A-Za-z]+$", description="PLOVER root.")] = None,
    quad: Annotated[int | None, Query(ge=0, le=4, description="Quad class 0-4.")] = None,
    domain: Annotated[str | None, Query(max_length=50, description="Policy domain of the sentence.")] = None,
    modality: ModalityQ = None,
    article: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9a-f]+$", description="Article id.")] = None,
    min_confidence: Annotated[
        float | None,
        Query(ge=0.0, le=1.0, description="Lowest confidence (default: the setting view.min_confidence; 0: all)."),
    ] = None,
    coder: Annotated[
        list[Coder] | None,
        Query(description="Only events coded by these (repeatable): VIGIL (Vigil's own), GDELT, ICEWS, ACLED, PLOVER."),
    ] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> EventPage:
    """Events matching every filter, newest first by the date they happened (else their publication date),
    each with its sentence; ``since``/``until`` bound that date."""
    store = ctx.store
    if min_confidence is None:
        min_confidence = ctx.settings.get_float("view.min_confidence")

    def fetch(after: tuple[Any, ...] | None, n: int) -> list[Event]:
        return store.events(
            article_id=article,
            actor=actor,
            target=target,
            root=root,
            quad=quad,
            domain=domain,
            modality=modality.value if modality is not None else None,
            since=since,
            until=until,
            min_confidence=min_confidence,
            coders=coder or None,
            limit=n,
            after=_event_key(after),
        )

    items, nxt = page_keyset(
        fetch, lambda e: (e.when, e.article_id, e.sentence_index, e.id), cursor=cursor, limit=limit
    )
    return EventPage(items=events_out(store, items), next_cursor=nxt)


def _event_key(after: tuple[Any, ...] | None) -> tuple[date | None, str, int, str] | None:
    """A cursor's key as an event's sort key (a key of another list is a bad request)."""
    if after is None:
        return None
    day, *rest = after
    if len(rest) != 3 or not isinstance(rest[0], str) or type(rest[1]) is not int or not isinstance(rest[2], str):
        raise ApiError(400, "Invalid cursor: pass back the next_cursor value of a previous page unchanged.")
    return (day, rest[0], rest[1], rest[2])
