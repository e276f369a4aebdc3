"""Exceptions raised by Vigil.

::

    VigilError
    ├── ConfigError      a setting has a bad value or a file cannot be read
    ├── IngestError      an input cannot be read at all (missing path, bad format)
    │   └── FetchError   a URL could not be fetched (timeout, HTTP error)
    ├── ExtractError     an extraction stage cannot run (missing model, bad pipeline)
    ├── NotFoundError    no article, event, actor or watch has the id or name asked for
    └── StoreError       the store cannot be opened, migrated or written

Messages say what happened, why, and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ExtractError",
    "FetchError",
    "IngestError",
    "NotFoundError",
    "StoreError",
    "VigilError",
    "WindowError",
]


class VigilError(Exception):
    """Base class of every error Vigil raises on purpose."""


class ConfigError(VigilError):
    pass


class IngestError(VigilError):
    pass


class FetchError(IngestError):
    pass


class ExtractError(VigilError):
    pass


class NotFoundError(VigilError):
    """Nothing of kind ``what`` (article, event, actor, watch) has the id or name ``key``."""

    def __init__(self, what: str, key: str, hint: str) -> None:
        super().__init__(f"No {what} {key!r}. {hint}")
        self.what = what
        self.key = key


class WindowError(VigilError):
    """A date window that holds no day (``until`` before ``since``)."""


class StoreError(VigilError):
    pass
