from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, inspect, select, text

from vigil.analyze.window import VIEW_MIN_CONFIDENCE, load_records
from vigil.errors import StoreError
from vigil.models import (
    Actor,
    Article,
    DateGranularity,
    DateSource,
    DomainTag,
    Event,
    Extraction,
    Mention,
    Modality,
    Role,
    Sentence,
    Tone,
    article_id,
)
from vigil.store import Store, open_store, schema
from vigil.store.migrations import MIGRATIONS


def _article(text: str, source: str | None = "example.org", published: date | None = date(2024, 1, 27)) -> Article:
    return Article(
        id=article_id(text, source),
        text=text,
        title="A title",
        url="https://example.org/a",
        source=source,
        published=published,
        date_source=DateSource.FIELD if published else DateSource.NONE,
        language="en",
        ingested_at=datetime(2024, 2, 1, 12, 0, 0),
        origin="test",
    )


def test_store_migrations_recorded_once(new_db: Callable[[], str], backend: str) -> None:
    location = new_db()
    s = open_store(location)
    assert s.applied_migrations == sorted(name for name, _ in MIGRATIONS)
    assert s.dialect == backend
    s.close()
    s = open_store(location)
    assert s.applied_migrations == []
    names = set(inspect(s.engine).get_table_names())
    assert {"articles", "events", "mentions", "actors", "vigil_migrations", "lsh_bands"} <= names
    with s.engine.connect() as conn:
        if backend == "sqlite":
            assert "articles_fts" in names
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        else:
            indexes = {ix["name"] for ix in inspect(conn).get_indexes("articles")}
            assert "ix_articles_fts" in indexes
    s.close()


def test_store_directory_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        open_store(tmp_path)


def test_store_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="Vigil store"):
        open_store(bad)


def test_store_insert_is_idempotent(store: Store) -> None:
    art = _article("Japan strengthened ties with the United States.")
    for _ in range(2):
        with store.transaction() as conn:
            store.insert_article(conn, art)
    assert store.count(schema.articles) == 1


def test_store_fulltext_search_and_filters(store: Store) -> None:
    a = _article("Kishida met Biden in Washington to discuss the alliance.", published=date(2024, 1, 10))
    b = _article("Brexit talks resumed in Brussels on fisheries.", source="other.org", published=date(2020, 3, 1))
    c = _article("An undated note about the alliance and trade.", published=None)
    with store.transaction() as conn:
        for art in (a, b, c):
            store.insert_article(conn, art)
    assert [x.id for x in store.articles(search="alliance")] and {x.id for x in store.articles(search="alliance")} == {
        a.id,
        c.id,
    }
    assert [x.id for x in store.articles(search="Brexit fisheries")] == [b.id]
    assert store.articles(search='"; DROP TABLE articles; --') == []
    assert store.count(schema.articles) == 3
    assert [x.id for x in store.articles(since=date(2021, 1, 1))] == [a.id]
    assert [x.id for x in store.articles(source="other.org")] == [b.id]
    assert store.get_article(a.id[:8]) == a
    info = store.status()
    assert info["articles"] == 3 and info["undated"] == 1
    assert info["first_date"] == "2020-03-01" and info["last_date"] == "2024-01-10"


# NUL is the one character no store accepts (PostgreSQL cannot store it): see test_store_nul_is_refused.
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_text = st.text(alphabet=_chars, min_size=1, max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=_text,
    title=st.none() | _text,
    source=st.none() | st.text(alphabet=_chars, min_size=1, max_size=40),
    published=st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
)
def test_store_article_round_trip(
    store: Store, text: str, title: str | None, source: str | None, published: date | None
) -> None:
    art = Article(
        id=uuid.uuid4().hex[:24],  # the store keeps the first row of an id: every example gets its own
        text=text,
        title=title,
        url=None,
        source=source,
        published=published,
        date_source=DateSource.FIELD if published else DateSource.NONE,
        language=None,
        ingested_at=datetime(2026, 1, 1, 0, 0, 0),
        origin="hypothesis",
        date_note=None if published else "no date",
    )
    with store.transaction() as conn:
        store.insert_article(conn, art)
    assert store.get_article(art.id) == art


def _by_sentence(tone: Tone) -> int:
    return -1 if tone.sentence_index is None else tone.sentence_index


_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz:-", min_size=3, max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    source=st.none() | _ids,
    target=st.none() | _ids,
    root=st.none() | st.sampled_from(["AGREE", "ASSAULT", "CONSULT"]),
    quad=st.none() | st.integers(0, 4),
    modality=st.sampled_from(list(Modality)),
    conf=st.floats(0, 1),
    stance=st.none() | st.floats(-1, 1),
    contexts=st.lists(st.sampled_from(["trade", "security"]), max_size=2, unique=True),
)
def test_store_extraction_round_trip(
    store: Store,
    source: str | None,
    target: str | None,
    root: str | None,
    quad: int | None,
    modality: Modality,
    conf: float,
    stance: float | None,
    contexts: list[str],
) -> None:
    art = _article("Japan relies on Aso as a bridge to Trump.")
    with store.transaction() as conn:
        store.insert_article(conn, art)
    event = Event(
        article_id=art.id,
        sentence_index=0,
        date=art.published,
        source_actor=source,
        target_actor=target,
        root=root,
        quad=quad,
        cameo="03",
        modality=modality,
        confidence=conf,
        extractor="t1",
        source_text="Japan",
        target_text="Trump",
        source_span=(0, 5),
        target_span=(35, 40),
        trigger_span=(6, 12),
        contexts=tuple(contexts),
        stance=stance,
    )
    mention = Mention(art.id, 0, 0, 5, "Japan", "GPE", "country:JPN", 0.9, "t1", "JPN", None)
    directed = Tone(art.id, 0, 0.4, "t1", "country:JPN", "prov:x", 0.8)
    actor = Actor(
        "prov:x",
        "X",
        "person",
        "JPN",
        "GOV",
        ("X",),
        (Role("minister", "JPN", "GOV", date(2020, 1, 1)),),
        provisional=True,
    )
    extraction = Extraction(
        article_id=art.id,
        extractor="t1",
        sentences=(Sentence(art.id, 0, 0, 41),),
        mentions=(mention,),
        events=(event,),
        domains=(DomainTag(art.id, 0, "diplomacy", 0.7, "t1"),),
        tones=(Tone(art.id, None, -0.2, "t1"), directed),
        actors=(actor,),
    )
    for _ in range(2):  # re-extraction replaces, never duplicates
        with store.transaction() as conn:
            store.save_extractions(conn, [extraction])
    assert store.events(article_id=art.id) == [event]
    assert store.mentions(art.id) == [mention]
    assert store.sentences(art.id) == [Sentence(art.id, 0, 0, 41)]
    assert store.domain_tags(art.id) == [DomainTag(art.id, 0, "diplomacy", 0.7, "t1")]
    tones = [Tone(art.id, None, -0.2, "t1"), directed]
    assert sorted(store.tones(art.id), key=_by_sentence) == tones
    # The analyses' bulk readers (rows read by position) give the same records.
    loaded = load_records(store, article_ids=[art.id], with_kb=False, min_confidence=0.0)
    assert loaded.events == [event] and loaded.mentions == [mention]
    shown = load_records(store, article_ids=[art.id], with_kb=False)  # the default view
    assert shown.events == ([event] if conf >= VIEW_MIN_CONFIDENCE else [])
    assert list(loaded.sentences.values()) == [Sentence(art.id, 0, 0, 41)]
    assert loaded.domains == [DomainTag(art.id, 0, "diplomacy", 0.7, "t1")]
    assert sorted(loaded.tones, key=_by_sentence) == tones
    assert store.get_actor("prov:x") == actor
    assert store.events(domain="diplomacy") == [event]
    assert store.events(domain="trade") == []
    with store.engine.connect() as conn:
        assert conn.execute(select(schema.extractions.c.extractor)).scalars().all() == ["t1"]
    assert [a.id for batch in store.articles_to_extract("t1") for a in batch] == []
    assert [a.id for batch in store.articles_to_extract("t2") for a in batch] == [art.id]


# --- one behaviour on every backend ------------------------------------------------


def test_store_nul_is_refused(store: Store) -> None:
    art = _article("A text with a NUL \x00 inside.")
    with pytest.raises(StoreError, match="NUL character"), store.transaction() as conn:
        store.insert_article(conn, art)
    assert store.count(schema.articles) == 0


def test_store_long_strings_are_accepted(store: Store) -> None:
    """Column lengths in the schema are not limits: PostgreSQL accepts what SQLite accepts."""
    art = _article("An outlet with a very long name.", source="s" * 500)
    with store.transaction() as conn:
        store.insert_article(conn, art)
    assert store.get_article(art.id) == art


def test_store_insert_article_reports_whether_it_stored(store: Store) -> None:
    art = _article("Only the first writer stores an article.")
    with store.transaction() as conn:
        assert store.insert_article(conn, art) is True
        assert store.insert_article(conn, art) is False


def test_store_minhash_is_idempotent(store: Store) -> None:
    art = _article("Band rows are written once per article.")
    with store.transaction() as conn:
        store.insert_article(conn, art)
        store.insert_minhash(conn, art.id, b"sig", ["k1", "k2", "k2"])
    with store.transaction() as conn:
        store.insert_minhash(conn, art.id, b"sig", ["k1", "k2", "k3"])
    assert store.count(schema.lsh_bands) == 3
    assert store.count(schema.minhashes) == 1
    with store.engine.connect() as conn:
        assert store.lsh_candidates(conn, ["k2"]) == [(art.id, b"sig")]


def test_store_migration_0004_dedupes_lsh_bands(new_db: Callable[[], str]) -> None:
    """A store from before 0004 (band rows without a key, some twice) is deduplicated and keyed."""
    location = new_db()
    art = _article("Written twice by two racing writers.")
    with open_store(location) as s:
        with s.transaction() as conn:
            s.insert_article(conn, art)
            conn.execute(text("DROP TABLE lsh_bands"))
            conn.execute(
                text(
                    "CREATE TABLE lsh_bands (band_key VARCHAR(40) NOT NULL, article_id VARCHAR(32) NOT NULL "
                    "REFERENCES articles (id) ON DELETE CASCADE)"
                )
            )
            conn.execute(text("CREATE INDEX ix_lsh_bands_key ON lsh_bands (band_key)"))
            conn.execute(text("CREATE INDEX ix_lsh_bands_article ON lsh_bands (article_id)"))
            rows = [{"k": k, "a": art.id} for k in ("k1", "k2", "k1", "k2", "k3")]
            conn.execute(text("INSERT INTO lsh_bands (band_key, article_id) VALUES (:k, :a)"), rows)
            conn.execute(schema.migrations.delete().where(schema.migrations.c.name == "0004_lsh_unique"))
    with open_store(location) as s:
        assert s.applied_migrations == ["0004_lsh_unique"]
        assert s.count(schema.lsh_bands) == 3
        pk = inspect(s.engine).get_pk_constraint("lsh_bands")["constrained_columns"]
        assert pk == ["band_key", "article_id"]
        with s.transaction() as conn:
            s.insert_minhash(conn, art.id, b"sig", ["k1", "k2", "k3"])
        assert s.count(schema.lsh_bands) == 3


def test_store_orders_nulls_as_sqlite_does(store: Store) -> None:
    """Undated articles and events come last in newest-first lists, on every backend."""
    dated = _article("A dated report on the summit.", published=date(2024, 1, 10))
    older = _article("An older dated report on the summit.", published=date(2023, 1, 10))
    undated = _article("An undated report on the summit.", published=None)
    with store.transaction() as conn:
        for art in (undated, dated, older):
            store.insert_article(conn, art)
    assert [a.id for a in store.articles()] == [dated.id, older.id, undated.id]
    events = [
        Event(
            article_id=art.id,
            sentence_index=0,
            date=art.published,
            source_actor="country:JPN",
            target_actor=None,
            root="CONSULT",
            quad=1,
            cameo=None,
            modality=Modality.ASSERTED,
            confidence=0.5,
            extractor="t1",
        )
        for art in (undated, dated, older)
    ]
    extractions = [
        Extraction(
            article_id=e.article_id,
            extractor="t1",
            events=(e,),
            domains=(
                DomainTag(e.article_id, 0, "diplomacy", 0.5, "t1"),
                DomainTag(e.article_id, None, "trade", 0.9, "t1"),
            ),
            tones=(Tone(e.article_id, 0, 0.1, "t1"), Tone(e.article_id, None, 0.2, "t1")),
        )
        for e in events
    ]
    with store.transaction() as conn:
        store.save_extractions(conn, extractions)
    assert [e.date for e in store.events()] == [date(2024, 1, 10), date(2023, 1, 10), None]
    # Article-level rows (sentence index None) come first, as SQLite sorts NULLs in ascending order.
    assert [d.sentence_index for d in store.domain_tags(dated.id)] == [None, 0]
    assert [t.sentence_index for t in store.tones(dated.id)] == [None, 0]


def test_store_status_orders_null_sources_first(store: Store) -> None:
    with store.transaction() as conn:
        store.insert_article(conn, _article("From a known outlet.", source="b.org"))
        store.insert_article(conn, _article("From nowhere in particular.", source=None))
        store.insert_article(conn, _article("From another outlet.", source="a.org"))
    assert [s["source"] for s in store.status()["sources"]] == [None, "a.org", "b.org"]


def test_store_actor_search_folds_unicode_case(store: Store) -> None:
    actors = [
        Actor("person:emile", "Émile Ségur", "person", "FRA", "GOV", (), ()),
        Actor("person:ola", "ÖLA Berg", "person", "SWE", "GOV", (), ()),
        Actor("org:x-y", "Percent 100% Party", "party", "USA", "PTY", (), ()),
        Actor("org:xa", "Plain Party", "party", "USA", "PTY", (), ()),
    ]
    with store.transaction() as conn:
        store.upsert_actors(conn, actors)
    assert [a.id for a in store.actors(search="émile")] == ["person:emile"]
    assert [a.id for a in store.actors(search="öla")] == ["person:ola"]
    assert [a.id for a in store.actors(search="ÉMILE SÉ")] == ["person:emile"]
    assert [a.id for a in store.actors(search="100%")] == ["org:x-y"]
    assert [a.id for a in store.actors(search="party")] == ["org:x-y", "org:xa"]  # by code point
    assert store.get_actor("person:emile") == actors[0]


def test_store_id_prefix_ignores_case(store: Store) -> None:
    art = _article("Looked up by the start of its id.")
    with store.transaction() as conn:
        store.insert_article(conn, art)
    assert store.get_article(art.id[:8].upper()) == art


def test_store_search_ranks_best_match_first(store: Store) -> None:
    """More occurrences of the words rank higher on both FTS5 (bm25) and PostgreSQL (ts_rank)."""
    filler = " The ministers spoke about many other matters at length during the day."
    once = _article("The alliance was mentioned once." + filler * 3)
    thrice = _article("The alliance, the alliance and again the alliance." + filler * 3)
    none = _article("Nothing relevant here." + filler)
    with store.transaction() as conn:
        for art in (once, none, thrice):
            store.insert_article(conn, art)
    assert [a.id for a in store.articles(search="alliance")] == [thrice.id, once.id]
    assert [a.id for a in store.articles(search="ALLIANCE ministers")] == [thrice.id, once.id]
    assert [a.id for a in store.articles(search="alliance", limit=1, offset=1)] == [once.id]
    assert store.articles(search="alliance nothing") == []


def test_store_postgres_search_uses_the_fulltext_index(store: Store, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("the GIN index is PostgreSQL's")
    with store.transaction() as conn:
        for i in range(50):
            store.insert_article(conn, _article(f"Report number {i} on the alliance and trade."))
        conn.execute(text("ANALYZE articles"))
    # Capture the very statement articles() runs, then ask the planner about it.
    calls: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        calls.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        assert len(store.articles(search="alliance trade", limit=None)) == 50
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    statement, parameters = calls[-1]
    with store.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
    assert "ix_articles_fts" in plan, plan


def test_store_missing_postgres_driver_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r"pip install 'vigil\[postgres\]'"):
        open_store("postgresql://vigil@127.0.0.1:1/vigil")


def test_store_unreachable_postgres_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="Cannot connect to the PostgreSQL store") as err:
        open_store("postgresql://vigil:s3cret@127.0.0.1:1/vigil")
    assert "Check the URL" in str(err.value)
    assert "s3cret" not in str(err.value)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("U.S.", {"us"}),
        ("u s", {"us"}),
        ("Erdogan", {"erdogan"}),
        ("Erdoğan", {"erdogan"}),
        ("SAO paulo", {"sao"}),
        ("e-mail", {"email"}),
        ("mail", {"email"}),
        ("3.5", {"num"}),
        ("don't", {"dont"}),
        ("Ødegaard", {"ode"}),
        ("Odegaard", set()),
    ],
)
def test_store_search_splits_and_folds_words_alike(store: Store, query: str, expected: set[str]) -> None:
    """PostgreSQL matches what FTS5 (unicode61, remove_diacritics 2) matches."""
    texts = {
        "us": "Talks with the U.S. delegation resumed.",
        "erdogan": "President Erdoğan spoke in Ankara.",
        "sao": "Floods hit São Paulo overnight.",
        "email": "The minister's e-mail was leaked.",
        "num": "Growth reached 3.5 percent.",
        "dont": "Officials said: don't panic.",
        "ode": "Martin Ødegaard scored twice.",
    }
    arts = {key: _article(t) for key, t in texts.items()}
    with store.transaction() as conn:
        for art in arts.values():
            store.insert_article(conn, art)
    found = {a.id for a in store.articles(search=query)}
    assert found == {arts[k].id for k in expected}


def test_store_actors_filtered_on_their_role_on_a_day(store: Store, kb) -> None:  # type: ignore[no-untyped-def]
    trump, kishida, japan = kb.get("person:donald-trump"), kb.get("person:fumio-kishida"), kb.get("gov:JPN")
    with store.transaction() as conn:
        store.upsert_actors(conn, [trump, kishida, japan])
    assert store.latest_date() is None  # nothing dated yet
    with store.transaction() as conn:
        store.insert_article(conn, _article("A dated article about the alliance."))
    assert store.latest_date() == date(2024, 1, 27)  # no events: the latest article's date

    def gov(day: date | None) -> list[str]:
        return [a.id for a in store.actors(sector="GOV", as_of=day)]

    assert gov(date(2024, 1, 27)) == ["gov:JPN", "person:fumio-kishida"]  # Trump: a candidate that day
    assert gov(date(2019, 6, 1)) == ["gov:JPN", "person:donald-trump"]  # Kishida: no office then
    assert gov(date(2025, 6, 1)) == ["gov:JPN", "person:donald-trump"]
    assert [a.id for a in store.actors(sector="ELI", as_of=date(2022, 6, 1))] == ["person:donald-trump"]
    assert [a.id for a in store.actors(country="JPN", as_of=date(2024, 1, 27), limit=1, offset=1)] == [
        "person:fumio-kishida"
    ]


def _dated_event(art: Article, occurred: date | None, granularity: DateGranularity | None, root: str) -> Event:
    return Event(
        art.id, 0, art.published, "country:JPN", "country:USA", root, 1, None, Modality.ASSERTED, 0.9, "t1",
        occurred=occurred, occurred_granularity=granularity,
    )  # fmt: skip


def test_store_event_dates_round_trip_and_bound_the_window(store: Store) -> None:
    """An event keeps when it happened beside its publication date; windows bound events by it."""
    art = _article("A 2024 report that recalls a 2019 meeting.", published=date(2024, 11, 20))
    recalled = _dated_event(art, date(2019, 1, 1), DateGranularity.YEAR, "CONSULT")
    reported = _dated_event(art, date(2024, 11, 20), DateGranularity.PUBLICATION, "AGREE")
    with store.transaction() as conn:
        store.insert_article(conn, art)
        store.save_extractions(conn, [Extraction(art.id, "t1", events=(recalled, reported))])
    assert sorted(store.events(), key=lambda e: e.root or "") == [reported, recalled]
    assert store.events(since=date(2023, 7, 1)) == [reported]
    assert store.events(until=date(2019, 12, 31)) == [recalled]
    window = load_records(store, since=date(2023, 7, 1), until=date(2025, 1, 31), with_kb=False, min_confidence=0)
    assert window.events == [reported]
    everything = load_records(store, with_kb=False, min_confidence=0)
    assert sorted(everything.events, key=lambda e: e.root or "") == [reported, recalled]
    assert everything.within(date(2023, 7, 1), date(2025, 1, 31)).events == [reported]
    assert recalled.occurred_label == "2019" and reported.occurred_label is None


def test_store_migration_0008_adds_event_dates(new_db: Callable[[], str]) -> None:
    """A store from before 0008 gets the event-date columns; its events keep NULL there (dated by publication)."""
    location = new_db()
    art = _article("An event stored before event dates.", published=date(2024, 2, 1))
    old = _dated_event(art, None, None, "CONSULT")
    with open_store(location) as s:
        with s.transaction() as conn:
            s.insert_article(conn, art)
            s.save_extractions(conn, [Extraction(art.id, "t1", events=(old,))])
            conn.execute(text("DROP INDEX ix_events_occurred"))
            conn.execute(text("ALTER TABLE events DROP COLUMN occurred"))
            conn.execute(text("ALTER TABLE events DROP COLUMN occurred_granularity"))
            conn.execute(schema.migrations.delete().where(schema.migrations.c.name == "0008_event_dates"))
    with open_store(location) as s:
        assert s.applied_migrations == ["0008_event_dates"]
        columns = {c["name"] for c in inspect(s.engine).get_columns("events")}
        assert {"occurred", "occurred_granularity"} <= columns
        assert s.events() == [old] and old.when == date(2024, 2, 1)
        newer = _dated_event(art, date(2024, 1, 30), DateGranularity.DAY, "AGREE")
        with s.transaction() as conn:
            s.save_extractions(conn, [Extraction(art.id, "t2", events=(newer,))])
        assert s.events() == [newer]


def test_store_keyset_pages_continue_after_the_last_key(store: Store) -> None:
    """Articles and events paged with ``after`` (a row-value comparison in SQL) equal the whole list, in order,
    dated newest first, then undated; on SQLite and PostgreSQL alike."""
    days = [date(2024, 1, 27), date(2024, 1, 27), date(2024, 1, 28), None, date(2024, 1, 26), None, date(2024, 1, 27)]
    arts = [_article(f"Article number {i} about keyset pages.", published=day) for i, day in enumerate(days)]
    events = [
        Event(a.id, s, a.published, "gov:JPN", f"gov:T{s}", "AGREE", 1, "057", Modality.ASSERTED, 0.9, "t")
        for a in arts
        for s in range(3)
    ]
    with store.transaction() as conn:
        for a in arts:
            store.insert_article(conn, a)
        store.save_extractions(
            conn, [Extraction(a.id, "t", events=tuple(e for e in events if e.article_id == a.id)) for a in arts]
        )
    whole_articles = store.articles(limit=None)
    whole_events = store.events(limit=None)
    assert len(whole_articles) == len(arts) and len(whole_events) == len(events)
    for size in (1, 2, 4):
        paged_articles: list[Article] = []
        for _ in range(len(arts) + 1):  # bounded: a page that ignored ``after`` would repeat forever
            last = paged_articles[-1] if paged_articles else None
            page = store.articles(limit=size, after=(last.published, last.id) if last else None)
            paged_articles += page
            if len(page) < size:
                break
        assert [a.id for a in paged_articles] == [a.id for a in whole_articles]
        paged_events: list[Event] = []
        for _ in range(len(events) + 1):
            e = paged_events[-1] if paged_events else None
            page_e = store.events(limit=size, after=(e.when, e.article_id, e.sentence_index, e.id) if e else None)
            paged_events += page_e
            if len(page_e) < size:
                break
        assert [x.id for x in paged_events] == [x.id for x in whole_events]
