"""``vigil serve --workers N`` as a real server process: shared tokens, ETags and 304s, and answers
that follow the store when another process ingests an article.

The store holds the example watches and the Wikinews corpus (without extraction, so that building it
takes seconds); the test of invalidation ingests the reference article, with extraction, through
``vigil ingest`` while the server runs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

from tests.conftest import REFERENCE_ARTICLE, SHARED, WIKINEWS, copy_store
from vigil.evaluate.loadtest import start_server, stop_server

WATCH = "japan-us-2024"
TIMELINE = f"/api/watches/{WATCH}/timeline"


@pytest.fixture(scope="module")
def wikinews_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example watches and the Wikinews corpus (no extraction)."""
    from vigil.analyze.watches import example_watches, parse_watch
    from vigil.config import load_settings
    from vigil.ingest.job import ingest
    from vigil.store import analysis as analysis_store
    from vigil.store import open_store

    path = tmp_path_factory.mktemp("serving") / "base.db"
    settings = load_settings(env={})
    with open_store(path) as store:
        result = ingest([str(p) for p in WIKINEWS], store, settings, extractor=None)
        assert result.ingested > 250
        for name, text in example_watches().items():
            analysis_store.save_watch_yaml(store, parse_watch(text, source=name).name, text)
    return path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VIGIL_TOKEN"}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")])
    return {**env, **extra}


class Served(NamedTuple):
    base: str
    token: str
    db: Path
    pid: int


@pytest.fixture
def served(wikinews_store: Path, tmp_path: Path) -> Iterator[Served]:
    """``vigil serve --workers 2`` on a copy of the store, with the write token it printed."""
    db = copy_store(wikinews_store, tmp_path / "served.db")
    proc, base, log = start_server(str(db), workers=2, env=_env())
    try:
        found = re.search(r"Write token for API clients \(Authorization: Bearer \.\.\.\): (\S+)", log.read_text())
        assert found, log.read_text()
        yield Served(base, found.group(1), db, proc.pid)
    finally:
        stop_server(proc)
        log.unlink(missing_ok=True)


class _Fresh(httpx.Client):
    """A client that opens a new connection for every request (so that requests reach both workers)
    and keeps no cookies (each request is a browser's first)."""

    def __init__(self) -> None:
        super().__init__(limits=httpx.Limits(max_keepalive_connections=0), timeout=120.0)

    def request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Response:
        self.cookies.clear()
        return super().request(method, url, **kwargs)


def _fresh() -> httpx.Client:
    return _Fresh()


def _workers(pid: int) -> int:
    """How many worker processes the ``vigil serve`` process ``pid`` runs."""
    import psutil

    return sum(1 for child in psutil.Process(pid).children() if "spawn_main" in " ".join(child.cmdline()))


def test_serving_workers_share_the_write_token(served: Served) -> None:
    base, token, _, pid = served
    assert _workers(pid) == 2
    with _fresh() as client:
        cookies = {client.get(f"{base}/watches/{WATCH}").cookies.get("vigil_token") for _ in range(12)}
        assert cookies == {token}, "every worker hands the browser the same write token"
        for i in range(12):
            r = client.post(
                f"{base}/api/watches/{WATCH}/probabilities",
                json={"outcome": "trump", "probability": 0.4, "reason": f"check {i}"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert r.status_code == 201, r.text
        for _ in range(6):
            r = client.post(
                f"{base}/watches/{WATCH}/scenarios",
                data={"outcome": "democrats", "probability": "55", "reason": "form"},
                headers={"Cookie": f"vigil_token={token}"},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text
        refused = client.post(
            f"{base}/api/watches/{WATCH}/probabilities",
            json={"outcome": "trump", "probability": 0.4, "reason": "no token"},
        )
        assert refused.status_code == 401
        log = client.get(f"{base}/api/watches/{WATCH}/probabilities").json()["items"]
        assert len(log) == 18


def test_serving_workers_need_vigil_token(wikinews_store: Path, tmp_path: Path) -> None:
    secret = "serving-test-token-0123456789abcdef"
    db = copy_store(wikinews_store, tmp_path / "token.db")
    proc, base, log = start_server(str(db), workers=2, env=_env(VIGIL_TOKEN=secret))
    try:
        assert "Write token for API clients" not in log.read_text()
        with _fresh() as client:
            for _ in range(8):
                assert client.get(f"{base}{TIMELINE}").status_code == 401
                ok = client.get(f"{base}{TIMELINE}", headers={"Authorization": f"Bearer {secret}"})
                assert ok.status_code == 200 and ok.json()["ok"] is True
            assert client.get(f"{base}/watches/{WATCH}", follow_redirects=False).status_code == 303  # to /login
    finally:
        stop_server(proc)
        log.unlink(missing_ok=True)


def test_serving_etag_and_304(served: Served) -> None:
    base, token, _, _ = served
    with _fresh() as client:
        first = client.get(f"{base}{TIMELINE}")
        etag = first.headers["etag"]
        assert first.status_code == 200 and re.fullmatch(r'W/"\d+-[0-9a-f]{16}"', etag)
        assert first.headers["cache-control"] == "private, no-cache"
        for _ in range(6):  # every worker validates the same ETag
            again = client.get(f"{base}{TIMELINE}", headers={"If-None-Match": etag})
            assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
            assert again.headers["content-security-policy"]  # the security headers are still there
        assert client.get(f"{base}{TIMELINE}", headers={"If-None-Match": 'W/"0-0"'}).status_code == 200
        page = f"{base}/watches/{WATCH}"
        page_etag = client.get(page).headers["etag"]
        # A browser without the token cookie gets the whole page (and the cookie), never a 304.
        bare = client.get(page, headers={"If-None-Match": page_etag})
        assert bare.status_code == 200 and bare.cookies.get("vigil_token") == token
        held = client.get(page, headers={"If-None-Match": page_etag, "Cookie": f"vigil_token={token}"})
        assert held.status_code == 304
        vendor = client.get(f"{base}/static/vendor/echarts/echarts.min.js")
        assert vendor.status_code == 200 and vendor.headers["cache-control"] == "public, max-age=86400"
        assert client.get(f"{base}/static/app.js").headers["cache-control"] == "no-cache"
        # A write changes the version: the old ETag no longer validates.
        client.post(
            f"{base}/api/watches/{WATCH}/probabilities",
            json={"outcome": "trump", "probability": 0.3, "reason": "new poll"},
            headers={"Authorization": f"Bearer {token}"},
        )
        board = client.get(f"{base}/api/watches/{WATCH}/scenarios", headers={"If-None-Match": etag})
        assert board.status_code == 200 and board.headers["etag"] != etag
        assert board.json()["item"]["log"][0]["reason"] == "new poll"


def test_serving_ingest_changes_etag_and_answer(served: Served) -> None:
    """Another process ingests the reference article: every worker answers with it, under a new ETag."""
    base, _, db, _ = served
    with _fresh() as client:
        before = [client.get(f"{base}{TIMELINE}") for _ in range(4)]
        status = client.get(f"{base}/api/status").json()["item"]
        etag = before[0].headers["etag"]
        assert {r.headers["etag"] for r in before} == {etag}
        assert {r.content for r in before} == {before[0].content}
        done = subprocess.run(
            [sys.executable, "-m", "vigil", "--db", str(db), "ingest", str(REFERENCE_ARTICLE)],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        after = [client.get(f"{base}{TIMELINE}", headers={"If-None-Match": etag}) for _ in range(4)]
        assert [r.status_code for r in after] == [200] * 4
        assert len({r.headers["etag"] for r in after}) == 1 and after[0].headers["etag"] != etag
        assert after[0].content != before[0].content
        # The Wikinews articles were stored without extraction: the timeline had no event, and now
        # has the reference article's development, cited by the sentence of its key event.
        assert before[0].json()["items"] == []
        [entry] = after[0].json()["items"]
        assert entry["date"] == "2024-01-27" and "gov:JPN" in entry["actors"]
        assert entry["citation"]["sentence"].startswith("Meanwhile, the Japanese government is making")
        now = client.get(f"{base}/api/status").json()["item"]
        assert now["articles"] == status["articles"] + 1


def test_serving_workers_on_postgresql(backend: str, new_db: Callable[[], str]) -> None:
    """Two workers on a PostgreSQL store: a write through one is seen, under a new ETag, by both."""
    if backend != "postgresql":
        pytest.skip("the SQLite store is served by the tests above")
    from vigil.analyze.watches import example_watches, parse_watch
    from vigil.config import load_settings
    from vigil.ingest.job import ingest
    from vigil.store import analysis as analysis_store
    from vigil.store import open_store

    url = new_db()
    with open_store(url) as store:
        assert ingest([str(REFERENCE_ARTICLE)], store, load_settings(env={}), extractor=None).ingested == 1
        text = example_watches()["japan-us-2024.yaml"]
        analysis_store.save_watch_yaml(store, parse_watch(text, source=WATCH).name, text)
    proc, base, log = start_server(url, workers=2, env=_env())
    try:
        token = re.search(r"Bearer \.\.\.\): (\S+)", log.read_text())
        assert token, log.read_text()
        board = f"{base}/api/watches/{WATCH}/scenarios"
        with _fresh() as client:
            etag = client.get(board).headers["etag"]
            assert all(client.get(board, headers={"If-None-Match": etag}).status_code == 304 for _ in range(4))
            posted = client.post(
                f"{base}/api/watches/{WATCH}/probabilities",
                json={"outcome": "democrats", "probability": 0.6, "reason": "primaries"},
                headers={"Authorization": f"Bearer {token.group(1)}"},
            )
            assert posted.status_code == 201
            for _ in range(4):
                r = client.get(board, headers={"If-None-Match": etag})
                assert r.status_code == 200 and r.headers["etag"] != etag
                assert r.json()["item"]["log"][0]["reason"] == "primaries"
    finally:
        stop_server(proc)
        log.unlink(missing_ok=True)


def test_serving_bench_serve_reports_the_mixed_load(wikinews_store: Path, tmp_path: Path) -> None:
    """``vigil bench --serve``: a short run prints every figure, with each kind of the dashboard's reads,
    the server's memory, and an ingest of one more real article shown without a restart."""
    db = copy_store(wikinews_store, tmp_path / "bench.db")
    guardian = SHARED / "corpus" / "guardian_sample" / "articles.jsonl"
    one = next(line for line in guardian.read_text(encoding="utf-8").splitlines() if '"date": "2019-04' in line)
    more = tmp_path / "one.jsonl"
    more.write_text(one + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "vigil", "--db", str(db), "bench", "--serve", "--workers", "2"]
        + ["--clients", "1", "--clients", "3", "--duration", "3", "--warmup", "1", "--ingest-after", str(more)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["workers"] == 2 and report["cache"] is True
    assert [r["clients"] for r in report["runs"]] == [1, 3]
    for run in report["runs"]:
        assert run["errors"] == 0 and run["requests"] > 0
        assert run["requests_per_s"] > 0 and 0 < run["p50_ms"] <= run["p95_ms"] <= run["max_ms"]
        assert set(run["statuses"]) == {"200"}
    kinds = set(report["runs"][1]["per_kind"]) | set(report["runs"][1]["cold_ms"])
    for kind in ("overview_page", "scenarios_page", "api_network", "api_bridges", "api_trends", "search_page"):
        assert kind in kinds
    assert report["memory"]["processes"] >= 3 and report["memory"]["total_mb"] > 0  # the parent, two workers
    assert all(run["memory"]["largest_mb"] > 0 for run in report["runs"])
    ingest = report["ingest"]
    # A Guardian article of April 2019: inside the UK watch's window only.
    assert (ingest["ingested"], ingest["extracted"], ingest["views"]) == (1, 1, ["gbr-us-2020"])
    assert ingest["views_seconds"] > 0 and ingest["visible_s"] >= 0 and len(ingest["first_ms"]) == 8
    assert report["after_ingest"]["errors"] == 0 and report["after_ingest"]["requests"] > 0


def test_serving_no_cache_computes_each_request_and_still_validates(wikinews_store: Path, tmp_path: Path) -> None:
    """``--no-cache``: no answer is kept, yet ETags and 304s work, and a write still changes them."""
    from fastapi.testclient import TestClient

    from vigil.api import create_app
    from vigil.config import load_settings
    from vigil.store import analysis as analysis_store

    path = copy_store(wikinews_store, tmp_path / "nocache.db")
    app = create_app(load_settings(env={}), path, write_token="w" * 32, cache=False)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        board = f"/api/watches/{WATCH}/scenarios"
        first, second = client.get(board), client.get(board)
        assert first.status_code == second.status_code == 200 and first.headers["etag"] == second.headers["etag"]
        assert client.get(board, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        ctx = app.state.vigil
        win = ctx.window(ctx.watch(WATCH))
        assert win.keep_views is False and win.derive("x", list) is not win.derive("x", list)
        analysis_store.add_probability(ctx.store, WATCH, "trump", 0.2, "kept nowhere")
        third = client.get(board, headers={"If-None-Match": first.headers["etag"]})
        assert third.status_code == 200 and third.json()["item"]["log"][0]["reason"] == "kept nowhere"
