"""The entry point of ingest: files, folders and URLs in, :class:`RawArticle` or :class:`Rejection` out.

One bad item never stops the run: it becomes a :class:`Rejection` saying where it was and why;
so does one input path, among others, that does not exist. Only a problem with the call itself
(no input that exists, an unknown format or field name) raises :class:`vigil.errors.IngestError`,
before anything is read.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path

from vigil.config import Settings
from vigil.errors import FetchError, IngestError
from vigil.ingest.encoding import looks_binary
from vigil.ingest.fetch import Fetcher, HttpxFetcher
from vigil.ingest.fields import FIELDS
from vigil.ingest.formats import FORMATS, detect_format
from vigil.models import RawArticle, Rejection

__all__ = ["SKIPPED_NAMES", "check_inputs", "is_skipped", "iter_folder", "read_inputs"]

logger = logging.getLogger(__name__)

Record = RawArticle | Rejection

SKIPPED_NAMES = re.compile(r"(?:^|[._-])(?:notice|licen[cs]e|readme|copying)(?:[._-]|$)", re.I)
"""Files a folder walk skips: NOTICE, LICENSE/LICENCE, README and COPYING files, however decorated."""

_HEAD_BYTES = 8192
_STREAMED = ("jsonl", "csv")


def is_skipped(name: str) -> bool:
    """True for hidden files and NOTICE/LICENSE/README/COPYING files, which a folder walk skips.

    Args:
        name: a file name (not a path).
    Returns:
        Whether :func:`iter_folder` leaves the file out.
    """
    return name.startswith(".") or SKIPPED_NAMES.search(Path(name).stem + ".") is not None


def iter_folder(folder: Path) -> Iterator[Path]:
    """The files under ``folder``, recursively, in sorted order, without hidden or licence files.

    Args:
        folder: a directory.
    Returns:
        An iterator of file paths (hidden directories are not entered; symlinked directories are not followed).
    """
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not is_skipped(name):
                yield Path(root) / name


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _too_large(size: int, limit: int) -> str:
    return (
        f"document too large: {size} bytes, more than {limit} (setting ingest.max_document_bytes); "
        "split it or raise the setting"
    )


def _read_document(
    data: bytes,
    fmt: str,
    *,
    origin: str,
    settings: Settings,
    columns: Mapping[str, str] | None,
    url: str | None = None,
    content_type: str | None = None,
) -> Iterator[Record]:
    """Dispatch a whole document held in memory to its reader."""
    if not data.strip():
        yield Rejection(origin, "file", "empty file")
        return
    if looks_binary(data[:_HEAD_BYTES]):
        yield Rejection(origin, "file", "binary file: not text (NUL or control bytes); not a supported format")
        return
    if fmt == "text":
        from vigil.ingest.text import read_text

        yield from read_text(data, origin=origin, settings=settings, url=url)
    elif fmt == "jsonl":
        from vigil.ingest.jsonl import read_json

        yield from read_json(data, origin=origin, settings=settings, columns=columns)
    elif fmt == "csv":
        from vigil.ingest.tabular import read_csv

        yield from read_csv(io.BytesIO(data), origin=origin, settings=settings, columns=columns)
    elif fmt == "rss":
        from vigil.ingest.feeds import read_feed

        yield from read_feed(data, origin=origin, settings=settings, url=url, content_type=content_type)
    else:
        from vigil.ingest.html import read_html

        yield from read_html(data, origin=origin, settings=settings, url=url)


def _read_file(path: Path, fmt: str, *, settings: Settings, columns: Mapping[str, str] | None) -> Iterator[Record]:
    origin = str(path)
    size = path.stat().st_size
    if size == 0:
        yield Rejection(origin, "file", "empty file")
        return
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
        handle.seek(0)
        if looks_binary(head):
            yield Rejection(origin, "file", "binary file: not text (NUL or control bytes); not a supported format")
            return
        chosen = detect_format(path.name, head) if fmt == "auto" else fmt
        limit = settings.get_int("ingest.max_document_bytes")
        streamed = chosen in _STREAMED and not (chosen == "jsonl" and path.suffix.lower() == ".json" and size <= limit)
        if streamed:
            from vigil.ingest.jsonl import read_jsonl
            from vigil.ingest.tabular import read_csv

            reader = read_jsonl if chosen == "jsonl" else read_csv
            yield from reader(handle, origin=origin, settings=settings, columns=columns)
            return
        # a feed is a container of items: bounded by the fetch limit, not the single-document one
        cap = max(limit, settings.get_int("ingest.max_fetch_bytes")) if chosen == "rss" else limit
        if size > cap:
            yield Rejection(origin, "file", _too_large(size, cap))
            return
        data = handle.read(cap + 1)
    yield from _read_document(data, chosen, origin=origin, settings=settings, columns=columns)


def _read_url(
    url: str, fmt: str, *, fetcher: Fetcher, settings: Settings, columns: Mapping[str, str] | None
) -> Iterator[Record]:
    try:
        document = fetcher.fetch(url)
    except FetchError as exc:
        yield Rejection(url, "file", str(exc))
        return
    chosen = fmt
    if fmt == "auto":
        chosen = detect_format(document.final_url.split("?")[0], document.content[:_HEAD_BYTES], document.content_type)
    yield from _read_document(
        document.content,
        chosen,
        origin=url,
        settings=settings,
        columns=columns,
        url=document.final_url,
        content_type=document.content_type,
    )


def _guarded(origin: str, records: Callable[[], Iterator[Record]]) -> Iterator[Record]:
    """Run one input's reader; an unexpected error becomes a Rejection for that input."""
    try:
        yield from records()
    except OSError as exc:
        yield Rejection(origin, "file", f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # one broken input must not stop the others
        logger.exception("unexpected error reading %s", origin)
        yield Rejection(origin, "file", f"unexpected error ({type(exc).__name__}: {exc}); please report it")


def check_inputs(
    inputs: Sequence[str] | str | os.PathLike[str], fmt: str, columns: Mapping[str, str] | None
) -> list[str]:
    """The inputs as strings, or :class:`IngestError` for a call that cannot read anything.

    Cheap (no file is opened): commands call it before they load the extraction models. Paths
    that do not exist are kept when another input exists: reading them yields a rejection.
    """
    if fmt not in FORMATS:
        raise IngestError(f"Unknown input format '{fmt}'. Use one of: {', '.join(FORMATS)}.")
    unknown = sorted(set(columns or {}) - set(FIELDS))
    if unknown:
        raise IngestError(
            f"Unknown field(s) {unknown} in columns. Map our field names ({', '.join(FIELDS)}) to your column names."
        )
    items = [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)
    if not items:
        raise IngestError("No inputs given. Pass file paths, folders or http(s) URLs.")
    resolved = [os.fspath(item) for item in items]
    missing = [text for text in resolved if not _is_url(text) and not Path(text).exists()]
    if len(missing) == len(resolved):
        names = ", ".join(f"'{m}'" for m in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        verb = "does" if len(missing) == 1 else "do"
        raise IngestError(f"Input {names} {verb} not exist. Check the path, or pass an http(s) URL.")
    return resolved


def read_inputs(
    inputs: Sequence[str],
    fmt: str = "auto",
    *,
    settings: Settings,
    fetcher: Fetcher | None = None,
    columns: Mapping[str, str] | None = None,
) -> Iterator[RawArticle | Rejection]:
    """Read files, folders and URLs into records.

    Args:
        inputs: file paths, folders (read recursively in sorted order, skipping hidden files and
            NOTICE/LICENSE/README files) and http(s) URLs. A single string is one input.
        fmt: ``auto`` (by extension, then content type, then content), ``text``, ``jsonl``
            (also ``.json`` documents), ``csv``, ``rss`` (RSS or Atom) or ``html``; a fixed
            format applies to every input.
        settings: Vigil settings (the ``ingest.*`` keys).
        fetcher: used for URLs; an :class:`HttpxFetcher` is made (and closed) when None.
        columns: ``our field -> input column/key`` for CSV and JSON inputs, e.g.
            ``{"text": "body", "date": "published_on"}``; fields are those of
            :data:`vigil.ingest.fields.FIELDS`.
    Returns:
        A lazy iterator of :class:`RawArticle` and :class:`Rejection` records, in input order.
        Rejections carry the origin (path or URL), the location (``"file"``, ``"line N"``,
        ``"item N"``) and an actionable reason.
    Raises:
        IngestError: at call time, for an unknown format or field, or when no input exists.
            Nothing is read in that case.
    """
    resolved = check_inputs(inputs, fmt, columns)
    return _iter_inputs(resolved, fmt, settings=settings, fetcher=fetcher, columns=columns)


def _iter_inputs(
    inputs: list[str],
    fmt: str,
    *,
    settings: Settings,
    fetcher: Fetcher | None,
    columns: Mapping[str, str] | None,
) -> Iterator[Record]:
    owned: HttpxFetcher | None = None
    try:
        for item in inputs:
            if _is_url(item):
                if fetcher is None:
                    fetcher = owned = HttpxFetcher(settings)
                active: Fetcher = fetcher
                yield from _guarded(
                    item, partial(_read_url, item, fmt, fetcher=active, settings=settings, columns=columns)
                )
                continue
            path = Path(item)
            if not path.exists():
                yield Rejection(item, "input", "does not exist: check the path, or pass an http(s) URL")
                continue
            files = list(iter_folder(path)) if path.is_dir() else [path]
            if path.is_dir() and not files:
                yield Rejection(item, "file", "folder holds no input files (hidden and licence files are skipped)")
            for file in files:
                yield from _guarded(str(file), partial(_read_file, file, fmt, settings=settings, columns=columns))
    finally:
        if owned is not None:
            owned.close()
