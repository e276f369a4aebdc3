"""The kept views of each watch: computed once per inputs version, stored, read by every process.

A view (the timeline, the network, the trends, the scenario board, the stories of a watch's whole
window) is kept in ``watch_views`` under

- the watch's *inputs version* (:func:`vigil.store.changes.watch_inputs`): the last write that may
  have changed what the watch reads. A write outside the watch's window leaves it, and the view;
- a *basis*: a digest of what else the view depends on (the watch's definition, the analysis code
  and the knowledge base, the view settings), so that a new release or another setting never reads
  a view computed by the old one.

Views are encoded in a typed JSON (:func:`encode`, :func:`decode`): dates, tuples, sets and the
dataclasses the views are made of come back as they were, and nothing but those types can be built
from a stored body. Keeping a view is not a write of the store's content: it does not raise the
store version (the view is what the store held at its inputs version, whoever computed it).
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from vigil.store import schema
from vigil.store.store import Store

__all__ = ["decode", "encode", "kept_views", "keep_views", "register_type"]

_TYPES: dict[str, type] = {}


def register_type(cls: type) -> type:
    """Allow instances of the dataclass ``cls`` in kept views (a class decorator)."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    _TYPES[cls.__name__] = cls
    return cls


def _enc(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"~dt": value.isoformat()}
    if isinstance(value, date):
        return {"~d": value.isoformat()}
    if isinstance(value, list):
        return [_enc(v) for v in value]
    if isinstance(value, tuple):
        return {"~t": [_enc(v) for v in value]}
    if isinstance(value, frozenset | set):
        return {"~fs" if isinstance(value, frozenset) else "~s": sorted((_enc(v) for v in value), key=repr)}
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a kept view's mappings have string keys")
        return {"~m": {k: _enc(v) for k, v in value.items()}}
    name = type(value).__name__
    if _TYPES.get(name) is type(value) and dataclasses.is_dataclass(value):
        fields = {f.name: _enc(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return {"~c": name, "f": fields}
    raise TypeError(f"a kept view cannot hold a {name}")


def _dec(value: Any) -> Any:
    if isinstance(value, list):
        return [_dec(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "~m" in value:
        return {k: _dec(v) for k, v in value["~m"].items()}
    if "~d" in value:
        return date.fromisoformat(value["~d"])
    if "~dt" in value:
        return datetime.fromisoformat(value["~dt"])
    if "~t" in value:
        return tuple(_dec(v) for v in value["~t"])
    if "~fs" in value:
        return frozenset(_dec(v) for v in value["~fs"])
    if "~s" in value:
        return {_dec(v) for v in value["~s"]}
    if "~c" in value:
        cls = _TYPES.get(value["~c"])
        if cls is None:
            raise ValueError(f"a kept view names an unknown type {value['~c']!r}")
        return cls(**{k: _dec(v) for k, v in value["f"].items()})
    raise ValueError("not a kept view")


def encode(value: Any) -> bytes:
    """The stored body of a view (compressed typed JSON)."""
    return zlib.compress(json.dumps(_enc(value), separators=(",", ":")).encode(), 6)


def decode(body: bytes) -> Any:
    """The view :func:`encode` stored."""
    return _dec(json.loads(zlib.decompress(body)))


def kept_views(store: Store, watch: str, inputs: int, basis: str, *, bodies: bool = True) -> dict[str, Any]:
    """The views of ``watch`` kept at this inputs version and basis (an empty mapping if none);
    ``bodies=False``: only which views are kept (each maps to None), nothing read or decoded."""
    t = schema.watch_views
    columns = (t.c.view, t.c.body) if bodies else (t.c.view,)
    query = select(*columns).where(t.c.watch == watch, t.c.inputs == inputs, t.c.basis == basis)
    with store.engine.connect() as conn:
        return {row[0]: decode(row[1]) if bodies else None for row in conn.execute(query).all()}


def keep_views(store: Store, watch: str, inputs: int, basis: str, version: int, views: Mapping[str, Any]) -> None:
    """Keep views of ``watch`` computed at ``inputs`` (store version ``version``).

    A view kept at a later inputs version by another process is not replaced by an older one.
    """
    if not views:
        return
    t = schema.watch_views
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {
            "watch": watch,
            "view": view,
            "inputs": inputs,
            "basis": basis,
            "version": version,
            "computed_at": now,
            "body": encode(value),
        }
        for view, value in views.items()
    ]
    insert = (postgresql if store.dialect == "postgresql" else sqlite).insert(t)
    stmt = insert.on_conflict_do_update(
        index_elements=[t.c.watch, t.c.view],
        set_={c: insert.excluded[c] for c in ("inputs", "basis", "version", "computed_at", "body")},
        where=t.c.inputs <= insert.excluded.inputs,
    )
    with store.engine.begin() as conn:
        conn.execute(stmt, rows)
