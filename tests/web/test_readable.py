"""Every dashboard page, in a real browser, reads as a user reads it: names not ids, dates not timestamps.

The walk visits each page of the corpus store (both watches, a story, an article, actors, search,
an unknown id) and fails on any raw actor id, hex article id or ISO timestamp in the page's
visible text; ids in links' ``href`` and in ``title`` tooltips are fine. A screenshot of every page
goes to the screenshots folder (VIGIL_SCREENSHOTS) to be looked at.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PageWatch
from tests.web.test_browser import no_errors, wait_js

pytestmark = pytest.mark.slow
JAPAN = "japan-us-2024"
BRITAIN = "gbr-us-2020"

# A 12-64 character run of hex with at least one letter and one digit: an article id or its prefix.
HEX_ID = r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12,64}\b"
TIMESTAMP = r"T\d\d:\d\d:\d\d"


def raw_ids_pattern(db: Path) -> re.Pattern[str]:
    """Actor ids (every prefix the store uses, and the usual ones), hex article ids and ISO timestamps."""
    with sqlite3.connect(db) as conn:
        prefixes = {r[0] for r in conn.execute("SELECT DISTINCT substr(id, 1, instr(id, ':')) FROM actors")}
    prefixes = {p for p in prefixes if p} | {"gov:", "person:", "prov:"}
    actor = r"\b(?:" + "|".join(re.escape(p) for p in sorted(prefixes)) + r")[\w.\-]"
    return re.compile(f"{actor}|{HEX_ID}|{TIMESTAMP}")


def raw_ids(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Each raw id found, with a little context."""
    return [text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ") for m in pattern.finditer(text)]


def walk(client: Any, db: Path) -> list[tuple[str, str, int]]:
    """(name, path, expected status) of every page of the dashboard, ids taken from the corpus store."""
    story = client.get(f"/api/watches/{JAPAN}/timeline").json()["items"][0]["story"]
    reference = client.get("/api/articles", params={"q": "Taro Aso bridge Trump"}).json()["items"][0]["id"]
    pages = [("index", "/", 200)]
    for w in (JAPAN, BRITAIN):
        pages += [
            (f"{w}-overview", f"/watches/{w}", 200),
            (f"{w}-timeline", f"/watches/{w}/timeline", 200),
            (f"{w}-network", f"/watches/{w}/network", 200),
            (f"{w}-trends", f"/watches/{w}/trends", 200),
            (f"{w}-scenarios", f"/watches/{w}/scenarios", 200),
        ]
    pages += [
        ("story", f"/watches/{JAPAN}/stories/{story}", 200),
        ("article", f"/articles/{reference}", 200),
        ("actor", "/actors/person:taro-aso", 200),
        ("actor-many-events", "/actors/person:donald-trump", 200),
        ("search", "/search?q=Aso", 200),
        ("unknown-article", "/articles/nope", 404),
        ("unknown-actor", "/actors/not an id!", 404),
    ]
    with sqlite3.connect(db) as conn:
        provisional = conn.execute(
            "SELECT source_actor, count(*) AS n FROM events WHERE source_actor LIKE 'prov:%'"
            " GROUP BY source_actor ORDER BY n DESC, source_actor LIMIT 1"
        ).fetchone()
    assert provisional is not None
    pages.append(("actor-provisional", f"/actors/{provisional[0]}", 200))
    return pages


def test_every_page_shows_names_not_ids(page: PageWatch, pages_client: Any, web_db: Path, screenshots: Path) -> None:
    pattern = raw_ids_pattern(web_db)
    pg = page.page
    found: dict[str, list[str]] = {}
    for name, path, status in walk(pages_client, web_db):
        response = pg.goto(path)
        assert response is not None and response.status == status, (path, response and response.status)
        if path.endswith("/network"):
            wait_js(page, "window.vigilNetwork && document.querySelectorAll('#changes li').length > 0")
        if path.endswith("/trends"):
            pg.wait_for_selector("#charts .chart svg, #charts:has-text('No data')")
        if path.startswith("/actors/") and status == 200:
            pg.wait_for_selector("#tone-chart svg, #tone-chart.muted")
        pg.wait_for_load_state("networkidle")
        pg.screenshot(path=str(screenshots / f"walk-{name}.png"), full_page=True)
        hits = raw_ids(pg.inner_text("body"), pattern)
        if hits:
            found[path] = hits[:5]
        # Every page has the site's navigation (the watches), error pages too.
        assert pg.locator(f"header.top nav:not(.sub) a[href='/watches/{JAPAN}']").count() == 1, path
    assert not found, found
    no_errors_but_404(page)


def no_errors_but_404(pw: PageWatch) -> None:
    """No console error other than the failed loads of the unknown ids the walk asks for on purpose."""
    pw.errors = [e for e in pw.errors if "404" not in e]
    no_errors(pw)


def test_unknown_article_is_a_404_page_in_the_site(page: PageWatch, screenshots: Path) -> None:
    pg = page.page
    response = pg.goto("/articles/nope")
    assert response is not None and response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    assert pg.locator("h1").inner_text() == "Not found"
    body = pg.inner_text("body")
    assert "No article 'nope'" in body and "regular expression" not in body and "pattern" not in body
    assert pg.locator("header.top a.brand[href='/']").count() == 1
    assert pg.locator(f"header.top nav:not(.sub) a[href='/watches/{JAPAN}']").count() == 1
    assert pg.locator("header.top form.search").count() == 1
    shot_path = screenshots / "unknown-article.png"
    pg.screenshot(path=str(shot_path))


def test_actor_tone_axis_shows_dates(page: PageWatch, screenshots: Path) -> None:
    """The tone chart's axis labels are dates (no hours of one day), and empty weeks break the line."""
    pg = page.page
    pg.goto("/actors/person:taro-aso")
    pg.wait_for_selector("#tone-chart svg")
    labels = pg.locator("#tone-chart svg text").all_text_contents()
    assert labels and not [t for t in labels if re.search(r"\d\d:\d\d", t)], labels
    points = pg.evaluate("window.vigilTone.points")
    starts = [p["start"] for p in points]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    no_errors(page)
