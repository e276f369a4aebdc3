"""Fitting the event-precision model."""

from __future__ import annotations

from typing import Any

from vigil.coder.precision import features
from vigil.evaluate.coding import _as_article
from vigil.train.precision import fit


def test_fit_learns_which_events_are_right(coder_pipeline: Any, reference_text: str) -> None:
    """Fitted on labels that follow one feature, the model ranks by it (a check of the fitting code)."""
    article = _as_article({"id": "x", "text": reference_text, "date": "2024-01-27"})
    [x] = coder_pipeline.extract([article])
    rows = features(x, reference_text)
    labels = [int(r["modality_asserted"] == 1.0) for r in rows]
    assert 0 < sum(labels) < len(labels)
    model = fit(rows, labels, c=10.0)
    scores = model.score(rows)
    right = [s for s, lab in zip(scores, labels, strict=True) if lab]
    wrong = [s for s, lab in zip(scores, labels, strict=True) if not lab]
    assert min(right) > max(wrong)
