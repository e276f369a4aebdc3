"""Named schema migrations, applied in order on open and recorded in ``vigil_migrations``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, select, text

from vigil.store import schema

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a migration; names sort in the order they must run."""

    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((name, fn))
        return fn

    return register


@migration("0001_initial")
def _initial(conn: Connection) -> None:
    schema.metadata.create_all(conn)


@migration("0002_fulltext")
def _fulltext(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
                "title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN "
                "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN "
                "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                "VALUES ('delete', old.rowid, old.title, old.text); END"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN "
                "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                "VALUES ('delete', old.rowid, old.title, old.text); "
                "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END"
            )
        )
    elif conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "CREATE INDEX IF NOT EXISTS ix_articles_fts ON articles USING GIN "
                "(to_tsvector('simple', coalesce(title, '') || ' ' || text))"
            )
        )


def apply_migrations(conn: Connection) -> list[str]:
    """Apply every migration not yet recorded; return the names applied."""
    schema.migrations.create(conn, checkfirst=True)
    done = set(conn.execute(select(schema.migrations.c.name)).scalars())
    applied = []
    for name, fn in sorted(MIGRATIONS, key=lambda m: m[0]):
        if name in done:
            continue
        fn(conn)
        conn.execute(schema.migrations.insert().values(name=name, applied_at=datetime.now(UTC).replace(tzinfo=None)))
        applied.append(name)
    return applied
