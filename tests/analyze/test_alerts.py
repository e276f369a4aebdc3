from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from vigil.analyze.alerts import evaluate_alerts
from vigil.analyze.briefs import build_brief, render_markdown
from vigil.analyze.delivery import DeliveryPolicy, deliver
from vigil.analyze.watches import Delivery, Watch
from vigil.config import Settings
from vigil.ingest.job import ingest
from vigil.models import Alert, Citation
from vigil.store import Store
from vigil.store import analysis as analysis_store

NEW_ARTICLE = """date 2024-02-02 Taro Aso met Donald Trump in New York on Friday. Japan's government said it would \
respond calmly if Trump imposed a universal tariff on Japanese cars. Trump clinches the nomination, analysts said, \
after Super Tuesday."""


def _ingest_new(store: Store, settings: Settings, pipeline: Any, path: Path, text: str) -> list[str]:
    """Ingest one dated text; the ids of the articles it added."""
    path.write_text(text, encoding="utf-8")
    before = {a.id for a in store.articles(limit=None)}
    ingest([str(path)], store, settings, extractor=pipeline)
    return [a.id for a in store.articles(limit=None) if a.id not in before]


def test_issue5_alert_fired_by_a_new_article(
    seed_store: Store, japan_watch: Watch, pipeline: Any, settings: Settings, tmp_path: Path
) -> None:
    new_ids = _ingest_new(seed_store, settings, pipeline, tmp_path / "new.txt", NEW_ARTICLE)
    assert len(new_ids) == 1
    out = tmp_path / "alerts.jsonl"
    fired = evaluate_alerts(
        seed_store,
        japan_watch,
        new_ids,
        deliver_to=[Delivery("file", path="alerts.jsonl")],
        policy=DeliveryPolicy(directory=tmp_path),
    )
    by_rule = {a.rule: a for a in fired}
    assert {"aso-appears", "tariff-word"} <= set(by_rule)
    assert "Taro Aso" in by_rule["aso-appears"].message
    assert any("tariff" in c.text for c in by_rule["tariff-word"].evidence)
    assert all(c.article_id == new_ids[0] for c in by_rule["tariff-word"].evidence)
    # Stored with evidence, delivered to the file as JSON lines.
    stored = {r.rule: r for r in analysis_store.list_alerts(seed_store, watch=japan_watch.name)}
    assert stored["tariff-word"].evidence[0].article_id == new_ids[0]
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {x["rule"] for x in lines} == {a.rule for a in fired}
    # Idempotent: the same articles fire nothing new.
    assert evaluate_alerts(seed_store, japan_watch, new_ids, deliver_to=[]) == []
    # Dated by the article that fired it, not by when Vigil raised it.
    assert stored["aso-appears"].published == date(2024, 2, 2) and lines[0]["published"] == "2024-02-02"
    md = render_markdown(build_brief(seed_store, japan_watch))
    alert_lines = md.split("## Alerts", 1)[1].splitlines()
    assert any(x.startswith("- 2024-02-02 Taro Aso appears") and "(raised " in x for x in alert_lines), alert_lines


def test_alerts_quiet_on_unrelated_article(
    seed_store: Store, japan_watch: Watch, pipeline: Any, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "other.txt"
    path.write_text("date 2024-02-03 The city council of Lyon approved a new tram line on Monday.", encoding="utf-8")
    before = {a.id for a in seed_store.articles(limit=None)}
    ingest([str(path)], seed_store, settings, extractor=pipeline)
    new_ids = [a.id for a in seed_store.articles(limit=None) if a.id not in before]
    fired = evaluate_alerts(seed_store, japan_watch, new_ids, deliver_to=[])
    assert [a.rule for a in fired if a.rule in {"aso-appears", "tariff-word", "trump-nomination"}] == []


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(_Hook.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hook.received.clear()
    _Hook.status = 200
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
    thread.join()


def _alert() -> Alert:
    cite = Citation("abc", 3, "Taro Aso <b>met</b> Trump.")
    return Alert("id1", "w", "r", "keyword", "'Aso' in x", (cite,), datetime(2024, 2, 2, 10, 0))


LOCAL_HOOKS = DeliveryPolicy(allow_private=True)


def test_alerts_webhook_real_server(webhook: str) -> None:
    assert deliver([_alert()], [Delivery("webhook", url=webhook)], policy=LOCAL_HOOKS) == []
    assert len(_Hook.received) == 1
    payload = _Hook.received[0]["alerts"][0]
    assert payload["rule"] == "r" and payload["evidence"][0]["sentence"] == "Taro Aso <b>met</b> Trump."


def test_alerts_webhook_error_status(webhook: str) -> None:
    _Hook.status = 500
    failures = deliver([_alert()], [Delivery("webhook", url=webhook)], policy=LOCAL_HOOKS)
    assert len(failures) == 1 and "HTTP 500" in failures[0]


def test_alerts_console() -> None:
    lines: list[str] = []
    deliver([_alert()], [Delivery("console")], console=lines.append)
    assert lines == ["[alert w/r] 'Aso' in x — “Taro Aso <b>met</b> Trump.”"]


def test_articles_outside_the_watch_window_fire_no_alert(
    seed_store: Store, japan_watch: Watch, pipeline: Any, settings: Settings, tmp_path: Path
) -> None:
    assert japan_watch.start is not None and japan_watch.start.year == 2023
    path = tmp_path / "old.txt"
    path.write_text(NEW_ARTICLE.replace("date 2024-02-02", "date 2020-03-03"), encoding="utf-8")
    before = {a.id for a in seed_store.articles(limit=None)}
    ingest([str(path)], seed_store, settings, extractor=pipeline)
    new_ids = [a.id for a in seed_store.articles(limit=None) if a.id not in before]
    assert len(new_ids) == 1
    assert evaluate_alerts(seed_store, japan_watch, new_ids, deliver_to=[]) == []


def test_failed_webhook_deliveries_are_retried_until_delivered(
    seed_store: Store, japan_watch: Watch, pipeline: Any, settings: Settings, tmp_path: Path, webhook: str
) -> None:
    """A webhook down (503) when the alerts fire gets them on a later retry; nothing is sent twice."""
    from datetime import timedelta

    from vigil.analyze.outbox import pending, retry_due

    new_ids = _ingest_new(seed_store, settings, pipeline, tmp_path / "new.txt", NEW_ARTICLE)
    _Hook.status = 503
    fired = evaluate_alerts(
        seed_store, japan_watch, new_ids, deliver_to=[Delivery("webhook", url=webhook)], policy=LOCAL_HOOKS
    )
    queued = pending(seed_store)
    assert fired and {p.alert_id for p in queued} == {a.id for a in fired}
    assert all(p.attempts == 1 and "503" in p.last_error for p in queued)
    # not yet due: nothing is tried
    assert retry_due(seed_store, LOCAL_HOOKS).delivered == 0 and len(_Hook.received) == 1
    later = max(p.next_at for p in queued) + timedelta(seconds=1)
    again = retry_due(seed_store, LOCAL_HOOKS, now=later)  # still down: waits twice as long
    assert (again.delivered, again.failed) == (0, len(queued))
    assert all(p.attempts == 2 for p in pending(seed_store))
    _Hook.status = 200
    _Hook.received.clear()
    done = retry_due(seed_store, LOCAL_HOOKS, now=later + timedelta(minutes=3))
    assert done.delivered == len(queued) and pending(seed_store) == []
    sent = [a["id"] for body in _Hook.received for a in body["alerts"]]
    assert sorted(sent) == sorted(a.id for a in fired)
    assert retry_due(seed_store, LOCAL_HOOKS, now=later + timedelta(days=2)).delivered == 0


def test_alert_rules_read_the_view_of_events_they_are_given(seed_store: Store, japan_watch: Watch) -> None:
    """Rules on events (new bridges, new event types, tone) read the events of the view they are given
    (the ingest passes the setting view.min_confidence); rules on names and words do not depend on it."""
    ids = [a.id for a in seed_store.articles(limit=None)]
    on_events = {r.id for r in japan_watch.alerts if r.kind in {"new_bridge", "new_event_type", "tone_shift"}}
    strict = {a.rule for a in evaluate_alerts(seed_store, japan_watch, ids, deliver_to=[], min_confidence=1.0)}
    assert not strict & on_events and "aso-appears" in strict
    every = {a.rule for a in evaluate_alerts(seed_store, japan_watch, ids, deliver_to=[], min_confidence=0.0)}
    assert "new-bridge-to-trump" in every
