"""Score the description resolver on records in the actor-description schema.

The schema (``../shared/eval/dev/README.md``, "Actor-description sets"): each record has
``text``, ``date``, ``context`` and ``expect`` with any of ``country`` (ISO3, "" for
none), ``sector`` (compared on its first three letters: "REBsna" counts as REB),
``wiki`` (the canonical actor's Wikipedia title, compared with the resolved name and
aliases, case and diacritics folded) and ``none`` (the description must not resolve).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from vigil.kb.knowledge import KnowledgeBase
from vigil.kb.names import name_key
from vigil.kb.resolve import Resolution, resolve_description

__all__ = ["score_descriptions"]


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def _identity_ok(kb: KnowledgeBase, res: Resolution | None, wiki: str) -> bool:
    if res is None:
        return False
    title = wiki.replace("_", " ")
    # "Ben Wallace (politician)": Wikipedia's disambiguation is no part of the name
    wanted = {name_key(title), name_key(re.sub(r"\s*\([^)]*\)$", "", title))}
    if name_key(res.name) in wanted:
        return True
    actor = kb.get(res.actor_id) if res.actor_id else None
    return actor is not None and any(name_key(a) in wanted for a in actor.aliases)


def score_descriptions(kb: KnowledgeBase, records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Resolve every record and compute country, sector, identity and none accuracy.

    Args:
        kb: the knowledge base.
        records: dicts with ``text``, ``date``, ``context`` and ``expect``.

    Returns:
        ``{"records", "country": {"correct", "total", "accuracy"}, "sector": {...},
        "identity": {...}, "none": {...}, "errors": [...]}``; an accuracy is None when
        no record asserts that field. ``errors`` lists the misses (id, text, field,
        expected, got) for inspection.
    """
    tallies = {k: [0, 0] for k in ("country", "sector", "identity", "none")}
    errors: list[dict[str, Any]] = []
    count = 0
    for rec in records:
        count += 1
        expect = rec.get("expect") or {}
        res = resolve_description(kb, str(rec.get("text") or ""), _day(rec.get("date")), rec.get("context"))
        checks: list[tuple[str, Any, Any, bool]] = []
        if "none" in expect:
            checks.append(("none", bool(expect["none"]), res is None, (res is None) == bool(expect["none"])))
        if "country" in expect:
            got = (res.country if res else None) or ""
            want = expect["country"] or ""
            checks.append(("country", want, got, got == want))
        if "sector" in expect and expect["sector"]:
            got_sector = (res.sector if res else None) or ""
            want_sector = str(expect["sector"])[:3].upper()
            checks.append(("sector", want_sector, got_sector, got_sector[:3] == want_sector))
        if expect.get("wiki"):
            checks.append(
                ("identity", expect["wiki"], res.name if res else None, _identity_ok(kb, res, expect["wiki"]))
            )
        for field, want, got, ok in checks:
            tallies[field][1] += 1
            tallies[field][0] += int(ok)
            if not ok:
                errors.append(
                    {"id": rec.get("id"), "text": rec.get("text"), "field": field, "expected": want, "got": got}
                )
    report: dict[str, Any] = {"records": count}
    for field, (correct, total) in tallies.items():
        report[field] = {"correct": correct, "total": total, "accuracy": round(correct / total, 4) if total else None}
    report["errors"] = errors
    return report
