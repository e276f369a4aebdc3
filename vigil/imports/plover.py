"""PLOVER JSON: ``vigil export plover`` files and PLOVER/NGEC-style event records.

Two shapes are read, one object per event or per coded text:

* **Vigil's PLOVER export** (a JSON array, or one object per line): ``event_id``, ``event_date``,
  ``event_type`` (the root), ``quad_code``, ``event_mode``, ``contexts``, ``modality``, ``actor_*`` and
  ``recipient_*`` (``id``, ``name``, ``country``, ``primary_sector``, ``name_raw``), ``article_url``,
  ``article_title``, ``source``, ``publication_date``, ``sentence_index``, ``cameo_code``,
  ``confidence``, ``stance`` and ``coder``. Actor ids the knowledge base knows are kept; others come
  back as provisional actors with the exported name, country and sector.
* **PLOVER gold-standard records** (JSON Lines, one coded text per line, as in the PLOVER repository's
  ``gold_standard_records``): ``id``, ``text``, ``date`` and ``events``, each with ``event``, ``quad``,
  ``mode``, ``context``, ``source_actors``/``target_actors`` (``actorText``, ``code``, ``sector``).
  A text's actors are mapped as GDELT's are (knowledge base names, else country and sector); an event
  with several sources or targets becomes one event per pair, as Vigil codes them.

The coder is the record's own when it names another importer's (GDELT, ICEWS, ACLED: a re-imported
export of imported events), else ``PLOVER``: events read from a file are never Vigil's own extraction
in this store. ``events.extractor`` keeps what the file said (``import:plover VIGIL …``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from vigil.coder.labels import ROOT_TO_QUAD, ROOTS
from vigil.imports.actors import ActorMapper, MappedActor
from vigil.imports.records import ImportedEvent, provenance_record
from vigil.ingest.fields import source_from_url
from vigil.models import Actor, Article, Event, Modality, Rejection

__all__ = ["PLOVER_CODER", "read_plover"]

PLOVER_CODER = "PLOVER"
_KEPT_CODERS = frozenset({"GDELT", "ICEWS", "ACLED", PLOVER_CODER})
_KINDS = {
    "person": "person",
    "org": "organisation",
    "igo": "igo",
    "party": "party",
    "country": "country",
    "gov": "government",
}


def _objects(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line, object)`` per record: the items of a JSON array, else one JSON object per line.

    A line that is not JSON gives ``(line, ValueError)``; in an array, reading stops at the first syntax
    error (what follows cannot be delimited), with that line.
    """
    text = path.read_bytes().decode("utf-8-sig")
    stripped = text.lstrip()
    if stripped.startswith("["):
        decoder = json.JSONDecoder()
        pos = len(text) - len(stripped) + 1
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text) or text[pos] == "]":
                return
            line = text.count("\n", 0, pos) + 1
            try:
                obj, pos = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                yield exc.lineno, ValueError(f"invalid JSON: {exc.msg}; the rest of the array is not read")
                return
            yield line, obj
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            yield lineno, json.loads(raw)
        except json.JSONDecodeError as exc:
            yield lineno, ValueError(f"invalid JSON: {exc.msg} (column {exc.colno})")


def read_plover(path: Path, mapper: ActorMapper) -> Iterator[ImportedEvent | Rejection]:
    """PLOVER JSON records of ``path`` as events (or rejections with their line)."""
    origin = str(path)
    try:
        items = list(_objects(path))
    except UnicodeDecodeError as exc:
        yield Rejection(origin, "file", f"not valid UTF-8 ({exc.reason} at byte {exc.start}); convert it to UTF-8")
        return
    for lineno, obj in items:
        location = f"line {lineno}"
        if isinstance(obj, ValueError):
            yield Rejection(origin, location, str(obj))
            continue
        if not isinstance(obj, dict):
            yield Rejection(origin, location, f"a JSON {type(obj).__name__}, not an event object")
            continue
        try:
            if isinstance(obj.get("events"), list):
                yield from _gold_record(obj, origin, location, mapper)
            elif "event_type" in obj:
                yield _exported(obj, origin, location, mapper)
            else:
                raise ValueError("neither a PLOVER event (no event_type) nor a coded text (no events list)")
        except ValueError as exc:
            yield Rejection(origin, location, str(exc))


# --- shared field readers -----------------------------------------------------------------------------


def _str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(f"{key} is a JSON {type(value).__name__}, not a string")
    return str(value).strip() or None


def _day(obj: dict[str, Any], key: str) -> date | None:
    value = _str(obj, key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{key} {value!r} is not a YYYY-MM-DD date") from None


def _root_quad(root: str | None, quad: Any) -> tuple[str | None, int]:
    if root is not None:
        root = root.upper()
        if root not in ROOTS:
            raise ValueError(f"event type {root!r} is not a PLOVER root Vigil codes ({', '.join(ROOTS)})")
    expected = ROOT_TO_QUAD[root] if root is not None else 0
    if quad is None:
        return root, expected
    if isinstance(quad, bool) or not isinstance(quad, int) or not 0 <= quad <= 4:
        raise ValueError(f"quad code {quad!r} is not 0-4")
    if quad != expected:
        raise ValueError(f"quad code {quad} disagrees with event type {root or 'statement'} (quad {expected})")
    return root, quad


def _contexts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(c.strip() for c in value.split(";") if c.strip())
    if isinstance(value, list) and all(isinstance(c, str) for c in value):
        return tuple(value)
    raise ValueError("contexts is neither a list of strings nor a ';'-separated string")


def _number(obj: dict[str, Any], key: str, default: float | None) -> float | None:
    value = obj.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} {value!r} is not a number")
    return float(value)


def _event(record: Article, a1: MappedActor | None, a2: MappedActor | None, **fields: Any) -> Event:
    """An event on ``record`` between the mapped actors (ids and the source's words for them)."""
    return Event(
        article_id=record.id,
        source_actor=a1.actor_id if a1 else None,
        target_actor=a2.actor_id if a2 else None,
        source_text=a1.text if a1 else None,
        target_text=a2.text if a2 else None,
        **fields,
    )


# --- Vigil's export -----------------------------------------------------------------------------------


def _exported_actor(obj: dict[str, Any], side: str, mapper: ActorMapper) -> MappedActor | None:
    actor_id = _str(obj, f"{side}_id")
    raw = _str(obj, f"{side}_name_raw")
    name = _str(obj, f"{side}_name")
    if actor_id is None:
        return None
    known = mapper.kb.get(actor_id)
    if known is not None:
        return MappedActor(actor_id, known, raw or known.name)
    kind = _KINDS.get(actor_id.split(":", 1)[0], "group")
    actor = Actor(
        actor_id,
        name or raw or actor_id,
        kind,
        country=_str(obj, f"{side}_country"),
        sector=_str(obj, f"{side}_primary_sector"),
        provisional=True,
    )
    return MappedActor(actor_id, actor, raw or actor.name)


def _exported(obj: dict[str, Any], origin: str, location: str, mapper: ActorMapper) -> ImportedEvent:
    eid = _str(obj, "event_id")
    if eid is None:
        raise ValueError("no event_id")
    named = (_str(obj, "coder") or "").upper()
    coder = named if named in _KEPT_CODERS else PLOVER_CODER
    root, quad = _root_quad(_str(obj, "event_type"), obj.get("quad_code"))
    day = _day(obj, "event_date")
    modality_value = _str(obj, "modality") or Modality.ASSERTED.value
    try:
        modality = Modality(modality_value)
    except ValueError:
        raise ValueError(f"modality {modality_value!r} is not one of {', '.join(m.value for m in Modality)}") from None
    url = _str(obj, "article_url")
    article = _str(obj, "article_id")
    key = url or (f"article {article}" if article else f"event {eid}")
    record = provenance_record(
        coder,
        key,
        origin=origin,
        url=url,
        source=_str(obj, "source") or source_from_url(url),
        title=_str(obj, "article_title"),
        published=_day(obj, "publication_date"),
    )
    a1, a2 = (_exported_actor(obj, side, mapper) for side in ("actor", "recipient"))
    sentence = obj.get("sentence_index")
    version = _str(obj, "version")
    event = _event(
        record,
        a1,
        a2,
        sentence_index=sentence if isinstance(sentence, int) and not isinstance(sentence, bool) else -1,
        date=day,
        root=root,
        quad=quad,
        cameo=_str(obj, "cameo_code"),
        modality=modality,
        confidence=_number(obj, "confidence", 1.0) or 0.0,
        extractor=" ".join(x for x in ("import:plover", named or None, version) if x),
        mode=_str(obj, "event_mode"),
        contexts=_contexts(obj.get("contexts")),
        stance=_number(obj, "stance", None),
        coder=coder,
        import_id=eid if coder != PLOVER_CODER and eid.startswith(f"{coder}-") else f"{PLOVER_CODER}-{eid}",
    )
    return ImportedEvent(event, record, tuple(m.actor for m in (a1, a2) if m), location)


# --- PLOVER gold-standard records ---------------------------------------------------------------------


def _gold_actors(items: Any, fallback: str | None, mapper: ActorMapper) -> list[MappedActor | None]:
    if items is None:
        return [None] if fallback is None else [mapper.plover(fallback, None, None, None)]
    if not isinstance(items, list) or not all(isinstance(a, dict) for a in items):
        raise ValueError("source_actors/target_actors is not a list of objects")
    out = []
    for a in items:
        text = _str(a, "actorText")
        if text is None:
            raise ValueError("an actor without actorText")
        out.append(mapper.plover(text, _str(a, "code"), _str(a, "sector"), None))
    return out or [None]


def _gold_record(obj: dict[str, Any], origin: str, location: str, mapper: ActorMapper) -> Iterator[ImportedEvent]:
    rid = _str(obj, "id")
    if rid is None:
        raise ValueError("a coded text without id")
    day = _day(obj, "date")
    record = provenance_record(
        PLOVER_CODER,
        f"record {rid}",
        origin=origin,
        title=f"PLOVER record {rid}",
        note=_str(obj, "text") or "",
        published=day,
    )
    out: list[ImportedEvent] = []
    for raw in obj["events"]:
        if not isinstance(raw, dict):
            raise ValueError("an item of events is not an object")
        root, quad = _root_quad(_str(raw, "event"), raw.get("quad"))
        mode = _str(raw, "mode")
        for a1 in _gold_actors(raw.get("source_actors"), _str(raw, "source"), mapper):
            for a2 in _gold_actors(raw.get("target_actors"), _str(raw, "target"), mapper):
                n = len(out)
                out.append(
                    ImportedEvent(
                        _event(
                            record,
                            a1,
                            a2,
                            sentence_index=-1,
                            date=day,
                            root=root,
                            quad=quad,
                            cameo=_str(raw, "cameo"),
                            modality=Modality.NEGATED if mode == "negated" else Modality.ASSERTED,
                            confidence=1.0,
                            extractor="import:plover",
                            mode=mode,
                            contexts=_contexts(raw.get("context")),
                            coder=PLOVER_CODER,
                            import_id=f"{PLOVER_CODER}-{rid}" + (f"-{n}" if n else ""),
                        ),
                        record,
                        tuple(m.actor for m in (a1, a2) if m),
                        location,
                    )
                )
    yield from out
