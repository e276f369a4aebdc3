"""`vigil actors` and `vigil actor` show each actor's country, sector and role on a day (issue 22)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_main import vigil


@pytest.fixture(scope="module")
def reference_store(reference_db: Path) -> Path:
    """The store holding only the January 2024 reference article (``vigil ingest`` of tests/conftest.py)."""
    return reference_db


def test_issue22_actors_on_a_reference_store_never_show_trump_as_government(reference_store: Path) -> None:
    gov = json.loads(vigil(reference_store, "actors", "--sector", "GOV", "--json").stdout)
    ids = {a["id"] for a in gov}
    assert "person:joe-biden" in ids and "person:donald-trump" not in ids
    assert all(a["as_of"] == "2024-01-27" and a["sector"] == "GOV" for a in gov)
    (trump,) = json.loads(vigil(reference_store, "actors", "-q", "Donald Trump", "--json").stdout)
    assert (trump["country"], trump["sector"]) == ("USA", "PTY")
    assert trump["role"]["label"] == "Republican presidential candidate 2022-11-15 → 2024-07-14"
    table = vigil(reference_store, "actors", "-q", "Donald Trump").stdout
    assert "Actors as of 2024-01-27" in table and "Republican presidential candidate 2022-11-15" in table


def test_issue22_actors_as_of_another_day(reference_store: Path) -> None:
    then = json.loads(vigil(reference_store, "actors", "--sector", "GOV", "--as-of", "2019-06-01", "--json").stdout)
    trump = next(a for a in then if a["id"] == "person:donald-trump")
    assert trump["role"]["label"] == "president 2017-01-20 → 2021-01-20" and trump["as_of"] == "2019-06-01"
    assert "person:joe-biden" not in {a["id"] for a in then}  # a candidate in 2019, not in government
    bad = vigil(reference_store, "actors", "--as-of", "June 2019")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_issue22_actor_page_shows_the_role_on_the_day(reference_store: Path) -> None:
    shown = vigil(reference_store, "actor", "person:donald-trump").stdout
    assert "on 2024-01-27: USA PTY, Republican presidential candidate 2022-11-15 → 2024-07-14" in shown
    later = json.loads(vigil(reference_store, "actor", "person:donald-trump", "--as-of", "2025-03-01", "--json").stdout)
    assert (later["sector"], later["role"]["label"], later["former"]) == ("GOV", "president 2025-01-20 → now", False)
    abe = json.loads(vigil(reference_store, "actor", "person:shinzo-abe", "--json").stdout)
    assert abe["former"] and abe["sector"] == "ELI" and abe["role"]["title"] == "prime minister"
