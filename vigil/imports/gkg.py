"""GDELT Global Knowledge Graph: records of documents (tone, names, places, themes), not events.

Three layouts, told apart by their column count (no header; a header row is skipped):

* **GKG 2.1** (27 columns, also the translingual files, whose GKGRECORDID ends ``-T<n>``): one record per
  document (``DocumentIdentifier``: a URL, or a citation such as BBC Monitoring's).
* **GKG 1.0** (11 columns: DATE, NUMARTS, COUNTS, THEMES, LOCATIONS, PERSONS, ORGANIZATIONS, TONE,
  CAMEOEVENTIDS, SOURCES, SOURCEURLS): one row for every set of documents with the same metadata; each of
  its ``SOURCEURLS`` (separated by ``<UDIV>``) becomes a record of that document.
* **GKG 1.0 counts** (15 columns: DATE, NUMARTS, COUNTTYPE, NUMBER, OBJECTTYPE, GEO_TYPE, GEO_FULLNAME,
  GEO_COUNTRYCODE, GEO_ADM1CODE, GEO_LAT, GEO_LONG, GEO_FEATUREID, CAMEOEVENTIDS, SOURCES, SOURCEURLS): one
  count (killed, wounded, arrested... with its place) per row, a record of each of its documents.

Each document is a provenance record (``articles`` row, ``imported`` = GDELT, no text: never listed,
searched or extracted as an article), keyed by its URL as GDELT events' records are, so a GKG record and
the GDELT events of the same document share one. Its GKG data goes to ``gkg_records`` (tone, word count,
themes, locations with their countries, counts, source language) and ``gkg_names`` (persons and
organisations, each resolved to the knowledge base's actor where it knows the name). Locations carry FIPS
country codes; the country is read from the location's name ("Ankara, Ankara, Turkey") instead.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vigil.imports.actors import ActorMapper
from vigil.imports.readers import gdelt_document, layout_rows, yyyymmdd
from vigil.models import Article, Rejection
from vigil.store import Store, schema
from vigil.store.store import article_row

__all__ = [
    "GKG1_COLUMNS",
    "GKG1_COUNT_COLUMNS",
    "GKG2_COLUMNS",
    "GkgRecord",
    "read_gkg",
    "write_gkg",
]

GKG2_COLUMNS = (
    "GKGRECORDID",
    "DATE",
    "SourceCollectionIdentifier",
    "SourceCommonName",
    "DocumentIdentifier",
    "Counts",
    "V2Counts",
    "Themes",
    "V2Themes",
    "Locations",
    "V2Locations",
    "Persons",
    "V2Persons",
    "Organizations",
    "V2Organizations",
    "V2Tone",
    "Dates",
    "GCAM",
    "SharingImage",
    "RelatedImages",
    "SocialImageEmbeds",
    "SocialVideoEmbeds",
    "Quotations",
    "AllNames",
    "Amounts",
    "TranslationInfo",
    "Extras",
)
"""The 27 columns of GKG 2.1 (the GDELT 2.0 GKG codebook's column list)."""
GKG1_COLUMNS = (
    "DATE",
    "NUMARTS",
    "COUNTS",
    "THEMES",
    "LOCATIONS",
    "PERSONS",
    "ORGANIZATIONS",
    "TONE",
    "CAMEOEVENTIDS",
    "SOURCES",
    "SOURCEURLS",
)
"""The 11 columns of the GKG 1.0 daily files."""
GKG1_COUNT_COLUMNS = (
    "DATE",
    "NUMARTS",
    "COUNTTYPE",
    "NUMBER",
    "OBJECTTYPE",
    "GEO_TYPE",
    "GEO_FULLNAME",
    "GEO_COUNTRYCODE",
    "GEO_ADM1CODE",
    "GEO_LAT",
    "GEO_LONG",
    "GEO_FEATUREID",
    "CAMEOEVENTIDS",
    "SOURCES",
    "SOURCEURLS",
)
"""The 15 columns of the GKG 1.0 daily counts files."""

_LAYOUTS = {27: GKG2_COLUMNS, 11: GKG1_COLUMNS, 15: GKG1_COUNT_COLUMNS}
_HEADERS = {"GKGRECORDID", "DATE"}


@dataclass(frozen=True, slots=True)
class GkgRecord:
    """One GKG record of one document: its provenance record, its GKG data and the names in it."""

    id: str
    record: Article
    data: dict[str, Any]
    names: tuple[tuple[str, str, str | None, int], ...]  # (kind, name, actor id, mentions)
    location: str


def _float(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _list(value: str, sep: str = ";") -> list[str]:
    return [x for x in (v.strip() for v in value.split(sep)) if x]


def _tone(value: str, what: str) -> dict[str, Any]:
    """GDELT's tone block: tone, positive, negative, polarity, activity, self/group reference[, word count]."""
    parts = _list(value, ",")
    if not parts:
        return {"tone": None, "positive": None, "negative": None, "polarity": None, "word_count": None}
    numbers = [_float(p) for p in parts]
    if len(numbers) < 4 or any(n is None for n in numbers):
        raise ValueError(f"{what} {value[:60]!r} is not GDELT's comma-separated tone figures")
    words = numbers[6] if len(numbers) > 6 else None
    return {
        "tone": numbers[0],
        "positive": numbers[1],
        "negative": numbers[2],
        "polarity": numbers[3],
        "word_count": int(words) if words is not None else None,
    }


def _location(parts: Sequence[str], mapper: ActorMapper) -> dict[str, Any]:
    """A GKG location block ``type#full name#FIPS country#ADM1[#ADM2]#lat#long#feature[#offset]``."""
    name = parts[1].strip() if len(parts) > 1 else ""
    country = mapper.kb.country_code(name.rsplit(",", 1)[-1].strip()) if name else None
    adm2 = len(parts) >= 9  # V2Locations add ADM2 (and an offset)
    lat, lon = (
        (parts[5], parts[6]) if adm2 else (parts[4] if len(parts) > 4 else "", parts[5] if len(parts) > 5 else "")
    )
    return {
        "type": int(parts[0]) if parts[0].strip().isdigit() else None,
        "name": name,
        "fips": parts[2].strip() if len(parts) > 2 else "",
        "country": country,
        "lat": _float(lat),
        "lon": _float(lon),
    }


def _locations(value: str, mapper: ActorMapper) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for block in _list(value):
        loc = _location(block.split("#"), mapper)
        seen.setdefault((loc["type"], loc["name"]), loc)
    return list(seen.values())


def _counts(value: str, mapper: ActorMapper) -> list[dict[str, Any]]:
    """GKG counts ``TYPE#NUMBER#OBJECT#location block``."""
    out = []
    for block in _list(value):
        parts = block.split("#")
        if len(parts) < 3:
            continue
        number = parts[1].strip()
        out.append(
            {
                "type": parts[0].strip(),
                "number": int(number) if number.isdigit() else None,
                "object": parts[2].strip(),
                "location": _location(parts[3:], mapper) if len(parts) > 4 and parts[4].strip() else None,
            }
        )
    return out


def _names(v2: str, v1: str) -> Counter[str]:
    """Names with how often the document mentions them: V2 ``Name,offset`` blocks, else the V1 list."""
    found: Counter[str] = Counter()
    for block in _list(v2):
        found[block.rsplit(",", 1)[0].strip()] += 1
    if not found:
        for name in _list(v1):
            found[name] += 1
    return found


def _resolve(
    persons: Counter[str], organisations: Counter[str], mapper: ActorMapper, day: date | None
) -> tuple[tuple[str, str, str | None, int], ...]:
    out = []
    for kind, names in (("person", persons), ("organisation", organisations)):
        for name, n in sorted(names.items()):
            actor = mapper.gkg_name(name, kind, day)
            out.append((kind, name, actor.id if actor is not None else None, n))
    return tuple(out)


def _countries(data: dict[str, Any]) -> list[str]:
    """The ISO-3 codes of the countries of a record's locations and counts."""
    places = [*data["locations"], *(c["location"] for c in data["counts"] if c["location"])]
    return sorted({p["country"] for p in places if p["country"]})


def _record_id(version: str, key: str, document: str) -> str:
    return hashlib.sha256(f"gkg\x1f{version}\x1f{key}\x1f{document}".encode()).hexdigest()[:24]


def _gkg2(row: dict[str, str], origin: str, location: str, mapper: ActorMapper) -> GkgRecord:
    gid = row["GKGRECORDID"].strip()
    if not gid:
        raise ValueError("empty GKGRECORDID")
    day = yyyymmdd(row["DATE"], "DATE")
    ident = row["DocumentIdentifier"].strip()
    if not ident:
        raise ValueError("empty DocumentIdentifier: the record names no document")
    version = "2.1-translingual" if "-T" in gid else "2.1"
    language = None
    for part in _list(row["TranslationInfo"]):
        if part.startswith("srclc:"):
            language = part.removeprefix("srclc:").strip() or None
    themes = _list(row["Themes"]) or [b.rsplit(",", 1)[0] for b in _list(row["V2Themes"])]
    locations = _locations(row["Locations"] or row["V2Locations"], mapper)
    data = {
        "version": version,
        "gkg_id": gid,
        "date": day,
        **_tone(row["V2Tone"], "V2Tone"),
        "language": language,
        "themes": list(dict.fromkeys(themes)),
        "locations": locations,
        "counts": _counts(row["Counts"], mapper),
    }
    data["countries"] = _countries(data)
    names = _resolve(
        _names(row["V2Persons"], row["Persons"]), _names(row["V2Organizations"], row["Organizations"]), mapper, day
    )
    record = gdelt_document(ident, row["SourceCommonName"].strip() or None, origin, day, "GDELT GKG document")
    return GkgRecord(_record_id(version, gid, ident), record, data, names, location)


def _gkg1(row: dict[str, str], counts: bool, origin: str, location: str, mapper: ActorMapper) -> list[GkgRecord]:
    day = yyyymmdd(row["DATE"], "DATE")
    urls = list(dict.fromkeys(_list(row["SOURCEURLS"], "<UDIV>")))  # a URL can be listed twice
    if not urls:
        raise ValueError("empty SOURCEURLS: the row names no document")
    sources = _list(row["SOURCES"])
    if counts:
        version = "1.0-counts"
        place = [row[c] for c in GKG1_COUNT_COLUMNS[5:12]]
        loc = _location(place, mapper) if row["GEO_FULLNAME"].strip() else None
        number = row["NUMBER"].strip()
        count = {
            "type": row["COUNTTYPE"].strip(),
            "number": int(number) if number.isdigit() else None,
            "object": row["OBJECTTYPE"].strip(),
            "location": loc,
        }
        data: dict[str, Any] = {
            **_tone("", "TONE"),
            "themes": [],
            "locations": [loc] if loc else [],
            "counts": [count],
        }
        key = "\x1f".join(row[c] for c in GKG1_COUNT_COLUMNS[:13])
        names: tuple[tuple[str, str, str | None, int], ...] = ()
    else:
        version = "1.0"
        data = {
            **_tone(row["TONE"], "TONE"),
            "themes": list(dict.fromkeys(_list(row["THEMES"]))),
            "locations": _locations(row["LOCATIONS"], mapper),
            "counts": _counts(row["COUNTS"], mapper),
        }
        key = row["DATE"].strip()
        names = _resolve(_names("", row["PERSONS"]), _names("", row["ORGANIZATIONS"]), mapper, day)
    data |= {"version": version, "gkg_id": None, "date": day, "language": None}
    data["countries"] = _countries(data)
    out = []
    for i, url in enumerate(urls):
        source = sources[i] if len(sources) == len(urls) else (sources[0] if len(set(sources)) == 1 else None)
        record = gdelt_document(url, source, origin, day, "GDELT GKG document")
        out.append(GkgRecord(_record_id(version, key, url), record, data, names, location))
    return out


def read_gkg(path: Path, mapper: ActorMapper) -> Iterator[GkgRecord | Rejection]:
    """The GKG records of a GKG 2.1 (27 columns), 1.0 (11) or 1.0 counts (15) file, or rejections by line."""
    origin = str(path)
    expected = "GDELT GKG has 27 (2.1), 11 (1.0) or 15 (1.0 counts). Is this a GKG file?"
    for row in layout_rows(path, _LAYOUTS, expected):
        if isinstance(row, Rejection):
            yield row
            continue
        location, names, fields = row
        if fields[0].strip() in _HEADERS:
            continue  # a header row
        values = dict(zip(names, fields, strict=True))
        try:
            if names is GKG2_COLUMNS:
                yield _gkg2(values, origin, location, mapper)
            else:
                yield from _gkg1(values, names is GKG1_COUNT_COLUMNS, origin, location, mapper)
        except ValueError as exc:
            yield Rejection(origin, location, str(exc))


def write_gkg(store: Store, batch: Sequence[GkgRecord]) -> tuple[int, int]:
    """Write the new records of ``batch`` (their documents, data and names) in one transaction.

    Returns:
        ``(imported, already there)``.
    """
    wanted: dict[str, GkgRecord] = {}
    for item in batch:
        wanted.setdefault(item.id, item)
    g = schema.gkg_records
    with store.transaction() as conn:
        ids = list(wanted)
        there: set[str] = set()
        for i in range(0, len(ids), 500):
            there |= set(conn.execute(select(g.c.id).where(g.c.id.in_(ids[i : i + 500]))).scalars())
        new = [item for rid, item in wanted.items() if rid not in there]
        if new:
            documents = {item.record.id: item.record for item in new}
            conn.execute(store.insert_ignore(schema.articles), [article_row(r) for r in documents.values()])
            conn.execute(
                store.insert_ignore(g),
                [
                    {"id": item.id, "article_id": item.record.id, "origin": item.record.origin, **item.data}
                    for item in new
                ],
            )
            names = [
                {"record_id": item.id, "kind": kind, "name": name, "actor_id": actor, "mentions": n}
                for item in new
                for kind, name, actor, n in item.names
            ]
            if names:
                conn.execute(store.insert_ignore(schema.gkg_names), names)
    return len(new), len(batch) - len(new)
