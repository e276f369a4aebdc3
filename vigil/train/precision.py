"""Fitting the event-precision model (:mod:`vigil.coder.precision`) on annotated events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vigil.coder.precision import FEATURES, PrecisionModel

__all__ = ["fit"]


def fit(
    rows: Sequence[Mapping[str, float]], labels: Sequence[int], c: float = 1.0, trained_on: str = ""
) -> PrecisionModel:
    """A :class:`PrecisionModel` fitted on feature rows and 0/1 labels."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([[f.get(n, 0.0) for n in FEATURES] for f in rows])
    model = LogisticRegression(C=c, max_iter=2000).fit(x, np.array(labels))
    return PrecisionModel(FEATURES, tuple(float(v) for v in model.coef_[0]), float(model.intercept_[0]), trained_on)
