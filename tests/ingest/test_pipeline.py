from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from tests.conftest import SEED, SHARED, WIKINEWS
from vigil.config import Settings
from vigil.ingest.pipeline import ingest, ingest_records
from vigil.models import DateSource, RawArticle
from vigil.store import Store, open_store, schema


def _raw(text: str, source: str = "example.org", location: str = "1") -> RawArticle:
    return RawArticle(
        text=text,
        title=None,
        url=None,
        source=source,
        published=date(2024, 1, 27),
        date_source=DateSource.FIELD,
        origin="test",
        location=location,
        language="en",
    )


BASE = (
    "The Japanese government is keeping a vigilant eye on the unfolding U.S. presidential primaries, "
    "and officials in Tokyo are preparing for every outcome of the race, including a second Trump term. "
    "Ministers met on Friday to review the alliance, trade and the Group of Seven agenda for the year."
)


def test_pipeline_reingest_adds_nothing(store: Store, settings: Settings) -> None:
    inputs = [str(p) for p in WIKINEWS] + [str(SEED)]
    first = ingest(inputs, store, settings)
    assert first.ingested == 296 and not first.rejected
    again = ingest(inputs, store, settings)
    assert again.ingested == 0 and again.exact_duplicates == 296
    assert store.count(schema.articles) == 296


def test_pipeline_near_duplicates_are_linked_not_dropped(store: Store, settings: Settings) -> None:
    syndicated = BASE.replace("on Friday", "on Friday afternoon")
    other_outlet = BASE  # same text, another source: a different id, a near duplicate
    unrelated = "Floods hit the north of the country after a week of heavy rain, and roads were closed to traffic."
    result = ingest_records(
        [_raw(BASE), _raw(syndicated, location="2"), _raw(other_outlet, source="mirror.example", location="3"),
         _raw(unrelated, location="4")],
        store,
        settings,
    )
    assert result.ingested == 4 and result.near_duplicates == 2
    rows = store.articles(limit=None)
    original = next(a for a in rows if a.text == BASE and a.source == "example.org")
    assert original.duplicate_of is None
    dups = [a for a in rows if a.duplicate_of is not None]
    assert {a.duplicate_of for a in dups} == {original.id}
    assert next(a for a in rows if a.text == unrelated).duplicate_of is None
    # Across runs too: the LSH bands live in the store.
    later = ingest_records([_raw(BASE + " A correction was appended.", location="5")], store, settings)
    assert later.near_duplicates == 1


def test_pipeline_feed_snapshots_store_each_item_once(store: Store, settings: Settings) -> None:
    feeds = sorted((SHARED / "fixtures" / "feeds").glob("wsj_world_*.xml"))
    result = ingest([str(p) for p in feeds], store, settings, fmt="rss")
    assert result.ingested > 0 and result.exact_duplicates > 0
    texts = [a.text for a in store.articles(limit=None)]
    assert len(texts) == len(set(texts))
    again = ingest([str(p) for p in feeds], store, settings, fmt="rss")
    assert again.ingested == 0


def _consistency(db: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(db)
    try:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        without_sig = con.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM article_minhashes)"
        ).fetchone()[0]
        bands = con.execute("SELECT count(*) FROM lsh_bands").fetchone()[0]
        fts = con.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        assert without_sig == 0, "an article without its signature: a partial write"
        assert fts == articles, "full-text index out of step with articles"
        dups = con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
        return articles, bands, dups
    finally:
        con.close()


def test_pipeline_kill_9_mid_ingest_then_rerun_completes(tmp_path: Path) -> None:
    """A real subprocess killed with SIGKILL mid-ingest leaves whole batches only; a re-run completes."""
    db = tmp_path / "crash.db"
    cmd = [sys.executable, "-m", "vigil", "--db", str(db), "--set", "ingest.batch_size=5", "ingest", "--no-extract",
           *map(str, WIKINEWS)]
    env = {**os.environ, "VIGIL_EXTRACT_ENABLED": "false"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    seen = 0
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if db.exists():
            try:
                con = sqlite3.connect(db, timeout=0.1)
                seen = con.execute("SELECT count(*) FROM articles").fetchone()[0]
                con.close()
            except sqlite3.Error:
                continue
            if seen >= 20:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial, _, _ = _consistency(db)
    assert 0 < partial < 295, f"the kill should land mid-ingest (stored {partial})"
    rerun = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert rerun.returncode == 0, rerun.stderr
    reference = tmp_path / "reference.db"
    subprocess.run([*cmd[:4], str(reference), *cmd[5:]], check=True, capture_output=True, env=env)
    assert _consistency(db) == _consistency(reference)
    with open_store(db) as a, open_store(reference) as b:
        assert sorted(x.id for x in a.articles(limit=None)) == sorted(x.id for x in b.articles(limit=None))
