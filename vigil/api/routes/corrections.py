"""``/api/corrections``: an analyst's corrections of events and actors, and their audit trail.

Writes need the token like every write (see :mod:`vigil.api.security`); the author is the
name the request gives, and the trail keeps when and why.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from vigil.api.context import AppContext, get_context
from vigil.api.errors import ApiError
from vigil.store.corrections import CorrectionError, add_correction, list_corrections

router = APIRouter(prefix="/api/corrections", tags=["corrections"])

Ctx = Annotated[AppContext, Depends(get_context)]


class CorrectionIn(BaseModel):
    """One correction: ``target`` is an event id (reject, relabel, redate), an actor id (merge,
    split) or a correction's number (undo)."""

    kind: Literal["reject", "relabel", "redate", "merge", "split", "undo"]
    target: str = Field(min_length=1, max_length=200)
    root: str | None = Field(default=None, max_length=16)
    modality: str | None = Field(default=None, max_length=16)
    date: str | None = Field(default=None, max_length=10)
    into: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=200)
    as_: str | None = Field(default=None, alias="as", max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    author: str = Field(default="analyst", min_length=1, max_length=100)


@router.get("")
def corrections(ctx: Ctx) -> dict[str, Any]:
    """The audit trail, oldest first."""
    return {"ok": True, "items": [c.to_dict() for c in list_corrections(ctx.store)], "next_cursor": None}


@router.post("", status_code=201)
def correct(body: CorrectionIn, ctx: Ctx) -> dict[str, Any]:
    """Record a correction (write: needs the token); every view applies it from now on."""
    fields = {
        "root": body.root.upper() if body.root else None,
        "modality": body.modality,
        "date": body.date,
        "into": body.into,
        "text": body.text,
        "as": body.as_,
    }
    value = {k: v for k, v in fields.items() if v is not None}
    try:
        made = add_correction(ctx.store, body.kind, body.target, value, body.reason, body.author)
    except CorrectionError as exc:
        raise ApiError(422, str(exc)) from None
    return {"ok": True, "item": made.to_dict()}
