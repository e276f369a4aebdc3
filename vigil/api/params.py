"""Query parameters shared by the routes, validated before any route code runs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Path, Query

from vigil.models import Modality

__all__ = [
    "Coder",
    "ActorId",
    "ArticleId",
    "Cursor",
    "Limit",
    "ModalityQ",
    "Since",
    "Until",
    "WatchName",
]

ArticleId = Annotated[
    str, Path(pattern=r"^[0-9a-fA-F]{6,64}$", description="Article id, or a unique prefix of 6+ hex digits.")
]
ActorId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:\-]+$", description="Actor id, e.g. person:taro-aso."),
]
WatchName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$", description="Watch name.")]
Since = Annotated[date | None, Query(description="From this date (YYYY-MM-DD), inclusive.")]
Until = Annotated[date | None, Query(description="To this date (YYYY-MM-DD), inclusive.")]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
AsOf = Annotated[
    date | None,
    Query(description="Read countries, sectors and roles on this day (YYYY-MM-DD; default: the latest event date)."),
]
Known = Annotated[
    date | None,
    Query(
        description="Answer with what the store knew at the end of this day (YYYY-MM-DD): ingested, corrected by then."
    ),
]
Cursor = Annotated[str | None, Query(max_length=1000, description="next_cursor of the previous page.")]
ModalityQ = Annotated[Modality | None, Query(description="Event modality.")]
Coder = Literal["VIGIL", "GDELT", "ICEWS", "ACLED", "PLOVER"]  # who coded an event: Vigil's extraction or an importer
