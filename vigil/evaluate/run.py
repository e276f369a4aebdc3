"""``vigil eval``: score the pipeline on a gold file, whatever its schema."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.config import Settings
from vigil.errors import VigilError
from vigil.evaluate.gold import GoldFile, load_gold

if TYPE_CHECKING:
    from vigil.coder.coder import EventCoder

__all__ = ["TrainingReport", "evaluate", "trained_on"]

MODES = ("given-actors", "end-to-end", "event-dates")

TrainingReport = Callable[[Path, str, Settings], dict[str, Any]]
"""How to report on a gold file the coder was trained on: ``(path, mode, settings) -> report``."""


def evaluate(
    path: Path, mode: str, settings: Settings, training_report: TrainingReport | None = None
) -> dict[str, Any]:
    """Score Vigil against the gold file at ``path``.

    Args:
        path: a gold JSON Lines file (events, articles or actors schema).
        mode: ``given-actors`` or ``end-to-end`` (event sets only), or ``event-dates`` (the event-date
            annotations, ``annotations/event_dates.jsonl``: exact-day accuracy, overall and per granularity).
        settings: Vigil settings.
        training_report: what to report for a file the event coder was trained on, where its own
            scores would mean nothing; ``vigil eval`` passes
            :func:`vigil.train.crossval.training_file_report` (cross-validated figures).
    Returns:
        A JSON-ready report.
    Raises:
        VigilError: an unknown mode, or the coder's training file without ``training_report``.
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
        report.update(_events(gold, mode, settings, training_report))
    elif gold.kind == "articles":
        report.update(_articles(gold, settings))
    else:
        from vigil.kb import KnowledgeBase
        from vigil.kb.scoring import score_descriptions

        report["actors"] = score_descriptions(KnowledgeBase.load(), gold.records)
    return report


def _events(gold: GoldFile, mode: str, settings: Settings, training_report: TrainingReport | None) -> dict[str, Any]:
    from vigil.coder.coder import EventCoder
    from vigil.evaluate import coding

    if mode == "given-actors":
        coder = EventCoder.load()
        if trained_on(gold.path, coder):
            return _on_training_data(gold, mode, settings, training_report)
        return coding.score_given_actors(gold, coder)
    from vigil.extract.pipeline import Pipeline

    if trained_on(gold.path, EventCoder.load()) and gold.path.name.startswith("plv_train"):
        return _on_training_data(gold, mode, settings, training_report)
    return coding.score_end_to_end(
        gold, Pipeline.load(settings), min_confidence=settings.get_float("view.min_confidence")
    )


def _on_training_data(
    gold: GoldFile, mode: str, settings: Settings, training_report: TrainingReport | None
) -> dict[str, Any]:
    if training_report is None:
        raise VigilError(
            f"{gold.path.name} is the event coder's training data: its scores there would mean nothing. "
            "Run `vigil eval` on it, which reports cross-validated figures instead."
        )
    return training_report(gold.path, mode, settings)


def trained_on(path: Path, coder: EventCoder) -> bool:
    """Whether the gold file at ``path`` is one the coder was trained on (same SHA-256 as a training file).

    Scoring a coder on its own training data is meaningless: report cross-validated figures instead.
    """
    digests = coder.params.get("training_files", {})
    if not isinstance(digests, dict) or not Path(path).is_file():
        return False
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() in set(digests.values())


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
