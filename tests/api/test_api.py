"""The JSON API over a real store (Wikinews corpus, reference article, one hostile article)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.api.conftest import WRITE_TOKEN, make_client

AUTH = {"Authorization": f"Bearer {WRITE_TOKEN}"}
JAPAN = "japan-us-2024"


def assert_error(response, status: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and isinstance(body["error"], str) and body["error"]
    return body  # type: ignore[no-any-return]


def test_articles_walk_every_page_once(client) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 37} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/articles", params=params).json()
        assert body["ok"] is True
        seen += [a["id"] for a in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    total = client.get("/api/status").json()["item"]["articles"]
    assert len(seen) == len(set(seen)) == total
    dates = [a["published"] for a in client.get("/api/articles", params={"limit": 200}).json()["items"]]
    assert dates == sorted(dates, reverse=True)


def test_articles_cursor_survives_inserts(writable_db: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from vigil.ingest.job import ingest_records
    from vigil.models import DateSource, RawArticle
    from vigil.store import open_store

    with make_client(writable_db) as c:
        first = c.get("/api/articles", params={"limit": 10}).json()
        with open_store(writable_db) as store:
            raw = RawArticle(
                "A brand new report about Taro Aso and Donald Trump meeting again in Tokyo today.",
                "Newest",
                None,
                "test",
                date(2024, 2, 1),
                DateSource.FIELD,
                "test",
                "1",
            )
            assert ingest_records([raw], store, settings).ingested == 1
        second = c.get("/api/articles", params={"limit": 10, "cursor": first["next_cursor"]}).json()
        ids1 = {a["id"] for a in first["items"]}
        ids2 = [a["id"] for a in second["items"]]
        assert not ids1 & set(ids2) and len(ids2) == 10
        assert second["items"][0]["published"] <= first["items"][-1]["published"]


def test_articles_search_and_detail(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/articles", params={"q": "Taro Aso bridge"}).json()
    assert body["items"], body
    art = client.get(f"/api/articles/{body['items'][0]['id']}").json()["item"]
    assert art["sentences"] and art["mentions"] and art["events"]
    sentence = art["sentences"][art["events"][0]["sentence_index"]]
    assert art["events"][0]["sentence"] == sentence["text"] == art["text"][sentence["start"] : sentence["end"]]
    # A unique prefix finds the article too.
    assert client.get(f"/api/articles/{art['id'][:10]}").json()["item"]["id"] == art["id"]


def test_events_filters_and_pages(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/events", params={"actor": "person:taro-aso"}).json()
    assert body["items"] and all(e["source_actor"] == "person:taro-aso" for e in body["items"])
    hypo = client.get("/api/events", params={"modality": "hypothetical", "limit": 5}).json()
    assert all(e["modality"] == "hypothetical" for e in hypo["items"])
    seen: list[str] = []
    cursor = None
    for _ in range(4):
        page = client.get("/api/events", params={"limit": 50} | ({"cursor": cursor} if cursor else {})).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 200
    assert_error(client.get("/api/events", params={"modality": "maybe"}), 422)
    assert_error(client.get("/api/events", params={"quad": 9}), 422)


def test_actor_with_roles_and_events(client) -> None:  # type: ignore[no-untyped-def]
    aso = client.get("/api/actors/person:taro-aso").json()["item"]
    assert aso["name"] == "Taro Aso" and aso["country"] == "JPN" and aso["roles"]
    assert aso["as_source"] or aso["as_target"]
    found = client.get("/api/actors", params={"q": "Trump"}).json()["items"]
    assert any(a["id"] == "person:donald-trump" for a in found)
    assert_error(client.get("/api/actors/person:nobody-at-all"), 404)


def test_search_across_kinds(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/search", params={"q": "Aso"}).json()
    assert body["articles"] and body["events"] and any(a["id"] == "person:taro-aso" for a in body["actors"])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/nothing-here", 404),
        ("/api/articles/abcdef0123", 404),
        ("/api/articles/not-hex!", 422),
        ("/api/articles?limit=0", 422),
        ("/api/articles?since=2020-13-45", 422),
        ("/api/articles?cursor=%%%%", 400),
        ("/api/articles?cursor=bm90IGpzb24", 400),
        ("/api/watches/no-such-watch/timeline", 404),
        ("/api/watches/japan-us-2024/timeline?outcome=nobody", 422),
        ("/api/watches/japan-us-2024/network?since=2024-02-01&until=2024-01-01", 422),
    ],
)
def test_one_error_shape(client, path: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert_error(client.get(path), status)


def test_method_not_allowed_has_the_error_shape(client) -> None:  # type: ignore[no-untyped-def]
    assert_error(client.patch("/api/articles", headers=AUTH), 405)


def test_watch_analyses(client, recall_client) -> None:  # type: ignore[no-untyped-def]
    watches = {w["name"] for w in client.get("/api/watches").json()["items"]}
    assert {"japan-us-2024", "gbr-us-2020"} <= watches
    timeline = client.get(f"/api/watches/{JAPAN}/timeline").json()["items"]
    assert timeline and all(t["citation"]["sentence"] for t in timeline)
    story = client.get(f"/api/watches/{JAPAN}/stories/{timeline[0]['story']}").json()["item"]
    assert story["reports"]
    net = recall_client.get(f"/api/watches/{JAPAN}/network").json()["item"]
    trump = next(b for b in net["bridges"] if b["outcome"] == "trump")
    aso = next(b for b in trump["bridges"] if b["actor"] == "person:taro-aso")
    assert any("bridge to Trump" in c["sentence"] for c in aso["evidence"])
    assert "bridge" in next(n for n in net["nodes"] if n["id"] == "person:taro-aso")["roles"]
    assert any(e["bridge"] for e in net["edges"])
    trends = client.get("/api/watches/gbr-us-2020/trends").json()["items"]
    assert {s["metric"] for s in trends} == {"events", "balance", "tone"}
    board = client.get(f"/api/watches/{JAPAN}/scenarios").json()["item"]["board"]
    assert {b["outcome"] for b in board} == {"trump", "democrats"}
    stories = client.get("/api/watches/gbr-us-2020/stories", params={"limit": 5}).json()
    more = client.get("/api/watches/gbr-us-2020/stories", params={"limit": 5, "cursor": stories["next_cursor"]}).json()
    assert not {s["id"] for s in stories["items"]} & {s["id"] for s in more["items"]}
    brief = recall_client.get(f"/api/watches/{JAPAN}/brief").json()["item"]
    assert "Aso" in brief["markdown"]


def test_probability_write_needs_the_token_and_is_logged(write_client) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/watches/{JAPAN}/probabilities"
    body = {"outcome": "trump", "probability": 0.4, "reason": "Trump leads the Republican primaries"}
    write_client.cookies.clear()
    assert_error(write_client.post(url, json=body), 401)
    assert_error(write_client.post(url, json=body, headers={"Authorization": "Bearer wrong"}), 401)
    assert write_client.post(url, json=body, headers=AUTH).status_code == 201
    assert_error(write_client.post(url, json=body | {"outcome": "nobody"}, headers=AUTH), 422)
    assert_error(write_client.post(url, json=body | {"probability": 1.5}, headers=AUTH), 422)
    log = write_client.get(url).json()["items"]
    assert log[0]["probability"] == 0.4 and log[0]["reason"] == body["reason"]
    at = datetime.fromisoformat(log[0]["at"])
    assert abs((datetime.now(UTC).replace(tzinfo=None) - at).total_seconds()) < 120
    board = write_client.get(f"/api/watches/{JAPAN}/scenarios").json()["item"]["board"]
    assert next(b for b in board if b["outcome"] == "trump")["probability"] == 0.4


def test_watch_edits(write_client) -> None:  # type: ignore[no-untyped-def]
    from vigil.analyze.watches import example_watches

    text = example_watches()["japan-us-2024.yaml"].replace("title: Japan watches", "title: Tokyo watches")
    url = f"/api/watches/{JAPAN}"
    assert_error(write_client.put(url, json={"yaml": text}, headers={"Cookie": ""}), 401)
    assert write_client.put(url, json={"yaml": text}, headers=AUTH).json()["item"]["title"].startswith("Tokyo")
    assert_error(write_client.put(url, json={"yaml": "name: [broken"}, headers=AUTH), 422)
    assert_error(write_client.post("/api/watches", json={"yaml": text}, headers=AUTH), 409)
    assert write_client.delete(url, headers=AUTH).json()["deleted"] == JAPAN
    assert_error(write_client.get(url), 404)


def test_page_hands_the_browser_a_strict_cookie(write_client) -> None:  # type: ignore[no-untyped-def]
    write_client.cookies.clear()
    page = write_client.get("/")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    url = f"/api/watches/{JAPAN}/probabilities"
    ok = write_client.post(url, json={"outcome": "democrats", "probability": 0.5, "reason": "coin toss"})
    assert ok.status_code == 201
    # Another site's page posting through the analyst's browser is refused.
    cross = write_client.post(
        url, json={"outcome": "democrats", "probability": 0.1, "reason": "x"}, headers={"Origin": "http://evil.example"}
    )
    assert_error(cross, 403)


def test_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/api/articles?limit=1", "/api/nothing"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_loopback_only_without_token(client) -> None:  # type: ignore[no-untyped-def]
    assert_error(client.get("/api/articles", headers={"Host": "attacker.example"}), 403)
    assert client.get("/api/articles?limit=1", headers={"Host": "localhost:8765"}).status_code == 200


def test_token_mode(web_db: Path) -> None:
    token = "a-long-test-token-abcdefghijkl"
    with make_client(web_db, token=token) as c:
        assert_error(c.get("/api/articles"), 401)
        assert c.get("/", follow_redirects=False).headers["location"].startswith("/login")
        assert c.get("/api/articles?limit=1", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert c.get("/static/app.css").status_code == 200
        assert c.post("/login", data={"token": "nope", "next": "/"}).status_code == 401
        done = c.post("/login", data={"token": token, "next": "//evil.example/"}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/"
        assert c.get("/api/articles?limit=1").status_code == 200  # the cookie now
        assert c.get("/api/articles?limit=1", headers={"Host": "vigil.example.org"}).status_code == 200


def test_openapi_document(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/openapi.json").json()
    for path in (
        "/api/articles",
        "/api/events",
        "/api/actors/{actor_id}",
        "/api/search",
        "/api/watches/{name}/network",
    ):
        assert path in doc["paths"]
    assert "ErrorOut" in doc["components"]["schemas"]
    assert not any(p.startswith("/watches") for p in doc["paths"])  # pages are not API


def test_serve_refuses_other_hosts_without_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vigil.cli.main import app
    from vigil.errors import VigilError

    monkeypatch.delenv("VIGIL_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "serve", "--host", "0.0.0.0"])
    assert isinstance(result.exception, VigilError) and "VIGIL_TOKEN" in str(result.exception)
    monkeypatch.setenv("VIGIL_TOKEN", "short")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "serve", "--host", "0.0.0.0"])
    assert isinstance(result.exception, VigilError) and "16" in str(result.exception)
