"""``vigil serve``: the HTTP API and the dashboard, on 127.0.0.1 unless a token protects them."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer
from rich.console import Console

from vigil.cli.common import cli_state
from vigil.errors import VigilError

__all__ = ["default_workers", "register", "serve"]


err = Console(stderr=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to bind. Anything but loopback needs VIGIL_TOKEN.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free port).")] = 8765,
    db: Annotated[
        str | None, typer.Option("--db", help="Store: SQLite file or database URL (default: the global --db).")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
    workers: Annotated[
        int | None, typer.Option(min=1, help="Server processes sharing the port (default: one per core).")
    ] = None,
    cache: Annotated[
        bool,
        typer.Option(
            help="Keep each answer per store version and compute the watches' views after every change "
            "(--no-cache: compute every request)."
        ),
    ] = True,
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json) and the web dashboard.

    Every worker process reads the store on its own connection and keeps its own analyses; the
    tokens are made once, here, and shared by all of them (vigil.api.worker).
    """
    try:
        from vigil.api.security import is_loopback
        from vigil.api.server import run_server
        from vigil.api.worker import SPEC_ENV, worker_spec
    except ImportError as exc:
        raise VigilError(
            f"The web server needs FastAPI and uvicorn ({exc}). Install them with `pip install 'vigil[web]'`."
        ) from None

    settings = cli_state(ctx).settings
    if db is not None:
        settings = settings.replace(db=db)
    token = os.environ.get("VIGIL_TOKEN") or None
    if not is_loopback(host) and token is None:
        raise VigilError(
            f"Refusing to serve on {host} without a token: anyone who can reach it could read and write. "
            "Set VIGIL_TOKEN (e.g. `export VIGIL_TOKEN=$(python -c "
            "'import secrets; print(secrets.token_urlsafe(32))')`) "
            "or bind to 127.0.0.1."
        )
    if token is not None and len(token) < 16:
        raise VigilError("VIGIL_TOKEN is shorter than 16 characters; use a long random token.")
    write_token = token or secrets.token_urlsafe(32)
    n = workers or default_workers()
    # Open (and migrate) the store once here, so that the workers find it ready and a wrong
    # location fails now, with its message, rather than in every worker.
    from vigil.store import open_store

    open_store(settings.get_str("db")).close()
    os.environ[SPEC_ENV] = worker_spec(settings, token=token, write_token=write_token, cache=cache)
    shown = f"[{host}]" if ":" in host else host
    err.print(
        f"Vigil dashboard: http://{shown}:{port}/  (API: /api/..., OpenAPI: /openapi.json)",
        highlight=False,
        soft_wrap=True,
    )
    err.print(f"{n} worker process{'es' if n > 1 else ''}", highlight=False, soft_wrap=True)
    if token is None:
        err.print(
            f"Write token for API clients (Authorization: Bearer ...): {write_token}", highlight=False, soft_wrap=True
        )
    else:
        err.print(
            "Every request needs VIGIL_TOKEN (Authorization: Bearer, or log in at /login).",
            highlight=False,
            soft_wrap=True,
        )
    run_server(host, port, n, log_level)


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def register(app: typer.Typer) -> None:
    """Add ``vigil serve`` to the main app."""
    app.command("serve")(serve)
