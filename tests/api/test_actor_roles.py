"""The API's actor endpoints and the dashboard's actor page read roles on a day (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import make_client


@pytest.fixture(scope="module")
def ref_client(reference_db: Path) -> Iterator[Any]:
    """A client over the store holding only the January 2024 reference article."""
    with make_client(reference_db) as c:
        yield c


def test_issue22_api_actor_list_reads_sectors_on_the_latest_event_date(ref_client: Any) -> None:
    gov = ref_client.get("/api/actors", params={"sector": "GOV"}).json()["items"]
    assert "person:donald-trump" not in {a["id"] for a in gov} and "person:joe-biden" in {a["id"] for a in gov}
    (trump,) = ref_client.get("/api/actors", params={"q": "Donald Trump"}).json()["items"]
    assert (trump["as_of"], trump["country"], trump["sector"], trump["former"]) == ("2024-01-27", "USA", "PTY", False)
    assert trump["role"]["title"] == "Republican presidential candidate" and trump["role"]["start"] == "2022-11-15"
    then = ref_client.get("/api/actors", params={"sector": "GOV", "as_of": "2019-06-01"}).json()["items"]
    assert "person:donald-trump" in {a["id"] for a in then}
    bad = ref_client.get("/api/actors", params={"as_of": "yesterday"})
    assert bad.status_code == 422 and "as_of" in bad.json()["error"]


def test_issue22_api_actor_detail_and_search(ref_client: Any) -> None:
    abe = ref_client.get("/api/actors/person:shinzo-abe").json()["item"]
    assert abe["former"] and abe["sector"] == "ELI" and abe["role"]["end"] == "2020-09-16"
    later = ref_client.get("/api/actors/person:donald-trump", params={"as_of": "2025-02-01"}).json()["item"]
    assert (later["sector"], later["role"]["start"]) == ("GOV", "2025-01-20")
    found = ref_client.get("/api/search", params={"q": "Trump"}).json()["actors"]
    assert [a["sector"] for a in found if a["id"] == "person:donald-trump"] == ["PTY"]


def test_issue22_actor_page_shows_the_role_on_the_day_and_on_each_event(ref_client: Any) -> None:
    page = ref_client.get("/actors/person:donald-trump")
    assert page.status_code == 200
    assert (
        'on 2024-01-27: <span class="standing">USA PTY, Republican presidential candidate 2022-11-15 → 2024-07-14'
        in page.text
    )
    assert '<td class="standing">USA PTY' in page.text  # each event row: the actor on the event's date
    then = ref_client.get("/actors/person:donald-trump", params={"as_of": "2018-03-01"}).text
    assert 'on 2018-03-01: <span class="standing">USA GOV, president 2017-01-20 → 2021-01-20' in then
