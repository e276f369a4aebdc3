"""Fitting the event / no-event gate on the candidate pairs the pipeline proposes in gold sentences."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vigil.coder.gate import EventGate
from vigil.coder.items import CoderInput
from vigil.coder.labels import ROOTS
from vigil.evaluate.coding import gold_pair_of, pair_labels, run_pipeline
from vigil.train.data import Example
from vigil.train.fit import SEED

__all__ = ["fit_gate", "gate_data", "pipeline_data"]

GATE_VERSION = "gate2"  # gate2: the mentions' labels (named or not)


class _RecordingGate(EventGate):
    """Keeps every candidate and records its gate features, in the pipeline's event order."""

    def __init__(self) -> None:
        super().__init__({}, 0.0, -1.0, "recording")
        self.seen: list[dict[str, float]] = []

    def predict(self, features: Sequence[dict[str, float]]) -> list[float]:
        self.seen.extend(features)
        return [1.0] * len(features)


def gate_data(
    records: list[dict[str, Any]], pipeline: Any
) -> tuple[list[list[dict[str, float]]], list[list[int]], list[Example]]:
    """Gate features and labels of every candidate the pipeline proposes, per gold record.

    A candidate is positive when its source and target overlap a gold event's (whatever the root);
    every other pair the parse proposes is a negative. The positives also come back as coder
    training examples (the pipeline's spans and trigger, the gold root): the coder then learns the
    spans it will see at run time, not only the annotators' ones.
    """
    saved, saved_n = pipeline.gate, pipeline.events_per_sentence
    recorder = _RecordingGate()
    pipeline.gate, pipeline.events_per_sentence = recorder, 0  # every candidate, in the recorder's order
    try:
        extractions = run_pipeline(records, pipeline)
    finally:
        pipeline.gate, pipeline.events_per_sentence = saved, saved_n
    feats: list[list[dict[str, float]]] = []
    labels: list[list[int]] = []
    extra: list[Example] = []
    pos = 0
    for record, x in zip(records, extractions, strict=True):
        n = len(x.events)
        feats.append(recorder.seen[pos : pos + n])
        labels.append(pair_labels(record, x))
        pos += n
        text = record["text"]
        for e in x.events:
            g = gold_pair_of(record, e)
            if g is None or g.get("event") not in ROOTS or e.source_span is None or e.target_span is None:
                continue
            item = CoderInput(text, e.source_span, e.target_span, e.trigger_span)
            extra.append(Example(item, g["event"], int(g["quad"]), str(record["id"]), text))
    return feats, labels, extra


GATE_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def _fit_gate_lr(features: Sequence[dict[str, float]], labels: Sequence[int], c: float) -> EventGate:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform(features)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, np.asarray(labels))
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 5) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) > 1e-6}
    return EventGate(weights, float(model.intercept_[0]), 0.5, GATE_VERSION)


def fit_gate(
    features: Sequence[dict[str, float]], labels: Sequence[int], c: float = 1.0, seed: int = SEED
) -> EventGate:
    """Fit the gate; its threshold maximises pair F1 in a 3-fold CV inside the given data."""
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, 3, size=len(labels))
    y = np.asarray(labels)
    p = np.zeros(len(labels))
    for k in range(3):
        tr = [i for i in range(len(labels)) if fold[i] != k]
        te = [i for i in range(len(labels)) if fold[i] == k]
        g = _fit_gate_lr([features[i] for i in tr], [labels[i] for i in tr], c)
        p[te] = g.predict([features[i] for i in te])

    def f1(t: float) -> float:
        keep = p >= t
        tp = float(np.sum(keep & (y == 1)))
        return 2 * tp / max(1.0, float(keep.sum()) + float(y.sum()))

    gate = _fit_gate_lr(features, labels, c)
    gate.threshold = max(GATE_THRESHOLDS, key=f1)
    return gate


def pipeline_data(plv_file: Path, seed: int) -> tuple[EventGate, list[Example]]:
    """The event gate fitted on every PLV candidate pair, and the pipeline-span training examples."""
    from vigil.config import load_settings
    from vigil.evaluate.gold import load_gold
    from vigil.extract.pipeline import Pipeline

    records = [r for r in load_gold(plv_file).records if r.get("text")]
    pipeline = Pipeline.load(load_settings(env={}, overrides={"extract.transformer": False}))
    pipeline.gate = None
    feats, labels, extra = gate_data(records, pipeline)
    gate = fit_gate([f for fs in feats for f in fs], [y for ys in labels for y in ys], seed=seed)
    return gate, extra
