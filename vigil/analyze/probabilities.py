"""The analyst's probabilities of a watch's outcomes: logged with a reason, checked for coherence.

A watch's outcomes are mutually exclusive (one candidate wins), so their probabilities should
not add up to more than 1. :func:`set_probability` logs a revision and, when the latest
probabilities add up to more than 100%, either says so (the default: the analyst decides) or,
asked to, scales the other outcomes down so that the total is 100%, each scaled value logged
as a revision of its own with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigil.analyze.watches import Watch
from vigil.errors import VigilError
from vigil.store import Store
from vigil.store import analysis as analysis_store

__all__ = ["ProbabilityUpdate", "set_probability"]

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class ProbabilityUpdate:
    """The revisions logged and, when the outcomes add up to more than 100%, a warning."""

    rows: list[analysis_store.ProbabilityRow]
    warning: str | None


def set_probability(
    store: Store,
    watch: Watch,
    outcome: str,
    probability: float,
    reason: str,
    *,
    normalise: bool = False,
    author: str = "",
) -> ProbabilityUpdate:
    """Log an outcome's probability; warn about, or normalise, a total above 100%.

    Args:
        store: the open store.
        watch: the watch (its outcomes are mutually exclusive).
        outcome: the outcome id.
        probability: in [0, 1].
        reason: why (kept in the log).
        normalise: scale the other outcomes' latest probabilities so that all add up to 1.
        author: who revises it (kept in the log; '' when not known).
    Returns:
        The rows logged and a warning (None when the total is at most 100% or was normalised).
    Raises:
        VigilError: an unknown outcome, a probability outside [0, 1] or an empty reason.
    """
    watch.outcome(outcome)
    if not 0.0 <= probability <= 1.0:
        raise VigilError(f"{probability} is not a probability: give a number between 0 and 1.")
    if not reason.strip():
        raise VigilError("Give the reason for the revision; it is kept in the probability log.")
    latest = {r.outcome: r.probability for r in analysis_store.probabilities(store, watch.name)}
    others = {o.id: latest[o.id] for o in watch.outcomes if o.id != outcome and o.id in latest}
    rows = [analysis_store.add_probability(store, watch.name, outcome, probability, reason.strip(), author=author)]
    total = probability + sum(others.values())
    if total <= 1.0 + _EPS:
        return ProbabilityUpdate(rows, None)
    if not normalise:
        parts = ", ".join(f"{o} {p:.0%}" for o, p in {outcome: probability, **others}.items())
        return ProbabilityUpdate(
            rows,
            f"The outcomes are mutually exclusive but their probabilities add up to {total:.0%} ({parts}): "
            "revise another outcome, or normalise (--normalise) to scale the others down.",
        )
    scale = (1.0 - probability) / sum(others.values())
    why = f"normalised after {outcome} was set to {probability:.0%} ({reason.strip()})"
    for o, p in others.items():
        rows.append(analysis_store.add_probability(store, watch.name, o, round(p * scale, 4), why, author=author))
    return ProbabilityUpdate(rows, None)
