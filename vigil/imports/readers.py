"""Readers of GDELT, ICEWS and ACLED files: one record, or one rejection with its line, per row.

A row that cannot be read (wrong number of columns, no id, a date or CAMEO code that does not parse)
becomes a :class:`vigil.models.Rejection` with the file and line; the rest of the file is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from vigil.coder.labels import ROOT_TO_QUAD
from vigil.export.gdelt import MENTION_COLUMNS
from vigil.imports.actors import ActorMapper, MappedActor
from vigil.imports.mapping import acled_root, cameo_to_plover
from vigil.imports.records import ImportedEvent, MentionLink, Skipped, provenance_record
from vigil.ingest.fields import source_from_url
from vigil.models import Actor, Article, Event, Modality, Rejection

__all__ = [
    "GDELT1_EVENT_COLUMNS",
    "GDELT2_EVENT_COLUMNS",
    "GDELT_MENTION_COLUMNS",
    "Record",
    "gdelt_document",
    "layout_rows",
    "read_acled",
    "read_gdelt_events",
    "read_gdelt_mentions",
    "read_icews",
    "tsv_rows",
    "yyyymmdd",
]

Record = ImportedEvent | MentionLink | Skipped | Rejection
L = TypeVar("L")


def _actor_columns(n: int) -> list[str]:
    p = f"Actor{n}"
    return [
        f"{p}Code",
        f"{p}Name",
        f"{p}CountryCode",
        f"{p}KnownGroupCode",
        f"{p}EthnicCode",
        f"{p}Religion1Code",
        f"{p}Religion2Code",
        f"{p}Type1Code",
        f"{p}Type2Code",
        f"{p}Type3Code",
    ]


def _geo_columns(p: str, adm2: bool) -> list[str]:
    cols = [f"{p}Geo_Type", f"{p}Geo_FullName", f"{p}Geo_CountryCode", f"{p}Geo_ADM1Code"]
    cols += [f"{p}Geo_ADM2Code"] if adm2 else []
    return cols + [f"{p}Geo_Lat", f"{p}Geo_Long", f"{p}Geo_FeatureID"]


def _event_columns(adm2: bool) -> tuple[str, ...]:
    return tuple(
        ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
        + _actor_columns(1)
        + _actor_columns(2)
        + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale"]
        + ["NumMentions", "NumSources", "NumArticles", "AvgTone"]
        + _geo_columns("Actor1", adm2)
        + _geo_columns("Actor2", adm2)
        + _geo_columns("Action", adm2)
        + ["DATEADDED", "SOURCEURL"]
    )


GDELT2_EVENT_COLUMNS = _event_columns(adm2=True)
"""The 61 columns of a GDELT 2.0 Events export (the GDELT 2.0 Event codebook)."""
GDELT1_EVENT_COLUMNS = _event_columns(adm2=False)
"""The 58 columns of GDELT 1.0 Events (no ADM2 codes); the 1979-2013 backfile has 57 (no SOURCEURL)."""
GDELT_MENTION_COLUMNS = MENTION_COLUMNS  # one list for the reader and the writer (vigil.export.gdelt)
"""The 16 columns of GDELT 2.0 Mentions (and translingual Mentions)."""

_EVENT_LAYOUTS = {
    61: ("2.0", GDELT2_EVENT_COLUMNS),
    58: ("1.0", GDELT1_EVENT_COLUMNS),
    57: ("1.0", GDELT1_EVENT_COLUMNS[:-1]),
}


def tsv_rows(path: Path) -> Iterator[tuple[int, list[str] | str]]:
    """``(line number, fields)`` of a headerless TSV file, or ``(line, reason)`` for an undecodable line."""
    with path.open("rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield lineno, f"not valid UTF-8 ({exc.reason} at byte {exc.start}); convert the file to UTF-8"
                continue
            line = line.rstrip("\r\n")
            if line.strip():
                yield lineno, line.split("\t")


def layout_rows(path: Path, layouts: Mapping[int, L], expected: str) -> Iterator[tuple[str, L, list[str]] | Rejection]:
    """The rows of a headerless TSV file whose column count tells its layout: ``(location, layout, fields)``,
    or a rejection of an undecodable line or of one whose count is not in ``layouts`` (``expected`` says
    what is: "GDELT Events have 61 ...")."""
    origin = str(path)
    for lineno, fields in tsv_rows(path):
        location = f"line {lineno}"
        if isinstance(fields, str):
            yield Rejection(origin, location, fields)
            continue
        layout = layouts.get(len(fields))
        if layout is None:
            yield Rejection(origin, location, f"{len(fields)} tab-separated columns; {expected}")
            continue
        yield location, layout, fields


def gdelt_document(ident: str, source: str | None, origin: str, published: date | None, what: str) -> Article:
    """The provenance record of a document GDELT names (a URL, or a citation such as BBC Monitoring's),
    shared by the events, mentions and GKG records of that document. ``source`` is GDELT's source name;
    a citation's record is titled "SOURCE: CITATION" (``what`` when there is no source name)."""
    is_url = ident.lower().startswith(("http://", "https://"))
    return provenance_record(
        "GDELT",
        ident,
        origin=origin,
        url=ident if is_url else None,
        source=(source_from_url(ident) if is_url else None) or source,
        title=None if is_url else f"{source or what}: {ident}",
        published=published,
    )


def yyyymmdd(value: str, what: str) -> date:
    value = value.strip()
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a YYYYMMDD date") from None


def _actors(*mapped: MappedActor | None) -> tuple[Actor, ...]:
    return tuple(m.actor for m in mapped if m is not None)


def _id(m: MappedActor | None) -> str | None:
    return m.actor_id if m is not None else None


def _text(m: MappedActor | None) -> str | None:
    return m.text if m is not None else None


# --- GDELT Events ---------------------------------------------------------------------------------------


def read_gdelt_events(path: Path, mapper: ActorMapper) -> Iterator[Record]:
    """GDELT 1.0 (57/58 columns) or 2.0 (61 columns) Events, told apart by their column count."""
    origin = str(path)
    expected = "GDELT Events have 61 (2.0), 58 or 57 (1.0). Is this an Events file?"
    for row in layout_rows(path, _EVENT_LAYOUTS, expected):
        if isinstance(row, Rejection):
            yield row
            continue
        location, (version, names), fields = row
        try:
            yield _gdelt_event(dict(zip(names, fields, strict=True)), version, origin, location, mapper)
        except (ValueError, KeyError) as exc:
            yield Rejection(origin, location, str(exc.args[0]) if exc.args else repr(exc))


def _gdelt_event(row: dict[str, str], version: str, origin: str, location: str, mapper: ActorMapper) -> ImportedEvent:
    eid = row["GLOBALEVENTID"].strip()
    if not eid.isdigit():
        raise ValueError(f"GLOBALEVENTID {eid!r} is not a number")
    day = yyyymmdd(row["SQLDATE"], "SQLDATE")
    code = row["EventCode"].strip()
    try:
        root, quad = cameo_to_plover(code)
    except KeyError:
        raise ValueError(f"EventCode {code!r} is not a CAMEO event code") from None
    added = row["DATEADDED"].strip()
    published = yyyymmdd(added, "DATEADDED") if added else None
    url = row.get("SOURCEURL", "").strip() or None
    key = url or f"event {eid}"
    title = None if url else f"GDELT {version} event {eid}, a row without a source URL"
    record = provenance_record(
        "GDELT", key, origin=origin, url=url, source=source_from_url(url), title=title, published=published
    )
    a1, a2 = (
        mapper.gdelt(
            row[f"Actor{n}Name"].strip(),
            row[f"Actor{n}Code"].strip(),
            row[f"Actor{n}CountryCode"].strip(),
            row[f"Actor{n}KnownGroupCode"].strip(),
            tuple(row[f"Actor{n}Type{k}Code"].strip() for k in (1, 2, 3)),
            day,
        )
        for n in (1, 2)
    )
    event = Event(
        article_id=record.id,
        sentence_index=-1,
        date=day,
        source_actor=_id(a1),
        target_actor=_id(a2),
        root=root,
        quad=quad,
        cameo=code,
        modality=Modality.ASSERTED,
        confidence=1.0,
        extractor=f"import:gdelt-events-{version}",
        source_text=_text(a1),
        target_text=_text(a2),
        coder="GDELT",
        import_id=f"GDELT-{eid}",
    )
    return ImportedEvent(event, record, _actors(a1, a2), location)


# --- GDELT Mentions -------------------------------------------------------------------------------------


def read_gdelt_mentions(path: Path, mapper: ActorMapper) -> Iterator[Record]:
    """GDELT 2.0 Mentions (16 columns): further reports of events, each in a document and sentence."""
    del mapper  # a mention carries no actors: they are its event's
    origin = str(path)
    expected = "GDELT Mentions have 16. Is this a Mentions file?"
    for line in layout_rows(path, {len(GDELT_MENTION_COLUMNS): GDELT_MENTION_COLUMNS}, expected):
        if isinstance(line, Rejection):
            yield line
            continue
        location, names, fields = line
        row = dict(zip(names, fields, strict=True))
        try:
            eid = row["GLOBALEVENTID"].strip()
            if not eid.isdigit():
                raise ValueError(f"GLOBALEVENTID {eid!r} is not a number")
            published = yyyymmdd(row["MentionTimeDate"], "MentionTimeDate")
            sentence = int(row["SentenceID"])
            confidence = int(row["Confidence"])
        except ValueError as exc:
            yield Rejection(origin, location, str(exc))
            continue
        ident = row["MentionIdentifier"].strip()
        if not ident:
            yield Rejection(origin, location, "empty MentionIdentifier: the mention names no document")
            continue
        record = gdelt_document(ident, row["MentionSourceName"].strip() or None, origin, published, "GDELT mention")
        yield MentionLink(f"GDELT-{eid}", record, sentence - 1, min(max(confidence, 0), 100) / 100, origin, location)


# --- ICEWS ----------------------------------------------------------------------------------------------

ICEWS_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
"""The 20 columns of an ICEWS coded-event file (tab-separated, with this header)."""


def read_icews(path: Path, mapper: ActorMapper) -> Iterator[Record]:
    """ICEWS coded events (the Dataverse ``events.YYYY.*.tab`` files, with their header row)."""
    origin = str(path)
    header: list[str] | None = None
    for lineno, fields in tsv_rows(path):
        location = f"line {lineno}"
        if isinstance(fields, str):
            yield Rejection(origin, location, fields)
            continue
        if header is None:
            header = [f.strip().lstrip("\ufeff") for f in fields]
            missing = [c for c in ICEWS_COLUMNS if c not in header]
            if missing:
                yield Rejection(origin, location, f"not an ICEWS header: missing columns {', '.join(missing)}")
                return
            continue
        if len(fields) != len(header):
            yield Rejection(origin, location, f"{len(fields)} columns, the header has {len(header)}")
            continue
        row = dict(zip(header, fields, strict=True))
        try:
            yield _icews_event(row, origin, location, mapper)
        except ValueError as exc:
            yield Rejection(origin, location, str(exc))


def _icews_event(row: dict[str, str], origin: str, location: str, mapper: ActorMapper) -> ImportedEvent:
    eid = row["Event ID"].strip()
    if not eid.isdigit():
        raise ValueError(f"Event ID {eid!r} is not a number")
    try:
        day = date.fromisoformat(row["Event Date"].strip())
    except ValueError:
        raise ValueError(f"Event Date {row['Event Date']!r} is not a YYYY-MM-DD date") from None
    code = row["CAMEO Code"].strip()
    try:
        root, quad = cameo_to_plover(code)
    except KeyError:
        raise ValueError(f"CAMEO Code {code!r} is not a CAMEO event code") from None
    story = row["Story ID"].strip()
    sentence = row["Sentence Number"].strip()
    named = row["Publisher"].strip()
    publisher = None if named in ("", "NA") else named
    record = provenance_record(
        "ICEWS",
        f"story {story}",
        origin=origin,
        source=publisher,
        title=f"ICEWS story {story}" + (f" ({publisher})" if publisher else ""),
        published=day,
    )
    a1 = mapper.icews(row["Source Name"].strip(), row["Source Sectors"], row["Source Country"].strip(), day)
    a2 = mapper.icews(row["Target Name"].strip(), row["Target Sectors"], row["Target Country"].strip(), day)
    event = Event(
        article_id=record.id,
        sentence_index=int(sentence) - 1 if sentence.isdigit() else -1,
        date=day,
        source_actor=_id(a1),
        target_actor=_id(a2),
        root=root,
        quad=quad,
        cameo=code,
        modality=Modality.ASSERTED,
        confidence=1.0,
        extractor="import:icews",
        source_text=_text(a1),
        target_text=_text(a2),
        coder="ICEWS",
        import_id=f"ICEWS-{eid}",
    )
    return ImportedEvent(event, record, _actors(a1, a2), location)


# --- ACLED ----------------------------------------------------------------------------------------------

ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country")


def read_acled(path: Path, mapper: ActorMapper) -> Iterator[Record]:
    """An ACLED CSV export (with its header row)."""
    origin = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Rejection(origin, "file", f"not valid UTF-8 ({exc.reason} at byte {exc.start}); convert it to UTF-8")
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        yield Rejection(origin, "file", "empty file")
        return
    except csv.Error as exc:
        yield Rejection(origin, "line 1", f"malformed CSV: {exc}")
        return
    missing = [c for c in ACLED_REQUIRED if c not in header]
    if missing:
        yield Rejection(origin, "line 1", f"not an ACLED header: missing columns {', '.join(missing)}")
        return
    start = reader.line_num + 1
    while True:
        location = f"line {start}"
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(origin, location, f"malformed CSV: {exc}")
            return
        start = reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            yield Rejection(origin, location, f"{len(fields)} columns, the header has {len(header)}")
            continue
        row = dict(zip(header, fields, strict=True))
        try:
            yield _acled_event(row, origin, location, mapper)
        except ValueError as exc:
            yield Rejection(origin, location, str(exc))


def _acled_date(value: str) -> date:
    value = value.strip()
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%d-%B-%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"event_date {value!r} is not a date such as '28 December 2022' or 2022-12-28")


def _acled_event(row: dict[str, str], origin: str, location: str, mapper: ActorMapper) -> ImportedEvent | Skipped:
    eid = row["event_id_cnty"].strip()
    if not eid:
        raise ValueError("empty event_id_cnty")
    day = _acled_date(row["event_date"])
    etype, sub = row["event_type"].strip(), row["sub_event_type"].strip()
    try:
        root = acled_root(etype, sub)
    except KeyError:
        raise ValueError(f"event_type {etype!r} is not an ACLED event type") from None
    if root is None:
        return Skipped(origin, location, f"ACLED {eid} '{etype} / {sub}' has no PLOVER equivalent; not imported")
    place = ", ".join(x for x in (row.get("location", ""), row.get("admin1", ""), row["country"]) if x and x != "NA")
    sources = row.get("source", "").strip()
    record = provenance_record(
        "ACLED",
        f"event {eid}",
        origin=origin,
        source=sources if sources and sources != "NA" else None,
        title=f"ACLED {eid}: {etype} / {sub}" + (f", {place}" if place else ""),
        note=row.get("notes", "").strip(),
        published=day,
    )
    country = mapper.kb.country_code(row["country"].strip())
    a1 = mapper.acled(row["actor1"].strip(), row.get("inter1", ""), country, day)
    a2 = mapper.acled(row["actor2"].strip(), row.get("inter2", ""), country, day)
    event = Event(
        article_id=record.id,
        sentence_index=-1,
        date=day,
        source_actor=_id(a1),
        target_actor=_id(a2),
        root=root,
        quad=ROOT_TO_QUAD[root],
        cameo=None,
        modality=Modality.ASSERTED,
        confidence=1.0,
        extractor="import:acled",
        source_text=_text(a1),
        target_text=_text(a2),
        coder="ACLED",
        import_id=f"ACLED-{eid}",
    )
    return ImportedEvent(event, record, _actors(a1, a2), location)


def as_sequence(paths: Sequence[str]) -> list[Path]:
    """Paths as given; a folder stands for its files (sorted, without NOTICE/LICENSE/README files)."""
    from vigil.ingest.readers import iter_folder

    out: list[Path] = []
    for p in paths:
        path = Path(p)
        out.extend(iter_folder(path) if path.is_dir() else [path])
    return out
