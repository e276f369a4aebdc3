"""Fixtures of the page and browser tests: the corpus store, a live server and Debian's chromium.

Browser tests skip with a reason when chromium or Playwright is missing locally; under CI (CI set)
they fail instead, so that CI cannot pass without running them. Never run ``playwright install``:
the browser is Debian's (``apt-get install chromium``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import WRITE_TOKEN, make_client
from tests.api.corpus import build_web_store, hostile_id
from tests.conftest import RECALL_VIEW

CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory, extracted_corpus: Path) -> Path:
    return build_web_store(tmp_path_factory.mktemp("webcorpus"), extracted_corpus)


@pytest.fixture(scope="session")
def hostile(web_db: Path) -> str:
    return hostile_id(web_db)


@pytest.fixture(scope="session")
def pages_client(web_db: Path) -> Iterator[Any]:
    with make_client(web_db) as c:
        yield c


@pytest.fixture(scope="session")
def recall_pages_client(web_db: Path) -> Iterator[Any]:
    """The pages of a desk that reads events down to ``RECALL_VIEW`` (tests/conftest.py)."""
    with make_client(web_db, overrides={"view.min_confidence": RECALL_VIEW}) as c:
        yield c


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where each page's screenshot goes (VIGIL_SCREENSHOTS, else a session tmp dir)."""
    target = os.environ.get("VIGIL_SCREENSHOTS")
    folder = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _serve(db: Path, overrides: dict[str, object] | None = None) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 (a free port) over ``db``, with settings ``overrides``."""
    import uvicorn

    from vigil.api import create_app
    from vigil.config import load_settings

    app = create_app(load_settings(env={}, overrides=overrides or {}), db, write_token=WRITE_TOKEN)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def live_db(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the corpus store, its alerts fired."""
    db = tmp_path_factory.mktemp("live") / "live.db"
    with sqlite3.connect(web_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    _fire_alerts(db)
    return db


@pytest.fixture(scope="session")
def live_server(live_db: Path) -> Iterator[str]:
    """The app as served by default."""
    with _serve(live_db) as url:
        yield url


@pytest.fixture(scope="session")
def recall_server(live_db: Path) -> Iterator[str]:
    """The app of a desk that reads events down to ``RECALL_VIEW`` (tests/conftest.py)."""
    with _serve(live_db, {"view.min_confidence": RECALL_VIEW}) as url:
        yield url


def _fire_alerts(db: Path) -> None:
    """Evaluate every watch's alert rules as if each article had just been ingested (the overview lists them)."""
    from vigil.analyze.alerts import evaluate_alerts
    from vigil.analyze.watches import parse_watch
    from vigil.store import analysis, open_store

    with open_store(db) as store:
        ids = [a.id for a in store.articles(limit=None)]
        for name, text, _ in analysis.list_watches(store):
            evaluate_alerts(store, parse_watch(text, source=name), ids, deliver_to=[])


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright==1.65.2; never `playwright install`)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Debian chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright."""
    reason = _missing_browser()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """A page with its console errors and uncaught exceptions collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))


def _page(browser: Any, base_url: str) -> Iterator[PageWatch]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=base_url)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield PageWatch(pg)
    context.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[PageWatch]:
    yield from _page(browser, live_server)


@pytest.fixture
def recall_page(browser: Any, recall_server: str) -> Iterator[PageWatch]:
    """A page of the app that reads events down to ``RECALL_VIEW``."""
    yield from _page(browser, recall_server)
