"""vigil.mapping: records written as rows or JSON and read back are equal, and a new field travels."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Table, insert, select

from vigil.mapping import column_names, record_from_json, record_json, row_reader, store_row
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
)
from vigil.store import Store, schema

AID = "a" * 24
EVENT = Event(
    AID, 3, date(2024, 1, 2), "gov:JPN", "person:donald-trump", "AGREE", 1, "057", Modality.INTENDED, 0.7, "v1",
    "Japan", "Trump", (0, 5), (20, 25), (6, 12), "verb", ("trade",), -0.2, "VIGIL", None,
    date(2024, 1, 1), DateGranularity.WEEK,
)  # fmt: skip
IMPORTED = Event(AID, 0, date(2015, 2, 18), "gov:USA", None, None, 2, "042", Modality.ASSERTED, 1.0, "gdelt",
                 coder="GDELT", import_id="gdelt:123")  # fmt: skip
ARTICLE = Article(AID, "Text.", "Title", "https://x.org/a", "x.org", date(2024, 1, 2), DateSource.FIELD, "en",
                  datetime(2024, 1, 3, 4, 5), "file.csv#2", "note", None, "s1", None)  # fmt: skip
PM = Role("prime minister", "JPN", "GOV", date(2008, 9, 24), date(2009, 9, 16))
ACTOR = Actor("person:taro-aso", "Taro Aso", "person", "JPN", "GOV", ("Aso",), (PM,), "Q312851", False)
MENTION = Mention(AID, 3, 0, 5, "Japan", "GPE", "gov:JPN", 0.9, "v1", "JPN", "GOV")
RECORDS = [EVENT, IMPORTED, ARTICLE, ACTOR, MENTION, Sentence(AID, 3, 0, 40), DomainTag(AID, None, "trade", 0.4, "v1"),
           Tone(AID, 3, -0.5, "v1", "gov:JPN", "gov:USA", 0.8)]  # fmt: skip
TABLES = {Event: schema.events, Article: schema.articles, Actor: schema.actors, Mention: schema.mentions,
          Sentence: schema.sentences, DomainTag: schema.domain_tags, Tone: schema.tones}  # fmt: skip


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_mapping_json_round_trip(record: Any) -> None:
    data = record_json(record)
    assert record_from_json(type(record), data) == record
    assert all(not isinstance(v, date | tuple) for v in data.values())  # JSON-ready


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_mapping_store_round_trip(store: Store, record: Any) -> None:
    table = TABLES[type(record)]
    assert set(column_names(type(record))) <= set(table.c.keys())
    if type(record) is not Article:
        with store.transaction() as conn:
            conn.execute(store.insert_ignore(schema.articles), store_row(ARTICLE, table_columns(schema.articles)))
    with store.transaction() as conn:
        conn.execute(insert(table), store_row(record, table_columns(table)))
    names = column_names(type(record))
    with store.engine.connect() as conn:
        row = conn.execute(select(*(table.c[n] for n in names))).one()
    assert row_reader(type(record))(tuple(row)) == record


def table_columns(table: Table) -> list[str]:
    return table.c.keys()


def test_mapping_event_id_is_stored_and_imported_ids_come_back() -> None:
    assert store_row(EVENT, column_names(Event))["id"] == EVENT.id
    row = store_row(IMPORTED, column_names(Event))
    assert row["id"] == "gdelt:123" and row["source_start"] is None
    assert row_reader(Event)(tuple(row[c] for c in column_names(Event))).import_id == "gdelt:123"


def test_mapping_extraction_round_trips_nested_records() -> None:
    x = Extraction(AID, "v1", (Sentence(AID, 3, 0, 40),), (MENTION,), (EVENT,), (), (), (ACTOR,))
    assert record_from_json(Extraction, record_json(x)) == x


def test_mapping_a_new_event_field_reaches_rows_and_json() -> None:
    """The path of docs/development.md: a field on the record and a column are all it takes."""
    wider = dataclasses.make_dataclass(
        "WiderEvent", [("certainty", float | None, dataclasses.field(default=None))], bases=(Event,), frozen=True
    )
    event = wider(**{f.name: getattr(EVENT, f.name) for f in dataclasses.fields(Event)}, certainty=0.25)
    assert record_json(event)["certainty"] == 0.25
    assert record_from_json(wider, record_json(event)) == event
    columns = [*schema.events.c.keys(), "certainty"]  # the column a migration adds
    assert "certainty" in column_names(wider)
    row = store_row(event, columns)
    assert row["certainty"] == 0.25
    assert row_reader(wider)(tuple(row[c] for c in column_names(wider))) == event
