"""Timeline, network, bridges and trends as of a day, on the API and the pages: what the store knew at
the end of that day (articles published and ingested by then, corrections made by then), the same
answer as the command line's ``--as-of``."""

from __future__ import annotations

import json
import re
import sqlite3
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import make_client

GBR = "gbr-us-2020"
DAY = "2020-06-30"


@pytest.fixture
def learnt_when_published(writable_db: Path) -> Path:
    """The corpus store as a monitor running since 2019 would hold it: each article ingested at noon on
    the day it was published (the store was built today, so as of any earlier day it knew nothing)."""
    with sqlite3.connect(writable_db) as db:
        changed = db.execute(
            "UPDATE articles SET ingested_at = published || ' 12:00:00.000000' WHERE published IS NOT NULL"
        ).rowcount
    assert changed > 290
    return writable_db


def _cli(db: Path, *args: str) -> Any:
    from typer.testing import CliRunner

    from vigil.cli.main import app

    result = CliRunner().invoke(app, ["--db", str(db), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _pair_weight(view: dict[str, Any], a: str, b: str) -> int:
    return sum(e["weight"] for e in view["edges"] if {e["source"], e["target"]} == {a, b})


def test_timeline_network_and_trends_as_of_a_day_hold_only_what_was_known_then(learnt_when_published: Path) -> None:
    db = learnt_when_published
    api = f"/api/watches/{GBR}"
    with make_client(db) as client:
        full = client.get(f"{api}/timeline", params={"limit": 200}).json()["items"]
        then = client.get(f"{api}/timeline", params={"limit": 200, "as_of": DAY}).json()["items"]
        assert 0 < len(then) < len(full)
        assert all((t["date"] or "") <= DAY for t in then) and any((t["date"] or "") > DAY for t in full)
        # the command line's --as-of gives the same developments
        cli = _cli(db, "timeline", GBR, "--as-of", DAY)
        assert sorted((t["story"], t["date"]) for t in then) == sorted((t["story"], t["date"]) for t in cli)

        net = client.get(f"{api}/network", params={"as_of": DAY}).json()["item"]
        whole = client.get(f"{api}/network").json()["item"]
        assert net["as_of"] == DAY and net["until"] == DAY and net["dates"] and max(net["dates"]) <= DAY
        assert 0 < sum(e["weight"] for e in net["edges"]) < sum(e["weight"] for e in whole["edges"])
        cli_edges = {(e["source"], e["target"]): e["weight"] for e in _cli(db, "network", GBR, "--as-of", DAY)["edges"]}
        assert all(cli_edges[(e["source"], e["target"])] == e["weight"] for e in net["edges"])
        bridges = client.get(f"{api}/bridges", params={"as_of": DAY}).json()["items"]
        assert bridges == net["bridges"]
        assert bridges == _cli(db, "bridges", GBR, "--as-of", DAY)

        trends = client.get(f"{api}/trends", params={"as_of": DAY}).json()["items"]
        assert trends and all(p["start"] <= DAY for s in trends for p in s["points"])
        assert sum(p["value"] or 0 for s in trends if s["metric"] == "events" for p in s["points"]) > 0
        assert trends == _cli(db, "trends", GBR, "--as-of", DAY)

        for view in ("timeline", "network", "bridges", "trends"):
            bad = client.get(f"{api}/{view}", params={"as_of": "last June"})
            assert bad.status_code == 422 and "as_of" in bad.json()["error"] and "date" in bad.json()["error"]
            # the calendar's last day: everything known (no day after it to end on)
            assert client.get(f"{api}/{view}", params={"as_of": "9999-12-31"}).status_code == 200
        last = client.get(f"{api}/timeline", params={"limit": 200, "as_of": "9999-12-31"}).json()["items"]
        assert last == full


def test_a_correction_made_today_is_not_in_the_answers_as_of_an_earlier_day(learnt_when_published: Path) -> None:
    api = f"/api/watches/{GBR}"
    as_then, known_now = {"as_of": DAY}, {"until": DAY}  # the same window, as known then and as known now
    with make_client(learnt_when_published) as client:
        before = {
            k: client.get(f"{api}/network", params=q).json()["item"] for k, q in (("then", as_then), ("now", known_now))
        }
        events = client.get("/api/events", params={"since": "2020-01-01", "until": DAY, "limit": 200}).json()["items"]
        wrong = next(
            e
            for e in events
            if e["source_actor"]
            and e["target_actor"]
            and _pair_weight(before["then"], e["source_actor"], e["target_actor"])
        )
        pair = (wrong["source_actor"], wrong["target_actor"])
        client.get("/")  # the dashboard hands the browser its write cookie
        made = client.post("/api/corrections", json={"kind": "reject", "target": wrong["id"], "reason": "not an event"})
        assert made.status_code == 201
        then = client.get(f"{api}/network", params=as_then).json()["item"]
        now = client.get(f"{api}/network", params=known_now).json()["item"]
    assert _pair_weight(then, *pair) == _pair_weight(before["then"], *pair)  # made after that day
    assert _pair_weight(now, *pair) == _pair_weight(before["now"], *pair) - 1


def test_the_pages_of_the_timeline_network_and_trends_keep_as_of(learnt_when_published: Path) -> None:
    page = f"/watches/{GBR}"
    with make_client(learnt_when_published) as client:
        rows = len(client.get(f"/api/watches/{GBR}/timeline", params={"limit": 200, "as_of": DAY}).json()["items"])
        html = client.get(f"{page}/timeline", params={"as_of": DAY}).text
        assert f'name="as_of" value="{DAY}"' in html and f"{rows} developments, newest first, as known on {DAY}" in html
        assert "as known on" not in client.get(f"{page}/timeline", params={"as_of": ""}).text  # an empty field
        html = client.get(f"{page}/network", params={"as_of": DAY}).text
        data = json.loads(unescape(re.search(r'id="page-data"[^>]*>(.*?)</script>', html, re.S).group(1)))  # type: ignore[union-attr]
        assert data["as_of"] == DAY and data["until"] == DAY  # the slider asks for the same day (network.js)
        assert f"As known on {DAY}" in html
        assert f"As known on {DAY}" in client.get(f"{page}/trends", params={"as_of": DAY}).text
        bad = client.get(f"{page}/timeline", params={"as_of": "June"})
        assert bad.status_code == 422 and "as_of: 'June' is not a date (YYYY-MM-DD)" in unescape(bad.text)
