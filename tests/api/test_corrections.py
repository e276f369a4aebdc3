"""Corrections over HTTP: recorded with the token, applied to the events and the watch views at once."""

from __future__ import annotations

from typing import Any

JAPAN = "japan-us-2024"


def test_a_rejected_event_leaves_the_api_and_the_watch_views(write_client: Any) -> None:
    # "The Kishida administration is proactively working to bolster Japan's security policies": its own defence,
    # no cooperation with another party (shown by default, confidence about 0.58)
    events = write_client.get("/api/events", params={"actor": "gov:JPN", "limit": 50}).json()["items"]
    wrong = next(
        e
        for e in events
        if e["target_actor"] == "country:JPN" and e["root"] == "COOPERATE" and "bolster" in e["sentence"]
    )

    def japan_to_japan() -> bool:
        network = write_client.get(f"/api/watches/{JAPAN}/network").json()["item"]
        return any(e["source"] == "gov:JPN" and e["target"] == "country:JPN" for e in network["edges"])

    assert japan_to_japan()
    anonymous = write_client.post("/api/corrections", json={"kind": "reject", "target": wrong["id"], "reason": "x"})
    assert anonymous.status_code in {401, 403}
    write_client.cookies.clear()
    write_client.get("/")  # the dashboard hands the browser its write cookie
    made = write_client.post(
        "/api/corrections",
        json={
            "kind": "reject",
            "target": wrong["id"],
            "reason": "its own defence, no cooperation",
            "author": "ana",
        },
    )
    assert made.status_code == 201 and made.json()["item"]["author"] == "ana"
    after = write_client.get("/api/events", params={"actor": "gov:JPN", "limit": 50}).json()["items"]
    assert wrong["id"] not in {e["id"] for e in after}
    assert not japan_to_japan()  # the rejected event was the watch's only tie from Japan's government to Japan
    trail = write_client.get("/api/corrections").json()["items"]
    assert [(c["kind"], c["target"], c["reason"]) for c in trail] == [
        ("reject", wrong["id"], "its own defence, no cooperation")
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
