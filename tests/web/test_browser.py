"""End to end in a real browser (Debian chromium driven by Playwright) against a live uvicorn server.

Each test saves screenshots of the pages it visits (VIGIL_SCREENSHOTS, else a tmp dir).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PageWatch
from tests.web.test_pages import hostile_pages

pytestmark = pytest.mark.slow
JAPAN = "japan-us-2024"


def shot(pw: PageWatch, folder: Path, name: str) -> None:
    pw.page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def wait_js(pw: PageWatch, expression: str, timeout: float = 20.0) -> None:
    """Poll a JS expression until true (wait_for_function evaluates strings, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not pw.page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.1)


def no_errors(pw: PageWatch) -> None:
    """No uncaught exception, CSP violation or failed load in the console."""
    assert not pw.errors, pw.errors


def test_overview_story_article_events(page: PageWatch, screenshots: Path) -> None:
    pg = page.page
    pg.goto(f"/watches/{JAPAN}")
    assert pg.locator("h1").inner_text().startswith("Japan watches")
    assert pg.locator("table.board tr").count() == 3 and pg.locator("table.sparks svg").count() == 4
    shot(page, screenshots, "01-overview")
    # The reference article (2024-01-27) is a story of its own.
    pg.locator("ol.developments li", has_text="2024-01-27").locator("a.story").click()
    pg.wait_for_url("**/stories/*")
    shot(page, screenshots, "02-story")
    pg.locator("a.report").first.click()
    pg.wait_for_url("**/articles/*")
    marks = pg.locator(".reader mark.trigger")
    assert marks.count() >= 4
    # every trigger says its modality (the reference article's events are asserted ones)
    classes = marks.evaluate_all("els => els.map(e => e.className)")
    assert all(re.search(r"\bmod-(asserted|reported|hypothetical|intended|negated)\b", c) for c in classes), classes
    aso = pg.locator("#s11")
    assert "bridge to Trump" in aso.inner_text() and aso.locator(".prov .ev").count() >= 1
    assert aso.locator("a.mention[href='/actors/person%3Ataro-aso']").count() == 1
    color = marks.first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert color not in ("rgba(0, 0, 0, 0)", "transparent")  # the stylesheet loaded: highlights are visible
    aso.scroll_into_view_if_needed()
    shot(page, screenshots, "03-article")
    no_errors(page)


def test_network_finds_the_aso_bridge(recall_page: PageWatch, screenshots: Path) -> None:
    page = recall_page
    pg = page.page
    pg.goto(f"/watches/{JAPAN}/network")
    wait_js(page, "window.vigilNetwork && window.vigilNetwork.cy.nodes().length > 0")
    item = pg.locator("#bridge-list .outcome-bridges[data-outcome='trump'] li.bridge[data-actor='person:taro-aso']")
    assert "Taro Aso" in item.inner_text() and "bridge to Trump" in item.inner_text()
    assert pg.evaluate("window.vigilNetwork.cy.getElementById('person:taro-aso').hasClass('bridge')")
    assert pg.evaluate("window.vigilNetwork.cy.edges('.bridge-tie').length") >= 2
    shot(page, screenshots, "04-network")
    # The time slider: back to the first day (the reference article) refetches the graph; Aso is still the bridge.
    pg.locator("#until").evaluate(
        "e => { e.value = 0; e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change')); }"
    )
    wait_js(page, "window.vigilNetwork.view.until === '2024-01-27'")
    assert pg.locator("#until-label").inner_text() == "2024-01-27"
    assert pg.evaluate("window.vigilNetwork.cy.getElementById('person:taro-aso').hasClass('bridge')")
    shot(page, screenshots, "05-network-slider")
    no_errors(page)


def test_scenario_probability_is_logged(page: PageWatch, screenshots: Path) -> None:
    pg = page.page
    pg.goto(f"/watches/{JAPAN}/scenarios")
    assert pg.locator("section.outcome").count() == 2
    pg.select_option("select[name=outcome]", "trump")
    pg.fill("input[name=probability]", "35")
    pg.fill("input[name=reason]", "Trump clinched Iowa and New Hampshire")
    pg.click("form.probability-form button")
    pg.wait_for_url("**/scenarios#log")
    row = pg.locator("table.log tr", has_text="Trump clinched Iowa")
    assert row.count() == 1 and "35%" in row.inner_text() and "Donald Trump returns" in row.inner_text()
    assert row.locator("td[title='trump']").count() == 1  # the outcome by its label, its id on hover
    assert "35%" in pg.locator("section.outcome[data-outcome='trump'] h2").inner_text()
    shot(page, screenshots, "06-scenarios")
    pg.goto(f"/watches/{JAPAN}")
    assert "35%" in pg.locator("table.board").inner_text()
    no_errors(page)


def test_trends_timeline_actor_search(page: PageWatch, screenshots: Path) -> None:
    pg = page.page
    pg.goto("/watches/gbr-us-2020/trends")
    pg.wait_for_selector("#charts .chart svg")
    assert pg.locator("#charts .chart").count() >= 4
    shot(page, screenshots, "07-trends")
    pg.select_option("#metric", "balance")
    pg.wait_for_selector("#charts .chart svg")
    pg.goto("/watches/gbr-us-2020/timeline")
    everything = pg.locator("table.timeline tr").count()
    pg.select_option("select[name=domain]", "elections")
    pg.click("form.filters button")
    pg.wait_for_url("**domain=elections**")
    assert 1 < pg.locator("table.timeline tr").count() < everything
    shot(page, screenshots, "08-timeline")
    pg.goto("/actors/person:taro-aso")
    assert pg.locator("h1").inner_text() == "Taro Aso"
    pg.wait_for_selector("#tone-chart svg")
    shot(page, screenshots, "09-actor")
    pg.fill("header input[name=q]", "Aso")
    pg.press("header input[name=q]", "Enter")
    pg.wait_for_url("**/search?q=Aso")
    assert pg.locator("ul.actors a", has_text="Taro Aso").count() == 1 and pg.locator("table.events tr").count() > 1
    shot(page, screenshots, "10-search")
    no_errors(page)


def test_hostile_article_is_inert_in_the_browser(
    page: PageWatch, pages_client: Any, hostile: str, screenshots: Path
) -> None:
    pg = page.page
    for path in hostile_pages(pages_client, hostile):
        pg.goto(path)
        pg.wait_for_load_state("networkidle")
        assert pg.evaluate("typeof window.__pwned") == "undefined", path
        assert (
            pg.evaluate("document.querySelectorAll('[onerror], [onload], iframe, a[href^=\"javascript:\"]').length")
            == 0
        ), path
        assert (
            pg.evaluate(
                "[...document.scripts]"
                ".filter(s => s.textContent.includes('__pwned') && s.type !== 'application/json').length"
            )
            == 0
        )
        if not path.endswith("/network") and not path.startswith("/actors/"):
            assert "<script>window.__pwned" in pg.locator("body").inner_text(), path  # shown as text
        if path.startswith("/articles/"):
            shot(page, screenshots, "11-hostile-article")
    no_errors(page)
