"""The store: one interface over SQLAlchemy Core, SQLite by default.

Callers never see SQL. Every statement is built with SQLAlchemy expressions and
bound parameters; the only backend-specific code is full-text search and
"insert, ignoring duplicates".

SQLite and PostgreSQL must answer every call the same way. Where their defaults
differ the statements say what they mean: NULLs sort as SQLite sorts them
(``_desc``/``_asc``), text sorts by code point (``_binary``), ``lower()`` folds
Unicode on SQLite too, and NUL characters, which PostgreSQL cannot store, are
refused on both.
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Engine,
    Insert,
    Table,
    and_,
    column,
    create_engine,
    event,
    func,
    inspect,
    literal,
    literal_column,
    make_url,
    or_,
    select,
    table,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from vigil.errors import StoreError
from vigil.mapping import column_names, row_reader, store_row
from vigil.models import (
    STATEMENT,
    Actor,
    Article,
    DomainTag,
    Event,
    Extraction,
    Mention,
    Rejection,
    Role,
    Sentence,
    Tone,
)
from vigil.store import schema
from vigil.store.changes import EVERYTHING, Touches, record_change, watch_inputs
from vigil.store.corrections import Corrections
from vigil.store.fulltext import PG_DOCUMENT, fold_for_search
from vigil.store.migrations import apply_migrations

__all__ = ["Store", "open_store", "store_url"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def store_url(location: str | Path) -> str:
    """Turn a SQLite file path or a database URL into a SQLAlchemy URL."""
    loc = str(location)
    if "://" in loc:
        if loc.startswith("postgresql://"):
            return "postgresql+psycopg://" + loc[len("postgresql://") :]
        return loc
    return f"sqlite:///{Path(loc).expanduser()}"


def display_url(location: str | Path) -> str:
    """``location`` as it may be shown: a database URL with its password masked."""
    loc = str(location)
    if "://" not in loc:
        return loc
    try:
        return make_url(loc).render_as_string(hide_password=True)
    except ArgumentError:
        return loc


_POSTGRES_HINT = "Install the PostgreSQL driver with `pip install 'vigil[postgres]'` (psycopg 3)."
_MIGRATION_LOCK = 7_460_301  # pg_advisory_xact_lock key: one migrator at a time per database


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _read_only(url: str) -> bool:
    """True when a SQLite store's file, folder or file system cannot be written."""
    if not url.startswith("sqlite:///"):
        return False
    path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return (path.exists() and not os.access(path, os.W_OK)) or not os.access(folder, os.W_OK)


def _sqlite_pragmas(busy_ms: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # SQLite's lower() folds ASCII only; PostgreSQL's folds all of Unicode. Case-insensitive
        # filters (icontains) must match the same rows on both.
        dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")  # first: the WAL switch below may wait for a lock
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return on_connect


def _locked(exc: BaseException, location: str, busy_timeout: float) -> str | None:
    """A clear message for SQLite's "database is locked", else None."""
    if "locked" not in str(getattr(exc, "orig", exc)).lower():
        return None
    return (
        f"The store {location} is locked: another process kept writing to it for more than "
        f"{busy_timeout:g} s (setting db.busy_timeout). Nothing of this batch was stored; run again when "
        "the other writer is done, or give it longer with --set db.busy_timeout=SECONDS."
    )


# PostgreSQL refusing writes: SQLSTATE 25006 (read_only_sql_transaction), 53100 (disk_full), and the
# "could not extend/write file" errors of a file system that is full or over its file-size limit.
_PG_READ_ONLY = "25006"
_PG_DISK_FULL = "53100"
_NO_SPACE = re.compile(r"No space left on device|File too large|Disk quota exceeded", re.I)


def _server_refused(exc: BaseException, location: str) -> str | None:
    """A clear message for a PostgreSQL server that refuses writes (read-only, disk full), else None."""
    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None)
    diag = getattr(orig, "diag", None)
    primary = str(getattr(diag, "message_primary", None) or orig).strip().splitlines()[0]
    if sqlstate == _PG_READ_ONLY:
        return (
            f"The PostgreSQL server of {location} accepts no writes: {primary}. It is read-only (a standby "
            "or replica, or default_transaction_read_only is on). Nothing of this batch was stored; the "
            "batches before it are kept. Point --db at the primary server or have it made writable, then "
            "run the same command again: what is stored already is skipped."
        )
    if sqlstate == _PG_DISK_FULL or _NO_SPACE.search(primary):
        return (
            f"The PostgreSQL server of {location} is out of disk space: {primary}. Nothing of this batch "
            "was stored; the batches before it are kept. Free space on the server's disk (or raise its "
            "limit), then run the same command again: what is stored already is skipped."
        )
    return None


class Store:
    """Articles, extraction results and analyses, behind one interface.

    Args:
        location: a SQLite file path or a database URL.
        busy_timeout: seconds a SQLite write waits for another process's write lock.
    """

    def __init__(self, location: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.location = display_url(location)
        self.busy_timeout = float(busy_timeout)
        self._change_log = True
        self.url = store_url(location)
        if self.url.startswith("sqlite:///"):
            path = Path(self.url[len("sqlite:///") :])
            if path.exists() and path.is_dir():
                raise StoreError(f"Store path {path} is a directory. Give a file path, e.g. {path / 'vigil.db'}.")
            path.parent.mkdir(parents=True, exist_ok=True)
        is_postgres = self.url.startswith("postgresql")
        try:
            # A server that does not answer fails in seconds, not after the OS's TCP timeout.
            args: dict[str, Any] = {"connect_args": {"connect_timeout": 10}} if is_postgres else {}
            self.engine: Engine = create_engine(self.url, **args)
        except ImportError as exc:
            hint = _POSTGRES_HINT if is_postgres else "Install the database driver this URL names."
            raise StoreError(f"Cannot open store {self.location}: {exc}. {hint}") from None
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Cannot open store {self.location}: {exc}. Give a SQLite file path or a URL such as "
                "postgresql://user:password@host:5432/dbname."
            ) from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas(round(self.busy_timeout * 1000)))
        try:
            with self.engine.begin() as conn:
                # Two processes opening a new store at once must not both migrate it, and a migration
                # that fails (or a process killed during one) must leave no half-made schema.
                if self.engine.dialect.name == "postgresql":
                    conn.execute(select(func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
                else:
                    # pysqlite runs DDL outside any transaction unless one is open: open it, and take
                    # the write lock now (others wait up to busy_timeout, then find the work done).
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                self.applied_migrations = apply_migrations(conn)
                # A store opened with only some migrations (tests of older stores) has no change log.
                self._change_log = inspect(conn).has_table(schema.store_changes.name)
        except OperationalError as exc:
            self.engine.dispose()
            locked = _locked(exc, self.location, self.busy_timeout)
            if locked is not None:
                raise StoreError(locked) from None
            if is_postgres:
                raise StoreError(
                    f"Cannot connect to the PostgreSQL store {self.location}: {str(exc.orig).strip()}. "
                    "Check the URL (postgresql://user:password@host:5432/dbname), that the server is "
                    "running and reachable, and that the database exists."
                ) from None
            if _read_only(self.url):
                raise StoreError(
                    f"Cannot open store {self.location}: it is read-only (the file, its folder or the file system). "
                    "Vigil writes to its store and to the -wal and -shm files beside it: make them writable, "
                    "or copy the store to a writable place. Nothing was changed."
                ) from None
            raise StoreError(
                f"Cannot open store {self.location}: {exc.orig}. "
                "Check the path or URL, and that the file is a Vigil store."
            ) from None
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(
                f"Cannot open store {self.location}: {getattr(exc, 'orig', exc)}. "
                "Check the path or URL, and that the file is a Vigil store."
            ) from None

    def version(self) -> int:
        """The store version: a number raised by every committed write transaction (see :meth:`transaction`).

        Anything computed from the store after reading version N holds at least the writes up to N;
        caches keyed by it (the server's analyses, its ETags) are never older than their key.
        """
        v = schema.store_version
        with self.engine.connect() as conn:
            return int(conn.execute(select(v.c.version).where(v.c.id == 1)).scalar_one_or_none() or 0)

    def watch_inputs(self, watch: str, start: date | None, end: date | None) -> int:
        """The last store version whose change a watch over ``[start, end]`` may see (:func:`watch_inputs`)."""
        with self.engine.connect() as conn:
            return watch_inputs(conn, watch, start, end)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self, touches: Touches = EVERYTHING) -> Iterator[Connection]:
        """One atomic unit of writes: all of it lands, or none of it.

        Its last statements raise the store version (:meth:`version`) and record what the writes may
        have changed (``touches``, :mod:`vigil.store.changes`: by default everything) in the same
        transaction, so that a reader who sees the new version sees every write of the transaction.
        Taken last, the version row's lock is never held while waiting for another lock (no deadlock
        on PostgreSQL).
        """
        try:
            with self.engine.begin() as conn:
                yield conn
                v = schema.store_version
                raised = update(v).where(v.c.id == 1).values(version=v.c.version + 1).returning(v.c.version)
                version = int(conn.execute(raised).scalar_one())
                if self._change_log:
                    record_change(conn, version, touches)
        except DBAPIError as exc:
            known = _locked(exc, self.location, self.busy_timeout) or _server_refused(exc, self.location)
            raise StoreError(
                known or f"Write to {self.location} failed: {str(exc.orig).strip()}. Nothing of this batch was stored."
            ) from None

    def insert_ignore(self, table: Table) -> Insert:
        """An INSERT that skips rows whose key already exists (idempotent writes)."""
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        return sqlite.insert(table).on_conflict_do_nothing()

    # --- articles -------------------------------------------------------------

    def existing_ids(self, conn: Connection, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        a = schema.articles
        return set(conn.execute(select(a.c.id).where(a.c.id.in_(list(ids)))).scalars())

    def insert_article(self, conn: Connection, article: Article) -> bool:
        """Insert ``article`` unless its id is stored; True when this call stored it.

        Two writers racing on one article both succeed, and exactly one of them gets True.
        """
        row = article_row(article)
        _refuse_nul(row, f"Article {article.id}")
        stmt = self.insert_ignore(schema.articles).values(**row).returning(schema.articles.c.id)
        return conn.execute(stmt).scalar_one_or_none() is not None

    def insert_minhash(self, conn: Connection, article_id: str, signature: bytes, band_keys: Sequence[str]) -> None:
        """Store an article's MinHash signature and LSH band keys (idempotent)."""
        conn.execute(self.insert_ignore(schema.minhashes).values(article_id=article_id, signature=signature))
        rows = [{"band_key": k, "article_id": article_id} for k in sorted(set(band_keys))]
        if rows:
            conn.execute(self.insert_ignore(schema.lsh_bands), rows)

    def lsh_candidates(self, conn: Connection, band_keys: Sequence[str]) -> list[tuple[str, bytes]]:
        """Stored articles sharing at least one LSH band with the given keys, oldest first."""
        b, m, a = schema.lsh_bands, schema.minhashes, schema.articles
        ids = select(b.c.article_id).where(b.c.band_key.in_(list(band_keys))).distinct().subquery()
        rows = conn.execute(
            select(m.c.article_id, m.c.signature)
            .join(ids, ids.c.article_id == m.c.article_id)
            .join(a, a.c.id == m.c.article_id)
            .where(a.c.duplicate_of.is_(None))
            .order_by(a.c.ingested_at, a.c.id)
        )
        return [(r[0], r[1]) for r in rows]

    def add_rejections(self, conn: Connection, items: Iterable[Rejection], at: Any) -> None:
        rows = [{"origin": r.origin, "location": r.location, "reason": r.reason, "at": at} for r in items]
        if rows:
            conn.execute(schema.rejections.insert(), rows)

    def get_article(self, article_id: str) -> Article | None:
        a = schema.articles
        with self.engine.connect() as conn:
            row = conn.execute(select(a).where(a.c.id == article_id)).mappings().first()
            if row is None and len(article_id) >= 6:
                # Ids are lower-case hex; SQLite's LIKE ignores ASCII case and PostgreSQL's does not.
                prefix = article_id.lower()
                rows = (
                    conn.execute(select(a).where(a.c.id.startswith(prefix, autoescape=True)).limit(2)).mappings().all()
                )
                row = rows[0] if len(rows) == 1 else None
        return _row_article(row) if row is not None else None

    def articles(
        self,
        *,
        search: str | None = None,
        since: date | None = None,
        until: date | None = None,
        source: str | None = None,
        include_duplicates: bool = True,
        include_imported: bool = False,
        limit: int | None = 50,
        offset: int = 0,
        after: tuple[date | None, str] | None = None,
    ) -> list[Article]:
        """Articles matching the filters, newest first (best match first when searching).

        Args:
            search: words that must all appear in the title or text.
            since, until: inclusive publication-date bounds.
            source: exact source (outlet) name.
            include_duplicates: False hides near duplicates of other articles.
            include_imported: True also lists the provenance records of imported events (no text).
            limit, offset: paging; ``limit=None`` returns all.
            after: the ``(published, id)`` of the last article of the previous page: the page continues
                after it (newest first, undated last; not with ``search``, ordered by match).
        """
        a = schema.articles
        stmt = select(a)
        if after is not None:
            stmt = stmt.where(_after(a.c.published, (a.c.id,), after))
        if since is not None:
            stmt = stmt.where(a.c.published >= since)
        if until is not None:
            stmt = stmt.where(a.c.published <= until)
        if source is not None:
            stmt = stmt.where(a.c.source == source)
        if not include_duplicates:
            stmt = stmt.where(a.c.duplicate_of.is_(None))
        if not include_imported:
            stmt = stmt.where(a.c.imported.is_(None))
        order: list[Any] = [_desc(a.c.published), a.c.id]
        if search:
            words = _WORD_RE.findall(search)
            if not words:
                return []
            if self.dialect == "sqlite":
                match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
                fts = table("articles_fts", column("rowid"), column("rank"))
                stmt = stmt.join(fts, fts.c.rowid == literal_column("articles.rowid")).where(
                    literal_column("articles_fts").op("MATCH")(match)
                )
                order = [fts.c.rank, a.c.id]
            else:
                # The very expression of the GIN index ix_articles_fts (migration 0006), so the planner uses it;
                # it splits and folds words as FTS5 does (vigil.store.fulltext).
                doc: ColumnElement[Any] = literal_column(PG_DOCUMENT)
                query = func.plainto_tsquery(literal_column("'simple'::regconfig"), fold_for_search(" ".join(words)))
                stmt = stmt.where(doc.op("@@")(query))
                # Normalisation 1 (divide by 1 + log(length)), like bm25, ranks a shorter text first.
                order = [func.ts_rank(doc, query, 1).desc(), a.c.id]
        stmt = stmt.order_by(*order).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [_row_article(r) for r in conn.execute(stmt).mappings()]

    def rejections(self, limit: int = 100) -> list[Rejection]:
        r = schema.rejections
        with self.engine.connect() as conn:
            rows = conn.execute(select(r).order_by(r.c.id.desc()).limit(limit)).mappings()
            return [Rejection(x["origin"], x["location"], x["reason"]) for x in rows]

    def count(self, table: Table, *where: Any) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

    def status(self) -> dict[str, Any]:
        """Counts, date range, sources, languages, location and size of the store."""
        a = schema.articles
        real = a.c.imported.is_(None)  # provenance records of imported events are not articles
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(a).where(real)).scalar_one()
            dups = conn.execute(select(func.count()).where(real, a.c.duplicate_of.is_not(None))).scalar_one()
            undated = conn.execute(select(func.count()).where(real, a.c.published.is_(None))).scalar_one()
            first, last = conn.execute(select(func.min(a.c.published), func.max(a.c.published)).where(real)).one()
            sources = conn.execute(
                select(a.c.source, func.count())
                .where(real)
                .group_by(a.c.source)
                .order_by(func.count().desc(), _asc(self._binary(a.c.source)))
            ).all()
            languages = conn.execute(
                select(a.c.language, func.count())
                .where(real)
                .group_by(a.c.language)
                .order_by(func.count().desc(), _asc(self._binary(a.c.language)))
            ).all()
            counts = {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (
                    schema.events,
                    schema.mentions,
                    schema.actors,
                    schema.rejections,
                    schema.extractions,
                    schema.gkg_records,
                )
            }
            e = schema.events
            by_coder = conn.execute(
                select(e.c.coder, func.count()).group_by(e.c.coder).order_by(self._binary(e.c.coder))
            ).all()
            size = None
            if self.dialect == "postgresql":
                size = conn.execute(select(func.pg_database_size(func.current_database()))).scalar_one()
        if self.dialect == "sqlite":
            path = Path(self.url[len("sqlite:///") :])
            size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
        return {
            "store": self.location,
            "backend": self.dialect,
            "size_bytes": size,
            "articles": total,
            "near_duplicates": dups,
            "undated": undated,
            "first_date": first.isoformat() if first else None,
            "last_date": last.isoformat() if last else None,
            "sources": [{"source": s, "articles": n} for s, n in sources],
            "languages": [{"language": lang, "articles": n} for lang, n in languages],
            **counts,
            "events_by_coder": {c: n for c, n in by_coder},
        }

    # --- extraction -------------------------------------------------------------

    def save_extractions(self, conn: Connection, extractions: Sequence[Extraction]) -> None:
        """Replace the extraction rows of each article with ``extractions`` (within ``conn``'s transaction)."""
        if not extractions:
            return
        ids = [x.article_id for x in extractions]
        for tbl in schema.EXTRACTION_TABLES:
            conn.execute(tbl.delete().where(tbl.c.article_id.in_(ids)))
        now = datetime.now(UTC).replace(tzinfo=None)
        actors: dict[str, Actor] = {}
        rows: dict[Table, list[dict[str, Any]]] = {t: [] for t in schema.EXTRACTION_TABLES}
        for x in extractions:
            rows[schema.extractions].append({"article_id": x.article_id, "extractor": x.extractor, "at": now})
            for tbl, records in (
                (schema.sentences, x.sentences),
                (schema.mentions, x.mentions),
                (schema.events, {e.id: e for e in x.events}.values()),
                (schema.domain_tags, x.domains),
                (schema.tones, x.tones),
            ):
                names = tbl.c.keys()
                rows[tbl].extend(store_row(r, names) for r in records)
            for actor in x.actors:
                actors.setdefault(actor.id, actor)
        for tbl, batch in rows.items():
            if batch:
                conn.execute(tbl.insert(), batch)
        if actors:
            # Knowledge-base actors are refreshed (roles change); provisional ones never overwrite.
            self.upsert_actors(conn, [a for a in actors.values() if not a.provisional], replace=True)
            self.upsert_actors(conn, [a for a in actors.values() if a.provisional], replace=False)

    def upsert_actors(self, conn: Connection, actors: Iterable[Actor], *, replace: bool = True) -> None:
        """Write actors; ``replace=False`` keeps an existing row (provisional actors never overwrite)."""
        rows = [actor_row(a) for a in actors]
        if not rows:
            return
        if replace:
            # A real upsert: concurrent writers of the same actor never collide.
            dialect = postgresql if self.dialect == "postgresql" else sqlite
            stmt = dialect.insert(schema.actors)
            updated = {c.name: stmt.excluded[c.name] for c in schema.actors.c if c.name != "id"}
            for row in sorted(rows, key=lambda r: r["id"]):
                conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=updated), row)
        else:
            conn.execute(self.insert_ignore(schema.actors), rows)

    def articles_to_extract(
        self, extractor: str, *, since: date | None = None, force: bool = False, batch: int = 200
    ) -> Iterator[list[Article]]:
        """Stored articles not yet processed by ``extractor`` (all of them with ``force``), in batches."""
        a, x = schema.articles, schema.extractions
        last = ""
        while True:
            # Provenance records of imported events have no text, and extracting them would replace their events.
            stmt = select(a).where(a.c.id > last, a.c.imported.is_(None))
            if not force:
                done = select(x.c.article_id).where(x.c.extractor == extractor)
                stmt = stmt.where(a.c.id.not_in(done))
            if since is not None:
                stmt = stmt.where(a.c.published >= since)
            with self.engine.connect() as conn:
                rows = conn.execute(stmt.order_by(a.c.id).limit(batch)).mappings().all()
            if not rows:
                return
            last = rows[-1]["id"]
            yield [_row_article(r) for r in rows]

    def unextracted_ids(self) -> set[str]:
        """The ids of stored articles that no extractor version has processed (imported records left out)."""
        a, x = schema.articles, schema.extractions
        stmt = select(a.c.id).where(a.c.imported.is_(None), a.c.id.not_in(select(x.c.article_id)))
        with self.engine.connect() as conn:
            return set(conn.execute(stmt).scalars())

    def sentences(self, article_id: str) -> list[Sentence]:
        s = schema.sentences
        with self.engine.connect() as conn:
            stmt = select(*columns(s, column_names(Sentence))).where(s.c.article_id == article_id).order_by(s.c.idx)
            return [row_reader(Sentence)(r) for r in conn.execute(stmt)]

    def mentions(self, article_id: str) -> list[Mention]:
        m = schema.mentions
        with self.engine.connect() as conn:
            stmt = select(*columns(m, MENTION_COLUMNS)).where(m.c.article_id == article_id).order_by(m.c.start)
            rows = [_row_mention(r) for r in conn.execute(stmt)]
        return Corrections.load(self).mentions(rows)

    def event_by_id(self, event_id: str) -> Event | None:
        """The stored event with this id, as extracted (before analysts' corrections)."""
        e = schema.events
        with self.engine.connect() as conn:
            row = conn.execute(select(*columns(e, EVENT_COLUMNS)).where(e.c.id == event_id)).first()
        return _row_event(row) if row is not None else None

    def events(
        self,
        *,
        article_id: str | None = None,
        actor: str | None = None,
        target: str | None = None,
        root: str | None = None,
        quad: int | None = None,
        domain: str | None = None,
        modality: str | None = None,
        since: date | None = None,
        until: date | None = None,
        min_confidence: float | None = None,
        coders: Sequence[str] | None = None,
        limit: int | None = 100,
        offset: int = 0,
        after: tuple[date | None, str, int, str] | None = None,
    ) -> list[Event]:
        """Events matching every given filter, newest first (by :attr:`Event.when`, the event date).

        Args:
            actor: source actor id.
            target: target actor id.
            root: PLOVER root; quad: quad class; modality: a :class:`Modality` value.
            domain: a policy domain tagged on the event's sentence.
            since, until: inclusive bounds on the event date (when the event happened, else the
                publication date).
            coders: only events coded by these (``VIGIL``, ``GDELT``, ``ICEWS``, ``ACLED``; any case);
                None: every coder's.
            after: the ``(event date, article id, sentence index, id)`` of the last event of the
                previous page: the page continues after it, in this order.

        Analysts' corrections are applied (:mod:`vigil.store.corrections`): rejected events are left
        out, relabelled and redated ones changed, merged and split actors read as corrected.
        """
        fixes = Corrections.load(self)
        e = schema.events
        stmt = select(*columns(e, EVENT_COLUMNS))
        if article_id is not None:
            stmt = stmt.where(e.c.article_id == article_id)
        if actor is not None:
            stmt = stmt.where(e.c.source_actor.in_(sorted(fixes.stored_ids(actor))))
        if target is not None:
            stmt = stmt.where(e.c.target_actor.in_(sorted(fixes.stored_ids(target))))
        if root is not None and root.upper() == STATEMENT:
            stmt = stmt.where(e.c.root.is_(None))
        elif root is not None:
            stmt = stmt.where(e.c.root == root.upper())
        if quad is not None:
            stmt = stmt.where(e.c.quad == quad)
        if modality is not None:
            stmt = stmt.where(e.c.modality == modality)
        when = func.coalesce(e.c.occurred, e.c.date)  # the event date (Event.when)
        if since is not None:
            stmt = stmt.where(when >= since)
        if until is not None:
            stmt = stmt.where(when <= until)
        if min_confidence is not None:
            stmt = stmt.where(e.c.confidence >= min_confidence)
        if after is not None:
            stmt = stmt.where(_after(when, (e.c.article_id, e.c.sentence_idx, e.c.id), after))
        if coders is not None:
            stmt = stmt.where(e.c.coder.in_(sorted({c.upper() for c in coders})))
        if domain is not None:
            d = schema.domain_tags
            tagged = select(d.c.article_id, d.c.sentence_idx).where(d.c.domain == domain, d.c.sentence_idx.is_not(None))
            stmt = stmt.where(tuple_(e.c.article_id, e.c.sentence_idx).in_(tagged))
        stmt = stmt.order_by(_desc(when), e.c.article_id, e.c.sentence_idx, e.c.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            rows = [_row_event(r) for r in conn.execute(stmt)]
        if not fixes:
            return rows
        return [
            x
            for x in fixes.events(rows)
            if (actor is None or x.source_actor == actor) and (target is None or x.target_actor == target)
        ]

    def domain_tags(self, article_id: str) -> list[DomainTag]:
        d = schema.domain_tags
        with self.engine.connect() as conn:
            stmt = select(*columns(d, column_names(DomainTag))).where(d.c.article_id == article_id)
            rows = conn.execute(stmt.order_by(_asc(d.c.sentence_idx), d.c.score.desc(), d.c.id))
            return [row_reader(DomainTag)(r) for r in rows]

    def tones(self, article_id: str) -> list[Tone]:
        t = schema.tones
        with self.engine.connect() as conn:
            stmt = select(*columns(t, column_names(Tone))).where(t.c.article_id == article_id)
            rows = conn.execute(stmt.order_by(_asc(t.c.sentence_idx), t.c.id))
            return [row_reader(Tone)(r) for r in rows]

    def gkg_summary(self, actor_id: str, *, themes: int = 5) -> dict[str, Any] | None:
        """What imported GDELT GKG records say of an actor (``vigil import gdelt-gkg``), or None when none names it.

        Returns:
            ``documents`` (distinct documents naming it), ``mentions`` (its name's occurrences in them),
            ``first``/``last`` (record dates), ``tone`` (mean of the documents' GDELT tone, -100..100),
            ``by_month`` (``month``, ``documents``, ``tone`` per calendar month) and ``themes`` (the
            ``themes`` most frequent GKG themes of those documents, with their document counts).
            Actors merged into ``actor_id`` by an analyst's correction count as it.
        """
        g, n = schema.gkg_records, schema.gkg_names
        ids = sorted(Corrections.load(self).stored_ids(actor_id))
        stmt = (
            select(g.c.article_id, g.c.date, g.c.tone, g.c.themes, n.c.mentions)
            .join(n, n.c.record_id == g.c.id)
            .where(n.c.actor_id.in_(ids))
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            return None
        docs: dict[str, dict[str, Any]] = {}
        for article_id, day, tone, doc_themes, mentions in rows:
            doc = docs.setdefault(article_id, {"date": None, "tones": [], "themes": set(), "mentions": 0})
            day = _as_date(day)
            if day is not None and (doc["date"] is None or day > doc["date"]):
                doc["date"] = day
            doc["tones"] += [tone] if tone is not None else []
            doc["themes"] |= set(doc_themes or ())
            doc["mentions"] = max(doc["mentions"], mentions)
        tones = {a: sum(d["tones"]) / len(d["tones"]) for a, d in docs.items() if d["tones"]}
        months: dict[str, list[str]] = {}
        for a, d in docs.items():
            if d["date"] is not None:
                months.setdefault(d["date"].strftime("%Y-%m"), []).append(a)
        theme_counts = Counter(t for d in docs.values() for t in d["themes"])
        dates = [d["date"] for d in docs.values() if d["date"] is not None]

        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 3) if values else None

        return {
            "documents": len(docs),
            "mentions": sum(d["mentions"] for d in docs.values()),
            "first": min(dates) if dates else None,
            "last": max(dates) if dates else None,
            "tone": mean(list(tones.values())),
            "by_month": [
                {"month": m, "documents": len(arts), "tone": mean([tones[a] for a in arts if a in tones])}
                for m, arts in sorted(months.items())
            ],
            "themes": [
                {"theme": t, "documents": c}
                for t, c in sorted(theme_counts.items(), key=lambda x: (-x[1], x[0]))[:themes]
            ],
        }

    def get_actor(self, actor_id: str) -> Actor | None:
        t = schema.actors
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.id == actor_id)).mappings().first()
        return _row_actor(row) if row is not None else None

    def latest_date(self) -> date | None:
        """The date lists of actors are read on by default: the latest event date, else the latest article's.

        Returns:
            That date, or None for a store without dated events or articles.
        """
        e, a = schema.events, schema.articles
        with self.engine.connect() as conn:
            day = conn.execute(select(func.max(e.c.date))).scalar_one()
            if day is None:
                day = conn.execute(select(func.max(a.c.published)).where(a.c.imported.is_(None))).scalar_one()
        return _as_date(day)

    def actors(
        self,
        *,
        country: str | None = None,
        sector: str | None = None,
        search: str | None = None,
        with_events: bool = False,
        limit: int | None = 100,
        offset: int = 0,
        as_of: date | None = None,
    ) -> list[Actor]:
        """Stored actors by id, filtered.

        Args:
            country, sector: the actor's country and sector on ``as_of`` (its role then,
                :meth:`Actor.standing_on`); with ``as_of`` None, those it has now.
            search: part of the name (case-insensitive).
            with_events: only actors that are the source or target of an event.
            limit, offset: the page.
            as_of: the day ``country`` and ``sector`` are read on.
        Returns:
            The actors, ordered by id.
        """
        if country is not None or sector is not None:
            found = self.actors(search=search, with_events=with_events, limit=None)
            wanted = (country.upper() if country else None, sector.upper() if sector else None)
            kept = [a for a in found if _stands_as(a, as_of, *wanted)]
            return kept[offset : None if limit is None else offset + limit]
        t = schema.actors
        stmt = select(t)
        if search:
            stmt = stmt.where(t.c.name.icontains(search, autoescape=True))
        if with_events:
            e = schema.events
            stmt = stmt.where(t.c.id.in_(select(e.c.source_actor).union(select(e.c.target_actor)).scalar_subquery()))
        stmt = stmt.order_by(self._binary(t.c.id)).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [_row_actor(r) for r in conn.execute(stmt).mappings()]

    def _binary(self, col: ColumnElement[Any]) -> ColumnElement[Any]:
        """``col`` compared by code point, as SQLite does; a PostgreSQL database may collate by locale."""
        return col.collate("C") if self.dialect == "postgresql" else col


def _stands_as(actor: Actor, day: date | None, country: str | None, sector: str | None) -> bool:
    standing = actor.standing_on(day)
    return (country is None or standing.country == country) and (sector is None or standing.sector == sector)


def _as_date(value: Any) -> date | None:
    """A date column's value as a date (SQLite may hand back ISO text)."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    return date.fromisoformat(str(value)[:10])


def _after(day: ColumnElement[Any], keys: Sequence[ColumnElement[Any]], last: Sequence[Any]) -> ColumnElement[bool]:
    """Rows after ``last`` in the order ``day`` descending (NULLs last), then ``keys`` ascending: a keyset
    page's condition, a row-value comparison of the keys (SQLite and PostgreSQL both have them)."""
    last_day, rest = last[0], tuple(last[1:])
    later = tuple_(*keys) > tuple_(*(literal(v) for v in rest))
    if last_day is None:
        return and_(day.is_(None), later)
    return or_(day < last_day, and_(day == last_day, later), day.is_(None))


def _desc(col: ColumnElement[Any]) -> Any:
    """Descending with NULLs last, as SQLite sorts (PostgreSQL puts them first)."""
    return col.desc().nulls_last()


def _asc(col: ColumnElement[Any]) -> Any:
    """Ascending with NULLs first, as SQLite sorts (PostgreSQL puts them last)."""
    return col.asc().nulls_first()


def _refuse_nul(row: dict[str, Any], what: str) -> None:
    for key, value in row.items():
        if isinstance(value, str) and "\x00" in value:
            raise StoreError(
                f"{what}: field {key!r} contains a NUL character, which PostgreSQL cannot store "
                "(and so no Vigil store accepts). Remove it first; Vigil's readers already do."
            )


def open_store(location: str | Path, *, busy_timeout: float = 30.0) -> Store:
    """Open (creating and migrating as needed) the store at ``location``; a SQLite write waits up to
    ``busy_timeout`` seconds for another process's write lock."""
    return Store(location, busy_timeout=busy_timeout)


# The columns the bulk readers select, in the order of the record's fields: rows are then read by
# position, which over a window's tens of thousands of rows costs less than by name.
MENTION_COLUMNS = column_names(Mention)
EVENT_COLUMNS = column_names(Event)
ARTICLE_COLUMNS = column_names(Article)
ACTOR_COLUMNS = column_names(Actor)
_read_mention = row_reader(Mention)
_read_event = row_reader(Event)
_read_article = row_reader(Article)
_read_actor = row_reader(Actor)


def columns(table: Table, names: Sequence[str]) -> list[Column[Any]]:
    """``table``'s columns ``names``, in that order (for a select read by position)."""
    return [table.c[n] for n in names]


def _row_mention(r: Sequence[Any]) -> Mention:
    """A mention from a row of :data:`MENTION_COLUMNS`."""
    return _read_mention(r)


def _row_event(r: Sequence[Any]) -> Event:
    """An event from a row of :data:`EVENT_COLUMNS`."""
    return _read_event(r)


def _row_article(row: Any) -> Article:
    """An article from a row of the ``articles`` table, by name."""
    return _read_article(tuple(row[c] for c in ARTICLE_COLUMNS))


def _row_actor(row: Any) -> Actor:
    """An actor from a row of the ``actors`` table, by name."""
    return _read_actor(tuple(row[c] for c in ACTOR_COLUMNS))


def actor_row(a: Actor) -> dict[str, Any]:
    """An actor as a JSON-ready row (roles with ISO dates), as stored."""
    return store_row(a, ACTOR_COLUMNS)


def role_row(r: Role) -> dict[str, Any]:
    """A role as a JSON-ready mapping (ISO dates) with its readable ``label``."""
    return {
        "title": r.title,
        "country": r.country,
        "sector": r.sector,
        "start": r.start.isoformat() if r.start else None,
        "end": r.end.isoformat() if r.end else None,
        "label": r.label(),
    }


def dated_actor_row(a: Actor, day: date | None) -> dict[str, Any]:
    """An actor as users see it on ``day``: ``country`` and ``sector`` are those of its role then.

    Args:
        a: the actor.
        day: the day (None: now).
    Returns:
        :func:`actor_row` with ``as_of``, the dated ``country``/``sector``, the ``role`` they come
        from (or None) and ``former`` (a former holder, ELI).
    """
    standing = a.standing_on(day)
    return {
        **actor_row(a),
        "as_of": day.isoformat() if day else None,
        "country": standing.country,
        "sector": standing.sector,
        "role": role_row(standing.role) if standing.role else None,
        "former": standing.former,
    }


def article_row(article: Article) -> dict[str, Any]:
    """An article as a row of the ``articles`` table."""
    return store_row(article, ARTICLE_COLUMNS)


def event_row(event: Event) -> dict[str, Any]:
    """An event as a row of the ``events`` table."""
    return store_row(event, EVENT_COLUMNS)


def row_event(row: Sequence[Any]) -> Event:
    """An event from a row of :data:`EVENT_COLUMNS`."""
    return _row_event(row)
