"""Exceptions raised by Vigil.

::

    VigilError
    ├── ConfigError      a setting has a bad value or a file cannot be read
    ├── IngestError      an input cannot be read at all (missing path, bad format)
    │   └── FetchError   a URL could not be fetched (timeout, HTTP error)
    ├── ExtractError     an extraction stage cannot run (missing model, bad pipeline)
    └── StoreError       the store cannot be opened, migrated or written

Messages say what happened, why, and what to do about it.
"""

from __future__ import annotations

__all__ = ["ConfigError", "ExtractError", "FetchError", "IngestError", "StoreError", "VigilError"]


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


class StoreError(VigilError):
    pass
