"""The event-precision model: shipped, applied to every event, and part of the extractor version."""

from __future__ import annotations

from typing import Any

from tests.conftest import REFERENCE_ARTICLE
from vigil.evaluate.coding import _as_article
from vigil.extract.precision import FEATURES, PrecisionModel, features
from vigil.train.precision import fit


def test_every_event_confidence_is_the_models_chance(pipeline: Any, reference_text: str) -> None:
    model = PrecisionModel.load()
    assert model is not None and model.names == FEATURES and pipeline.precision == model
    assert model.version in pipeline.version
    article = _as_article({"id": REFERENCE_ARTICLE.stem, "text": reference_text, "date": "2024-01-27"})
    saved = pipeline.precision
    try:
        pipeline.precision = None
        [raw] = pipeline.extract([article])
    finally:
        pipeline.precision = saved
    [scored] = pipeline.extract([article])
    assert [e.id for e in raw.events] == [e.id for e in scored.events] and len(raw.events) > 10
    expected = [round(p, 4) for p in model.score(features(raw, reference_text))]
    assert [e.confidence for e in scored.events] == expected
    assert all(0.0 < p < 1.0 for p in expected) and len(set(expected)) > 5
    # the coder's most confident event of a sentence outranks the same pair of a weaker one
    assert model.coef[FEATURES.index("confidence")] > 0 and model.coef[FEATURES.index("confidence_gap")] != 0


def test_fit_learns_which_events_are_right(pipeline: Any, reference_text: str) -> None:
    """Fitted on labels that follow one feature, the model ranks by it (a check of the fitting code)."""
    article = _as_article({"id": "x", "text": reference_text, "date": "2024-01-27"})
    [x] = pipeline.extract([article])
    rows = features(x, reference_text)
    labels = [int(r["source_kb"] == 1.0 and r["target_kb"] == 1.0) for r in rows]
    assert 0 < sum(labels) < len(labels)
    model = fit(rows, labels, c=10.0)
    scores = model.score(rows)
    right = [s for s, lab in zip(scores, labels, strict=True) if lab]
    wrong = [s for s, lab in zip(scores, labels, strict=True) if not lab]
    assert min(right) > max(wrong)
