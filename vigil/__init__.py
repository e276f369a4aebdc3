"""Vigil: local-first news intelligence.

The public API, the names the README's "Using as a library" example uses::

    from vigil import Pipeline, ingest_inputs, load_settings, open_store

No public name is the name of a subpackage (``vigil.ingest``, ``vigil.extract``): the workflows
are ``ingest_inputs`` and ``extract_articles``. Each name is imported when first used, so that
``import vigil`` (and the ``vigil`` command's start) does not load the extraction models' libraries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.config import Settings, load_settings
    from vigil.errors import NotFoundError, VigilError
    from vigil.extract.pipeline import Pipeline
    from vigil.ingest.job import IngestResult
    from vigil.models import Actor, Alert, Article, Event
    from vigil.services import (
        extract_articles,
        get_actor,
        get_article,
        get_event,
        get_watch,
        ingest_inputs,
        load,
    )
    from vigil.store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Alert",
    "Article",
    "Event",
    "IngestResult",
    "NotFoundError",
    "Pipeline",
    "Settings",
    "Store",
    "VigilError",
    "extract_articles",
    "get_actor",
    "get_article",
    "get_event",
    "get_watch",
    "ingest_inputs",
    "load",
    "load_settings",
    "open_store",
]

_HOMES = {
    "Actor": "vigil.models",
    "Alert": "vigil.models",
    "Article": "vigil.models",
    "Event": "vigil.models",
    "IngestResult": "vigil.ingest.job",
    "NotFoundError": "vigil.errors",
    "Pipeline": "vigil.extract.pipeline",
    "Settings": "vigil.config",
    "Store": "vigil.store",
    "VigilError": "vigil.errors",
    "extract_articles": "vigil.services",
    "get_actor": "vigil.services",
    "get_article": "vigil.services",
    "get_event": "vigil.services",
    "get_watch": "vigil.services",
    "ingest_inputs": "vigil.services",
    "load": "vigil.services",
    "load_settings": "vigil.config",
    "open_store": "vigil.store",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'vigil' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
