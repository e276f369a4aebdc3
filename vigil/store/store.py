"""The store: one interface over SQLAlchemy Core, SQLite by default.

Callers never see SQL. Every statement is built with SQLAlchemy expressions and
bound parameters; the only backend-specific code is full-text search and
"insert, ignoring duplicates".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from vigil.errors import StoreError
from vigil.models import Article, DateSource, Rejection
from vigil.store import schema
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


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    """Articles, extraction results and analyses, behind one interface.

    Args:
        location: a SQLite file path or a database URL.
    """

    def __init__(self, location: str | Path) -> None:
        self.location = str(location)
        self.url = store_url(location)
        if self.url.startswith("sqlite:///"):
            path = Path(self.url[len("sqlite:///") :])
            if path.exists() and path.is_dir():
                raise StoreError(f"Store path {path} is a directory. Give a file path, e.g. {path / 'vigil.db'}.")
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(self.url)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"Cannot open store {self.location}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            with self.engine.begin() as conn:
                self.applied_migrations = apply_migrations(conn)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Cannot open store {self.location}: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}. "
                "Check the path or URL, and that the file is a Vigil store."
            ) from None

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
    def transaction(self) -> Iterator[Connection]:
        """One atomic unit of writes: all of it lands, or none of it."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"Write to {self.location} failed: {exc.orig}. Nothing of this batch was stored.") from None

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

    def insert_article(self, conn: Connection, article: Article) -> None:
        conn.execute(self.insert_ignore(schema.articles).values(**_article_row(article)))

    def insert_minhash(self, conn: Connection, article_id: str, signature: bytes, band_keys: Sequence[str]) -> None:
        conn.execute(self.insert_ignore(schema.minhashes).values(article_id=article_id, signature=signature))
        conn.execute(schema.lsh_bands.insert(), [{"band_key": k, "article_id": article_id} for k in band_keys])

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
                rows = conn.execute(select(a).where(a.c.id.startswith(article_id, autoescape=True)).limit(2)).mappings().all()
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
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[Article]:
        """Articles matching the filters, newest first (best match first when searching).

        Args:
            search: words that must all appear in the title or text.
            since, until: inclusive publication-date bounds.
            source: exact source (outlet) name.
            include_duplicates: False hides near duplicates of other articles.
            limit, offset: paging; ``limit=None`` returns all.
        """
        a = schema.articles
        stmt = select(a)
        if since is not None:
            stmt = stmt.where(a.c.published >= since)
        if until is not None:
            stmt = stmt.where(a.c.published <= until)
        if source is not None:
            stmt = stmt.where(a.c.source == source)
        if not include_duplicates:
            stmt = stmt.where(a.c.duplicate_of.is_(None))
        order: list[Any] = [a.c.published.desc(), a.c.id]
        if search:
            words = _WORD_RE.findall(search)
            if not words:
                return []
            if self.dialect == "sqlite":
                match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
                fts = select(text("rowid AS rid"), text("rank AS rnk")).select_from(text("articles_fts")).where(
                    text("articles_fts MATCH :q").bindparams(q=match)
                ).subquery()
                stmt = stmt.join(fts, fts.c.rid == text("articles.rowid"))
                order = [fts.c.rnk, a.c.id]
            else:
                doc = func.to_tsvector("simple", func.coalesce(a.c.title, "") + " " + a.c.text)
                query = func.plainto_tsquery("simple", " ".join(words))
                stmt = stmt.where(doc.op("@@")(query))
                order = [func.ts_rank(doc, query).desc(), a.c.id]
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
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(a)).scalar_one()
            dups = conn.execute(select(func.count()).where(a.c.duplicate_of.is_not(None))).scalar_one()
            undated = conn.execute(select(func.count()).where(a.c.published.is_(None))).scalar_one()
            first, last = conn.execute(select(func.min(a.c.published), func.max(a.c.published))).one()
            sources = conn.execute(
                select(a.c.source, func.count()).group_by(a.c.source).order_by(func.count().desc(), a.c.source)
            ).all()
            languages = conn.execute(
                select(a.c.language, func.count()).group_by(a.c.language).order_by(func.count().desc())
            ).all()
            counts = {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (schema.events, schema.mentions, schema.actors, schema.rejections, schema.extractions)
            }
        size = None
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
        }


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "title": article.title,
        "text": article.text,
        "published": article.published,
        "date_source": article.date_source.value,
        "date_note": article.date_note,
        "language": article.language,
        "ingested_at": article.ingested_at,
        "origin": article.origin,
        "duplicate_of": article.duplicate_of,
        "story_id": article.story_id,
    }


def _row_article(row: Any) -> Article:
    return Article(
        id=row["id"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
        published=row["published"],
        date_source=DateSource(row["date_source"]),
        language=row["language"],
        ingested_at=row["ingested_at"],
        origin=row["origin"],
        date_note=row["date_note"],
        duplicate_of=row["duplicate_of"],
        story_id=row["story_id"],
    )


def open_store(location: str | Path) -> Store:
    """Open (creating and migrating as needed) the store at ``location``."""
    return Store(location)
