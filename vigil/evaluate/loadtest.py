"""``vigil bench --serve``: the dashboard's mixed read load against a real server process.

The load starts ``vigil serve`` on a store (its own process, its own workers), discovers what the
store holds through the API (watches, stories, articles, actors), then runs ``clients`` concurrent
clients for ``warmup`` seconds (not counted), then for ``duration`` seconds. Each client has its own
connection and walks the dashboard's reads in its own shuffled order: the overview, timeline,
network, trends and scenario pages and their JSON twins (timeline, network, bridges, scenarios,
trends), search, events, articles, an article and an actor page, the index. Every URL is requested
once before (the first computation of each is reported apart, as ``cold_ms``). With ``revalidate``,
clients keep each URL's ETag and send ``If-None-Match``, as browsers do.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

__all__ = [
    "LoadTarget",
    "discover_urls",
    "ingest_then_read",
    "run_load",
    "serve_bench",
    "server_memory",
    "start_server",
    "stop_server",
]

_READY_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class LoadTarget:
    """One URL of the mix and the kind it is counted under."""

    kind: str
    url: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    db: str,
    *,
    workers: int,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    cache: bool = True,
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start ``vigil serve`` on ``db`` as a child process and wait until it answers.

    Args:
        db: the store (SQLite path or database URL).
        workers: server worker processes.
        port: the port (default: a free one).
        extra_args: more ``vigil`` global options (e.g. ``--set key=value``), placed before ``serve``.
        env: the server's environment (default: this process's).
        cache: keep answers per store version (``--no-cache`` otherwise).
    Returns:
        The process, the base URL and the file its stderr goes to.
    Raises:
        RuntimeError: the server exited or did not answer within two minutes.
    """
    port = port or _free_port()
    log = Path(tempfile.mkstemp(prefix="vigil-serve-", suffix=".log")[1])
    cmd = [sys.executable, "-m", "vigil", "--db", db, *extra_args, "serve", "--port", str(port)]
    cmd += ["--workers", str(workers), "--cache" if cache else "--no-cache"]
    with log.open("wb") as err:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=err, env=dict(os.environ if env is None else env)
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + _READY_TIMEOUT
    headers = {"Authorization": f"Bearer {env['VIGIL_TOKEN']}"} if env and env.get("VIGIL_TOKEN") else {}
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"vigil serve exited with code {proc.returncode}: {log.read_text(errors='replace')}")
        try:
            if httpx.get(base + "/api/status", headers=headers, timeout=5.0).status_code == 200:
                return proc, base, log
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"vigil serve did not answer within {_READY_TIMEOUT:.0f} s: {log.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start_server` (SIGTERM, then SIGKILL after 15 s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _items(client: httpx.Client, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    response.raise_for_status()
    items = response.json().get("items", [])
    return list(items) if isinstance(items, list) else []


def discover_urls(base: str, *, per_kind: int = 3) -> list[LoadTarget]:
    """The dashboard's mixed reads for what the store behind ``base`` holds.

    Args:
        base: the server's base URL.
        per_kind: how many stories, articles and actors to read.
    Returns:
        The URLs, each with the kind its latency is counted under.
    """
    targets = [LoadTarget("index", "/"), LoadTarget("api_status", "/api/status")]
    with httpx.Client(base_url=base, timeout=120.0) as client:
        watches = _items(client, "/api/watches")
        words: list[str] = []
        for w in watches:
            name = quote(str(w["name"]), safe="")
            words += [str(k) for k in w.get("keywords", [])[:2]]
            for kind, path in (
                ("overview_page", f"/watches/{name}"),
                ("timeline_page", f"/watches/{name}/timeline"),
                ("network_page", f"/watches/{name}/network"),
                ("trends_page", f"/watches/{name}/trends"),
                ("scenarios_page", f"/watches/{name}/scenarios"),
                ("api_timeline", f"/api/watches/{name}/timeline"),
                ("api_network", f"/api/watches/{name}/network"),
                ("api_bridges", f"/api/watches/{name}/bridges"),
                ("api_trends", f"/api/watches/{name}/trends"),
                ("api_scenarios", f"/api/watches/{name}/scenarios"),
                ("api_stories", f"/api/watches/{name}/stories"),
            ):
                targets.append(LoadTarget(kind, path))
            for story in _items(client, f"/api/watches/{name}/stories?limit={per_kind}"):
                targets.append(LoadTarget("story_page", f"/watches/{name}/stories/{story['id']}"))
        for article in _items(client, f"/api/articles?limit={per_kind}"):
            targets.append(LoadTarget("article_page", f"/articles/{article['id']}"))
        for actor in _items(client, f"/api/actors?limit={per_kind}"):
            targets.append(LoadTarget("actor_page", f"/actors/{quote(str(actor['id']), safe='')}"))
    for word in (words or ["government"])[:per_kind]:
        q = quote(word)
        targets += [LoadTarget("search_page", f"/search?q={q}"), LoadTarget("api_search", f"/api/search?q={q}")]
    targets += [LoadTarget("api_events", "/api/events?limit=50"), LoadTarget("api_articles", "/api/articles?limit=50")]
    return targets


@dataclass
class _Tally:
    latencies: dict[str, list[float]]
    statuses: dict[int, int]
    errors: list[str]

    @classmethod
    def empty(cls) -> _Tally:
        return cls(defaultdict(list), defaultdict(int), [])


async def _client(
    base: str, targets: Sequence[LoadTarget], seed: int, stop_at: float, revalidate: bool, tally: _Tally
) -> None:
    rng = random.Random(seed)
    etags: dict[str, str] = {}
    async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
        while time.monotonic() < stop_at:
            order = list(targets)
            rng.shuffle(order)
            for t in order:
                if time.monotonic() >= stop_at:
                    return
                headers = {"If-None-Match": etags[t.url]} if revalidate and t.url in etags else {}
                started = time.perf_counter()
                try:
                    response = await client.get(t.url, headers=headers)
                    await response.aread()
                except httpx.HTTPError as exc:
                    tally.errors.append(f"{t.url}: {type(exc).__name__}")
                    continue
                tally.latencies[t.kind].append(time.perf_counter() - started)
                tally.statuses[response.status_code] += 1
                if response.status_code not in (200, 304):
                    tally.errors.append(f"{t.url}: HTTP {response.status_code}")
                etag = response.headers.get("etag")
                if etag:
                    etags[t.url] = etag


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _ms(value: float) -> float:
    return round(value * 1000.0, 1)


async def _load(base: str, targets: Sequence[LoadTarget], clients: int, duration: float, revalidate: bool) -> _Tally:
    tally = _Tally.empty()
    stop_at = time.monotonic() + duration
    await asyncio.gather(*(_client(base, targets, i, stop_at, revalidate, tally) for i in range(clients)))
    return tally


def _cold(base: str, targets: Sequence[LoadTarget]) -> dict[str, float]:
    """Each URL once, in turn (untimed by the load): the slowest first computation per kind, in ms."""
    cold: dict[str, float] = {}
    with httpx.Client(base_url=base, timeout=300.0) as client:
        for t in targets:
            started = time.perf_counter()
            client.get(t.url).raise_for_status()
            cold[t.kind] = max(cold.get(t.kind, 0.0), _ms(time.perf_counter() - started))
    return cold


def run_load(
    base: str,
    targets: Sequence[LoadTarget],
    *,
    clients: int,
    duration: float,
    revalidate: bool = False,
    warmup: float = 10.0,
) -> dict[str, Any]:
    """Run the mixed read load against a running server and summarise it.

    Args:
        base: the server's base URL.
        targets: the URLs (:func:`discover_urls`).
        clients: concurrent clients, each with its own connection.
        duration: seconds of load after the warm-up pass.
        revalidate: clients send ``If-None-Match`` with the ETag they last got for a URL.
        warmup: seconds of the same load before the measured ``duration`` (not counted), so that
            every worker has computed what it keeps.
    Returns:
        requests, requests/s, p50/p95/max latency (ms), errors, status counts, per-kind p50/p95 and
        the warm-up pass's slowest request per kind (``cold``).
    """
    cold = _cold(base, targets)
    if warmup > 0:
        asyncio.run(_load(base, targets, clients, warmup, revalidate))
    started = time.monotonic()
    tally = asyncio.run(_load(base, targets, clients, duration, revalidate))
    elapsed = time.monotonic() - started
    every = [x for xs in tally.latencies.values() for x in xs]
    return {
        "clients": clients,
        "warmup_s": warmup,
        "duration_s": round(elapsed, 1),
        "urls": len(targets),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": _ms(_pct(every, 0.50)),
        "p95_ms": _ms(_pct(every, 0.95)),
        "max_ms": _ms(max(every, default=0.0)),
        "errors": len(tally.errors),
        "error_samples": sorted(set(tally.errors))[:10],
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "per_kind": {
            k: {"n": len(v), "p50_ms": _ms(_pct(v, 0.5)), "p95_ms": _ms(_pct(v, 0.95))}
            for k, v in sorted(tally.latencies.items())
        },
        "cold_ms": cold,
    }


def server_memory(proc: subprocess.Popen[bytes]) -> dict[str, float]:
    """The resident memory of a server started by :func:`start_server`: all its processes, and the largest one (MB)."""
    import psutil

    try:
        root = psutil.Process(proc.pid)
        tree = [root, *root.children(recursive=True)]
        rss = [p.memory_info().rss / 2**20 for p in tree if p.is_running()]
    except psutil.Error:
        return {}
    return {"total_mb": round(sum(rss), 1), "largest_mb": round(max(rss, default=0.0), 1), "processes": len(rss)}


def ingest_then_read(base: str, db: str, paths: Sequence[str], *, timeout: float = 600.0) -> dict[str, Any]:
    """Ingest ``paths`` into the served store from another process, then time until the server answers
    every watch's overview, timeline, network and scenarios with the new store version.

    Returns:
        ``ingest_s`` (the ``vigil ingest`` process, extraction and the watches' views included), its
        summary (``ingested``, ``views``, ``views_seconds``), ``visible_s`` (from the ingest's end until
        each of those answers carries the new version), and the first answer's time per URL.
    """
    with httpx.Client(base_url=base, timeout=300.0) as client:
        names = [w["name"] for w in _items(client, "/api/watches")]
        urls = [u.format(name=quote(n, safe="")) for n in names for u in _AFTER_INGEST]
        before = {u: client.get(u).headers.get("etag") for u in urls}
        started = time.perf_counter()
        cmd = [sys.executable, "-m", "vigil", "--db", db, "ingest", "--json", *paths]
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        ingest_s = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise RuntimeError(f"vigil ingest failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
        summary = json.loads(done.stdout)
        ended = time.perf_counter()
        first: dict[str, float] = {}
        for u in urls:
            while time.perf_counter() - ended < timeout:
                asked = time.perf_counter()
                response = client.get(u)
                response.raise_for_status()
                if response.headers.get("etag") != before[u]:
                    first[u] = _ms(time.perf_counter() - asked)
                    break
                time.sleep(0.05)
        visible_s = time.perf_counter() - ended
    return {
        "ingest_s": round(ingest_s, 2),
        "ingested": summary.get("ingested"),
        "extracted": summary.get("extracted"),
        "views": summary.get("views"),
        "views_seconds": summary.get("views_seconds"),
        "visible_s": round(visible_s, 2),
        "first_ms": first,
    }


_AFTER_INGEST = (
    "/watches/{name}",
    "/api/watches/{name}/timeline",
    "/api/watches/{name}/network",
    "/api/watches/{name}/scenarios",
)


def serve_bench(
    db: str,
    *,
    workers: int,
    clients: Sequence[int],
    duration: float,
    revalidate: bool = False,
    warmup: float = 10.0,
    cache: bool = True,
    extra_args: Sequence[str] = (),
    ingest: Sequence[str] = (),
) -> dict[str, Any]:
    """Start a server on ``db`` with ``workers`` processes and run the load once per client count.

    With ``ingest``, then ingest those files into the store from another process and time until the
    server shows the new version (:func:`ingest_then_read`), and run the load again.

    Returns:
        ``{"store", "workers", "cpus", "memory", "runs": [...]}``, one :func:`run_load` summary per
        client count, each with the server's memory after it (``memory``: at start); with ``ingest``,
        ``"ingest"`` and ``"after_ingest"`` (the load of the largest client count again).
    """
    proc, base, log = start_server(db, workers=workers, extra_args=extra_args, cache=cache)
    after: dict[str, Any] = {}
    try:
        memory = server_memory(proc)
        targets = discover_urls(base)
        runs = []
        for n in clients:
            runs.append(run_load(base, targets, clients=n, duration=duration, revalidate=revalidate, warmup=warmup))
            runs[-1]["memory"] = server_memory(proc)
        if ingest:
            after["ingest"] = ingest_then_read(base, db, ingest)
            targets = discover_urls(base)
            n = max(clients)
            after["after_ingest"] = run_load(
                base, targets, clients=n, duration=duration, revalidate=revalidate, warmup=0
            )
            after["after_ingest"]["memory"] = server_memory(proc)
    finally:
        stop_server(proc)
        log.unlink(missing_ok=True)
    return {
        "store": db,
        "workers": workers,
        "cache": cache,
        "revalidate": revalidate,
        "cpus": os.cpu_count(),
        "memory": memory,
        "runs": runs,
        **after,
    }
