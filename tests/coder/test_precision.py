"""The event-precision model: shipped, applied to every event, and part of the extractor version."""

from __future__ import annotations

from typing import Any

from tests.conftest import REFERENCE_ARTICLE
from vigil.coder.precision import FEATURES, PrecisionModel, features
from vigil.evaluate.coding import _as_article


def test_every_event_confidence_is_the_models_chance(coder_pipeline: Any, reference_text: str) -> None:
    model = PrecisionModel.load()
    assert model is not None and model.names == FEATURES and coder_pipeline.precision == model
    assert model.version in coder_pipeline.version
    article = _as_article({"id": REFERENCE_ARTICLE.stem, "text": reference_text, "date": "2024-01-27"})
    saved = coder_pipeline.precision
    try:
        coder_pipeline.precision = None
        [raw] = coder_pipeline.extract([article])
    finally:
        coder_pipeline.precision = saved
    [scored] = coder_pipeline.extract([article])
    assert [e.id for e in raw.events] == [e.id for e in scored.events] and len(raw.events) > 10
    expected = [round(p, 4) for p in model.score(features(raw, reference_text))]
    assert [e.confidence for e in scored.events] == expected
    assert all(0.0 < p < 1.0 for p in expected) and len(set(expected)) > 5
    # the coder's most confident event of a sentence outranks the same pair of a weaker one
    assert model.coef[FEATURES.index("confidence")] > 0 and model.coef[FEATURES.index("confidence_gap")] != 0
