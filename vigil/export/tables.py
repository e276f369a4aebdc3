"""CSV and Parquet: three tables, ``events``, ``actors`` and ``mentions``, one file each.

Each table has the same columns in both formats. Lists (an event's contexts, an actor's aliases)
are Parquet lists and, in CSV, one cell joined by ``;``. Dates are ISO ``YYYY-MM-DD``;
empty cells are missing values.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from vigil.export.select import Selection
from vigil.models import Event

__all__ = ["TABLES", "actor_rows", "event_rows", "mention_rows", "table_bytes", "tables"]

TABLES = ("events", "actors", "mentions")

EVENT_COLUMNS = (
    "event_id",
    "date",
    "event_type",
    "mode",
    "quad_class",
    "cameo",
    "modality",
    "contexts",
    "confidence",
    "stance",
    "source_actor",
    "source_name",
    "source_country",
    "source_sector",
    "source_text",
    "target_actor",
    "target_name",
    "target_country",
    "target_sector",
    "target_text",
    "article_id",
    "sentence_index",
    "sentence",
    "article_url",
    "article_title",
    "outlet",
    "published",
    "coder",
)
ACTOR_COLUMNS = (
    "actor_id",
    "name",
    "kind",
    "country",
    "sector",
    "as_of",
    "role",
    "aliases",
    "wikidata",
    "provisional",
    "events_as_source",
    "events_as_target",
    "mentions",
)
MENTION_COLUMNS = (
    "article_id",
    "sentence_index",
    "start",
    "end",
    "text",
    "label",
    "actor_id",
    "country",
    "sector",
    "confidence",
    "coder",
)
COLUMNS = {"events": EVENT_COLUMNS, "actors": ACTOR_COLUMNS, "mentions": MENTION_COLUMNS}


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def event_row(sel: Selection, e: Event) -> dict[str, Any]:
    """One event as a flat row (the columns of :data:`EVENT_COLUMNS`)."""
    r = sel.records
    art = r.articles.get(e.article_id)

    def side(actor: str | None) -> tuple[str | None, str | None, str | None]:
        if actor is None:
            return None, None, None
        return r.name(actor), r.actor_country(actor), r.actor_sector(actor, e.date)

    sname, scountry, ssector = side(e.source_actor)
    tname, tcountry, tsector = side(e.target_actor)
    return {
        "event_id": e.id,
        "date": _iso(e.date),
        "event_type": e.root,
        "mode": e.mode,
        "quad_class": e.quad,
        "cameo": e.cameo,
        "modality": e.modality.value,
        "contexts": list(e.contexts),
        "confidence": e.confidence,
        "stance": e.stance,
        "source_actor": e.source_actor,
        "source_name": sname,
        "source_country": scountry,
        "source_sector": ssector,
        "source_text": e.source_text,
        "target_actor": e.target_actor,
        "target_name": tname,
        "target_country": tcountry,
        "target_sector": tsector,
        "target_text": e.target_text,
        "article_id": e.article_id,
        "sentence_index": e.sentence_index,
        "sentence": r.sentence_text(e.article_id, e.sentence_index),
        "article_url": art.url if art else None,
        "article_title": art.title if art else None,
        "outlet": art.source if art else None,
        "published": _iso(art.published) if art else None,
        "coder": e.extractor,
    }


def event_rows(sel: Selection) -> list[dict[str, Any]]:
    """The selected events as rows, oldest first."""
    return [event_row(sel, e) for e in sel.events]


def actor_rows(sel: Selection) -> list[dict[str, Any]]:
    """Every actor named by the selected events and mentions, with how often, by id.

    Country, sector and role are the actor's on the selection's last day (:meth:`Selection.as_of`).
    """
    as_source = Counter(e.source_actor for e in sel.events if e.source_actor)
    as_target = Counter(e.target_actor for e in sel.events if e.target_actor)
    mentioned = Counter(m.actor_id for m in sel.mentions if m.actor_id)
    r = sel.records
    day = sel.as_of()
    out = []
    for aid in sel.actor_ids():
        actor = r.actors.get(aid)
        standing = actor.standing_on(day) if actor else None
        role = standing.role.label() if standing and standing.role else None
        out.append(
            {
                "actor_id": aid,
                "name": r.name(aid),
                "kind": actor.kind if actor else aid.partition(":")[0],
                "country": (standing.country if standing else None) or r.actor_country(aid),
                "sector": r.actor_sector(aid, day),
                "as_of": _iso(day),
                "role": f"former {role}" if role and standing and standing.former else role,
                "aliases": list(actor.aliases) if actor else [],
                "wikidata": actor.wikidata if actor else None,
                "provisional": actor.provisional if actor else True,
                "events_as_source": as_source[aid],
                "events_as_target": as_target[aid],
                "mentions": mentioned[aid],
            }
        )
    return out


def mention_rows(sel: Selection) -> list[dict[str, Any]]:
    """The mentions of the selected articles (character offsets into the article's text)."""
    return [
        {
            "article_id": m.article_id,
            "sentence_index": m.sentence_index,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "label": m.label,
            "actor_id": m.actor_id,
            "country": m.country,
            "sector": m.sector,
            "confidence": m.confidence,
            "coder": m.extractor,
        }
        for m in sel.mentions
    ]


def tables(sel: Selection) -> dict[str, list[dict[str, Any]]]:
    """The three tables' rows, by table name."""
    return {"events": event_rows(sel), "actors": actor_rows(sel), "mentions": mention_rows(sel)}


# --- writers ------------------------------------------------------------------------------------


def _write_csv(rows: Sequence[dict[str, Any]], cols: Sequence[str], out: IO[bytes]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow(
            ";".join(v) if isinstance(v, list) else ("" if v is None else v) for v in (row[c] for c in cols)
        )
    text.detach()


_TYPES: dict[str, str] = {
    "quad_class": "int",
    "sentence_index": "int",
    "start": "int",
    "end": "int",
    "events_as_source": "int",
    "events_as_target": "int",
    "mentions": "int",
    "confidence": "float",
    "stance": "float",
    "provisional": "bool",
    "contexts": "list",
    "aliases": "list",
}


def _write_parquet(rows: Sequence[dict[str, Any]], cols: Sequence[str], out: IO[bytes]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "list": pa.list_(pa.string())}
    schema = pa.schema([(c, kinds.get(_TYPES.get(c, ""), pa.string())) for c in cols])
    table = pa.Table.from_pylist([{c: row[c] for c in cols} for row in rows], schema=schema)
    pq.write_table(table, out)


def table_bytes(rows: Sequence[dict[str, Any]], name: str, fmt: str, out: IO[bytes]) -> None:
    """Write one table (``events``, ``actors`` or ``mentions``) as ``csv`` or ``parquet`` to ``out``."""
    cols = COLUMNS[name]
    if fmt == "csv":
        _write_csv(rows, cols, out)
    else:
        _write_parquet(rows, cols, out)


def write_dir(sel: Selection, fmt: str, folder: Path) -> dict[str, int]:
    """Write ``events.FMT``, ``actors.FMT`` and ``mentions.FMT`` into ``folder``; rows per table."""
    counts = {}
    for name, rows in tables(sel).items():
        with open(folder / f"{name}.{fmt}", "wb") as fh:
            table_bytes(rows, name, fmt, fh)
        counts[name] = len(rows)
    return counts


def write_zip(sel: Selection, fmt: str, out: IO[bytes]) -> dict[str, int]:
    """The three tables in one ZIP archive (``events.FMT``, ``actors.FMT``, ``mentions.FMT``)."""
    import zipfile

    counts = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, rows in tables(sel).items():
            buf = io.BytesIO()
            table_bytes(rows, name, fmt, buf)
            zf.writestr(f"{name}.{fmt}", buf.getvalue())
            counts[name] = len(rows)
    return counts
