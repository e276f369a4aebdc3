"""What the coder reads and returns, and the actor spans of a sentence.

A :class:`CoderInput` is a sentence with the character spans of its source and target actors; the
linear heads see the actors as placeholder tokens (:mod:`vigil.coder.features`), the transformer
expert as marked text (:func:`marked_text`). Gold files mark actors ``<s>...</s>`` and
``<t>...</t>`` (:func:`spans_from_marked`) or name them (:func:`span_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CoderInput", "CoderOutput", "marked_text", "span_of", "spans_from_marked"]


@dataclass(frozen=True, slots=True)
class CoderInput:
    """One (sentence, source, target) item to code.

    Args:
        text: the sentence.
        source: character span ``(start, end)`` of the source actor in ``text``, or None if unknown.
        target: character span of the target actor, or None if unknown.
        trigger: character span of the event's trigger word (the verb the parse links the actors
            through), or None: the coder then looks for a trigger between the actors itself.
    """

    text: str
    source: tuple[int, int] | None
    target: tuple[int, int] | None
    trigger: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class CoderOutput:
    """The coder's decision for one item.

    Attributes:
        root: PLOVER root, or None for a quad-0 statement.
        quad: 0 neutral statement, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
            4 material conflict.
        cameo: CAMEO 2-digit root matching ``root`` (``"01"`` for a statement).
        confidence: calibrated probability that the root (and so the quad) is right; for a
            statement, the probability that it is a statement.
        root_scores: probability of each root given that the item is an event (sums to 1).
        quad_scores: probability of each quad class, 0 included (sums to 1).
    """

    root: str | None
    quad: int
    cameo: str | None
    confidence: float
    root_scores: dict[str, float]
    quad_scores: dict[int, float]


def marked_text(item: CoderInput) -> str:
    """The sentence with ``[S] ... [/S]`` and ``[T] ... [/T]`` around the actors (the transformer's view)."""
    spans = [(s[0], s[1], n) for s, n in ((item.source, "S"), (item.target, "T")) if s is not None]
    spans = [(a, b, n) for a, b, n in spans if 0 <= a < b <= len(item.text)]
    spans.sort()
    if len(spans) == 2 and spans[1][0] < spans[0][1]:  # overlapping: keep the first
        spans = spans[:1]
    text = item.text
    for a, b, n in reversed(spans):
        text = f"{text[:a]}[{n}] {text[a:b]} [/{n}]{text[b:]}"
    return text


def span_of(text: str, actor: str | None) -> tuple[int, int] | None:
    """Character span of the first occurrence of ``actor`` in ``text`` (None if absent or empty)."""
    if not actor:
        return None
    start = text.find(actor)
    if start < 0:
        return None
    return start, start + len(actor)


_MARK = re.compile(r"</?[st]>")


def spans_from_marked(marked: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Source and target spans (first occurrence of each mark) in the unmarked text."""
    spans: dict[str, tuple[int, int]] = {}
    open_at: dict[str, int] = {}
    removed = 0
    for m in _MARK.finditer(marked):
        tag = m.group(0)
        pos = m.start() - removed
        removed += len(tag)
        role = tag.strip("</>")
        if tag.startswith("</"):
            if role in open_at and role not in spans:
                start = open_at.pop(role)
                spans[role] = (start, pos)
        else:
            open_at.setdefault(role, pos)
    return spans.get("s"), spans.get("t")


def unmark(marked: str) -> str:
    """The sentence without its ``<s>``, ``</s>``, ``<t>`` and ``</t>`` marks."""
    return _MARK.sub("", marked)
