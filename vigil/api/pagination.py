"""Opaque cursors.

A cursor is URL-safe base64 of a small JSON object, never a raw offset the client builds:

- ``{"d": DATE, "k": [KEY...]}`` (keyset): the sort key of the last item served (``d`` null for an
  undated one). Lists ordered newest first (articles, events) continue *after* that key, compared
  in SQL, so items inserted meanwhile never shift or repeat a page.
- ``{"a": ID}`` (after): lists computed in memory (stories, timeline, alerts) continue after the
  item with that id; if it is gone, after the offset also kept in the cursor.
- ``{"o": N}`` (offset): for orders with no usable key (best-match search, actors filtered by their
  standing on a day).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from vigil.api.errors import ApiError

__all__ = ["cursor_offset", "decode_cursor", "encode_cursor", "page_after_id", "page_keyset"]

T = TypeVar("T")
_BAD = "Invalid cursor: pass back the next_cursor value of a previous page unchanged."


def encode_cursor(data: dict[str, Any]) -> str:
    """The opaque cursor for ``data``."""
    raw = json.dumps(data, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    """The data of a cursor ({} for none).

    Raises:
        ApiError: 400 when the cursor was not made by :func:`encode_cursor`.
    """
    if not cursor:
        return {}
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiError(400, _BAD) from None
    if not isinstance(data, dict):
        raise ApiError(400, _BAD)
    return data


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 10_000_000:
        raise ApiError(400, _BAD)
    return value


def cursor_offset(cursor: str | None) -> int:
    """The offset a cursor holds (0 for none).

    Raises:
        ApiError: 400 for a cursor that was not made here, or an offset out of range.
    """
    state = decode_cursor(cursor)
    if state and set(state) != {"o"}:  # a cursor of another list (a keyset cursor) is not an offset
        raise ApiError(400, _BAD)
    return _int(state.get("o", 0))


def _key(value: Any) -> list[Any]:
    """A tie-break key from a cursor: a short list of strings and numbers, nothing else."""
    if (
        not isinstance(value, list)
        or len(value) > 8
        or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value)
    ):
        raise ApiError(400, _BAD)
    return value


def page_keyset(
    fetch: Callable[[tuple[Any, ...] | None, int], list[T]],
    key_of: Callable[[T], tuple[Any, ...]],
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[T], str | None]:
    """One page of a list ordered by date (newest first, undated last), then by a tie-break key.

    Args:
        fetch: ``fetch(after, limit)`` runs the store query for the rows after the key ``after``
            (None: from the start); the store compares keys in SQL (a row-value comparison).
        key_of: an item's sort key: its date (or None), then its tie-break values.
        cursor: the previous page's ``next_cursor``.
        limit: page size.
    Returns:
        The items and the next cursor (None on the last page).
    """
    state = decode_cursor(cursor)
    after = _keyset(state) if state else None
    rows = fetch(after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    day, *rest = key_of(rows[-1])
    return rows, encode_cursor({"d": day.isoformat() if day is not None else None, "k": rest})


def _keyset(state: dict[str, Any]) -> tuple[Any, ...]:
    """The sort key a keyset cursor holds: ``{"d": DATE or null, "k": [KEY...]}``."""
    if set(state) - {"d", "k", "n"} or "k" not in state or "d" not in state:
        raise ApiError(400, _BAD)
    try:
        day = date.fromisoformat(state["d"]) if state["d"] is not None else None
    except (TypeError, ValueError):
        raise ApiError(400, _BAD) from None
    return (day, *_key(state["k"]))


def page_after_id(
    items: Sequence[T], id_of: Callable[[T], str], *, cursor: str | None, limit: int
) -> tuple[list[T], str | None]:
    """One page of an in-memory list, continuing after the id the cursor names."""
    state = decode_cursor(cursor)
    start = 0
    if state:
        after = state.get("a")
        fallback = _int(state.get("o", 0))
        start = fallback
        if isinstance(after, str):
            for i, item in enumerate(items):
                if id_of(item) == after:
                    start = i + 1
                    break
    page = list(items[start : start + limit])
    if start + limit < len(items) and page:
        return page, encode_cursor({"a": id_of(page[-1]), "o": start + len(page)})
    return page, None
