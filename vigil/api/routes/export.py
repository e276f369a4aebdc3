"""``/api/export``: the exports of ``vigil export``, as downloads.

Read-only: the file is built in memory (spilling to an anonymous temporary file past a few
megabytes) and streamed back; nothing is written to a path the request names.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse

from vigil.api.context import AppContext, get_context
from vigil.api.errors import ApiError
from vigil.api.params import Since, Until
from vigil.errors import ConfigError
from vigil.export import FORMATS, describe, export_to_stream, media_type

router = APIRouter(prefix="/api/export", tags=["export"])

Ctx = Annotated[AppContext, Depends(get_context)]
FormatP = Annotated[str, Path(max_length=30, description="Export format: " + ", ".join(FORMATS) + ".")]
WatchQ = Annotated[
    str | None,
    Query(max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$", description="Only this watch (default: the store)."),
]
TableQ = Annotated[
    Literal["events", "actors", "mentions"] | None,
    Query(description="csv and parquet: this table alone (default: the three in a ZIP archive)."),
]
_CHUNK = 1 << 16
_IN_MEMORY = 8 << 20


@router.get("")
def export_formats() -> dict[str, Any]:
    """The export formats."""
    return {"ok": True, "items": describe(), "next_cursor": None}


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    try:
        fh.seek(0)
        while chunk := fh.read(_CHUNK):
            yield chunk
    finally:
        fh.close()


@router.get(
    "/{fmt}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The export file."}},
)
def export_download(
    fmt: FormatP, ctx: Ctx, watch: WatchQ = None, since: Since = None, until: Until = None, table: TableQ = None
) -> StreamingResponse:
    """The store (or a watch) exported as a file download: PLOVER JSON, GDELT TSV, CSV, Parquet, GEXF, GraphML, STIX."""
    if fmt not in FORMATS:
        raise ApiError(404, f"Unknown export format {fmt!r}. Use one of: {', '.join(FORMATS)}.")
    if watch is not None:
        ctx.watch(watch)  # 404 when there is none
    if since is not None and until is not None and until < since:
        raise ApiError(422, f"Invalid request: until ({until}) is before since ({since}).")
    spool = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)
    try:
        floor = ctx.settings.get_float("view.min_confidence")
        name, counts = export_to_stream(
            ctx.store, fmt, spool, watch=watch, since=since, until=until, table=table, min_confidence=floor
        )
    except ConfigError as exc:
        spool.close()
        raise ApiError(422, str(exc)) from None
    except BaseException:
        spool.close()
        raise
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Vigil-Export-Counts": ", ".join(f"{k}={v}" for k, v in counts.items()),
    }
    return StreamingResponse(_chunks(spool), media_type=media_type(fmt, table), headers=headers)
