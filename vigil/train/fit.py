"""Fitting the linear heads of the event coder (the transformer expert fits in :mod:`vigil.coder.transformer`).

Each head is a scikit-learn logistic regression over the TF-IDF features of
:mod:`vigil.coder.features`; only its coefficients are kept (:class:`~vigil.coder.heads.LinearHeads`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from vigil.coder.coder import EventCoder
from vigil.coder.features import Vectorizer, featurize
from vigil.coder.heads import LinearHeads
from vigil.coder.labels import QUADS, ROOTS
from vigil.train.data import Example

__all__ = ["SEED", "TrainConfig", "fit_coder", "fit_vectorizer"]

SEED = 20240601
VERSION_PREFIX = "linear-2h-lex"


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Hyper-parameters (chosen by 5-fold CV on PLV_train)."""

    c_root: float = 60.0
    c_quad: float = 10.0
    min_df: int = 2
    cameo_weight: float = 1.0
    balanced: bool = True
    block_weights: dict[str, float] = field(
        default_factory=lambda: {"w": 1.0, "c": 1.0, "b": 1.0, "x": 0.7, "a": 0.5, "n": 0.5, "l": 0.5}
    )
    statement_threshold: float = 0.5


def fit_vectorizer(counts: Sequence[dict[str, float]], min_df: int, block_weights: dict[str, float]) -> Vectorizer:
    """Vocabulary (features in >= ``min_df`` items) and smoothed idf, as scikit-learn's TfidfVectorizer."""
    df: dict[str, int] = {}
    for c in counts:
        for key in c:
            df[key] = df.get(key, 0) + 1
    features = sorted(k for k, n in df.items() if n >= min_df)
    n = len(counts)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in features], dtype=np.float32)
    return Vectorizer(features, idf, block_weights)


def _fit_lr(
    x: Any, y: npt.NDArray[np.int64], weight: npt.NDArray[np.float64], c: float, n_classes: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, tol=1e-5)
    model.fit(x, y, sample_weight=weight)
    coef = np.zeros((n_classes, x.shape[1]), dtype=np.float32)
    bias = np.full(n_classes, -30.0, dtype=np.float32)  # classes absent from the data never win
    for k, cls in enumerate(model.classes_):
        coef[int(cls)] = model.coef_[k]
        bias[int(cls)] = model.intercept_[k]
    return coef, bias


def _balanced_weights(y: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    classes, counts = np.unique(y, return_counts=True)
    per_class = {int(c): len(y) / (len(classes) * n) for c, n in zip(classes, counts, strict=True)}
    return np.array([per_class[int(v)] for v in y], dtype=np.float64)


def fit_coder(
    plv: Sequence[Example],
    cameo: Sequence[Example],
    cfg: TrainConfig,
    calibration: dict[str, float] | None = None,
    counts: dict[int, dict[str, float]] | None = None,
) -> EventCoder:
    """Fit both heads.

    Args:
        plv: root-labelled examples (root head and quad head).
        cameo: quad-only examples (quad head).
        cfg: hyper-parameters.
        calibration: ``beta``, ``root_temperature``, ``quad_temperature`` (default: 0, 1, 1).
        counts: optional cache ``id(example) -> featurize(example.item)``.
    """
    cache = counts if counts is not None else {}

    def feats(ex: Example) -> dict[str, float]:
        key = id(ex)
        if key not in cache:
            cache[key] = featurize(ex.item)
        return cache[key]

    all_counts = [feats(e) for e in plv] + [feats(e) for e in cameo]
    vec = fit_vectorizer(all_counts, cfg.min_df, cfg.block_weights)
    x_all = vec.transform(all_counts)
    n_plv = len(plv)

    y_root = np.array([ROOTS.index(e.root or "") for e in plv], dtype=np.int64)
    w_root = _balanced_weights(y_root) if cfg.balanced else np.ones(n_plv)
    root_coef, root_bias = _fit_lr(x_all[:n_plv], y_root, w_root, cfg.c_root, len(ROOTS))

    y_quad = np.array([e.quad for e in plv] + [e.quad for e in cameo], dtype=np.int64)
    w_src = np.array([1.0] * n_plv + [cfg.cameo_weight] * len(cameo))
    w_quad = (_balanced_weights(y_quad) if cfg.balanced else np.ones(len(y_quad))) * w_src
    quad_coef, quad_bias = _fit_lr(x_all, y_quad, w_quad, cfg.c_quad, len(QUADS))

    cal = {"beta": 0.0, "root_temperature": 1.0, "quad_temperature": 1.0, **(calibration or {})}
    params: dict[str, Any] = {
        "version": f"{VERSION_PREFIX}-{len(plv)}p{len(cameo)}c",
        "block_weights": cfg.block_weights,
        "statement_threshold": cfg.statement_threshold,
        "config": {"c_root": cfg.c_root, "c_quad": cfg.c_quad, "min_df": cfg.min_df, "cameo_weight": cfg.cameo_weight},
        **cal,
    }
    return EventCoder(LinearHeads(vec, root_coef, root_bias, quad_coef, quad_bias), params)
