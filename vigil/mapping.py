"""The one mapping between records (the dataclasses of :mod:`vigil.models`) and rows or JSON.

Both directions are driven by the records' declared fields and their types, so a field added
to a record reaches the store, the Parquet files of a Ray ingest, the API and the CLI's JSON
without further code:

- JSON (:func:`record_json`, :func:`record_from_json`): a mapping of field names; dates as ISO
  text, enums as their values, tuples as lists, nested records as mappings. The API, the CLI's
  ``--json`` and the Parquet rows (:mod:`vigil.scale.rows`) use it.
- Store rows (:func:`store_row`, :func:`row_reader`): the column names of :mod:`vigil.store.schema`,
  which differ from the field names in three rules: ``sentence_index`` is ``sentence_idx``,
  ``index`` is ``idx``, and a span ``x_span`` is two columns ``x_start`` and ``x_end``. A field
  without a column is not stored (``Event.fixed_id``); a record whose ``id`` is computed
  (``Event.id``) stores it in the ``id`` column, and an imported event reads its ``import_id``
  back from there.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from vigil import models

__all__ = ["column_names", "record_from_json", "record_json", "row_reader", "store_row", "to_json"]

R = TypeVar("R")

_RENAMED = {"sentence_index": "sentence_idx", "index": "idx"}


def to_json(value: Any, *, dates: bool = True) -> Any:
    """``value`` as JSON data: records as mappings, dates as ISO text (``dates=False`` keeps them), enums
    as values, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return record_json(value, dates=dates)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date) and dates:
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(v, dates=dates) for v in value]
    return value


def record_json(
    record: Any,
    *,
    exclude: Collection[str] = (),
    rename: Mapping[str, str] | None = None,
    dates: bool = True,
) -> dict[str, Any]:
    """A record as a JSON-ready mapping of its fields (``id`` first when the record computes it).

    Args:
        record: a dataclass record of :mod:`vigil.models`.
        exclude: fields left out.
        rename: field name -> the key it gets.
        dates: False keeps dates as ``date`` objects (for a caller that renders them itself).
    Returns:
        The mapping; nested records are mappings too.
    """
    rename = rename or {}
    out: dict[str, Any] = {}
    if _computed_id(type(record)) and "id" not in exclude:
        out["id"] = record.id
    for f in dataclasses.fields(record):
        if f.name not in exclude:
            out[rename.get(f.name, f.name)] = to_json(getattr(record, f.name), dates=dates)
    return out


def record_from_json(cls: type[R], data: Mapping[str, Any]) -> R:
    """The record of type ``cls`` that :func:`record_json` wrote (missing fields take their defaults)."""
    hints = _hints(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    return cls(**{f.name: _from_json(hints[f.name], data[f.name]) for f in fields if f.name in data})


def _from_json(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    hint = _optional(hint)
    origin = typing.get_origin(hint)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_json(args[0], v) for v in value)
        return tuple(_from_json(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(hint, type):
        if dataclasses.is_dataclass(hint):
            return record_from_json(hint, value)
        if issubclass(hint, Enum):
            return hint(value)
        if issubclass(hint, datetime):
            return datetime.fromisoformat(value) if isinstance(value, str) else value
        if issubclass(hint, date):
            return date.fromisoformat(value) if isinstance(value, str) else value
    return value


# --- store rows -------------------------------------------------------------------------------


def column_names(cls: Any) -> tuple[str, ...]:
    """The store columns of records of type ``cls``, in field order (``id`` last when it is computed)."""
    return _columns(cls)


def store_row(record: Any, columns: Collection[str]) -> dict[str, Any]:
    """A record as a row of a table with these ``columns`` (fields without a column are left out)."""
    row: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if f.name.endswith("_span"):
            stem = f.name.removesuffix("_span")
            row[f"{stem}_start"], row[f"{stem}_end"] = value if value is not None else (None, None)
            continue
        name = _RENAMED.get(f.name, f.name)
        if name in columns:
            row[name] = _to_store(value)
    if _computed_id(type(record)):
        row["id"] = record.id
    return {k: v for k, v in row.items() if k in columns}


def _to_store(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [to_json(v) for v in value]  # a JSON column
    return value


def row_reader(cls: type[R], columns: Sequence[str] | None = None) -> Callable[[Sequence[Any]], R]:
    """A function that makes a record of type ``cls`` from a row read by position.

    Args:
        cls: the record type.
        columns: the row's columns, in order (default: :func:`column_names`); a field without a
            column takes its default.
    """
    reader: Callable[[Sequence[Any]], R] = _reader(cls, tuple(columns) if columns is not None else _columns(cls))
    return reader


_CACHE: dict[tuple[str, Any, Any], Any] = {}  # (what, record type, columns) -> computed once


def _cached(what: str, cls: Any, columns: Any, make: Callable[[], Any]) -> Any:
    key = (what, cls, columns)
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def _columns(cls: Any) -> tuple[str, ...]:
    found: tuple[str, ...] = _cached("columns", cls, None, lambda: _make_columns(cls))
    return found


def _make_columns(cls: Any) -> tuple[str, ...]:
    names: list[str] = []
    for f in dataclasses.fields(cls):
        if f.name.endswith("_span"):
            stem = f.name.removesuffix("_span")
            names += [f"{stem}_start", f"{stem}_end"]
        elif f.name not in _NOT_STORED:
            names.append(_RENAMED.get(f.name, f.name))
    if _computed_id(cls):
        names.append("id")
    return tuple(names)


_NOT_STORED = {"fixed_id", "import_id"}  # an event's id column holds them (see the module's docstring)


def _reader(cls: Any, columns: tuple[str, ...]) -> Any:
    return _cached("reader", cls, columns, lambda: _make_reader(cls, columns))


def _make_reader(cls: Any, columns: tuple[str, ...]) -> Any:
    """A compiled constructor call over a positional row: bulk readers load tens of thousands of rows."""
    at = {name: i for i, name in enumerate(columns)}
    hints = _hints(cls)
    env: dict[str, Any] = {"_cls": cls, "_pair": _pair, "_date": _as_date, "_VIGIL": models.VIGIL_CODER}
    args: list[str] = []
    for f in dataclasses.fields(cls):
        expr = _read_expr(f.name, hints[f.name], at, env)
        if expr is not None:
            args.append(f"{f.name}={expr}")
    code = f"lambda r: _cls({', '.join(args)})"
    return eval(code, env)  # noqa: S307 - the code is built from field names and types only, never from data


def _read_expr(name: str, hint: Any, at: Mapping[str, int], env: dict[str, Any]) -> str | None:
    """The expression that reads field ``name`` from row ``r`` (None: the field keeps its default)."""
    if name.endswith("_span"):
        stem = name.removesuffix("_span")
        if f"{stem}_start" not in at:
            return None
        return f"_pair(r[{at[stem + '_start']}], r[{at[stem + '_end']}])"
    if name == "import_id" and "id" in at and "coder" in at:
        return f"(r[{at['id']}] if r[{at['coder']}] != _VIGIL else None)"
    column = _RENAMED.get(name, name)
    if column not in at or name in _NOT_STORED:
        return None
    cell = f"r[{at[column]}]"
    hint = _optional(hint)
    if typing.get_origin(hint) is tuple:
        inner = typing.get_args(hint)[0]
        if dataclasses.is_dataclass(inner):
            env[f"_{name}_from"] = lambda v, t=inner: record_from_json(t, v)
            return f"tuple(_{name}_from(x) for x in ({cell} or ()))"
        return f"tuple({cell} or ())"
    if isinstance(hint, type) and issubclass(hint, Enum):
        env[f"_{name}_enum"] = {m.value: m for m in hint}
        return f"(_{name}_enum[{cell}] if {cell} is not None else None)"
    if hint is bool:
        return f"bool({cell})"
    if hint is date:
        return f"_date({cell})"
    return cell


def _pair(a: int | None, b: int | None) -> tuple[int, int] | None:
    return (a, b) if a is not None and b is not None else None


def _as_date(value: Any) -> date | None:
    """A date column's value as a date (SQLite may hand back ISO text)."""
    if value is None or type(value) is date:
        return value  # type: ignore[no-any-return]
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


# --- types of the fields ----------------------------------------------------------------------


def _hints(cls: Any) -> dict[str, Any]:
    found: dict[str, Any] = _cached("hints", cls, None, lambda: typing.get_type_hints(cls, vars(models)))
    return found


def _optional(hint: Any) -> Any:
    """``X`` for ``X | None``."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _computed_id(cls: Any) -> bool:
    """True for a record whose ``id`` is a property computed from its fields (an event)."""
    return isinstance(getattr(cls, "id", None), property)


def records_json(records: Iterable[Any], **options: Any) -> list[dict[str, Any]]:
    """:func:`record_json` of each record."""
    return [record_json(r, **options) for r in records]
