from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, inspect, text

from vigil.store import migrations, open_store, schema, schema_0001


def _schema_of(engine: Engine) -> dict[str, Any]:
    """Every table of a store with its columns, keys and indexes, and the backend's other schema objects."""
    found: dict[str, Any] = {}
    with engine.connect() as conn:
        reflect = inspect(conn)
        for table in sorted(reflect.get_table_names()):
            found[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in reflect.get_columns(table)
                ],
                "pk": reflect.get_pk_constraint(table)["constrained_columns"],
                "fks": sorted(
                    (tuple(fk["constrained_columns"]), fk["referred_table"], str(fk.get("options")))
                    for fk in reflect.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (ix["name"], tuple(str(c) for c in ix["column_names"]), bool(ix["unique"]))
                    for ix in reflect.get_indexes(table)
                ),
            }
        found["objects"] = _other_objects(conn)
    return found


def _other_objects(conn: Connection) -> list[tuple[str, ...]]:
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index')"))
    else:
        rows = conn.execute(
            text("SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        )
    return sorted(tuple(str(v) for v in row) for row in rows)


def test_migrations_0001_is_frozen_at_its_first_form() -> None:
    """``0001_initial`` creates the first tables as they were: later migrations add the rest."""
    first = schema_0001.metadata.tables
    assert set(first) == {
        "articles",
        "article_minhashes",
        "lsh_bands",
        "rejections",
        "extractions",
        "sentences",
        "actors",
        "mentions",
        "events",
        "domain_tags",
        "tones",
    }
    assert not {"coder", "occurred", "occurred_granularity"} & set(first["events"].c.keys())
    assert "imported" not in first["articles"].c
    assert not first["lsh_bands"].primary_key.columns


def test_migrations_from_0001_build_todays_schema(
    new_db: Callable[[], str], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store migrated from the frozen 0001 through the last migration has today's tables, columns and
    indexes, and the very schema (types, keys, defaults) that ``create_all`` of today's model gave."""
    migrated = open_store(new_db())
    by_steps = _schema_of(migrated.engine)
    migrated.close()

    def create_all(conn: Connection) -> None:
        schema.metadata.create_all(conn)

    todays = [(name, create_all if name == "0001_initial" else fn) for name, fn in migrations.MIGRATIONS]
    monkeypatch.setattr(migrations, "MIGRATIONS", todays)
    created = open_store(new_db())
    at_once = _schema_of(created.engine)
    created.close()

    assert by_steps == at_once
    tables = {
        name: spec for name, spec in by_steps.items() if name != "objects" and not name.startswith("articles_fts")
    }
    assert set(tables) == set(schema.metadata.tables)
    for name, table in schema.metadata.tables.items():
        assert [c[0] for c in tables[name]["columns"]] == list(table.c.keys()), name
        fulltext = {"ix_articles_fts"} if name == "articles" and backend == "postgresql" else set()
        assert {ix[0] for ix in tables[name]["indexes"]} == {ix.name for ix in table.indexes} | fulltext, name
