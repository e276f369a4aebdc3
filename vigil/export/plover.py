"""PLOVER JSON: the selected events as a JSON array, one object per event.

The keys follow the NGEC/POLECAT output where Vigil has the field (POLECAT's column names in
snake case): ``event_id``, ``event_date``, ``event_type`` (the PLOVER root, null for a neutral
statement), ``event_mode``, ``quad_code``, ``contexts``, and for each side (``actor_``,
``recipient_``) ``name``, ``country``, ``primary_sector``, ``sectors``, ``title``, ``name_raw``
(the words in the sentence) and ``wikidata_id``; ``source`` (the outlet), ``publication_date``,
``language``, ``version`` (the extractor), ``coder`` (VIGIL or an importer's). Vigil adds its
provenance and coding: ``actor_id``/``recipient_id`` (Vigil's actor ids), ``article_id``,
``article_url``, ``article_title``,
``sentence_index``, ``event_text`` (the sentence), ``cameo_code``, ``modality``, ``confidence``
and ``stance``. Geography and intensity, which Vigil does not code, are left out.
"""

from __future__ import annotations

import json
from datetime import date
from typing import IO, Any

from vigil.export.select import Selection
from vigil.models import Event

__all__ = ["event_object", "write_plover"]


def _side(sel: Selection, prefix: str, actor: str | None, raw: str | None, day: date | None) -> dict[str, Any]:
    r = sel.records
    found = r.actors.get(actor) if actor else None
    role = found.role_on(day) if found else None
    primary = r.actor_sector(actor, day) if actor else None
    sectors = [s for s in dict.fromkeys([primary, found.sector if found else None]) if s]
    return {
        f"{prefix}_id": actor,
        f"{prefix}_name": r.name(actor) if actor else None,
        f"{prefix}_country": r.actor_country(actor) if actor else None,
        f"{prefix}_primary_sector": primary,
        f"{prefix}_sectors": sectors,
        f"{prefix}_title": role.title if role else None,
        f"{prefix}_name_raw": raw,
        f"{prefix}_wikidata_id": found.wikidata if found else None,
    }


def event_object(sel: Selection, e: Event) -> dict[str, Any]:
    """One event as a PLOVER JSON object."""
    art = sel.records.articles.get(e.article_id)
    return {
        "event_id": e.id,
        "event_date": e.when.isoformat() if e.when else None,
        "event_date_granularity": e.occurred_granularity.value if e.occurred_granularity else None,
        "event_type": e.root,
        "event_mode": e.mode,
        "quad_code": e.quad,
        "contexts": list(e.contexts),
        **_side(sel, "actor", e.source_actor, e.source_text, e.when),
        **_side(sel, "recipient", e.target_actor, e.target_text, e.when),
        "source": art.source if art else None,
        "publication_date": art.published.isoformat() if art and art.published else None,
        "language": art.language if art else None,
        "version": e.extractor,
        "coder": e.coder,
        "article_id": e.article_id,
        "article_url": art.url if art else None,
        "article_title": art.title if art else None,
        "sentence_index": e.sentence_index,
        "event_text": sel.records.sentence_text(e.article_id, e.sentence_index),
        "cameo_code": e.cameo,
        "modality": e.modality.value,
        "confidence": e.confidence,
        "stance": e.stance,
    }


def write_plover(sel: Selection, out: IO[bytes]) -> int:
    """Write the events as a JSON array; return how many."""
    rows = [event_object(sel, e) for e in sel.events]
    out.write(json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8"))
    out.write(b"\n")
    return len(rows)
