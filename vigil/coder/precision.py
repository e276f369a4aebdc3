"""How likely a coded event is to be right: its features and the shipped logistic model over them.

The coder's confidence says how sure it is of the root given the two actors; most wrong events
on news are wrong before that, in the pair (one of the actors is not a party to the event) or in
the event itself (the sentence reports none). These features describe the pair and the sentence
around an event, from what the extraction already holds. The pipeline stores the model's
probability as the event's confidence; ``scripts/train-event-precision`` fits it on the annotated
news sentences (``vigil.train.precision``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from vigil.coder import WEIGHTS_DIR
from vigil.models import Event, Extraction, Sentence

__all__ = ["FEATURES", "MODEL_FILE", "PrecisionModel", "event_features", "features"]

_ROOTS = (
    "AGREE CONSULT SUPPORT COOPERATE AID YIELD REQUEST ACCUSE REJECT THREATEN PROTEST SANCTION MOBILIZE COERCE "
    "ASSAULT STATEMENT"
).split()
_MODALITIES = ("asserted", "intended", "hypothetical", "negated", "reported")
_LABELS = ("PERSON", "ORG", "GPE", "NORP", "OTHER")

FEATURES: tuple[str, ...] = (
    "confidence",
    "confidence_gap",  # this event's confidence below the sentence's best
    "rank",
    "events_in_sentence",
    "actors_in_sentence",
    "sentence_words",
    "gap_words",  # words between the two actors
    "source_first",
    "has_trigger",
    "same_actor",
    *(f"source_{k}" for k in ("kb", "provisional", "generic", "none")),
    *(f"target_{k}" for k in ("kb", "provisional", "generic", "none")),
    *(f"source_label_{x}" for x in _LABELS),
    *(f"target_label_{x}" for x in _LABELS),
    *(f"root_{r}" for r in _ROOTS),
    *(f"modality_{m}" for m in _MODALITIES),
)


def _kind(actor_id: str | None) -> str:
    if actor_id is None:
        return "none"
    if actor_id.startswith("prov:generic:"):
        return "generic"
    if actor_id.startswith("prov:"):
        return "provisional"
    return "kb"


def _label(mentions: Sequence[_MentionLike], span: tuple[int, int] | None) -> str:
    if span is None:
        return "OTHER"
    for m in mentions:
        if m.start < span[1] and span[0] < m.end:
            return m.label if m.label in _LABELS else "OTHER"
    return "OTHER"


def _words(text: str) -> int:
    return len(text.split())


class _MentionLike(Protocol):
    @property
    def sentence_index(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def actor_id(self) -> str | None: ...


def features(x: Extraction, text: str) -> list[dict[str, float]]:
    """One feature dict per event of ``x`` (in order), over the article text ``text``."""
    return event_features(x.events, x.sentences, x.mentions, text)


def event_features(
    events: Sequence[Event], sentences: Sequence[Sentence], mentions: Sequence[_MentionLike], text: str
) -> list[dict[str, float]]:
    """One feature dict per event (in order): the events, sentences and mentions of one article."""
    by_sentence: dict[int, list[Event]] = {}
    for e in events:
        by_sentence.setdefault(e.sentence_index, []).append(e)
    spans = {s.index: (s.start, s.end) for s in sentences}
    by_mention: dict[int, list[_MentionLike]] = {}
    for m in mentions:
        by_mention.setdefault(m.sentence_index, []).append(m)
    out = []
    for e in events:
        same = by_sentence[e.sentence_index]
        best = max(o.confidence for o in same)
        rank = sorted((o.confidence for o in same), reverse=True).index(e.confidence)
        start, end = spans.get(e.sentence_index, (0, len(text)))
        ms = by_mention.get(e.sentence_index, [])
        f: dict[str, Any] = dict.fromkeys(FEATURES, 0.0)
        f["confidence"] = e.confidence
        f["confidence_gap"] = best - e.confidence
        f["rank"] = min(rank, 5)
        f["events_in_sentence"] = min(len(same), 10)
        f["actors_in_sentence"] = min(len({m.actor_id or m.text for m in ms}), 10)
        f["sentence_words"] = min(_words(text[start:end]) / 40.0, 3.0)
        if e.source_span and e.target_span:
            a, b = sorted((e.source_span, e.target_span))
            f["gap_words"] = min(_words(text[a[1] : b[0]]) / 10.0, 5.0)
            f["source_first"] = float(e.source_span[0] < e.target_span[0])
        else:
            f["gap_words"] = 5.0
        f["has_trigger"] = float(e.trigger_span is not None)
        f["same_actor"] = float(e.source_actor is not None and e.source_actor == e.target_actor)
        f[f"source_{_kind(e.source_actor)}"] = 1.0
        f[f"target_{_kind(e.target_actor)}"] = 1.0
        f[f"source_label_{_label(ms, e.source_span)}"] = 1.0
        f[f"target_label_{_label(ms, e.target_span)}"] = 1.0
        f[f"root_{e.root or 'STATEMENT'}"] = 1.0
        f[f"modality_{e.modality.value}"] = 1.0
        out.append(f)
    return out


# --- the model: a logistic regression over FEATURES, shipped as JSON ---------------------------------

MODEL_FILE = WEIGHTS_DIR / "event_precision.json"


@dataclass(frozen=True)
class PrecisionModel:
    """P(an event is right) from its :data:`FEATURES`: a logistic regression fitted on annotated news."""

    names: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    trained_on: str

    @property
    def version(self) -> str:
        """``prec-`` and a digest of the weights: a new fit is a new extractor version."""
        import hashlib

        key = json.dumps([self.names, self.coef, self.intercept]).encode()
        return "prec-" + hashlib.sha1(key).hexdigest()[:8]

    def score(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        out = []
        for f in rows:
            z = self.intercept + sum(c * f.get(n, 0.0) for n, c in zip(self.names, self.coef, strict=True))
            out.append(1.0 / (1.0 + math.exp(-z)))
        return out

    def save(self, path: Path = MODEL_FILE) -> None:
        data = {"features": list(self.names), "coef": [round(c, 6) for c in self.coef],
                "intercept": round(self.intercept, 6), "trained_on": self.trained_on}  # fmt: skip
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> PrecisionModel | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["features"]), tuple(data["coef"]), float(data["intercept"]), data["trained_on"])
