"""Reads and writes for what the analyses keep: watches, stories, alerts, briefs, probabilities.

Also the bulk readers the analyses use to load a window of extraction records in a
few queries (instead of one query per article). Every statement is a SQLAlchemy Core
expression with bound parameters, so it runs on every backend the :class:`Store` supports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select, update

from vigil.errors import StoreError
from vigil.mapping import column_names, row_reader
from vigil.models import Actor, Alert, Article, Citation, DomainTag, Event, Mention, Sentence, Story, Tone
from vigil.store import schema
from vigil.store.changes import NOTHING, Touches
from vigil.store.corrections import Corrections
from vigil.store.store import (
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    Store,
    _asc,
    _row_actor,
    _row_article,
    _row_event,
    _row_mention,
    columns,
)

__all__ = [
    "BriefRow",
    "ProbabilityRow",
    "add_alerts",
    "add_brief",
    "add_probability",
    "delete_watch",
    "watch_history",
    "get_watch_yaml",
    "latest_brief",
    "list_alerts",
    "list_watches",
    "load_actors",
    "load_articles",
    "load_domain_tags",
    "load_events",
    "load_mentions",
    "load_sentences",
    "load_tones",
    "probabilities",
    "save_stories",
    "save_watch_yaml",
    "stories",
]

_CHUNK = 500
_read_sentence = row_reader(Sentence)
_read_domain_tag = row_reader(DomainTag)
_read_tone = row_reader(Tone)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _chunks(ids: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i : i + _CHUNK])


# --- watches --------------------------------------------------------------------------


def save_watch_yaml(
    store: Store, name: str, yaml_text: str, *, create: bool = False, author: str = "", reason: str = ""
) -> None:
    """Store (or replace) a watch's YAML text under ``name``, and keep it as a revision (:func:`watch_revisions`).

    Args:
        store: the open store.
        name: the watch's name (its key).
        yaml_text: the validated YAML document, kept verbatim.
        create: True refuses to overwrite an existing watch.
        author: who stores it ('' when not known); reason: why (may be empty).
    Raises:
        StoreError: ``create`` is set and a watch of that name exists.
    """
    w, r = schema.watches, schema.watch_revisions
    now = _now()
    with store.transaction(Touches.watch_rows(name)) as conn:
        current = conn.execute(select(w.c.yaml).where(w.c.name == name)).scalar_one_or_none()
        if current is not None and create:
            raise StoreError(f"A watch named {name!r} exists. Edit it with `vigil watch edit {name}`, or delete it.")
        if current == yaml_text:
            return  # nothing changed: no revision
        if current is not None:
            conn.execute(update(w).where(w.c.name == name).values(yaml=yaml_text, updated_at=now))
        else:
            conn.execute(w.insert().values(name=name, yaml=yaml_text, created_at=now, updated_at=now))
        conn.execute(r.insert().values(watch=name, yaml=yaml_text, author=author, reason=reason, at=now))


@dataclass(frozen=True, slots=True)
class WatchRevision:
    """One stored version of a watch's YAML: by whom ('' when not recorded), when and why."""

    id: int
    watch: str
    yaml: str
    author: str
    reason: str
    at: datetime


def watch_revisions(store: Store, name: str) -> list[WatchRevision]:
    """Every stored version of the watch ``name``, oldest first."""
    r = schema.watch_revisions
    with store.engine.connect() as conn:
        rows = conn.execute(select(r).where(r.c.watch == name).order_by(r.c.at, r.c.id)).mappings().all()
    return [WatchRevision(x["id"], x["watch"], x["yaml"], x["author"], x["reason"], x["at"]) for x in rows]


def get_watch_yaml(store: Store, name: str) -> str | None:
    """The YAML text of the watch ``name``, or None."""
    w = schema.watches
    with store.engine.connect() as conn:
        value = conn.execute(select(w.c.yaml).where(w.c.name == name)).scalar_one_or_none()
    return str(value) if value is not None else None


def list_watches(store: Store) -> list[tuple[str, str, datetime]]:
    """Every stored watch as ``(name, yaml, updated_at)``, by name."""
    w = schema.watches
    with store.engine.connect() as conn:
        rows = conn.execute(select(w.c.name, w.c.yaml, w.c.updated_at).order_by(w.c.name)).all()
    return [(r[0], r[1], r[2]) for r in rows]


def watch_history(store: Store, name: str) -> dict[str, int]:
    """How many alerts, briefs and probability entries a watch has (what deleting it would lose)."""
    out = {}
    with store.engine.connect() as conn:
        for label, table in (
            ("alerts", schema.alerts),
            ("briefs", schema.briefs),
            ("probability entries", schema.scenario_probabilities),
        ):
            out[label] = int(
                conn.execute(select(func.count()).select_from(table).where(table.c.watch == name)).scalar_one()
            )
    return out


def delete_watch(store: Store, name: str) -> bool:
    """Delete a watch with its alerts, briefs, probability log and revisions; True when it existed."""
    with store.transaction(Touches.watch_rows(name)) as conn:
        gone = conn.execute(schema.watches.delete().where(schema.watches.c.name == name)).rowcount
        kept = (schema.alerts, schema.briefs, schema.scenario_probabilities, schema.watch_revisions, schema.watch_views)
        for table in kept:
            conn.execute(table.delete().where(table.c.watch == name))
    return bool(gone)


# --- stories ----------------------------------------------------------------------------


def save_stories(store: Store, found: Sequence[Story]) -> None:
    """Replace the given stories and set their articles' ``story_id``, in one transaction.

    Args:
        store: the open store.
        found: the stories (each with its member articles).
    """
    s, a = schema.stories, schema.articles
    now = _now()
    members = {aid: story.id for story in found for aid in story.article_ids}
    with store.transaction() as conn:
        for chunk in _chunks([x.id for x in found]):
            conn.execute(s.delete().where(s.c.id.in_(chunk)))
        if found:
            rows = [
                {
                    "id": x.id,
                    "title": x.title,
                    "first_date": x.first,
                    "last_date": x.last,
                    "articles": x.reports,
                    "lead_article": x.lead_article,
                    "method": x.method,
                    "computed_at": now,
                }
                for x in found
            ]
            conn.execute(s.insert(), rows)
        if members:
            stmt = update(a).where(a.c.id == bindparam("aid")).values(story_id=bindparam("sid"))
            conn.execute(stmt, [{"aid": k, "sid": v} for k, v in members.items()])


def stories(store: Store, *, since: date | None = None, until: date | None = None) -> list[Story]:
    """Stored stories overlapping the date range, largest first, with their articles oldest first."""
    s, a = schema.stories, schema.articles
    stmt = select(s)
    if since is not None:
        stmt = stmt.where(s.c.last_date >= since)
    if until is not None:
        stmt = stmt.where(s.c.first_date <= until)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt.order_by(s.c.articles.desc(), s.c.first_date, s.c.id)).mappings().all()
    members: dict[str, list[str]] = {}
    order = select(a.c.story_id, a.c.id).order_by(_asc(a.c.published), a.c.id)
    for story_id, aid in _run(store, order, [r["id"] for r in rows], a.c.story_id, by_name=False):
        members.setdefault(story_id, []).append(aid)
    return [
        Story(
            r["id"],
            tuple(members.get(r["id"]) or [r["lead_article"]]),
            r["first_date"],
            r["last_date"],
            r["title"],
            r["method"],
        )
        for r in rows
    ]


# --- alerts -----------------------------------------------------------------------------


def add_alerts(store: Store, alerts: Sequence[Alert]) -> list[str]:
    """Store alerts, skipping ids already stored; return the ids that were new."""
    if not alerts:
        return []
    t = schema.alerts
    with store.transaction(NOTHING) as conn:
        existing = set(conn.execute(select(t.c.id).where(t.c.id.in_([x.id for x in alerts]))).scalars())
        new = [x for x in alerts if x.id not in existing]
        if new:
            rows = [{**x.to_dict(), "at": x.at} for x in new]
            conn.execute(store.insert_ignore(t), rows)
    return [x.id for x in new]


def list_alerts(
    store: Store,
    *,
    watch: str | None = None,
    since: datetime | None = None,
    known_by: datetime | None = None,
    limit: int | None = 100,
) -> list[Alert]:
    """Stored alerts, newest first (``known_by``: only those raised before that time)."""
    t = schema.alerts
    stmt = select(t)
    if watch is not None:
        stmt = stmt.where(t.c.watch == watch)
    if since is not None:
        stmt = stmt.where(t.c.at >= since)
    if known_by is not None:
        stmt = stmt.where(t.c.at < known_by)
    stmt = stmt.order_by(t.c.at.desc(), t.c.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        Alert(
            r["id"],
            r["watch"],
            r["rule"],
            r["kind"],
            r["message"],
            tuple(Citation.from_dict(c) for c in r["evidence"] or ()),
            r["at"],
        )
        for r in rows
    ]


# --- briefs -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BriefRow:
    """A stored brief: its summary (what the next brief compares against) and Markdown."""

    id: int
    watch: str
    created_at: datetime
    since: date | None
    until: date | None
    summary: dict[str, Any]
    markdown: str


def add_brief(
    store: Store, watch: str, *, since: date | None, until: date | None, summary: dict[str, Any], markdown: str
) -> int:
    """Record a brief; return its id."""
    t = schema.briefs
    with store.transaction(NOTHING) as conn:
        result = conn.execute(
            t.insert().values(
                watch=watch, created_at=_now(), since=since, until=until, summary=summary, markdown=markdown
            )
        )
        key = result.inserted_primary_key
    return int(key[0]) if key is not None else 0


def latest_brief(store: Store, watch: str, *, known_by: datetime | None = None) -> BriefRow | None:
    """The most recent brief of ``watch`` (made before ``known_by``, when given), or None."""
    t = schema.briefs
    cond = [t.c.watch == watch] + ([t.c.created_at < known_by] if known_by is not None else [])
    with store.engine.connect() as conn:
        r = (
            conn.execute(select(t).where(*cond).order_by(t.c.created_at.desc(), t.c.id.desc()).limit(1))
            .mappings()
            .first()
        )
    if r is None:
        return None
    return BriefRow(r["id"], r["watch"], r["created_at"], r["since"], r["until"], dict(r["summary"]), r["markdown"])


# --- scenario probabilities -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProbabilityRow:
    """One analyst revision of an outcome's probability."""

    watch: str
    outcome: str
    probability: float
    reason: str
    at: datetime
    author: str = ""  # who set it ('' when not recorded)


def add_probability(
    store: Store, watch: str, outcome: str, probability: float, reason: str, *, author: str = ""
) -> ProbabilityRow:
    """Log a probability revision for ``outcome`` (the log is append-only)."""
    row = ProbabilityRow(watch, outcome, probability, reason, _now(), author)
    with store.transaction(Touches.watch_rows(watch)) as conn:
        conn.execute(
            schema.scenario_probabilities.insert().values(
                watch=watch, outcome=outcome, probability=probability, reason=reason, at=row.at, author=author
            )
        )
    return row


def probabilities(store: Store, watch: str, *, known_by: datetime | None = None) -> list[ProbabilityRow]:
    """Every revision for ``watch`` (made before ``known_by``, when given), oldest first."""
    t = schema.scenario_probabilities
    cond = [t.c.watch == watch] + ([t.c.at < known_by] if known_by is not None else [])
    with store.engine.connect() as conn:
        rows = conn.execute(select(t).where(*cond).order_by(t.c.at, t.c.id)).mappings().all()
    return [ProbabilityRow(r["watch"], r["outcome"], r["probability"], r["reason"], r["at"], r["author"]) for r in rows]


# --- bulk readers of extraction records -------------------------------------------------


def _run(store: Store, stmt: Select[Any], ids: Sequence[str] | None, col: Any, *, by_name: bool = True) -> list[Any]:
    """Run ``stmt`` for all rows, or chunked over ``ids`` when given (rows by name, else by position)."""
    out: list[Any] = []
    with store.engine.connect() as conn:
        for chunk in [None] if ids is None else _chunks(list(ids)):
            result = conn.execute(stmt if chunk is None else stmt.where(col.in_(chunk)))
            out.extend(result.mappings().all() if by_name else result.all())
    return out


def load_articles(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    ids: Sequence[str] | None = None,
    imported: Sequence[str] = (),
    known_by: datetime | None = None,
) -> list[Article]:
    """Articles by date range (inclusive) and/or ids, oldest first; undated ones only without a range.

    ``imported``: also the provenance records of events imported from these coders (GDELT, ...).
    ``known_by``: only articles ingested before that time.
    """
    a = schema.articles
    cond: list[ColumnElement[bool]] = [or_(a.c.imported.is_(None), a.c.imported.in_(sorted(imported)))]
    if known_by is not None:
        cond.append(a.c.ingested_at < known_by)
    if since is not None:
        cond.append(a.c.published >= since)
    if until is not None:
        cond.append(a.c.published <= until)
    stmt = select(a).where(and_(True, *cond))
    rows = _run(store, stmt, ids, a.c.id)
    arts = [_row_article(r) for r in rows]
    return sorted(arts, key=lambda x: (x.published or date.min, x.id))


def load_sentences(store: Store, ids: Sequence[str]) -> list[Sentence]:
    """The sentences of the given articles."""
    s = schema.sentences
    stmt = select(*columns(s, column_names(Sentence)))
    return [_read_sentence(r) for r in _run(store, stmt, ids, s.c.article_id, by_name=False)]


def load_mentions(store: Store, ids: Sequence[str], *, known_by: datetime | None = None) -> list[Mention]:
    """The mentions of the given articles, with the analysts' corrections made before ``known_by``."""
    m = schema.mentions
    stmt = select(*columns(m, MENTION_COLUMNS))
    rows = [_row_mention(r) for r in _run(store, stmt, ids, m.c.article_id, by_name=False)]
    return Corrections.load(store, known_by=known_by).mentions(rows)


def load_events(
    store: Store, ids: Sequence[str], coders: Sequence[str] | None = None, *, known_by: datetime | None = None
) -> list[Event]:
    """The events of the given articles (coded by ``coders`` only, when given), with the analysts'
    corrections made before ``known_by`` (all of them when None)."""
    e = schema.events
    stmt = select(*columns(e, EVENT_COLUMNS))
    if coders is not None:
        stmt = stmt.where(e.c.coder.in_(sorted(coders)))
    rows = [_row_event(r) for r in _run(store, stmt, ids, e.c.article_id, by_name=False)]
    fixes = Corrections.load(store, known_by=known_by)
    return fixes.events(rows) if fixes else rows


def load_domain_tags(store: Store, ids: Sequence[str]) -> list[DomainTag]:
    """The domain tags (sentence and article level) of the given articles."""
    d = schema.domain_tags
    stmt = select(*columns(d, column_names(DomainTag)))
    return [_read_domain_tag(r) for r in _run(store, stmt, ids, d.c.article_id, by_name=False)]


def load_tones(store: Store, ids: Sequence[str]) -> list[Tone]:
    """The tones (sentence, article and directed) of the given articles."""
    t = schema.tones
    stmt = select(*columns(t, column_names(Tone)))
    return [_read_tone(r) for r in _run(store, stmt, ids, t.c.article_id, by_name=False)]


def load_actors(store: Store, ids: Iterable[str]) -> list[Actor]:
    """The stored actors with the given ids (unknown ids are skipped)."""
    t = schema.actors
    wanted = sorted({i for i in ids if i})
    return [_row_actor(r) for r in _run(store, select(t), wanted, t.c.id)]
