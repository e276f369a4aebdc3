"""``vigil eval``: score the pipeline on a gold file, whatever its schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigil.config import Settings
from vigil.errors import VigilError
from vigil.evaluate.gold import GoldFile, load_gold

__all__ = ["evaluate"]

MODES = ("given-actors", "end-to-end", "event-dates")


def evaluate(path: Path, mode: str, settings: Settings) -> dict[str, Any]:
    """Score Vigil against the gold file at ``path``.

    Args:
        path: a gold JSON Lines file (events, articles or actors schema).
        mode: ``given-actors`` or ``end-to-end`` (event sets only), or ``event-dates`` (the event-date
            annotations, ``annotations/event_dates.jsonl``: exact-day accuracy, overall and per granularity).
        settings: Vigil settings.
    Returns:
        A JSON-ready report.
    """
    if mode not in MODES:
        raise VigilError(f"Unknown mode {mode!r}: use one of {', '.join(MODES)}.")
    if mode == "event-dates":
        from vigil.evaluate.event_dates import score_event_dates
        from vigil.extract.pipeline import Pipeline

        nlp = Pipeline.load(settings).nlp  # with the knowledge base's names, as extraction runs it
        scored = score_event_dates(path, Path(settings.get_str("shared")), nlp)
        return {"gold": path.name, "kind": "event-dates", "records": scored["events"], **scored}
    gold = load_gold(path, Path(settings.get_str("shared")))
    report: dict[str, Any] = {"gold": gold.name, "kind": gold.kind, "records": len(gold.records)}
    if gold.kind == "events":
        report.update(_events(gold, mode, settings))
    elif gold.kind == "articles":
        report.update(_articles(gold, settings))
    else:
        from vigil.kb import KnowledgeBase
        from vigil.kb.scoring import score_descriptions

        report["actors"] = score_descriptions(KnowledgeBase.load(), gold.records)
    return report


def _events(gold: GoldFile, mode: str, settings: Settings) -> dict[str, Any]:
    from vigil.evaluate import coding
    from vigil.extract.coder import EventCoder

    if mode == "given-actors":
        from vigil.evaluate.crossval import trained_on

        coder = EventCoder.load()
        if trained_on(gold.path, coder):
            from vigil.evaluate.crossval import cross_validated_report

            return cross_validated_report(gold.path, folds=5)
        return coding.score_given_actors(gold, coder)
    from vigil.evaluate.crossval import cross_validated_end_to_end, trained_on
    from vigil.extract.pipeline import Pipeline

    if trained_on(gold.path, EventCoder.load()) and gold.path.name.startswith("plv_train"):
        return cross_validated_end_to_end(gold.path, settings, folds=5)
    return coding.score_end_to_end(
        gold, Pipeline.load(settings), min_confidence=settings.get_float("view.min_confidence")
    )


def _articles(gold: GoldFile, settings: Settings) -> dict[str, Any]:
    from vigil.evaluate.coding import _as_article
    from vigil.evaluate.mentions import score_mentions
    from vigil.extract.actors import ENTITY_LABELS
    from vigil.extract.pipeline import Pipeline
    from vigil.models import Mention

    pipeline = Pipeline.load(settings)
    articles = [_as_article(r) for r in gold.records]
    extractions = pipeline.extract(articles)
    actors = {a.id: a for a in pipeline.kb.actors()}
    for x in extractions:
        actors.update({a.id: a for a in x.actors})
    ours = {"tp": 0, "fp": 0, "fn": 0, "linked": 0, "link_total": 0}
    raw = dict.fromkeys(ours, 0)
    raw_nlp = pipeline.nlp.nlp
    for record, x in zip(gold.records, extractions, strict=True):
        mentions = record["gold"]["mentions"]
        for k, v in score_mentions(mentions, list(x.mentions), actors).items():
            ours[k] += v
        with raw_nlp.select_pipes(disable=["entity_ruler"]):
            doc = raw_nlp(record["text"])
        spacy_mentions = [
            Mention(x.article_id, 0, e.start_char, e.end_char, e.text, e.label_, None, 1.0, "spacy")
            for e in doc.ents
            if e.label_ in ENTITY_LABELS
        ]
        for k, v in score_mentions(mentions, spacy_mentions, {}).items():
            raw[k] += v
    return {"mentions": _prf(ours), "spacy_entities_baseline": _prf(raw)}


def _prf(c: dict[str, int]) -> dict[str, Any]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "linking_accuracy": round(c["linked"] / c["link_total"], 4) if c["link_total"] else None,
        **c,
    }
