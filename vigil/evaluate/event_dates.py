"""Score event dates on the project's annotations (``annotations/event_dates.jsonl``).

Each record names an annotated event (a sentence of ``annotations/news_events.jsonl`` and the
event's index), the date it happened, its granularity and the publication date. The sentence is
run through the pipeline's two spaCy passes; the event's verb is found from its annotated actors
the way the candidate finder finds it (the verb the target hangs from, or the source's when that
one lies below it), and :func:`vigil.extract.timex.event_date` dates it.

Figures: ``exact_day`` is the share of events whose date is the annotated day (the representative
day of the period: a week's Monday, a month's first, a year's 1 January); ``exact`` also needs the
granularity right; ``by_granularity`` gives both per annotated granularity.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.errors import ConfigError
from vigil.evaluate.annotations import load

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from vigil.extract.nlp import NLP

__all__ = ["event_trigger", "score_event_dates"]


def _governor(token: Token) -> Token:
    current = token
    while current.pos_ not in {"VERB", "AUX"} and current.dep_ != "ROOT" and current.head.i != current.i:
        current = current.head
    return current


def event_trigger(doc: Doc, source: tuple[int, int], target: tuple[int, int]) -> int:
    """The token index of an event's verb from its actors' character offsets in the sentence."""
    spans = [doc.char_span(*offsets, alignment_mode="expand") for offsets in (source, target)]
    if spans[1] is None:
        return doc[0].sent.root.i if len(doc) else 0
    target_verb = _governor(spans[1].root)
    if spans[0] is None:
        return target_verb.i
    source_verb = _governor(spans[0].root)
    if target_verb in source_verb.ancestors:
        return source_verb.i
    return target_verb.i


def _records(path: Path) -> list[dict[str, Any]]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            missing = {"id", "event", "date", "precision", "published"} - set(record)
            if missing:
                raise ConfigError(
                    f"{path}:{number}: not an event-date record (missing {', '.join(sorted(missing))}); "
                    "--mode event-dates reads annotations/event_dates.jsonl"
                )
            out.append(record)
    return out


def score_event_dates(path: Path, shared: Path, nlp: NLP, events_file: Path | None = None) -> dict[str, Any]:
    """Date every annotated event and compare with the annotation.

    Args:
        path: the event-date annotations (JSON Lines).
        shared: the shared data folder holding the corpus the annotations refer to.
        nlp: the loaded spaCy passes (:func:`vigil.extract.nlp.load_nlp`).
        events_file: the annotated sentences (default: ``news_events.jsonl`` beside ``path``).
    Returns:
        A JSON-ready report: counts, ``exact_day``, ``exact``, ``by_granularity`` and the misses.
    """
    from vigil.extract.timex import event_date

    records = _records(path)
    sentences = {a.id: a for a in load([events_file or path.with_name("news_events.jsonl")], shared)}
    texts = []
    for r in records:
        if r["id"] not in sentences:
            raise ConfigError(f"{path}: {r['id']} is not an annotated sentence of {events_file or 'news_events.jsonl'}")
        texts.append(sentences[r["id"]].text)
    docs = nlp.second_pass(list(nlp.first_pass(texts)))
    totals: Counter[str] = Counter()
    by: dict[str, Counter[str]] = {}
    misses = []
    for r, doc in zip(records, docs, strict=True):
        event = sentences[r["id"]].events[r["event"]]
        trigger = event_trigger(doc, event["source_span"], event["target_span"])
        found = event_date(doc, trigger, date.fromisoformat(r["published"]))
        assert found is not None  # every record has a publication date
        same_day = found.day.isoformat() == r["date"]
        exact = same_day and found.granularity.value == r["precision"]
        counts = by.setdefault(r["precision"], Counter())
        for c in (totals, counts):
            c["events"] += 1
            c["exact_day"] += same_day
            c["exact"] += exact
        if not exact:
            expression = doc.text[slice(*found.expression)] if found.expression else None
            misses.append(
                {
                    "id": r["id"],
                    "gold": [r["date"], r["precision"]],
                    "found": [found.day.isoformat(), found.granularity.value],
                    "expression": expression,
                }  # fmt: skip
            )
    return {
        "events": totals["events"],
        "exact_day": _share(totals["exact_day"], totals["events"]),
        "exact": _share(totals["exact"], totals["events"]),
        "by_granularity": {
            g: {
                "events": c["events"],
                "exact_day": _share(c["exact_day"], c["events"]),
                "exact": _share(c["exact"], c["events"]),
            }  # fmt: skip
            for g, c in sorted(by.items())
        },
        "misses": misses,
    }


def _share(n: int, total: int) -> float:
    return round(n / total, 4) if total else 0.0
