"""The corrections table on both backends: created on an existing store by its migration, written and read back."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from vigil.store import open_store, schema
from vigil.store.corrections import Corrections, add_correction, list_corrections


def test_migration_0010_adds_corrections_to_an_existing_store(new_db: Callable[[], str]) -> None:
    location = new_db()
    with open_store(location) as s:
        with s.transaction() as conn:
            conn.execute(text("DROP TABLE corrections"))
            conn.execute(schema.migrations.delete().where(schema.migrations.c.name == "0010_corrections"))
    with open_store(location) as s:
        assert s.applied_migrations == ["0010_corrections"]
        made = add_correction(s, "merge", "prov:tourism-ministry", {"into": "gov:JPN"}, "a Japanese ministry", "ana")
        trail = list_corrections(s)
        assert [(c.id, c.kind, c.target, c.value, c.author) for c in trail] == [
            (made.id, "merge", "prov:tourism-ministry", {"into": "gov:JPN"}, "ana")
        ]
        assert Corrections.load(s).actor("prov:tourism-ministry") == "gov:JPN"
