"""Agreement between two annotations of the same sentences (inter-annotator agreement).

Events match when their roots are equal and their source and target spans overlap; AGREE,
CONSULT and COOPERATE are undirected (A-B and B-A are one event), as the guidelines say.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import cohen_kappa_score

from vigil.evaluate.annotations import AnnotatedSentence

__all__ = ["JOINT_ROOTS", "agreement", "match_events"]

JOINT_ROOTS = frozenset({"AGREE", "CONSULT", "COOPERATE"})
Span = tuple[int, int]


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["event"] != b["event"]:
        return False
    if _overlap(a["source_span"], b["source_span"]) and _overlap(a["target_span"], b["target_span"]):
        return True
    return a["event"] in JOINT_ROOTS and (
        _overlap(a["source_span"], b["target_span"]) and _overlap(a["target_span"], b["source_span"])
    )


def _unique(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One event per undirected pair for joint roots (coding both directions is one event)."""
    out: list[dict[str, Any]] = []
    for e in events:
        if not any(_same(e, kept) for kept in out):
            out.append(e)
    return out


def match_events(
    a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of matching events, one to one, in order."""
    left, right = _unique(a), _unique(b)
    used: set[int] = set()
    pairs = []
    for x in left:
        for j, y in enumerate(right):
            if j not in used and _same(x, y):
                used.add(j)
                pairs.append((x, y))
                break
    return pairs


def agreement(first: Sequence[AnnotatedSentence], second: Sequence[AnnotatedSentence]) -> dict[str, Any]:
    """Triple precision/recall/F1 of ``second`` against ``first`` on the sentences both annotate,
    Cohen's kappa of "the sentence has an event", and modality agreement on matched events."""
    by_id = {s.id: s for s in first}
    common = [(by_id[s.id], s) for s in second if s.id in by_id]
    gold = predicted = matched = same_modality = 0
    has_a, has_b = [], []
    for a, b in common:
        ea, eb = _unique(a.events), _unique(b.events)
        pairs = match_events(ea, eb)
        gold += len(ea)
        predicted += len(eb)
        matched += len(pairs)
        same_modality += sum(x["modality"] == y["modality"] for x, y in pairs)
        has_a.append(bool(ea))
        has_b.append(bool(eb))
    precision = matched / predicted if predicted else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "sentences": len(common),
        "events_first": gold,
        "events_second": predicted,
        "matched": matched,
        "triple_precision": round(precision, 3),
        "triple_recall": round(recall, 3),
        "triple_f1": round(f1, 3),
        # undefined when all sentences carry one label
        "has_event_kappa": round(float(cohen_kappa_score(has_a, has_b)), 3) if len({*has_a, *has_b}) > 1 else None,
        "modality_agreement": round(same_modality / matched, 3) if matched else None,
    }
