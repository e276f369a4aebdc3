"""Named schema migrations, applied in order on open and recorded in ``vigil_migrations``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, select, text

from vigil.store import schema, schema_0001
from vigil.store.fulltext import PG_DOCUMENT

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
    """The first tables: articles, near-duplicate signatures, rejections and extraction (frozen)."""
    schema_0001.metadata.create_all(conn)


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


@migration("0004_lsh_unique")
def _lsh_unique(conn: Connection) -> None:
    """One row per (band_key, article_id): drop duplicate band rows and add the primary key.

    Two writers storing the same article at once could both insert its band rows. The band table
    of ``0001_initial`` is rebuilt (SQLite cannot add a primary key in place); stores whose
    ``0001_initial`` created a later schema already have the key.
    """
    if inspect(conn).get_pk_constraint("lsh_bands").get("constrained_columns") == ["band_key", "article_id"]:
        return
    for name in ("ix_lsh_bands_key", "ix_lsh_bands_article"):
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    conn.execute(text("ALTER TABLE lsh_bands RENAME TO lsh_bands_old"))
    schema.lsh_bands.create(conn)
    conn.execute(
        text(
            "INSERT INTO lsh_bands (band_key, article_id) "
            "SELECT DISTINCT band_key, article_id FROM lsh_bands_old ORDER BY band_key, article_id"
        )
    )
    conn.execute(text("DROP TABLE lsh_bands_old"))


@migration("0005_unbounded_strings")
def _unbounded_strings(conn: Connection) -> None:
    """PostgreSQL enforces ``VARCHAR(n)`` lengths and SQLite does not: lift them so both accept the same rows.

    The lengths in ``schema`` document typical sizes; a long source name must not fail a batch on one
    backend only. A later migration that adds a ``String(n)`` column must lift its limit the same way.
    """
    if conn.dialect.name != "postgresql":
        return
    names = set(schema.metadata.tables)
    rows = conn.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = 'character varying' "
            "AND character_maximum_length IS NOT NULL"
        )
    ).all()
    for table_name, column_name in rows:
        if table_name in names:
            conn.execute(text(f'ALTER TABLE "{table_name}" ALTER COLUMN "{column_name}" TYPE varchar'))


@migration("0006_postgres_fulltext")
def _postgres_fulltext(conn: Connection) -> None:
    """Index the search document that matches what FTS5 matches (see ``vigil.store.fulltext``)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text("DROP INDEX IF EXISTS ix_articles_fts"))
    conn.exec_driver_sql(f"CREATE INDEX ix_articles_fts ON articles USING GIN (({PG_DOCUMENT}))")


@migration("0003_watches")
def _watches(conn: Connection) -> None:
    for table in schema.ANALYSIS_TABLES:
        table.create(conn, checkfirst=True)


@migration("0007_imported_events")
def _imported_events(conn: Connection) -> None:
    """Events coded by other systems (``vigil import``): ``events.coder`` and ``articles.imported``.

    Existing events are Vigil's own (``coder`` VIGIL). Stores whose ``0001_initial`` created a
    later schema already have both columns. The columns are unbounded ``varchar`` on PostgreSQL (see ``0005``).
    """
    found = {c["name"] for c in inspect(conn).get_columns("events")}
    if "coder" not in found:
        kind = "VARCHAR" if conn.dialect.name == "postgresql" else "VARCHAR(16)"
        conn.execute(text(f"ALTER TABLE events ADD COLUMN coder {kind} DEFAULT 'VIGIL' NOT NULL"))
    if "imported" not in {c["name"] for c in inspect(conn).get_columns("articles")}:
        kind = "VARCHAR" if conn.dialect.name == "postgresql" else "VARCHAR(16)"
        conn.execute(text(f"ALTER TABLE articles ADD COLUMN imported {kind}"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_events_coder ON events (coder)"))


@migration("0008_event_dates")
def _event_dates(conn: Connection) -> None:
    """When each event happened: ``events.occurred`` and ``events.occurred_granularity``.

    Events stored before have NULL in both, and the analyses date them by publication until
    ``vigil extract`` runs again (the extractor version changed with event dates). Stores whose
    ``0001_initial`` created a later schema already have both columns; the granularity is unbounded ``varchar`` on
    PostgreSQL (see ``0005``).
    """
    found = {c["name"] for c in inspect(conn).get_columns("events")}
    if "occurred" not in found:
        conn.execute(text("ALTER TABLE events ADD COLUMN occurred DATE"))
    if "occurred_granularity" not in found:
        kind = "VARCHAR" if conn.dialect.name == "postgresql" else "VARCHAR(16)"
        conn.execute(text(f"ALTER TABLE events ADD COLUMN occurred_granularity {kind}"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_events_occurred ON events (occurred)"))


@migration("0010_corrections")
def _corrections(conn: Connection) -> None:
    """Analysts' corrections of events and actors (an audit trail, applied on top of extraction)."""
    schema.corrections.create(conn, checkfirst=True)


@migration("0011_pending_deliveries")
def _pending_deliveries(conn: Connection) -> None:
    """Alert deliveries that failed, kept for a later retry."""
    schema.pending_deliveries.create(conn, checkfirst=True)


@migration("0012_store_version")
def _store_version(conn: Connection) -> None:
    """The store version (see ``schema.store_version``): its table and its one row, starting at 0."""
    schema.store_version.create(conn, checkfirst=True)
    if conn.execute(select(schema.store_version.c.id)).first() is None:
        conn.execute(schema.store_version.insert().values(id=1, version=0))


@migration("0013_unbounded_strings")
def _unbounded_strings_again(conn: Connection) -> None:
    """Lift the ``VARCHAR(n)`` lengths of the tables made after ``0005`` (corrections, pending deliveries)."""
    _unbounded_strings(conn)


@migration("0014_gkg")
def _gkg(conn: Connection) -> None:
    """GDELT GKG records of documents (``vigil import gdelt-gkg``) and the names in them.

    The string columns are created unbounded on PostgreSQL, as ``0005`` made the others.
    """
    for table in schema.GKG_TABLES:
        table.create(conn, checkfirst=True)
    _unbounded_strings(conn)


@migration("0015_watch_revisions")
def _watch_revisions(conn: Connection) -> None:
    """Who changed a watch and its outcomes: every stored version of a watch's YAML (``watch_revisions``),
    and the author of each probability revision (``scenario_probabilities.author``, '' for those made before).

    Each watch stored before gets one revision, its current YAML as of its last update, by no one known.
    """
    schema.watch_revisions.create(conn, checkfirst=True)
    if "author" not in {c["name"] for c in inspect(conn).get_columns("scenario_probabilities")}:
        kind = "VARCHAR" if conn.dialect.name == "postgresql" else "VARCHAR(100)"
        conn.execute(text(f"ALTER TABLE scenario_probabilities ADD COLUMN author {kind} DEFAULT '' NOT NULL"))
    w, r = schema.watches, schema.watch_revisions
    if conn.execute(select(r.c.id).limit(1)).first() is None:
        for name, yaml_text, updated in conn.execute(select(w.c.name, w.c.yaml, w.c.updated_at)).all():
            values = {"author": "", "reason": "stored before revisions were kept", "at": updated}
            conn.execute(r.insert().values(watch=name, yaml=yaml_text, **values))
    _unbounded_strings(conn)


@migration("0016_watch_views")
def _watch_views(conn: Connection) -> None:
    """The change log of write transactions (``store_changes``) and the kept views of each watch
    (``watch_views``). What was written before has no scope: one ``all`` change at the current version."""
    schema.store_changes.create(conn, checkfirst=True)
    schema.watch_views.create(conn, checkfirst=True)
    c, v = schema.store_changes, schema.store_version
    current = conn.execute(select(v.c.version).where(v.c.id == 1)).scalar_one_or_none() or 0
    if conn.execute(select(c.c.version).where(c.c.version == current)).first() is None:
        conn.execute(c.insert().values(version=current, scope="all"))
    _unbounded_strings(conn)
