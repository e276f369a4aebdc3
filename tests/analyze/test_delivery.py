"""Alert deliveries are confined: files to the alert folder, webhooks to public addresses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from vigil.analyze.delivery import DeliveryError, DeliveryPolicy, deliver
from vigil.analyze.watches import Delivery
from vigil.models import Alert, Citation


def _alert() -> Alert:
    return Alert(
        "id1", "w", "r", "keyword", "'Aso' in x", (Citation("abc", 3, "Taro Aso met Trump."),), datetime(2024, 2, 2)
    )


def test_file_delivery_stays_in_the_alert_folder(tmp_path: Path) -> None:
    folder = tmp_path / "alerts"
    policy = DeliveryPolicy(directory=folder)
    assert deliver([_alert()], [Delivery("file", path="japan/alerts.jsonl")], policy=policy) == []
    assert (folder / "japan/alerts.jsonl").read_text().count("\n") == 1
    outside = tmp_path / "bashrc"
    outside.write_text("# user's start-up file\n")
    (folder / "link").symlink_to(outside)
    for path in (str(outside), "../bashrc", "link", "~/.bashrc"):
        failures = deliver([_alert()], [Delivery("file", path=path)], policy=policy)
        assert len(failures) == 1 and "outside the alert directory" in failures[0], path
    assert outside.read_text() == "# user's start-up file\n"


@pytest.mark.parametrize(
    ("url", "addresses"),
    [
        ("http://169.254.169.254/latest/meta-data/", ["169.254.169.254"]),
        ("http://127.0.0.1:8765/api/watches", ["127.0.0.1"]),
        ("http://localhost/", ["127.0.0.1", "::1"]),
        ("http://intranet.example/", ["10.1.2.3"]),
        ("http://rebind.example/", ["93.184.215.14", "192.168.0.1"]),
        ("http://[::1]/", ["::1"]),
        ("http://v6.example/", ["fe80::1"]),
    ],
)
def test_webhooks_to_private_addresses_are_refused(url: str, addresses: list[str]) -> None:
    policy = DeliveryPolicy(resolver=lambda host, port: addresses)
    with pytest.raises(DeliveryError, match="not a public address"):
        policy.webhook_address(url)


def test_webhook_allow_list_and_pinned_address() -> None:
    policy = DeliveryPolicy(webhook_hosts=("hooks.example.org",), resolver=lambda host, port: ["93.184.215.14"])
    with pytest.raises(DeliveryError, match="allow-list"):
        policy.webhook_address("https://other.example.org/x")
    address, host = policy.webhook_address("https://hooks.example.org/vigil?x=1")
    assert (address, host) == ("https://93.184.215.14:443/vigil?x=1", "hooks.example.org")
    address, host = policy.webhook_address("http://hooks.example.org:8080/")
    assert (address, host) == ("http://93.184.215.14:8080/", "hooks.example.org:8080")


def test_policy_from_settings() -> None:
    from vigil.config import load_settings

    settings = load_settings(
        env={},
        overrides={"alerts.webhook_hosts": "a.example, B.example", "alerts.webhook_allow_private": "true"},
    )
    policy = DeliveryPolicy.from_settings(settings)
    assert policy.webhook_hosts == ("a.example", "b.example") and policy.allow_private


def test_one_bad_target_does_not_stop_the_others(tmp_path: Path) -> None:
    lines: list[str] = []
    targets = [
        Delivery("webhook", url="http://hooks.example.org:99999/x"),
        Delivery("webhook", url="http://[not-an-address/"),
        Delivery("file", path="/etc/passwd"),
        Delivery("console"),
        Delivery("file", path="ok.jsonl"),
    ]
    failures = deliver([_alert()], targets, policy=DeliveryPolicy(directory=tmp_path), console=lines.append)
    assert len(failures) == 3
    assert lines and (tmp_path / "ok.jsonl").exists()
