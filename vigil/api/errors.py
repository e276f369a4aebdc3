"""One error shape for every failure of the API and the pages: ``{"ok": false, "error": ..., "status": N}``.

Every shell translates errors in exactly one place; for HTTP it is here. Pages get the same
message in an HTML page; JSON clients (``/api/...`` or ``Accept: application/json``) get the JSON shape.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigil.api.headers import SECURITY_HEADERS
from vigil.errors import NotFoundError, StoreError, VigilError, WindowError

__all__ = ["ApiError", "error_payload", "install_error_handlers", "wants_json"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class ApiError(Exception):
    """An error with an HTTP status, raised by routes and mapped to the one error shape."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_payload(status: int, message: str) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {"ok": False, "error": message, "status": status}


def wants_json(request: Request) -> bool:
    """True for API paths and for clients that ask for JSON rather than HTML."""
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The error as JSON or as a small escaped HTML page, with the same status."""
    if wants_json(request):
        return JSONResponse(error_payload(status, message), status_code=status, headers=headers)
    templates = getattr(request.app.state, "templates", None)
    if templates is None:
        return JSONResponse(error_payload(status, message), status_code=status, headers=headers)
    page = templates.get_template("error.html").render(
        request=request, status=status, message=message, nav=_nav(request) if status < 500 else None
    )
    return HTMLResponse(page, status_code=status, headers=headers)


def _nav(request: Request) -> dict[str, Any] | None:
    """The site's navigation (the watches) for an error page; none when the store cannot list them."""
    from vigil.store import analysis as analysis_store

    ctx = getattr(request.app.state, "vigil", None)
    if ctx is None:
        return None
    try:
        return {"watches": [n for n, _, _ in analysis_store.list_watches(ctx.store)], "current": None}
    except Exception:  # the error page must render even when the store is what failed
        log.debug("no navigation on the error page", exc_info=True)
        return None


# What a malformed id in a page's path means to a reader: nothing by that name (the JSON API keeps its 422).
_PATH_THINGS = {
    "article_id": "article",
    "actor_id": "actor",
    "name": "watch",
    "story_id": "story",
}


def _not_found_message(exc: RequestValidationError) -> str | None:
    """For an HTML page whose only invalid inputs are path ids: "No article 'nope'." (else None)."""
    errors = exc.errors()
    if not errors or any(len(e.get("loc", ())) < 2 or e["loc"][0] != "path" for e in errors):
        return None
    parts = []
    for e in errors:
        thing = _PATH_THINGS.get(str(e["loc"][1]), str(e["loc"][1]).replace("_", " "))
        value = str(e.get("input", ""))
        shown = value if len(value) <= 60 else value[:59] + "…"
        parts.append(f"No {thing} {shown!r}.")
    return " ".join(parts)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{loc or 'request'}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception to the one error shape."""

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(request, exc.status, exc.message)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = str(exc.detail) if exc.detail else "Error"
        if exc.status_code == 404 and message == "Not Found":
            message = (
                f"Nothing at {request.url.path}. The API is described at /openapi.json."
                if wants_json(request)
                else f"No page at {request.url.path}."
            )
        return error_response(request, exc.status_code, message, dict(exc.headers or {}))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not wants_json(request):
            missing = _not_found_message(exc)
            if missing is not None:
                return error_response(request, 404, missing)
        return error_response(request, 422, _validation_message(exc))

    async def on_vigil(request: Request, exc: Exception) -> Response:
        if isinstance(exc, WindowError):
            return error_response(request, 422, f"Invalid request: {exc}")
        status = 503 if isinstance(exc, StoreError) else 404 if isinstance(exc, NotFoundError) else 400
        return error_response(request, status, str(exc))

    async def on_any(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # Starlette answers unhandled errors outside every middleware: the headers are added here
        return error_response(request, 500, "Internal error; the server log has the details.", dict(SECURITY_HEADERS))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(VigilError, on_vigil)
    app.add_exception_handler(Exception, on_any)
