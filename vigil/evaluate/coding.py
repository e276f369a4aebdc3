"""Event coding scored against gold event sets: given actors, or end to end.

Given-actors mode hands the gold source and target spans to the coder, as the
zero-shot PLOVER coder was evaluated. End-to-end mode runs the whole pipeline on
each sentence and matches triples: the predicted source span overlaps the gold
source, the target overlaps the gold target, and the root agrees (the quad, for
sets that only have quads; country codes stand in for spans where the gold has no
actor text).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from vigil.coder.coder import EventCoder
from vigil.coder.items import CoderInput, span_of, spans_from_marked
from vigil.coder.labels import JOINT_ROOTS, QUADS, ROOTS
from vigil.evaluate.gold import GoldFile, record_date
from vigil.evaluate.metrics import classification_report
from vigil.models import Article, DateSource, Event, Extraction

if TYPE_CHECKING:
    from vigil.extract.pipeline import Pipeline

__all__ = [
    "count_end_to_end",
    "end_to_end_report",
    "gold_items",
    "gold_pair_of",
    "pair_labels",
    "run_pipeline",
    "score_end_to_end",
    "score_given_actors",
]


def _spans(record: dict[str, Any], event: dict[str, Any]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    marked = event.get("marked_text")
    if marked:
        return spans_from_marked(marked)
    return span_of(record["text"], event.get("source")), span_of(record["text"], event.get("target"))


def gold_items(gold: GoldFile) -> list[tuple[dict[str, Any], dict[str, Any], CoderInput]]:
    """(record, gold event, coder input) for every gold event with both actor spans."""
    out = []
    for record in gold.records:
        for event in record.get("events", []):
            src, tgt = _spans(record, event)
            if src is None or tgt is None:
                continue
            out.append((record, event, CoderInput(record["text"], src, tgt)))
    return out


def score_given_actors(gold: GoldFile, coder: EventCoder) -> dict[str, Any]:
    """Root and quad scores with the gold actors handed to the coder."""
    items = gold_items(gold)
    if not items:
        return {"mode": "given-actors", "events": 0, "note": "no gold event has both source and target text"}
    outputs = coder.predict([item for _, _, item in items])
    report: dict[str, Any] = {"mode": "given-actors", "events": len(items)}
    rooted = [(e["event"], o) for (_, e, _), o in zip(items, outputs, strict=True) if e.get("event") in ROOTS]
    if rooted:
        report["root"] = classification_report(
            [g for g, _ in rooted],
            [o.root or "NONE" for _, o in rooted],
            labels=[r for r in ROOTS if any(g == r for g, _ in rooted)],
            confidence=[o.confidence for _, o in rooted],
        )
    quads = [(e["quad"], o) for (_, e, _), o in zip(items, outputs, strict=True) if e.get("quad") is not None]
    if quads:
        report["quad"] = classification_report(
            [g for g, _ in quads],
            [o.quad for _, o in quads],
            labels=[q for q in QUADS if any(g == q for g, _ in quads)],
            confidence=[o.quad_scores.get(o.quad, 0.0) for _, o in quads],
        )
    return report


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


# The outlet of a record of a news set, from its origin: a sentence is read as in its outlet's article (the
# outlet naming itself, "Wikinews asked ...", is the article's author)
_ORIGIN_OUTLETS = (("wikinews", "en.wikinews.org"), ("guardian", "theguardian.com"))


def _as_article(record: dict[str, Any]) -> Article:
    day = record_date(record)
    origin = str(record.get("origin") or "")
    return Article(
        id=str(record["id"]),
        text=record["text"],
        title=None,
        url=None,
        source=record.get("source") or next((o for key, o in _ORIGIN_OUTLETS if key in origin), None),
        published=day,
        date_source=DateSource.FIELD if day else DateSource.NONE,
        language="en",
        ingested_at=datetime.now(UTC).replace(tzinfo=None),
        origin="eval",
    )


def _mention_codes(x: Extraction, span: tuple[int, int] | None) -> tuple[str | None, str | None]:
    for m in x.mentions:
        if span is not None and m.start == span[0] and m.end == span[1]:
            return m.country, m.sector
    return None, None


def _matches(
    event: Event, x: Extraction, gold: dict[str, Any], record: dict[str, Any], either_way: bool = False
) -> bool:
    """Whether ``event`` is the gold event: its actors' spans overlap the gold ones and its root is the gold root.

    Joint roots are undirected (ANNOTATION.md): A-B and B-A are one event; ``either_way`` takes any
    root in either direction (the pair alone).
    """
    src, tgt = _spans(record, gold)
    if src is not None and tgt is not None:
        forward = _overlaps(event.source_span, src) and _overlaps(event.target_span, tgt)
        undirected = either_way or gold.get("event") in JOINT_ROOTS
        backward = undirected and _overlaps(event.source_span, tgt) and _overlaps(event.target_span, src)
        if not (forward or backward):
            return False
    else:
        s_country, _ = _mention_codes(x, event.source_span)
        t_country, _ = _mention_codes(x, event.target_span)
        if not gold.get("source_country") or s_country != gold.get("source_country"):
            return False
        if gold.get("target_country") and t_country != gold.get("target_country"):
            return False
    if gold.get("event"):
        return bool(event.root == gold["event"])
    if gold.get("quad") is not None:
        return bool(event.quad == gold["quad"])
    return True


def run_pipeline(records: list[dict[str, Any]], pipeline: Pipeline, batch: int = 64) -> list[Extraction]:
    """The pipeline's extraction of each gold record (as a one-record article)."""
    extractions: list[Extraction] = []
    for i in range(0, len(records), batch):
        extractions.extend(pipeline.extract([_as_article(r) for r in records[i : i + batch]]))
    return extractions


def count_end_to_end(records: list[dict[str, Any]], extractions: list[Extraction]) -> dict[str, int]:
    """Raw counts behind :func:`score_end_to_end` (they add up across folds)."""
    c = dict.fromkeys(
        ("predicted", "matched_pred", "gold", "matched_gold", "country_right", "country_total")
        + ("sector_right", "sector_total", "pair_found", "root_right_on_pair", "modality_right"),
        0,
    )
    for record, x in zip(records, extractions, strict=True):
        events = list(x.events)
        c["predicted"] += len(events)
        golds = [g for g in record.get("events", []) if g.get("event") or g.get("quad") is not None]
        c["gold"] += len(golds)
        used: set[int] = set()
        for g in golds:
            on_pair = [e for e in events if _matches(e, x, {**g, "event": None, "quad": None}, record, either_way=True)]
            c["pair_found"] += bool(on_pair)
            c["root_right_on_pair"] += any(e.root == g.get("event") for e in on_pair)
            hit = next((i for i, e in enumerate(events) if i not in used and _matches(e, x, g, record)), None)
            if hit is None:
                continue
            used.add(hit)
            c["matched_gold"] += 1
            e = events[hit]
            c["modality_right"] += int(str(e.modality.value) == str(g.get("modality") or "asserted"))
            for side, span in (("source", e.source_span), ("target", e.target_span)):
                code, sect = _mention_codes(x, span)
                if g.get(f"{side}_country"):
                    c["country_total"] += 1
                    c["country_right"] += int(code == g[f"{side}_country"])
                if g.get(f"{side}_sector"):
                    c["sector_total"] += 1
                    c["sector_right"] += int(sect == g[f"{side}_sector"])
        c["matched_pred"] += len(used)
    return c


def end_to_end_report(c: dict[str, int], sentences: int) -> dict[str, Any]:
    """The JSON-ready end-to-end report from :func:`count_end_to_end` counts."""
    p = c["matched_pred"] / c["predicted"] if c["predicted"] else 0.0
    r = c["matched_gold"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "mode": "end-to-end",
        "sentences": sentences,
        "gold_events": c["gold"],
        "predicted_events": c["predicted"],
        "triple": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
        "events_per_gold_event": round(c["predicted"] / c["gold"], 3) if c["gold"] else None,
        "pairs_proposed": round(c["pair_found"] / c["gold"], 4) if c["gold"] else None,
        "root_right_on_found_pairs": round(c["root_right_on_pair"] / c["pair_found"], 4) if c["pair_found"] else None,
        "modality_accuracy": round(c["modality_right"] / c["matched_gold"], 4) if c["matched_gold"] else None,
        "actor_country_accuracy": _ratio({"right": c["country_right"], "total": c["country_total"]}),
        "actor_sector_accuracy": _ratio({"right": c["sector_right"], "total": c["sector_total"]}),
    }


def score_end_to_end(
    gold: GoldFile, pipeline: Pipeline, batch: int = 64, min_confidence: float | None = None
) -> dict[str, Any]:
    """Triple precision/recall/F1 and actor country/sector accuracy, running the whole pipeline.

    With ``min_confidence``, the report also scores the default view: only the events users see
    without options (confidence at least ``min_confidence``), under ``default_view``.
    """
    records = [r for r in gold.records if r.get("text")]
    extractions = run_pipeline(records, pipeline, batch)
    report = end_to_end_report(count_end_to_end(records, extractions), len(records))
    if min_confidence is not None:
        shown = [replace(x, events=tuple(e for e in x.events if e.confidence >= min_confidence)) for x in extractions]
        view = end_to_end_report(count_end_to_end(records, shown), len(records))
        report["default_view"] = {
            "min_confidence": min_confidence,
            **{k: view[k] for k in ("predicted_events", "triple")},
        }
    return report


def gold_pair_of(record: dict[str, Any], event: Event) -> dict[str, Any] | None:
    """The first gold event of ``record`` whose source and target overlap ``event``'s, or None."""
    events: list[dict[str, Any]] = record.get("events", [])
    for g in events:
        s, t = _spans(record, g)
        if s and t and _overlaps(event.source_span, s) and _overlaps(event.target_span, t):
            return g
    return None


def pair_labels(record: dict[str, Any], x: Extraction) -> list[int]:
    """For each event of ``x``: 1 when its source and target overlap a gold event's, else 0."""
    golds = [_spans(record, g) for g in record.get("events", [])]
    return [
        int(any(_overlaps(e.source_span, s) and _overlaps(e.target_span, t) for s, t in golds if s and t))
        for e in x.events
    ]


def _ratio(c: dict[str, int]) -> dict[str, Any]:
    return {"accuracy": round(c["right"] / c["total"], 4) if c["total"] else None, "n": c["total"]}
