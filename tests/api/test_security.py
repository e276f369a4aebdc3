"""Security regressions of the HTTP surface: DNS rebinding and watches that would steer side effects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.api.conftest import WRITE_TOKEN, make_client
from vigil.api.security import is_loopback

SEED = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("::1", True),
        ("[::1]", True),
        ("127.0.0.1.attacker.example", False),
        ("127.attacker.example", False),
        ("127.0.0.1.nip.io", False),
        ("localhost.attacker.example", False),
        ("attacker.example", False),
        ("10.0.0.1", False),
        ("", False),
    ],
)
def test_loopback_is_an_exact_name_or_a_loopback_address(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["127.0.0.1.attacker.example", "127.0.0.1.attacker.example:8765", "127.x"])
def test_rebinding_host_gets_neither_data_nor_the_write_token(client, host: str) -> None:  # type: ignore[no-untyped-def]
    api = client.get("/api/articles?limit=1", headers={"Host": host})
    assert api.status_code == 403
    page = client.get("/", headers={"Host": host})
    assert page.status_code == 403
    assert "set-cookie" not in page.headers
    write = client.post(
        "/api/watches",
        json={"yaml": "name: x\nfocal: JPN\nsubject: s\n"},
        headers={"Host": host, "Origin": f"http://{host}", "Authorization": f"Bearer {WRITE_TOKEN}"},
    )
    assert write.status_code == 403


WATCH = """name: {name}
focal: JPN
subject: 2024 U.S. presidential election
delivery:
  - {delivery}
"""


@pytest.mark.parametrize(
    "delivery",
    [
        "{kind: file, path: /root/.bashrc}",
        "{kind: file, path: alerts.jsonl}",
        "{kind: webhook, url: 'http://169.254.169.254/latest/meta-data/'}",
        "{kind: webhook, url: 'https://hooks.example.org/vigil'}",
    ],
)
def test_api_watches_cannot_set_file_or_webhook_deliveries(write_client, delivery: str) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {WRITE_TOKEN}"}
    created = write_client.post(
        "/api/watches", json={"yaml": WATCH.format(name="w1", delivery=delivery)}, headers=headers
    )
    assert created.status_code == 403, created.text
    assert "vigil watch create" in created.json()["error"]
    console = WATCH.format(name="w1", delivery="{kind: console}")
    assert write_client.post("/api/watches", json={"yaml": console}, headers=headers).status_code == 201
    replaced = write_client.put(
        "/api/watches/w1", json={"yaml": WATCH.format(name="w1", delivery=delivery)}, headers=headers
    )
    assert replaced.status_code == 403
    stored = write_client.get("/api/watches/w1").json()
    assert "delivery" not in str(stored.get("yaml", "")) or "console" in str(stored)


def test_yaml_alias_bomb_is_refused_quickly_with_a_short_message(write_client) -> None:  # type: ignore[no-untyped-def]
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in "bcdefghi":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join([f'*{prev}'] * 9)}]\n"
    bomb += "name: x\nfocal: JPN\nsubject: s\n"
    response = write_client.post(
        "/api/watches", json={"yaml": bomb}, headers={"Authorization": f"Bearer {WRITE_TOKEN}"}
    )
    assert response.status_code == 422
    message = response.json()["error"]
    assert "aliases" in message and len(message) < 1_000


def test_every_repr_in_a_watch_error_is_bounded() -> None:
    from vigil.analyze.watches import WatchError, parse_watch

    huge = "x" * 5_000_000
    with pytest.raises(WatchError) as caught:
        parse_watch(f"name: x\nfocal: {huge}\nsubject: s\n")
    assert len(str(caught.value)) < 500
    nested = "name: x\nfocal: JPN\nsubject: s\nkeywords: " + "[" * 50 + "1" + "]" * 50 + "\n"
    with pytest.raises(WatchError) as caught:
        parse_watch(nested)
    assert len(str(caught.value)) < 500


def test_500_responses_carry_the_security_headers(writable_db: Path) -> None:
    with make_client(writable_db, raise_errors=False) as c:
        app = c.app

        @app.get("/api/boom")  # type: ignore[misc]
        def boom() -> None:
            raise RuntimeError("boom")

        response = c.get("/api/boom")
    assert response.status_code == 500
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def _cursor(data: object) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor({"o": 10**30}),
        _cursor({"o": 1e30}),
        _cursor({"o": -1}),
        _cursor({"d": "2020-01-01", "k": [{}]}),
        _cursor({"d": "2020-01-01", "k": [[1], "a"]}),
        _cursor({"d": "2020-01-01", "k": "a"}),
        _cursor({"d": "not a date", "k": []}),
        _cursor([1, 2]),
        "!!!not-base64",
    ],
)
@pytest.mark.parametrize("path", ["/api/articles", "/api/articles?q=Trump", "/api/events", "/api/actors"])
def test_tampered_cursors_are_bad_requests(client, path: str, cursor: str) -> None:  # type: ignore[no-untyped-def]
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}cursor={cursor}")
    assert response.status_code == 400, response.text
    assert "Invalid cursor" in response.json()["error"]


def test_login_is_rate_limited(web_db: Path) -> None:
    token = "a-long-test-token-abcdefghijkl"
    with make_client(web_db, token=token) as c:
        for _ in range(10):
            assert c.post("/login", data={"token": "wrong", "next": "/"}).status_code == 401
        limited = c.post("/login", data={"token": "wrong", "next": "/"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert c.post("/login", data={"token": token, "next": "/"}).status_code == 429


def test_login_throttle_forgets_after_its_window() -> None:
    from vigil.api.security import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(attempts=3, window=60.0, clock=lambda: now[0])
    for _ in range(3):
        throttle.failed("1.2.3.4")
    assert throttle.retry_after("1.2.3.4") == 61 and throttle.retry_after("5.6.7.8") == 0
    now[0] = 61.0
    assert throttle.retry_after("1.2.3.4") == 0


def test_deleting_a_watch_with_history_needs_purge(write_client) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {WRITE_TOKEN}"}
    name = "japan-us-2024"
    logged = write_client.post(
        f"/api/watches/{name}/probabilities",
        json={"outcome": "trump", "probability": 0.4, "reason": "test"},
        headers=headers,
    )
    assert logged.status_code == 201, logged.text
    refused = write_client.delete(f"/api/watches/{name}", headers=headers)
    assert refused.status_code == 409 and "purge=true" in refused.json()["error"]
    assert write_client.get(f"/api/watches/{name}").status_code == 200
    assert write_client.delete(f"/api/watches/{name}?purge=true", headers=headers).status_code == 200
    assert write_client.get(f"/api/watches/{name}").status_code == 404


def test_a_narrower_window_is_cut_from_the_watch_period(client) -> None:  # type: ignore[no-untyped-def]
    from vigil.analyze.window import load_records

    ctx = client.app.state.vigil
    watch = ctx.watch("gbr-us-2020")
    whole = ctx.window(watch)
    assert ctx.window(watch, since=watch.start, until=watch.end) is whole
    for since, until in [("2020-03-01", "2020-06-30"), ("2018-01-01", "2020-01-31"), ("2020-11-01", "2021-12-31")]:
        lo, hi = date.fromisoformat(since), date.fromisoformat(until)
        cut = ctx.window(watch, since=lo, until=hi)
        lo_c, hi_c = max(lo, watch.start) if watch.start else lo, min(hi, watch.end) if watch.end else hi
        assert (cut.since, cut.until) == (lo_c, hi_c)
        fresh = load_records(ctx.store, since=lo_c, until=hi_c)
        assert set(cut.records.articles) == set(fresh.articles)
        assert len(cut.records.events) == len(fresh.events) and len(cut.records.mentions) == len(fresh.mentions)
