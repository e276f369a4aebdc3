"""Analysts' corrections: reject or relabel an event, fix its date, merge or split actors.

Corrections are an append-only audit trail (who, when, why) kept beside the extraction and
applied on top of it wherever the store is read (:meth:`vigil.store.Store.events`, the bulk
readers behind every analysis), so a correction survives re-extraction: an event is found again
by its place (article, sentence, source and target words), not by its row.

========= =============== ==================================================================
kind      target          value
========= =============== ==================================================================
reject    an event id     the event's place
relabel   an event id     its place and ``root`` (a PLOVER root or STATEMENT) and/or ``modality``
redate    an event id     its place and ``date`` (YYYY-MM-DD)
merge     an actor id     ``into``: the actor it is the same as
split     an actor id     ``text``: the mentions (words) that are another actor, ``as``: its id
undo      a correction id nothing: that correction no longer applies
========= =============== ==================================================================

A corrected event keeps its id and gets confidence 1.0 (an analyst checked it).
:func:`training_examples` gives the event corrections as labelled sentences for training.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from vigil.errors import VigilError
from vigil.models import DateGranularity, Event, Mention, Modality

__all__ = [
    "KINDS",
    "Correction",
    "CorrectionError",
    "Corrections",
    "add_correction",
    "event_place",
    "list_corrections",
    "training_examples",
]

KINDS = ("reject", "relabel", "redate", "merge", "split", "undo")
_EVENT_KINDS = ("reject", "relabel", "redate")


class CorrectionError(VigilError):
    """A correction that cannot be applied: the message says what to give instead."""


@dataclass(frozen=True, slots=True)
class Correction:
    """One entry of the audit trail."""

    id: int
    kind: str
    target: str
    value: dict[str, Any]
    reason: str
    author: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "value": self.value,
            "reason": self.reason,
            "author": self.author,
            "at": self.at.isoformat(),
        }


def event_place(e: Event) -> dict[str, Any]:
    """Where an event is: what finds it again after re-extraction."""
    return {
        "article": e.article_id,
        "sentence": e.sentence_index,
        "source_text": e.source_text,
        "target_text": e.target_text,
    }


def _place_key(place: dict[str, Any]) -> tuple[Any, ...]:
    return (place.get("article"), place.get("sentence"), place.get("source_text"), place.get("target_text"))


def _check_value(kind: str, value: dict[str, Any]) -> None:
    from vigil.coder.labels import ROOTS

    if kind == "relabel":
        root = value.get("root")
        if root is None and value.get("modality") is None:
            raise CorrectionError("A relabel needs a new root (--root) or modality (--modality).")
        if root is not None and root not in (*ROOTS, "STATEMENT"):
            raise CorrectionError(f"Unknown root {root!r}; use one of {', '.join(ROOTS)} or STATEMENT.")
        modality = value.get("modality")
        if modality is not None and modality not in {m.value for m in Modality}:
            raise CorrectionError(f"Unknown modality {modality!r}; use one of {', '.join(m.value for m in Modality)}.")
    elif kind == "redate":
        try:
            date.fromisoformat(str(value.get("date")))
        except ValueError:
            raise CorrectionError(f"A redate needs a date YYYY-MM-DD, got {value.get('date')!r}.") from None
    elif kind == "merge" and not str(value.get("into", "")).count(":"):
        raise CorrectionError("A merge needs the id of the actor it is the same as (--into gov:JPN).")
    elif kind == "split" and (not value.get("text") or ":" not in str(value.get("as", ""))):
        raise CorrectionError("A split needs the words of the other actor (--text) and its new id (--as prov:...).")


def add_correction(store: Any, kind: str, target: str, value: dict[str, Any], reason: str, author: str) -> Correction:
    """Record a correction (validated) and return it.

    For event kinds, ``target`` is an event id as listings show it; the event's place is added to
    ``value`` so that the correction finds the event again after re-extraction.

    Raises:
        CorrectionError: an unknown kind, event, actor or value; an empty reason.
    """
    from vigil.store import schema

    if kind not in KINDS:
        raise CorrectionError(f"Unknown correction {kind!r}; use one of {', '.join(KINDS)}.")
    if not reason.strip():
        raise CorrectionError("Give the reason for the correction; it is kept in the audit trail.")
    value = dict(value)
    _check_value(kind, value)
    if kind in _EVENT_KINDS:
        found = store.event_by_id(target)
        if found is None:
            raise CorrectionError(f"No event with id {target!r}; `vigil events --json` lists the ids.")
        value.update(event_place(found))
    elif kind in ("merge", "split") and ":" not in target:
        raise CorrectionError(f"Expected an actor id like prov:tourism-ministry, got {target!r}.")
    elif kind == "undo" and not any(str(c.id) == target for c in list_corrections(store)):
        raise CorrectionError(f"No correction {target!r}; `vigil correct list` shows them.")
    at = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as conn:
        row = conn.execute(
            schema.corrections.insert().values(
                kind=kind, target=target, value=value, reason=reason.strip(), author=author.strip() or "analyst", at=at
            )
        )
        new_id = int(row.inserted_primary_key[0])
    return Correction(new_id, kind, target, value, reason.strip(), author.strip() or "analyst", at)


def list_corrections(store: Any, *, known_by: datetime | None = None) -> list[Correction]:
    """The audit trail (the corrections made before ``known_by``, when given), oldest first."""
    from vigil.store import schema

    t = schema.corrections
    stmt = select(t).order_by(t.c.id)
    if known_by is not None:
        stmt = stmt.where(t.c.at < known_by)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        Correction(r["id"], r["kind"], r["target"], dict(r["value"]), r["reason"], r["author"], r["at"]) for r in rows
    ]


class Corrections:
    """The corrections in force, ready to apply to events and mentions."""

    def __init__(self, trail: Sequence[Correction]) -> None:
        undone = {c.target for c in trail if c.kind == "undo"}
        active = [c for c in trail if c.kind != "undo" and str(c.id) not in undone]
        self.by_place: dict[tuple[Any, ...], list[Correction]] = {}
        for c in active:
            if c.kind in _EVENT_KINDS:
                self.by_place.setdefault(_place_key(c.value), []).append(c)
        self.merges = {c.target: str(c.value["into"]) for c in active if c.kind == "merge"}
        self.splits = [
            (c.target, str(c.value["text"]).casefold(), str(c.value["as"])) for c in active if c.kind == "split"
        ]

    @classmethod
    def load(cls, store: Any, *, known_by: datetime | None = None) -> Corrections:
        """The corrections in force in a store (as they stood at ``known_by``, when given)."""
        return cls(list_corrections(store, known_by=known_by))

    def __bool__(self) -> bool:
        return bool(self.by_place or self.merges or self.splits)

    def actor(self, actor_id: str | None, text: str | None = None) -> str | None:
        """The actor an id (mentioned with ``text``) stands for after splits and merges."""
        if actor_id is None:
            return None
        if text is not None:
            folded = text.casefold()
            for source, words, new in self.splits:
                if source == actor_id and words in folded:
                    actor_id = new
                    break
        seen = {actor_id}
        while actor_id in self.merges and self.merges[actor_id] not in seen:
            actor_id = self.merges[actor_id]
            seen.add(actor_id)
        return actor_id

    def stored_ids(self, actor_id: str) -> set[str]:
        """The stored actor ids that may read as ``actor_id`` (for filtering before applying)."""
        out = {actor_id}
        out |= {a for a in self.merges if self.actor(a) == actor_id}
        out |= {source for source, _, new in self.splits if self.actor(new) == actor_id}
        return out

    def events(self, events: Iterable[Event]) -> list[Event]:
        """The events with rejections left out and relabels, redates and actor changes applied."""
        out = []
        for e in events:
            fixes = self.by_place.get(_place_key(event_place(e)), [])
            if any(c.kind == "reject" for c in fixes):
                continue
            changes: dict[str, Any] = {}
            for c in fixes:
                changes.update(_event_changes(c))
            src = self.actor(e.source_actor, e.source_text)
            tgt = self.actor(e.target_actor, e.target_text)
            if src != e.source_actor or tgt != e.target_actor:
                changes.update(source_actor=src, target_actor=tgt)
            out.append(dataclasses.replace(e, fixed_id=e.id, **changes) if changes else e)
        return out

    def mentions(self, mentions: Iterable[Mention]) -> list[Mention]:
        """The mentions with splits and merges applied."""
        if not (self.merges or self.splits):
            return list(mentions)
        out = []
        for m in mentions:
            actor = self.actor(m.actor_id, m.text)
            out.append(m if actor == m.actor_id else dataclasses.replace(m, actor_id=actor))
        return out


def _event_changes(c: Correction) -> dict[str, Any]:
    from vigil.coder.labels import ROOT_TO_QUAD

    changes: dict[str, Any] = {"confidence": 1.0}
    if c.kind == "relabel":
        root = c.value.get("root")
        if root is not None:
            changes.update(root=None if root == "STATEMENT" else root, quad=ROOT_TO_QUAD.get(root, 0), cameo=None)
        if c.value.get("modality") is not None:
            changes["modality"] = Modality(c.value["modality"])
    elif c.kind == "redate":  # when it happened; the publication date stays
        changes["occurred"] = date.fromisoformat(str(c.value["date"]))
        changes["occurred_granularity"] = DateGranularity.DAY
    return changes


def training_examples(store: Any) -> list[dict[str, Any]]:
    """The event corrections in force as labelled examples: the sentence by reference (article and
    sentence index), the pair's words, and the analyst's label (``no event`` for a rejection)."""
    active = Corrections.load(store)
    out = []
    for fixes in active.by_place.values():
        c = fixes[-1]
        label: dict[str, Any] = {"event": not any(f.kind == "reject" for f in fixes)}
        for f in fixes:
            label.update({k: v for k, v in f.value.items() if k in ("root", "modality", "date")})
        out.append(
            {
                "article": c.value["article"],
                "sentence": c.value["sentence"],
                "source_text": c.value["source_text"],
                "target_text": c.value["target_text"],
                **label,
                "reason": c.reason,
                "author": c.author,
                "at": c.at.isoformat(),
            }
        )
    return out
