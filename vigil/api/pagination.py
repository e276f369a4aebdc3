"""Opaque cursors.

A cursor is URL-safe base64 of a small JSON object, never a raw offset the client builds:

- ``{"d": DATE, "k": [KEY...]}`` (keyset): the sort key of the last item served. Lists ordered
  newest first (articles, events) continue *after* that key, so items inserted meanwhile never
  shift or repeat a page.
- ``{"a": ID}`` (after): lists computed in memory (stories, timeline, alerts) continue after the
  item with that id; if it is gone, after the offset also kept in the cursor.
- ``{"o": N}`` (offset): for orders with no usable key (best-match search, undated articles).
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
    fetch: Callable[[date | None, int, int], list[T]],
    day_of: Callable[[T], date | None],
    key_of: Callable[[T], list[Any]],
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[T], str | None]:
    """One page of a list ordered by date (newest first, undated last), then by ``key_of``.

    Args:
        fetch: ``fetch(until, offset, limit)`` runs the store query with an inclusive upper date bound.
        day_of: an item's date; key_of: its tie-break key (ascending within a date).
        cursor: the previous page's ``next_cursor``.
        limit: page size.
    Returns:
        The items and the next cursor (None on the last page).
    """
    state = decode_cursor(cursor)
    if "o" in state:  # the undated tail: offset into the unbounded query
        offset = _int(state["o"])
        rows = fetch(None, offset, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = encode_cursor({"o": offset + len(rows)}) if more else None
        return rows, nxt
    items: list[T] = []
    until: date | None = None
    last_key: list[Any] | None = None
    served = _int(state.get("n", 0))
    if "d" in state:
        try:
            until = date.fromisoformat(str(state["d"]))
        except ValueError:
            raise ApiError(400, _BAD) from None
        last_key = _key(state.get("k"))
    offset = 0
    chunk = limit + 1
    exhausted = False
    while len(items) <= limit:
        rows = fetch(until, offset, chunk)
        for row in rows:
            d = day_of(row)
            if until is not None and last_key is not None and d == until and _not_after(key_of(row), last_key):
                continue
            items.append(row)
        if len(rows) < chunk:
            exhausted = True
            break
        offset += chunk
    if until is not None and exhausted and len(items) <= limit:
        # The dated items are all served: the undated ones follow them in the unbounded order.
        rows = fetch(None, served + len(items), limit + 1 - len(items))
        items.extend(r for r in rows if day_of(r) is None)
    more = len(items) > limit
    items = items[:limit]
    if not more or not items:
        return items, None
    last = items[-1]
    d = day_of(last)
    total = served + len(items)
    if d is None:
        # Undated items have no key to continue after: count them from the start of the undated run.
        return items, encode_cursor({"o": total})
    return items, encode_cursor({"d": d.isoformat(), "k": key_of(last), "n": total})


def _not_after(key: list[Any], last: list[Any]) -> bool:
    try:
        return bool(key <= last)
    except TypeError:  # a key of other types than the page's: not one this server made
        raise ApiError(400, _BAD) from None


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
