"""``/api/status`` and ``/api/settings``: what the store holds and how Vigil is configured."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from vigil.api.context import AppContext, get_context
from vigil.config import SETTINGS

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/status")
def status(ctx: Annotated[AppContext, Depends(get_context)]) -> dict[str, Any]:
    """Counts, date range, sources and languages of the store."""
    return {"ok": True, "item": ctx.store.status()}


@router.get("/settings")
def settings(ctx: Annotated[AppContext, Depends(get_context)]) -> dict[str, Any]:
    """Every setting with its current value, environment variable and help (the store location masked)."""
    items = []
    for s in SETTINGS:
        value = ctx.store.location if s.name == "db" else ctx.settings[s.name]
        items.append({"name": s.name, "value": value, "env": s.env, "help": s.help})
    return {"ok": True, "items": items, "next_cursor": None}
