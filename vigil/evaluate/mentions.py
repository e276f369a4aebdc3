"""Mention detection and linking scored against GUM-style gold entity spans."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from vigil.models import Actor, Mention

__all__ = ["ACTOR_TYPES", "score_mentions"]

# GUM entity classes that name actors (who does what to whom); the rest are abstract, time, object...
ACTOR_TYPES = frozenset({"person", "organization", "place"})


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace("_", " ").strip()


def _names_something(text: str) -> bool:
    """Whether an unnamed-actor mention holds a name ("the government of Peru"), unlike "the court"."""
    return any(word[:1].isupper() for word in text.split()[1:])


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_mentions(
    gold: Sequence[dict[str, Any]], predicted: Sequence[Mention], actors: dict[str, Actor]
) -> dict[str, Any]:
    """Precision/recall/F1 of named actor mentions, and linking accuracy.

    Unnamed-actor mentions ("the court") are left out unless they hold a name.

    A gold mention counts when its type is an actor type and it is named (it has a
    Wikipedia identity or starts with a capital). A predicted mention matches a gold
    one whose span it overlaps. Linking is right when the predicted actor's name or an
    alias equals the gold Wikipedia title.

    Args:
        gold: GUM gold mentions of one article.
        predicted: Vigil's mentions of the same text.
        actors: actor records by id (for names and aliases).
    Returns:
        Counts (tp, fp, fn, linked, link_total) to sum over articles.
    """
    predicted = [m for m in predicted if m.label != "NOMINAL" or _names_something(m.text)]
    targets = [g for g in gold if g["type"] in ACTOR_TYPES and (g.get("wiki") or g["text"][:1].isupper())]
    # Nested gold spans: keep the outermost named one for matching.
    spans = [(g["start"], g["end"]) for g in targets]
    matched_gold: set[int] = set()
    tp = fp = 0
    linked = link_total = 0
    for m in predicted:
        hit = next((i for i, s in enumerate(spans) if _overlap((m.start, m.end), s)), None)
        if hit is None:
            fp += 1
            continue
        if hit in matched_gold:
            continue
        matched_gold.add(hit)
        tp += 1
        wiki = targets[hit].get("wiki")
        if wiki:
            link_total += 1
            actor = actors.get(m.actor_id or "")
            names = {_norm(actor.name), *(_norm(a) for a in actor.aliases)} if actor else set()
            if _norm(wiki) in names:
                linked += 1
    # Gold spans that overlap another matched gold span (nesting) are not misses.
    fn = 0
    for i, s in enumerate(spans):
        if i in matched_gold:
            continue
        if any(_overlap(s, spans[j]) for j in matched_gold):
            continue
        fn += 1
    return {"tp": tp, "fp": fp, "fn": fn, "linked": linked, "link_total": link_total}
