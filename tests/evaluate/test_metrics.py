"""Metrics against hand-computed cases, cross-checked with scikit-learn."""

from __future__ import annotations

import math

import pytest
from sklearn import metrics as skm

from vigil.evaluate.metrics import (
    accuracy,
    classification_report,
    confusion_matrix,
    expected_calibration_error,
    macro_f1,
    per_class_scores,
    precision_above,
    reliability_bins,
)

GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "c"]


def test_metrics_accuracy_hand() -> None:
    assert accuracy(GOLD, PRED) == pytest.approx(4 / 6)
    assert accuracy([], []) == 0.0
    with pytest.raises(ValueError, match="length"):
        accuracy([1], [1, 2])


def test_metrics_per_class_hand() -> None:
    s = per_class_scores(GOLD, PRED)
    # a: tp 2, pred 2, gold 3 -> P 1, R 2/3, F1 0.8
    assert (s["a"].precision, s["a"].recall, s["a"].f1, s["a"].support) == pytest.approx((1.0, 2 / 3, 0.8, 3))
    # b: tp 1, pred 2, gold 2 -> 0.5 / 0.5 / 0.5
    assert (s["b"].precision, s["b"].recall, s["b"].f1) == pytest.approx((0.5, 0.5, 0.5))
    # c: tp 1, pred 2, gold 1 -> 0.5 / 1 / 2/3
    assert (s["c"].precision, s["c"].recall, s["c"].f1) == pytest.approx((0.5, 1.0, 2 / 3))
    assert macro_f1(GOLD, PRED) == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    # a label never seen scores 0 and counts in the macro average when asked for
    assert macro_f1(GOLD, PRED, ["a", "b", "c", "d"]) == pytest.approx((0.8 + 0.5 + 2 / 3) / 4)


def test_metrics_match_sklearn() -> None:
    labels = ["a", "b", "c"]
    assert macro_f1(GOLD, PRED) == pytest.approx(skm.f1_score(GOLD, PRED, average="macro"))
    p, r, f, n = skm.precision_recall_fscore_support(GOLD, PRED, labels=labels, zero_division=0)
    ours = per_class_scores(GOLD, PRED, labels)
    for i, lab in enumerate(labels):
        assert (ours[lab].precision, ours[lab].recall, ours[lab].f1, ours[lab].support) == pytest.approx(
            (p[i], r[i], f[i], n[i])
        )
    cm = skm.confusion_matrix(GOLD, PRED, labels=labels)
    ours_cm = confusion_matrix(GOLD, PRED, labels)
    assert [[ours_cm[g][q] for q in labels] for g in labels] == cm.tolist()


def test_metrics_confusion_hand_and_none_labels() -> None:
    cm = confusion_matrix([1, 1, 2, None], [1, 2, 2, 1])
    assert cm[1] == {1: 1, 2: 1, None: 0}
    assert cm[None][1] == 1 and cm[2][2] == 1


def test_metrics_reliability_and_precision_above() -> None:
    conf = [0.95, 0.92, 0.91, 0.5, 0.55, 0.05, 1.0]
    ok = [True, True, False, True, False, False, True]
    bins = reliability_bins(conf, ok, n_bins=10)
    assert len(bins) == 10
    assert bins[9].count == 4 and bins[9].accuracy == pytest.approx(3 / 4)  # 1.0 falls in the last bin
    assert bins[5].count == 2 and bins[5].accuracy == pytest.approx(0.5)
    assert bins[0].count == 1 and bins[0].accuracy == 0.0
    assert bins[3].count == 0 and bins[3].accuracy is None
    assert precision_above(conf, ok, 0.9) == (pytest.approx(3 / 4), 4)
    assert precision_above(conf, ok, 1.0) == (None, 0)
    # ECE: bin0 |0-0.05|*1, bin5 |0.5-0.525|*2, bin9 |0.75-0.945|*4 over 7
    expected = (0.05 + 2 * 0.025 + 4 * abs(0.75 - (0.95 + 0.92 + 0.91 + 1.0) / 4)) / 7
    assert expected_calibration_error(conf, ok) == pytest.approx(expected)
    with pytest.raises(ValueError):
        reliability_bins([1.5], [True])


def test_metrics_classification_report_is_json_ready() -> None:
    import json

    rep = classification_report(GOLD, PRED, ["a", "b", "c"], confidence=[0.95, 0.2, 0.99, 0.6, 0.4, 0.91])
    json.dumps(rep)
    assert rep["n"] == 6 and math.isclose(float(rep["accuracy"]), round(4 / 6, 4))  # type: ignore[arg-type]
    assert rep["precision_above_0.9"] == pytest.approx(2 / 3, abs=1e-4) and rep["count_above_0.9"] == 3


def test_metrics_macro_f1_hand_on_class_indices_and_mixed_labels() -> None:
    import numpy as np

    # As calibration scores folds: class indices, a class only predicted (2), one never seen (3).
    gold = np.array([0, 0, 1, 1, 1])
    pred = np.array([0, 1, 1, 1, 2])
    # 0: tp 1, fp 0, fn 1 -> 2/3; 1: tp 2, fp 1, fn 1 -> 2/3; 2: tp 0, fp 1 -> 0
    assert macro_f1(gold.tolist(), pred.tolist()) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    # None ("no event") next to roots, and a label outside ``labels`` counting against the others
    gold_roots = ["AGREE", None, "ACCUSE", "ACCUSE"]
    pred_roots = ["AGREE", "AGREE", None, "ACCUSE"]
    # AGREE: tp 1, fp 1 -> 2/3; ACCUSE: tp 1, fn 1 -> 2/3
    assert macro_f1(gold_roots, pred_roots, ["AGREE", "ACCUSE"]) == pytest.approx(2 / 3)
    assert macro_f1([], [], ["a"]) == 0.0
