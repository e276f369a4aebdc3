"""The dashboard's views of each watch are kept in the store, per inputs version of the watch.

A write that does not touch a watch (articles published outside its window, a probability set on
another watch, an alert) leaves its inputs version and its kept views as they are; one that touches
it makes them computed again. Kept views are the views computed from the records, exactly.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SHARED, copy_store
from vigil.analyze.dashboard import (
    KEPT_VIEWS,
    Windows,
    network_view,
    refresh_views,
    scenario_view,
    timeline_view,
    trends_view,
)
from vigil.analyze.watches import Watch, example_watches, parse_watch
from vigil.config import load_settings
from vigil.ingest.job import ingest
from vigil.store import Store, open_store, schema
from vigil.store import analysis as analysis_store
from vigil.store.changes import NOTHING, Touches
from vigil.store.corrections import add_correction
from vigil.store.kept import decode, encode, keep_views, kept_views

GUARDIAN = SHARED / "corpus" / "guardian_sample" / "articles.jsonl"


def _guardian_articles(tmp_path: Path, start: date, end: date, n: int) -> Path:
    """A JSON Lines file of ``n`` real Guardian articles published in ``[start, end]``."""
    out = tmp_path / f"guardian-{start}.jsonl"
    picked = []
    for line in GUARDIAN.read_text(encoding="utf-8").splitlines():
        if line.strip() and start <= date.fromisoformat(json.loads(line)["date"]) <= end:
            picked.append(line)
        if len(picked) == n:
            break
    assert len(picked) == n
    out.write_text("\n".join(picked) + "\n", encoding="utf-8")
    return out


@pytest.fixture
def watched(extracted_corpus: Path, tmp_path: Path) -> Path:
    """The extracted corpus with the two example watches."""
    path = copy_store(extracted_corpus, tmp_path / "watched.db")
    with open_store(path) as store:
        for name, text in example_watches().items():
            analysis_store.save_watch_yaml(store, parse_watch(text, source=name).name, text)
    return path


def _views(windows: Windows, name: str) -> dict[str, object]:
    win = windows.window(_watch(name))
    return {
        "relevant": win.relevant,
        "stories": win.stories,
        "timeline": timeline_view(win),
        "network": network_view(win, since=None, until=None),
        "trends": trends_view(win),
        "scenarios": scenario_view(win),
    }


def test_kept_views_are_the_views_computed_from_the_records(watched: Path) -> None:
    settings = load_settings(env={})
    with open_store(watched) as store:
        assert set(refresh_views(store, settings)) == {"gbr-us-2020", "japan-us-2024"}
        assert refresh_views(store, settings) == {}  # nothing changed since
        computed = Windows(store, settings, keep_views=False)
        read = Windows(store, settings)
        for name in ("gbr-us-2020", "japan-us-2024"):
            fresh = _views(computed, name)
            kept = _views(read, name)
            assert set(kept) == set(KEPT_VIEWS)
            for view in KEPT_VIEWS:
                assert kept[view] == fresh[view], (name, view)
            # The reader's views all came from the store: it read no record.
            assert read.window(_watch(name))._records is None
        gbr = _views(read, "gbr-us-2020")
        assert len(gbr["relevant"]) > 80 and len(gbr["timeline"]) > 50  # type: ignore[arg-type]
        assert gbr["network"]["bridges"]  # type: ignore[index]


def _watch(name: str) -> Watch:
    return parse_watch(example_watches()[f"{name}.yaml"], source=name)


def test_a_write_recomputes_only_the_watches_it_touches(watched: Path, tmp_path: Path) -> None:
    settings = load_settings(env={})
    gbr, japan = _watch("gbr-us-2020"), _watch("japan-us-2024")
    with open_store(watched) as store:
        refresh_views(store, settings)
        inputs = {w.name: store.watch_inputs(w.name, w.start, w.end) for w in (gbr, japan)}
        # Two real Guardian articles of March 2019: inside the UK watch's window, outside Japan's.
        result = ingest([str(_guardian_articles(tmp_path, date(2019, 3, 1), date(2019, 3, 31), 2))], store, settings)
        assert result.ingested == 2
        assert store.watch_inputs(japan.name, japan.start, japan.end) == inputs[japan.name]
        assert store.watch_inputs(gbr.name, gbr.start, gbr.end) > inputs[gbr.name]
        assert set(refresh_views(store, settings)) == {gbr.name}
        # A probability set on one watch, an alert or a brief leave the other watch alone.
        before = store.watch_inputs(gbr.name, gbr.start, gbr.end)
        analysis_store.add_probability(store, japan.name, "trump", 0.4, "a test revision")
        assert store.watch_inputs(gbr.name, gbr.start, gbr.end) == before
        assert set(refresh_views(store, settings)) == {japan.name}
        board = Windows(store, settings).window(japan)
        assert scenario_view(board)["log"][0]["reason"] == "a test revision"
        # A correction may change anything: every watch is computed again.
        event = store.events(limit=1)[0]
        add_correction(store, "reject", event.id, {}, "a test correction", "tester")
        assert set(refresh_views(store, settings)) == {gbr.name, japan.name}


def test_an_ingest_keeps_the_views_of_the_watches(watched: Path, tmp_path: Path) -> None:
    """``vigil ingest`` computes the views of the watches it touched: a server finds them in the store."""
    from typer.testing import CliRunner

    from vigil.cli.main import app

    settings = load_settings(env={})
    gbr = _watch("gbr-us-2020")
    with open_store(watched) as store:
        refresh_views(store, settings)
        before = store.watch_inputs(gbr.name, gbr.start, gbr.end)
    source = _guardian_articles(tmp_path, date(2019, 4, 1), date(2019, 4, 30), 1)
    result = CliRunner().invoke(app, ["--db", str(watched), "ingest", str(source), "--no-extract"])
    assert result.exit_code == 0, result.output
    with open_store(watched) as store:
        after = store.watch_inputs(gbr.name, gbr.start, gbr.end)
        assert after > before
        windows = Windows(store, settings)
        assert set(windows.kept(gbr, after)) == set(KEPT_VIEWS)
        assert windows.window(gbr).relevant and windows.window(gbr)._records is None


def test_the_change_log_scopes_each_write(store: Store) -> None:
    """SQLite and PostgreSQL: each transaction's scope, and the inputs version of watches it gives."""
    v0 = store.watch_inputs("a", date(2020, 1, 1), date(2020, 12, 31))
    with store.transaction(Touches.published([date(2019, 5, 1), date(2019, 6, 1)])):
        pass
    assert store.watch_inputs("a", date(2020, 1, 1), date(2020, 12, 31)) == v0
    assert store.watch_inputs("b", date(2019, 6, 1), None) == store.version()
    assert store.watch_inputs("c", None, None) == store.version()
    with store.transaction(Touches.watch_rows("a")):
        pass
    assert store.watch_inputs("a", date(2020, 1, 1), date(2020, 12, 31)) == store.version()
    assert store.watch_inputs("b", date(2019, 6, 1), None) == store.version() - 1
    with store.transaction(Touches.published([date(2019, 5, 1), None])):
        pass  # an undated article: any watch may see it
    assert store.watch_inputs("b", date(2030, 1, 1), None) == store.version()
    with store.transaction(NOTHING):  # rows no view reads (alerts, briefs, deliveries)
        pass
    assert store.watch_inputs("b", date(2030, 1, 1), None) == store.version() - 1
    with store.transaction():  # a writer that does not say: everything
        pass
    assert store.watch_inputs("z", date(1990, 1, 1), date(1990, 1, 2)) == store.version()


def test_a_kept_view_is_never_replaced_by_an_older_one(store: Store) -> None:
    keep_views(store, "w", 7, "basis", 7, {"timeline": ["new"]})
    keep_views(store, "w", 5, "basis", 9, {"timeline": ["old"], "trends": ("t", date(2020, 1, 6))})
    assert kept_views(store, "w", 7, "basis") == {"timeline": ["new"]}
    assert kept_views(store, "w", 5, "basis") == {"trends": ("t", date(2020, 1, 6))}
    assert kept_views(store, "w", 7, "other basis") == {}
    assert kept_views(store, "w", 5, "basis", bodies=False) == {"trends": None}


def test_the_kept_view_codec_builds_only_the_types_it_knows() -> None:
    with pytest.raises(TypeError, match="cannot hold a Touches"):
        encode({"a": Touches("all")})  # a dataclass no view is made of
    value = {"d": date(2024, 1, 27), "t": (1, "x"), "s": frozenset({"a", "b"}), "~m": [1.5, None, True]}
    assert decode(encode(value)) == value
    forged = json.dumps({"~c": "Popen", "f": {"args": ["true"]}}).encode()
    import zlib

    with pytest.raises(ValueError, match="unknown type"):
        decode(zlib.compress(forged))


def test_settings_are_part_of_the_basis(watched: Path) -> None:
    with open_store(watched) as store:
        gbr = _watch("gbr-us-2020")
        default = Windows(store, load_settings(env={}))
        stricter = Windows(store, load_settings(env={}, overrides={"view.min_confidence": 0.9}))
        assert default.basis(gbr) != stricter.basis(gbr)
        assert default.basis(gbr) == Windows(store, load_settings(env={})).basis(gbr)


def test_a_watch_whose_views_fail_does_not_fail_the_ingest(watched: Path, tmp_path: Path) -> None:
    """A stored watch that today's rules refuse: the ingest keeps its article and computes the other
    watch's views; the refused one is left to its first reader."""
    from sqlalchemy import update
    from typer.testing import CliRunner

    from vigil.cli.main import app

    with open_store(watched) as store, store.engine.begin() as conn:
        w = schema.watches
        refused = "name: japan-us-2024\nfocal: [not, a, code]\n"
        conn.execute(update(w).where(w.c.name == "japan-us-2024").values(yaml=refused))
    source = _guardian_articles(tmp_path, date(2019, 3, 1), date(2019, 3, 31), 1)
    result = CliRunner().invoke(app, ["--db", str(watched), "ingest", str(source), "--no-extract"])
    assert result.exit_code == 0, result.output
    assert "ingested 1 " in result.output and "views of 1 watches" in result.output
    with open_store(watched) as store:
        gbr = _watch("gbr-us-2020")
        inputs = store.watch_inputs(gbr.name, gbr.start, gbr.end)
        assert set(Windows(store, load_settings(env={})).kept(gbr, inputs)) == set(KEPT_VIEWS)
