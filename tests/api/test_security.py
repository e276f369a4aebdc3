"""Security regressions of the HTTP surface: DNS rebinding and watches that would steer side effects."""

from __future__ import annotations

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
