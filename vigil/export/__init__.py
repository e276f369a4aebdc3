"""Export the store, or a watch, to the formats analysts' tools read.

``vigil export FORMAT -o PATH`` and ``GET /api/export/{format}`` call :func:`export_to_path` and
:func:`export_to_stream`. What each format holds is in its module: :mod:`vigil.export.plover`,
:mod:`vigil.export.gdelt`, :mod:`vigil.export.tables` (CSV and Parquet), :mod:`vigil.export.graph`
(GEXF and GraphML) and :mod:`vigil.export.stix`; what is selected is in :mod:`vigil.export.select`.

A file is written next to its destination under a temporary name and renamed into place when
complete, so a failed export leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from vigil.errors import ConfigError, VigilError
from vigil.export.select import Selection, select
from vigil.store import Store

__all__ = ["FORMATS", "ExportError", "ExportFormat", "ExportResult", "export_to_path", "export_to_stream", "get_format"]


class ExportError(VigilError):
    """An export could not be written (disk full, file too large, permissions); nothing was written."""


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format: its name, what it is, its file extension and media type."""

    name: str
    title: str
    extension: str
    media_type: str
    tables: bool = False  # CSV/Parquet: three tables (a folder, or a ZIP archive)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("plover", "PLOVER JSON events (NGEC/POLECAT fields)", "json", "application/json"),
        ExportFormat("gdelt", "GDELT 2.0 Events (61-column TSV)", "tsv", "text/tab-separated-values"),
        ExportFormat("gdelt-mentions", "GDELT 2.0 Mentions (16-column TSV)", "tsv", "text/tab-separated-values"),
        ExportFormat("csv", "CSV tables: events, actors, mentions", "csv", "text/csv", tables=True),
        ExportFormat(
            "parquet",
            "Parquet tables: events, actors, mentions",
            "parquet",
            "application/vnd.apache.parquet",
            tables=True,
        ),
        ExportFormat("gexf", "Actor network, GEXF (Gephi)", "gexf", "application/gexf+xml"),
        ExportFormat("graphml", "Actor network, GraphML", "graphml", "application/graphml+xml"),
        ExportFormat("stix", "STIX 2.1 bundle: identities, relationships, reports", "json", "application/stix+json"),
    )
}


def get_format(name: str) -> ExportFormat:
    """The format ``name``.

    Raises:
        ConfigError: unknown format (the message lists the known ones).
    """
    found = FORMATS.get(name.lower())
    if found is None:
        raise ConfigError(f"Unknown export format {name!r}. Use one of: {', '.join(FORMATS)}.")
    return found


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: the path (or file name) and counts (rows, nodes, edges, objects)."""

    path: str
    format: str
    counts: dict[str, int]


def _writer(fmt: str) -> Callable[[Selection, IO[bytes]], dict[str, int]]:
    from vigil.export import gdelt, graph, plover, stix

    def count(key: str, f: Callable[[Selection, IO[bytes]], int]) -> Callable[[Selection, IO[bytes]], dict[str, int]]:
        return lambda sel, out: {key: f(sel, out)}

    def network(
        f: Callable[[Selection, IO[bytes]], tuple[int, int]],
    ) -> Callable[[Selection, IO[bytes]], dict[str, int]]:
        def run(sel: Selection, out: IO[bytes]) -> dict[str, int]:
            nodes, edges = f(sel, out)
            return {"nodes": nodes, "edges": edges}

        return run

    writers: dict[str, Callable[[Selection, IO[bytes]], dict[str, int]]] = {
        "plover": count("events", plover.write_plover),
        "gdelt": count("events", gdelt.write_events),
        "gdelt-mentions": count("mentions", gdelt.write_mentions),
        "gexf": network(graph.write_gexf),
        "graphml": network(graph.write_graphml),
        "stix": stix.write_stix,
    }
    return writers[fmt]


def _check_target(path: Path, spec: ExportFormat) -> Path:
    """The folder the output goes to (checked writable), or a ConfigError that says what to do."""
    path = path.expanduser()
    as_dir = spec.tables and path.suffix.lower() != ".zip"
    if not as_dir and path.is_dir():
        raise ConfigError(f"Output {path} is a folder; give a file path, e.g. {path / ('export.' + spec.extension)}.")
    if as_dir and path.exists() and not path.is_dir():
        raise ConfigError(
            f"Output {path} is a file; {spec.name} writes three tables: give a folder, or a path ending in .zip."
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ConfigError(f"Cannot write {path}: {parent} is not an existing folder. Create the folder first.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"Cannot write {path}: folder {parent} is not writable. Choose another output path.")
    if as_dir and path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"Cannot write into folder {path}: it is not writable. Choose another output path.")
    return parent


def export_to_path(
    store: Store,
    fmt: str,
    path: str | Path,
    *,
    watch: str | None = None,
    since: date | None = None,
    until: date | None = None,
    min_confidence: float | None = None,
    as_of: date | None = None,
) -> ExportResult:
    """Export to a file (to a folder of three tables, or a ``.zip``, for ``csv`` and ``parquet``).

    Args:
        store: the open store.
        fmt: a name in :data:`FORMATS`.
        path: the output file or folder (replaced if it exists; a folder keeps its other files).
        watch: export this watch's events and network (default: the whole store).
        since, until: inclusive date bounds.
        min_confidence: the events' lowest confidence (None: the default view's, 0: every event).
        as_of: the day actors' roles are read on, as ``vigil network --as-of`` reads them (None: each event's).
    Raises:
        ConfigError: unknown format or watch, bad range, or an output path that cannot be written.
        ExportError: writing failed (the temporary file is removed, an earlier file kept).
    """
    spec = get_format(fmt)
    target = Path(path).expanduser()
    parent = _check_target(target, spec)
    sel = select(store, watch=watch, since=since, until=until, min_confidence=min_confidence, as_of=as_of)
    try:
        counts = _write_atomically(sel, spec, target, parent)
    except OSError as exc:
        kept = "; the earlier file is kept" if target.exists() else ""
        raise ExportError(
            f"Could not write {target}: {exc.strerror or exc}. Nothing was written{kept}. "
            "Check the free space and permissions, or choose another output path."
        ) from None
    return ExportResult(str(target), spec.name, counts)


def _write_atomically(sel: Selection, spec: ExportFormat, target: Path, parent: Path) -> dict[str, int]:
    """Write under a temporary name in ``parent``, then rename into place; remove the temporary on failure."""
    if spec.tables and target.suffix.lower() != ".zip":
        from vigil.export.tables import write_dir

        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=parent))
        try:
            counts = write_dir(sel, spec.name, staging)
            target.mkdir(exist_ok=True)
            for name in sorted(os.listdir(staging)):
                os.replace(staging / name, target / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return counts
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
    try:
        with os.fdopen(fd, "wb") as out:
            counts = _write(sel, spec, out)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return counts


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write(sel: Selection, spec: ExportFormat, out: IO[bytes], table: str | None = None) -> dict[str, int]:
    if spec.tables:
        from vigil.export.tables import table_bytes, tables, write_zip

        if table is None:
            return write_zip(sel, spec.name, out)
        rows = tables(sel)[table]
        table_bytes(rows, table, spec.name, out)
        return {table: len(rows)}
    return _writer(spec.name)(sel, out)


def export_to_stream(
    store: Store,
    fmt: str,
    out: IO[bytes],
    *,
    watch: str | None = None,
    since: date | None = None,
    until: date | None = None,
    table: str | None = None,
    min_confidence: float | None = None,
) -> tuple[str, dict[str, int]]:
    """Export to a binary stream (the API's download); CSV and Parquet are one ZIP, or one ``table``.

    Returns:
        The download's file name and the counts.
    Raises:
        ConfigError: unknown format, watch or table, or a bad range.
    """
    spec = get_format(fmt)
    if table is not None and (not spec.tables or table not in ("events", "actors", "mentions")):
        raise ConfigError(f"table={table!r} applies to csv and parquet only: events, actors or mentions.")
    sel = select(store, watch=watch, since=since, until=until, min_confidence=min_confidence)
    counts = _write(sel, spec, out, table)
    stem = "vigil" + (f"-{watch}" if watch else "") + f"-{table or spec.name}"
    ext = spec.extension if (not spec.tables or table) else "zip"
    return f"{stem}.{ext}", counts


def media_type(fmt: str, table: str | None = None) -> str:
    """The download's media type."""
    spec = get_format(fmt)
    return "application/zip" if spec.tables and table is None else spec.media_type


def describe() -> list[dict[str, Any]]:
    """The formats as JSON-ready mappings."""
    return [{"name": f.name, "title": f.title, "extension": f.extension} for f in FORMATS.values()]
