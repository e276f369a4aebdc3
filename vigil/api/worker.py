"""The app of each ``vigil serve`` worker process, built from what the parent process decided.

``vigil serve --workers N`` lets uvicorn start N worker processes that share the listening socket.
Each worker imports :func:`create_worker_app` and builds its own app and store connection (SQLite in
WAL mode lets the workers read while one writes; PostgreSQL serves each its own connections). The
parent resolves the settings and the tokens once and hands them over in the environment variable
``VIGIL_SERVE_SPEC``, so that every worker checks the same ``VIGIL_TOKEN`` and the same write token:
a token made in each worker would make the cookie one worker set fail on the next.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from fastapi import FastAPI

from vigil.config import Settings
from vigil.errors import ConfigError

__all__ = ["SPEC_ENV", "create_worker_app", "worker_spec"]

SPEC_ENV = "VIGIL_SERVE_SPEC"


def worker_spec(settings: Settings, *, token: str | None, write_token: str, cache: bool = True) -> str:
    """The JSON that :func:`create_worker_app` reads: every setting's value, both tokens and the
    server's id (shared by the workers' ETags, new at each start) and whether answers are kept."""
    spec = {
        "settings": dict(settings),
        "token": token,
        "write_token": write_token,
        "id": secrets.token_hex(8),
        "cache": cache,
    }
    return json.dumps(spec)


def create_worker_app() -> FastAPI:
    """Build a worker's app from ``VIGIL_SERVE_SPEC`` (uvicorn's app factory).

    Raises:
        ConfigError: the variable is missing or is not what :func:`worker_spec` writes.
    """
    from vigil.api.app import create_app

    raw = os.environ.get(SPEC_ENV)
    if not raw:
        raise ConfigError(f"{SPEC_ENV} is not set: start the server with `vigil serve`.") from None
    try:
        spec: dict[str, Any] = json.loads(raw)
        settings = Settings(spec["settings"])
        token, write_token, server_id = spec["token"], str(spec["write_token"]), str(spec["id"])
        cache = bool(spec["cache"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"{SPEC_ENV} is not a server specification ({exc}): start the server with `vigil serve`."
        ) from None
    return create_app(
        settings,
        settings.get_str("db"),
        token=token,
        write_token=write_token,
        server_id=server_id,
        warm=cache,
        cache=cache,
    )
