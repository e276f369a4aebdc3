"""Seconds spent per extraction stage, summed over the articles (and over worker processes)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["StageTimes"]


@dataclass(slots=True)
class StageTimes:
    """Seconds spent per stage: ``model.<stage>`` inside models (spaCy, the coder), ``ours.<stage>`` in our code."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] += seconds
