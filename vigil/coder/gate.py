"""The event / no-event gate: is there a coded event between the two actors of a candidate pair?

A logistic regression over the parse and lexicon features of a candidate
(:func:`vigil.extract.events.gate_features`). The pipeline scales each event's confidence by its
probability (or, with ``gate_drops``, drops the events under its threshold) and routes the pairs
above the threshold to the transformer expert. It ships as ``weights/gate.json``;
:mod:`vigil.train.gate` fits it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

from vigil.coder import WEIGHTS_DIR

__all__ = ["GATE_FILE", "EventGate"]

GATE_FILE = "gate.json"


class EventGate:
    """Logistic regression over :func:`gate_features`: is there a coded event between these actors?

    Args:
        weights: feature -> coefficient.
        bias: intercept.
        threshold: candidates with a lower probability are dropped by the pipeline.
        version: a short tag, part of the extractor version.
    """

    def __init__(self, weights: dict[str, float], bias: float, threshold: float, version: str = "gate") -> None:
        self.weights = dict(weights)
        self.bias = float(bias)
        self.threshold = float(threshold)
        self.version = version

    @classmethod
    def load(cls, path: Path | None = None) -> EventGate | None:
        """The gate in ``path`` (default: the packaged ``weights/gate.json``), or None when absent."""
        file = (WEIGHTS_DIR if path is None else Path(path)) / GATE_FILE
        if not file.exists():
            return None
        data = json.loads(file.read_text(encoding="utf-8"))
        return cls(data["weights"], data["bias"], data["threshold"], data.get("version", "gate"))

    def save(self, path: Path) -> None:
        """Write ``gate.json`` into the folder ``path``."""
        path.mkdir(parents=True, exist_ok=True)
        data = {"version": self.version, "bias": self.bias, "threshold": self.threshold, "weights": self.weights}
        (path / GATE_FILE).write_text(json.dumps(data, indent=0, sort_keys=True), encoding="utf-8")

    def predict(self, features: Sequence[dict[str, float]]) -> list[float]:
        """Probability of an event for each feature dict."""
        out: list[float] = []
        for f in features:
            z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in f.items())
            out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
        return out
