"""Classification metrics: accuracy, per-class P/R/F1, macro-F1 (scikit-learn's), confusion, calibration.

Labels are any hashable values (PLOVER roots, quad ints, None for "no event"). Conventions follow
scikit-learn's: a class's precision/recall/F1 is 0 when undefined (no predictions / no gold), and
macro averages run over the classes given in ``labels`` or, by default, over every class seen in
gold or predictions.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "ClassScore",
    "ReliabilityBin",
    "accuracy",
    "classification_report",
    "confusion_matrix",
    "expected_calibration_error",
    "macro_f1",
    "per_class_scores",
    "precision_above",
    "reliability_bins",
]

L = TypeVar("L", bound=Hashable)


@dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall, F1 and gold count (support) of one class."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One confidence bin of a reliability diagram: ``[lo, hi)`` (the last bin includes 1.0)."""

    lo: float
    hi: float
    count: int
    accuracy: float | None  # None for an empty bin
    mean_confidence: float | None


def _check(gold: Sequence[object], pred: Sequence[object]) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"gold and pred differ in length ({len(gold)} != {len(pred)}); pass aligned sequences.")


def _label_order(gold: Sequence[L], pred: Sequence[L], labels: Sequence[L] | None) -> list[L]:
    if labels is not None:
        return list(labels)
    seen: dict[L, None] = {}
    for x in list(gold) + list(pred):
        seen.setdefault(x, None)
    try:
        return sorted(seen)  # type: ignore[type-var]
    except TypeError:  # mixed types such as None and str: first-seen order
        return list(seen)


def accuracy(gold: Sequence[L], pred: Sequence[L]) -> float:
    """Share of items whose prediction equals the gold label (0.0 for no items)."""
    _check(gold, pred)
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


def per_class_scores(gold: Sequence[L], pred: Sequence[L], labels: Sequence[L] | None = None) -> dict[L, ClassScore]:
    """Precision, recall, F1 and support of each class.

    Args:
        gold: gold labels.
        pred: predicted labels, aligned with ``gold``.
        labels: classes to report (default: all seen, sorted when sortable).

    Returns:
        ``{label: ClassScore}`` in ``labels`` order.
    """
    _check(gold, pred)
    out: dict[L, ClassScore] = {}
    for label in _label_order(gold, pred, labels):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        n_pred = sum(1 for p in pred if p == label)
        n_gold = sum(1 for g in gold if g == label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = ClassScore(precision, recall, f1, n_gold)
    return out


def macro_f1(gold: Sequence[L], pred: Sequence[L], labels: Sequence[L] | None = None) -> float:
    """Unweighted mean of the per-class F1 over ``labels`` (default: all classes seen), by scikit-learn.

    A class in ``labels`` that is neither in ``gold`` nor in ``pred`` scores 0 and counts in the mean.
    """
    from sklearn.metrics import f1_score

    _check(gold, pred)
    order = _label_order(gold, pred, labels)
    if not order or not gold:
        return 0.0
    # Labels become their index in ``order`` (-1: not reported), so that any hashable label works.
    index = {label: i for i, label in enumerate(order)}
    return float(
        f1_score(
            [index.get(g, -1) for g in gold],
            [index.get(p, -1) for p in pred],
            labels=list(range(len(order))),
            average="macro",
            zero_division=0,
        )
    )


def confusion_matrix(gold: Sequence[L], pred: Sequence[L], labels: Sequence[L] | None = None) -> dict[L, dict[L, int]]:
    """Counts as ``matrix[gold_label][pred_label]`` (every pair of ``labels`` present, zeros included).

    Items whose gold or predicted label is not in ``labels`` are left out.
    """
    _check(gold, pred)
    order = _label_order(gold, pred, labels)
    matrix: dict[L, dict[L, int]] = {g: {p: 0 for p in order} for g in order}
    for g, p in zip(gold, pred, strict=True):
        if g in matrix and p in matrix:
            matrix[g][p] += 1
    return matrix


def reliability_bins(confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> list[ReliabilityBin]:
    """Reliability diagram: equal-width confidence bins with their count and accuracy.

    Args:
        confidence: predicted probability of being right, in [0, 1].
        correct: whether each prediction was right.
        n_bins: number of equal-width bins over [0, 1].

    Returns:
        ``n_bins`` bins, empty ones included (accuracy None).
    """
    _check(confidence, correct)
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}.")
    counts = [0] * n_bins
    hits = [0] * n_bins
    conf_sum = [0.0] * n_bins
    for c, ok in zip(confidence, correct, strict=True):
        if not 0.0 <= c <= 1.0:
            raise ValueError(f"confidence {c} is outside [0, 1].")
        b = min(int(c * n_bins), n_bins - 1)
        counts[b] += 1
        hits[b] += int(ok)
        conf_sum[b] += c
    return [
        ReliabilityBin(
            lo=b / n_bins,
            hi=(b + 1) / n_bins,
            count=counts[b],
            accuracy=hits[b] / counts[b] if counts[b] else None,
            mean_confidence=conf_sum[b] / counts[b] if counts[b] else None,
        )
        for b in range(n_bins)
    ]


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> float:
    """ECE: count-weighted mean |accuracy - mean confidence| over the reliability bins."""
    bins = reliability_bins(confidence, correct, n_bins)
    total = sum(b.count for b in bins)
    if not total:
        return 0.0
    return (
        sum(
            b.count * abs(b.accuracy - b.mean_confidence)
            for b in bins
            if b.accuracy is not None and b.mean_confidence is not None
        )
        / total
    )


def precision_above(
    confidence: Sequence[float], correct: Sequence[bool], threshold: float = 0.9
) -> tuple[float | None, int]:
    """Accuracy of the predictions whose confidence is strictly above ``threshold``.

    Returns:
        ``(accuracy, count)``; accuracy is None when no prediction is that confident.
    """
    _check(confidence, correct)
    picked = [ok for c, ok in zip(confidence, correct, strict=True) if c > threshold]
    if not picked:
        return None, 0
    return sum(picked) / len(picked), len(picked)


def classification_report(
    gold: Sequence[L],
    pred: Sequence[L],
    labels: Sequence[L] | None = None,
    confidence: Sequence[float] | None = None,
) -> dict[str, object]:
    """All of the above as a JSON-ready dict (labels turned into strings).

    Args:
        gold: gold labels.
        pred: predicted labels.
        labels: classes to report and average over.
        confidence: optional confidence per prediction, for the calibration entries.
    """
    scores = per_class_scores(gold, pred, labels)
    report: dict[str, object] = {
        "n": len(gold),
        "accuracy": round(accuracy(gold, pred), 4),
        "macro_f1": round(macro_f1(gold, pred, labels), 4),
        "per_class": {
            str(k): {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
                "support": s.support,
            }
            for k, s in scores.items()
        },
        "confusion": {
            str(g): {str(p): n for p, n in row.items()} for g, row in confusion_matrix(gold, pred, labels).items()
        },
    }
    if confidence is not None:
        correct = [g == p for g, p in zip(gold, pred, strict=True)]
        prec, count = precision_above(confidence, correct, 0.9)
        report["precision_above_0.9"] = None if prec is None else round(prec, 4)
        report["count_above_0.9"] = count
        report["ece"] = round(expected_calibration_error(confidence, correct), 4)
        report["reliability"] = [
            {
                "bin": f"{b.lo:.1f}-{b.hi:.1f}",
                "count": b.count,
                "accuracy": None if b.accuracy is None else round(b.accuracy, 4),
                "mean_confidence": None if b.mean_confidence is None else round(b.mean_confidence, 4),
            }
            for b in reliability_bins(confidence, correct)
        ]
    return report
