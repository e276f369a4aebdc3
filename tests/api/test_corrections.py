"""Corrections over HTTP: recorded with the token, applied to the events and the watch views at once."""

from __future__ import annotations

from typing import Any

JAPAN = "japan-us-2024"
UK = "gbr-us-2020"


def test_a_rejected_event_leaves_the_api_and_the_watch_views(write_client: Any) -> None:
    # "Trump ... attacked the impeachment investigation as "Witch Hunt garbage."": a quoted phrase taken for an
    # organisation, shown by default (confidence about 0.54) and a tie of the UK watch's network
    day = {"since": "2019-09-25", "until": "2019-09-25"}  # the whole window's graph keeps its busiest actors
    query = {"actor": "person:donald-trump", "root": "ACCUSE", **day}
    events = write_client.get("/api/events", params=query).json()["items"]
    wrong = next(e for e in events if e["root"] == "ACCUSE" and "Witch Hunt garbage" in e["sentence"])
    target = wrong["target_actor"]

    def trump_to_witch_hunt() -> bool:
        network = write_client.get(f"/api/watches/{UK}/network", params=day).json()["item"]
        return any(e["source"] == "person:donald-trump" and e["target"] == target for e in network["edges"])

    assert trump_to_witch_hunt()
    anonymous = write_client.post("/api/corrections", json={"kind": "reject", "target": wrong["id"], "reason": "x"})
    assert anonymous.status_code in {401, 403}
    write_client.cookies.clear()
    write_client.get("/")  # the dashboard hands the browser its write cookie
    made = write_client.post(
        "/api/corrections",
        json={
            "kind": "reject",
            "target": wrong["id"],
            "reason": "a quoted phrase, not an actor",
            "author": "ana",
        },
    )
    assert made.status_code == 201 and made.json()["item"]["author"] == "ana"
    after = write_client.get("/api/events", params={"actor": "gov:JPN", "limit": 50}).json()["items"]
    assert wrong["id"] not in {e["id"] for e in after}
    assert not trump_to_witch_hunt()  # the rejected event was the watch's only tie between the two
    trail = write_client.get("/api/corrections").json()["items"]
    assert [(c["kind"], c["target"], c["reason"]) for c in trail] == [
        ("reject", wrong["id"], "a quoted phrase, not an actor")
    ]
    bad = write_client.post(
        "/api/corrections", json={"kind": "relabel", "target": wrong["id"], "root": "TARIFF", "reason": "x"}
    )
    assert bad.status_code == 422 and "Unknown root" in bad.text


def test_briefs_and_boards_as_of_a_day_hold_only_what_was_known_then(client: Any) -> None:
    """The store was built today: as of yesterday it knew nothing; as of today, everything."""
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    before = client.get(f"/api/watches/{JAPAN}/brief", params={"as_of": str(today - timedelta(days=1))}).json()["item"]
    now = client.get(f"/api/watches/{JAPAN}/brief", params={"as_of": str(today)}).json()["item"]
    assert before["summary"]["articles"] == 0 and "as known on" in before["markdown"]
    assert (
        now["summary"]["articles"]
        == client.get(f"/api/watches/{JAPAN}/brief").json()["item"]["summary"]["articles"]
        > 0
    )
    board = client.get(f"/api/watches/{JAPAN}/scenarios", params={"as_of": str(today - timedelta(days=1))}).json()
    assert all(not b["domains"] for b in board["item"]["board"]) and board["item"]["log"] == []
    assert client.get(f"/api/watches/{JAPAN}/scenarios", params={"as_of": "yesterday"}).status_code == 422
