"""A per-user cache of the packaged knowledge base, built once and read back as a pickle.

Reading the packaged YAML files, validating their 28,000 entries and indexing them takes seconds; every
process that extracts or resolves actors would pay it. The first load writes what it built to
``$VIGIL_CACHE_DIR`` (else ``$XDG_CACHE_HOME/vigil``, else ``~/.cache/vigil``) under a key that changes
with the packaged data files' bytes, the source of the modules whose classes are pickled and the Python
version; later loads read it back.

A pickle runs code when read, so a cache file is read only when it is a regular file owned by the
current user and writable by no one else; the directory is created private (0700). Files are written to
a temporary name and renamed, so a reader never sees half a file. A file that cannot be read back (cut
short, corrupt, from another version) is ignored and rewritten, and a directory that cannot be written
means no cache: loading works the same, only slower.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["CACHE_ENV", "cache_dir", "cache_key", "no_gc", "read", "write"]

CACHE_ENV = "VIGIL_CACHE_DIR"
_PROTOCOL = 5
_PRUNE_AFTER = 14 * 86400  # another key's file untouched this long is removed when a new one is written
_log = logging.getLogger(__name__)
_T = TypeVar("_T")


def cache_dir() -> Path:
    """Where the cache files go: ``$VIGIL_CACHE_DIR``, else ``$XDG_CACHE_HOME/vigil``, else ``~/.cache/vigil``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vigil"


def _sources() -> list[Path]:
    """The modules that define the classes a cache file holds: a change to any of them is a new key."""
    from vigil import models
    from vigil.kb import entries, knowledge, names

    return [Path(str(module.__file__)) for module in (entries, knowledge, names, models, sys.modules[__name__])]


def cache_key(files: Sequence[Path]) -> str:
    """A key for the data of ``files``: their names and bytes, the pickled classes' source, the Python version.

    Args:
        files: the data files, in load order.

    Returns:
        A hex digest (24 characters).
    """
    digest = hashlib.sha256(f"{sys.version}\0{_PROTOCOL}\0".encode())
    for path in (*_sources(), *files):
        data = Path(path).read_bytes()
        digest.update(f"{Path(path).name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:24]


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building or unpickling a graph of a few hundred thousand objects
    otherwise triggers collections that walk all of it, several times (4x slower unpickling)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _path(kind: str, key: str) -> Path:
    return cache_dir() / f"{kind}-{key}.pickle"


def read(kind: str, key: str, expected: type[_T]) -> _T | None:
    """The object cached under ``kind`` and ``key``, or None when there is none that can be trusted and read.

    Args:
        kind: what it is (``kb``, ``kbdata``), the start of the file name.
        key: from :func:`cache_key`.
        expected: the object's class; a file holding anything else is ignored.

    Returns:
        The object, or None (missing, not the current user's, writable by others, corrupt, another class).
    """
    try:
        path = _path(kind, key)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except (OSError, RuntimeError):  # RuntimeError: no home directory to find the default in
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
            if not stat.S_ISREG(info.st_mode) or info.st_uid != owner or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                _log.warning("Ignoring knowledge-base cache %s: not a private file of this user.", path)
                return None
            with no_gc():
                found = pickle.load(handle)  # noqa: S301 - a private file of this user, checked above
    except Exception as exc:  # noqa: BLE001 - any unreadable cache file is rebuilt
        _log.debug("Ignoring knowledge-base cache %s: %s", path, exc)
        return None
    if not isinstance(found, expected):
        _log.debug("Ignoring knowledge-base cache %s: holds a %s", path, type(found).__name__)
        return None
    return found


def write(kind: str, key: str, value: Any) -> None:
    """Cache ``value`` under ``kind`` and ``key``; a directory that cannot be written is only logged.

    Args:
        kind: what it is, the start of the file name.
        key: from :func:`cache_key`.
        value: a picklable object.
    """
    try:
        directory = cache_dir()
    except RuntimeError as exc:  # no home directory to find the default in
        _log.debug("No knowledge-base cache: %s", exc)
        return
    tmp: str | None = None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{kind}-", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=_PROTOCOL)
        os.replace(tmp, _path(kind, key))
        tmp = None
    except (OSError, pickle.PicklingError) as exc:
        _log.debug("No knowledge-base cache in %s: %s", directory, exc)
        return
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _prune(directory, kind, key)


def _prune(directory: Path, kind: str, key: str) -> None:
    """Remove the files of other keys not written for two weeks (older data, older code)."""
    limit = time.time() - _PRUNE_AFTER
    for old in directory.glob(f"{kind}-*.pickle"):
        if old.name != f"{kind}-{key}.pickle":
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < limit:
                    old.unlink()
