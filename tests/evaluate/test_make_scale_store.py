"""scripts/make-scale-store (an extracted store replicated into a larger one) and timing queries on it."""

from __future__ import annotations

import contextlib
import gc
import importlib.machinery
import importlib.util
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import Table, func, select

from tests.conftest import REPO, copy_store
from vigil.analyze.networks import build_graph
from vigil.analyze.stories import cluster_stories, story_id
from vigil.analyze.timeline import TimelineEntry, timeline
from vigil.analyze.watches import Watch, example_watches, parse_watch
from vigil.analyze.window import load_records
from vigil.errors import ConfigError
from vigil.evaluate.bench import bench_queries
from vigil.store import Store, open_store, schema
from vigil.store import analysis as analysis_store

WINDOW = (date(2020, 10, 4), date(2020, 11, 3))  # the window `vigil bench` times
COPIES = 3


def _script() -> ModuleType:
    path = REPO / "scripts" / "make-scale-store"
    loader = importlib.machinery.SourceFileLoader("make_scale_store", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@dataclass
class Scaled:
    source: Path
    target: Path
    years: int
    output: str


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory, extracted_corpus: Path) -> Scaled:
    """The extracted corpus (296 articles) replicated three times."""
    folder = tmp_path_factory.mktemp("scale")
    source = copy_store(extracted_corpus, folder / "source.db")
    with open_store(source) as store:
        total = store.count(schema.articles)
        # Stored stories, as `vigil stories --save` keeps them.
        stories = cluster_stories(analysis_store.load_articles(store))
        analysis_store.save_stories(store, stories)
    target = folder / "scaled.db"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert _script().main([str(source), str(COPIES * total), str(target)]) == 0
    found = re.search(r"(\d+) years apart", out.getvalue())
    assert found is not None, out.getvalue()
    return Scaled(source, target, int(found.group(1)), out.getvalue())


@pytest.fixture(scope="module")
def gbr() -> Watch:
    return parse_watch(example_watches()["gbr-us-2020.yaml"], source="gbr-us-2020.yaml")


def _count(store: Store, table: Table, column: str | None = None) -> int:
    col = func.count(func.distinct(table.c[column])) if column else func.count()
    with store.engine.connect() as conn:
        return int(conn.execute(select(col).select_from(table)).scalar_one())


def _shift(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


def _shape(entry: TimelineEntry, years: int) -> tuple[object, ...]:
    """What a timeline line says, its ids left out, its date moved forward by ``years``."""
    moved = entry.date.replace(year=entry.date.year + years) if entry.date else None
    return (
        moved,
        entry.title,
        entry.reports,
        entry.key_event,
        entry.actors,
        entry.domains,
        entry.outcomes,
        entry.weight,
        entry.citation.sentence_index,
        entry.citation.text,
    )


def test_make_scale_store_multiplies_every_article_table(scaled: Scaled) -> None:
    with open_store(scaled.source) as src, open_store(scaled.target) as dst:
        tables = [schema.articles, *[t for t in schema.metadata.sorted_tables if "article_id" in t.c]]
        for table in tables:
            assert _count(dst, table) == COPIES * _count(src, table), table.name
        assert _count(dst, schema.actors) == _count(src, schema.actors) > 0
        assert _count(dst, schema.articles, "id") == _count(dst, schema.articles)
        assert _count(dst, schema.events, "id") == _count(dst, schema.events)
        assert _count(dst, schema.events) > 0 and _count(dst, schema.mentions) > 0
        # Near duplicates stay near duplicates of an article of their own copy.
        a = schema.articles
        with dst.engine.connect() as conn:
            dups = conn.execute(select(a.c.duplicate_of).where(a.c.duplicate_of.is_not(None))).scalars().all()
            ids = set(conn.execute(select(a.c.id)).scalars())
        assert set(dups) <= ids
        assert len(dups) == COPIES * src.count(a, a.c.duplicate_of.is_not(None))
    assert f"{COPIES * 296:,} articles" in scaled.output


def test_make_scale_store_copies_stories(scaled: Scaled) -> None:
    with open_store(scaled.source) as src, open_store(scaled.target) as dst:
        assert _count(dst, schema.stories) == COPIES * _count(src, schema.stories) > 0
        a, s = schema.articles, schema.stories
        with dst.engine.connect() as conn:
            stories = {r.id: r for r in conn.execute(select(s))}
            members = conn.execute(select(a.c.id, a.c.story_id, a.c.published)).all()
        assert all(sid == story_id(row.lead_article) for sid, row in stories.items())
        for article, sid, published in members:
            story = stories[sid]
            assert story.first_date <= published <= story.last_date, article


def test_make_scale_store_copies_are_in_the_fulltext_index(scaled: Scaled) -> None:
    with open_store(scaled.source) as src, open_store(scaled.target) as dst:
        for words in ("election", "prime minister"):
            original = src.articles(search=words, limit=None)
            found = dst.articles(search=words, limit=None)
            assert original and len(found) == COPIES * len(original)
        found = dst.articles(search="Vigil scale store copy 2", limit=None)
        copies = [x for x in found if x.text.endswith("(Vigil scale store, copy 2.)")]
        assert len(copies) == src.count(schema.articles)


def test_make_scale_store_shifted_window_has_the_same_timeline(scaled: Scaled, gbr: Watch) -> None:
    with open_store(scaled.source) as src, open_store(scaled.target) as dst:
        since, until = WINDOW
        original = timeline(load_records(src, since=since, until=until), gbr)
        assert original
        # Copy 0 is the source itself.
        same = timeline(load_records(dst, since=since, until=until), gbr)
        assert [e.to_dict() for e in same] == [e.to_dict() for e in original]
        for copy in range(1, COPIES):
            years = scaled.years * copy
            window = (_shift(since, years), _shift(until, years))
            records = load_records(dst, since=window[0], until=window[1])
            assert len(records.articles) == len(load_records(src, since=since, until=until).articles)
            shifted = timeline(records, gbr)
            # Lines of one day are ordered by story id, which differs between copies.
            assert sorted(map(repr, (_shape(e, years) for e in shifted))) == sorted(
                map(repr, (_shape(e, 0) for e in original))
            )
            assert {e.story for e in shifted}.isdisjoint({e.story for e in original})
            graph = build_graph(records, since=window[0], until=window[1]).graph
            source_graph = build_graph(load_records(src, since=since, until=until), since=since, until=until).graph
            assert sorted(graph.edges(data="weight")) == sorted(source_graph.edges(data="weight"))


def test_make_scale_store_refuses_a_store_with_articles(scaled: Scaled) -> None:
    with pytest.raises(SystemExit):
        _script().main([str(scaled.source), "10", str(scaled.source)])


def test_bench_queries_times_an_existing_store(scaled: Scaled) -> None:
    frozen = gc.get_freeze_count()
    figures = bench_queries(str(scaled.target), query_runs=2)
    assert figures["articles"] == COPIES * 296
    assert figures["events"] > 0 and figures["mentions"] > 0
    latency = figures["query_latency_ms"]
    assert latency["window"] == [WINDOW[0].isoformat(), WINDOW[1].isoformat()]
    # Timed as the server runs (start-up objects frozen), and the collector left as it was after.
    assert latency["gc"] == "server" and gc.get_freeze_count() == frozen
    for call in ("timeline", "network", "search"):
        assert latency[call]["runs"] == 2
        assert 0 <= latency[call]["p50"] <= latency[call]["p95"]


def test_bench_queries_refuses_a_missing_store(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        bench_queries(str(tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()
