from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from vigil.errors import StoreError
from vigil.models import (
    Actor,
    Article,
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


def test_store_migrations_recorded_once(tmp_path: Path) -> None:
    s = open_store(tmp_path / "a.db")
    assert s.applied_migrations == ["0001_initial", "0002_fulltext"]
    s.close()
    s = open_store(tmp_path / "a.db")
    assert s.applied_migrations == []
    names = set(inspect(s.engine).get_table_names())
    assert {"articles", "events", "mentions", "actors", "vigil_migrations", "articles_fts"} <= names
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
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


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=_text,
    title=st.none() | _text,
    source=st.none() | st.text(min_size=1, max_size=40),
    published=st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
)
def test_store_article_round_trip(store: Store, text: str, title: str | None, source: str | None,
                                  published: date | None) -> None:
    art = Article(
        id=article_id(text + (title or ""), source),
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
def test_store_extraction_round_trip(store: Store, source: str | None, target: str | None, root: str | None,
                                     quad: int | None, modality: Modality, conf: float, stance: float | None,
                                     contexts: list[str]) -> None:
    art = _article("Japan relies on Aso as a bridge to Trump.")
    with store.transaction() as conn:
        store.insert_article(conn, art)
    event = Event(
        article_id=art.id, sentence_index=0, date=art.published, source_actor=source, target_actor=target,
        root=root, quad=quad, cameo="03", modality=modality, confidence=conf, extractor="t1",
        source_text="Japan", target_text="Trump", source_span=(0, 5), target_span=(35, 40), trigger_span=(6, 12),
        contexts=tuple(contexts), stance=stance,
    )
    mention = Mention(art.id, 0, 0, 5, "Japan", "GPE", "country:JPN", 0.9, "t1", "JPN", None)
    actor = Actor("prov:x", "X", "person", "JPN", "GOV", ("X",), (Role("minister", "JPN", "GOV", date(2020, 1, 1)),),
                  provisional=True)
    extraction = Extraction(
        article_id=art.id, extractor="t1", sentences=(Sentence(art.id, 0, 0, 41),), mentions=(mention,),
        events=(event,), domains=(DomainTag(art.id, 0, "diplomacy", 0.7, "t1"),),
        tones=(Tone(art.id, None, -0.2, "t1"),), actors=(actor,),
    )
    for _ in range(2):  # re-extraction replaces, never duplicates
        with store.transaction() as conn:
            store.save_extractions(conn, [extraction])
    assert store.events(article_id=art.id) == [event]
    assert store.mentions(art.id) == [mention]
    assert store.sentences(art.id) == [Sentence(art.id, 0, 0, 41)]
    assert store.domain_tags(art.id) == [DomainTag(art.id, 0, "diplomacy", 0.7, "t1")]
    assert store.tones(art.id) == [Tone(art.id, None, -0.2, "t1")]
    assert store.get_actor("prov:x") == actor
    assert store.events(domain="diplomacy") == [event]
    assert store.events(domain="trade") == []
    with store.engine.connect() as conn:
        assert conn.execute(select(schema.extractions.c.extractor)).scalars().all() == ["t1"]
    assert [a.id for batch in store.articles_to_extract("t1") for a in batch] == []
    assert [a.id for batch in store.articles_to_extract("t2") for a in batch] == [art.id]
