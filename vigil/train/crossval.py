"""K-fold cross-validation and learning curve of the event coder on PLV_train.

Folds are stratified by PLOVER root and grouped by sentence (two events of one sentence never
straddle train and test). ConfliBERT quad-only sentences are split into the same number of folds
and used for training the quad head; those that are near-duplicates of a scored PLV sentence are
dropped from that fold's training data. Calibration parameters are cross-fitted: fold k is scored
with ``beta`` and temperatures fitted on the other folds' out-of-fold logits. Nothing is scored by
a model or a parameter that saw it.

The coder is trained on PLV_train, so ``vigil eval`` reports these cross-validated figures for
its training files (:func:`training_file_report`) instead of scoring the coder on what it saw.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from vigil.coder.coder import EventCoder
from vigil.coder.heads import combine
from vigil.coder.labels import QUADS, ROOT_TO_QUAD, ROOTS
from vigil.evaluate.metrics import classification_report, macro_f1
from vigil.train.calibration import CASCADE, LINEAR_WEIGHTS, fit_calibration
from vigil.train.data import Example, load_cameo, load_codebook, load_plv, near_duplicates
from vigil.train.experts import cached_expert, fit_experts, fold_cache_dir, shipped_transformer_config
from vigil.train.fit import SEED, TrainConfig, fit_coder

if TYPE_CHECKING:
    from vigil.coder.transformer import TransformerConfig
    from vigil.config import Settings
    from vigil.extract.pipeline import Pipeline

__all__ = [
    "OutOfFold",
    "cross_validate",
    "cross_validated_end_to_end",
    "cross_validated_report",
    "learning_curve",
    "out_of_fold",
    "training_file_report",
]

LEARNING_CURVE_FRACTIONS = (0.25, 0.5, 1.0)


@dataclass(frozen=True, slots=True)
class OutOfFold:
    """Out-of-fold logits for PLV (root + quad heads) and ConfliBERT (quad head), with fold ids."""

    root_logits: npt.NDArray[np.float64]
    quad_logits: npt.NDArray[np.float64]
    fold: npt.NDArray[np.int64]
    cameo_root_logits: npt.NDArray[np.float64]
    cameo_quad_logits: npt.NDArray[np.float64]
    cameo_fold: npt.NDArray[np.int64]
    expert: OutOfFold | None = None  # same layout, logits of the transformer expert (if trained)

    def mixed(self, linear_weight: float) -> OutOfFold:
        """Logits of the transformer expert plus ``linear_weight`` times the linear heads' (the shipped mix)."""
        if self.expert is None:
            return self
        e = self.expert
        return OutOfFold(
            e.root_logits + linear_weight * self.root_logits,
            e.quad_logits + linear_weight * self.quad_logits,
            self.fold,
            e.cameo_root_logits + linear_weight * self.cameo_root_logits,
            e.cameo_quad_logits + linear_weight * self.cameo_quad_logits,
            self.cameo_fold,
        )


def _subsample(n: int, labels: Sequence[Any], fraction: float, rng: np.random.Generator) -> list[int]:
    """Stratified random subset of ``range(n)`` of about ``fraction`` (at least one per class)."""
    if fraction >= 1.0:
        return list(range(n))
    picked: list[int] = []
    by_label: dict[Any, list[int]] = {}
    for i in range(n):
        by_label.setdefault(labels[i], []).append(i)
    for _, idx in sorted(by_label.items(), key=lambda kv: str(kv[0])):
        k = max(1, round(len(idx) * fraction))
        picked.extend(int(i) for i in rng.choice(idx, size=k, replace=False))
    return sorted(picked)


@dataclass(frozen=True, slots=True)
class _Fold:
    """One fold: the examples it scores (indices) and those its coder trains on."""

    test_plv: list[int]
    test_cameo: list[int]
    train_plv: list[Example]
    train_cameo: list[Example]
    dropped: int  # training sentences left out as near-duplicates of scored ones


def _fold_ids(
    plv: Sequence[Example], cameo: Sequence[Example], folds: int, seed: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Fold of each PLV example (stratified by root, grouped by sentence) and of each ConfliBERT one (by quad)."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    y = [e.root for e in plv]
    groups = [e.group for e in plv]
    plv_fold = np.zeros(len(plv), dtype=np.int64)
    for k, (_, test) in enumerate(
        StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(np.zeros(len(plv)), y, groups)
    ):
        plv_fold[test] = k
    cameo_fold = np.zeros(len(cameo), dtype=np.int64)
    for k, (_, test) in enumerate(
        StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(
            np.zeros(len(cameo)), [e.quad for e in cameo]
        )
    ):
        cameo_fold[test] = k
    return plv_fold, cameo_fold


def _plan_folds(
    plv: Sequence[Example],
    cameo: Sequence[Example],
    folds: int,
    seed: int,
    fraction: float,
    extra: Sequence[Example],
) -> tuple[list[_Fold], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each fold's test and training examples, and the fold ids of every PLV and ConfliBERT example."""
    rng = np.random.default_rng(seed)
    plv_fold, cameo_fold = _fold_ids(plv, cameo, folds, seed)
    plans = []
    for k in range(folds):
        test_p = [i for i in range(len(plv)) if plv_fold[i] == k]
        test_c = [i for i in range(len(cameo)) if cameo_fold[i] == k]
        train_p = [i for i in range(len(plv)) if plv_fold[i] != k]
        train_c = [i for i in range(len(cameo)) if cameo_fold[i] != k]
        # No training sentence may be a near-duplicate of a scored one (either corpus).
        scored_texts = [plv[i].text for i in test_p] + [cameo[i].text for i in test_c]
        dup_c = near_duplicates([cameo[i].text for i in train_c], scored_texts)
        train_c = [i for j, i in enumerate(train_c) if j not in dup_c]
        dup_p = near_duplicates([plv[i].text for i in train_p], [cameo[i].text for i in test_c])
        train_p = [i for j, i in enumerate(train_p) if j not in dup_p]
        sub_p = _subsample(len(train_p), [plv[i].root for i in train_p], fraction, rng)
        sub_c = _subsample(len(train_c), [cameo[i].quad for i in train_c], fraction, rng)
        test_groups = {plv[i].group for i in test_p}
        more = [e for e in extra if e.group not in test_groups] if fraction >= 1.0 else []
        train_plv = [plv[train_p[j]] for j in sub_p] + more
        train_cameo = [cameo[train_c[j]] for j in sub_c]
        plans.append(_Fold(test_p, test_c, train_plv, train_cameo, len(dup_c) + len(dup_p)))
    return plans, plv_fold, cameo_fold


def out_of_fold(
    plv: Sequence[Example],
    cameo: Sequence[Example],
    cfg: TrainConfig,
    folds: int = 5,
    seed: int = 0,
    counts: dict[int, dict[str, float]] | None = None,
    fraction: float = 1.0,
    transformer: TransformerConfig | None = None,
    coders: list[EventCoder] | None = None,
    extra: Sequence[Example] = (),
    cache_dir: Path | None = None,
    jobs: int = 1,
    prefit: Sequence[tuple[Sequence[Example], str]] = (),
) -> OutOfFold:
    """Fit ``folds`` coders, each scoring the examples it did not see.

    Args:
        plv: root-labelled examples.
        cameo: quad-only examples.
        cfg: hyper-parameters.
        folds: number of folds.
        seed: shuffling seed.
        counts: feature cache shared across calls.
        fraction: share of each fold's training data used (learning curve).
        transformer: also fine-tune the transformer expert on each fold with these hyper-parameters.
        coders: if given, the fold coders are appended to it (fold k's coder did not see fold k); with
            ``transformer``, each carries its fold's expert (switched on by the caller, with calibration).
        extra: more root-labelled training examples (e.g. the pipeline's own spans of gold pairs),
            used in fold k only when their sentence (``group``) is not in fold k; never scored.
        cache_dir: where fold experts are kept between runs (keyed by data, settings and seed).
        jobs: fine-tune up to this many experts at once, each in its own process (with
            ``transformer.threads`` threads each); needs ``cache_dir``.
        prefit: more ``(examples, label)`` expert training sets to fine-tune alongside the folds'
            (``vigil train``'s final expert), into the cache.
    """
    cache = counts if counts is not None else {}
    plans, plv_fold, cameo_fold = _plan_folds(plv, cameo, folds, seed, fraction, extra)
    if transformer is not None:  # every expert this run needs, fine-tuned side by side (``jobs`` processes)
        sets = [(f.train_plv + f.train_cameo, f"fold {k + 1}/{folds}") for k, f in enumerate(plans)]
        fit_experts([*sets, *((list(ex), label) for ex, label in prefit)], transformer, cache_dir, jobs)
    root_logits = np.zeros((len(plv), len(ROOTS)))
    quad_logits = np.zeros((len(plv), len(QUADS)))
    c_root = np.zeros((len(cameo), len(ROOTS)))
    c_quad = np.zeros((len(cameo), len(QUADS)))
    e_r, e_q, e_cr, e_cq = (np.zeros_like(a) for a in (root_logits, quad_logits, c_root, c_quad))
    for k, f in enumerate(plans):
        coder = fit_coder(f.train_plv, f.train_cameo, cfg, counts=cache)
        if coders is not None:
            coders.append(coder)
        test_p, test_c = f.test_plv, f.test_cameo
        root_logits[test_p], quad_logits[test_p] = coder.linear_logits([plv[i].item for i in test_p])
        c_root[test_c], c_quad[test_c] = coder.linear_logits([cameo[i].item for i in test_c])
        if transformer is not None:
            expert = cached_expert(f.train_plv + f.train_cameo, transformer, cache_dir, f"fold {k + 1}/{folds}")
            e_r[test_p], e_q[test_p] = expert.logits([plv[i].item for i in test_p])
            e_cr[test_c], e_cq[test_c] = expert.logits([cameo[i].item for i in test_c])
            coder.expert = expert  # switched on with its calibration by the caller (use_expert)
        print(
            f"  fold {k + 1}/{folds}: trained on {len(f.train_plv)} PLV + {len(f.train_cameo)} ConfliBERT "
            f"({f.dropped} near-duplicates dropped)",
            file=sys.stderr,
        )
    expert_oof = OutOfFold(e_r, e_q, plv_fold, e_cr, e_cq, cameo_fold) if transformer is not None else None
    return OutOfFold(root_logits, quad_logits, plv_fold, c_root, c_quad, cameo_fold, expert_oof)


def _combine_args(cal: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in cal.items() if k not in {"linear_weight", "cascade"}}


def _calibrate(
    oof: OutOfFold,
    rows: npt.NDArray[np.bool_],
    cameo_rows: npt.NDArray[np.bool_],
    y_root: npt.NDArray[np.int64],
    y_cq: npt.NDArray[np.int64],
) -> dict[str, float]:
    """Calibration (and, with an expert, the linear heads' weight in the mix) fitted on the given rows."""
    weights = LINEAR_WEIGHTS if oof.expert is not None else (1.0,)
    best: tuple[tuple[float, float], dict[str, float]] | None = None
    for w in weights:
        z = oof.mixed(w)
        r, q, cq = z.root_logits[rows], z.quad_logits[rows], z.cameo_quad_logits[cameo_rows]
        cal = fit_calibration(r, q, y_root[rows], cq, y_cq[cameo_rows])
        p, _ = combine(r, q, **cal)
        pred = p.argmax(axis=1)
        key = (macro_f1(y_root[rows].tolist(), pred.tolist()), float(np.mean(pred == y_root[rows])))
        if best is None or key > best[0]:
            best = (key, cal if oof.expert is None else {"linear_weight": w, "cascade": CASCADE, **cal})
    assert best is not None
    return best[1]


def _score(
    plv: Sequence[Example], cameo: Sequence[Example], oof: OutOfFold, cfg: TrainConfig, folds: int
) -> tuple[dict[str, Any], dict[str, float]]:
    y_root = np.array([ROOTS.index(e.root or "") for e in plv], dtype=np.int64)
    y_cq = np.array([e.quad for e in cameo], dtype=np.int64)
    n = len(plv)
    p_root = np.zeros((n, len(ROOTS)))
    p_stmt = np.zeros(n)
    c_p_root = np.zeros((len(cameo), len(ROOTS)))
    c_p_stmt = np.zeros(len(cameo))
    per_fold_cal: list[dict[str, float]] = []
    linear = replace(oof, expert=None) if oof.expert is not None else None
    to_expert = np.zeros(n, dtype=bool)
    for k in range(folds):
        other, oc = oof.fold != k, oof.cameo_fold != k
        cal = _calibrate(oof, other, oc, y_root, y_cq)
        per_fold_cal.append(cal)
        z = oof.mixed(cal.get("linear_weight", 1.0))
        mine, mc = oof.fold == k, oof.cameo_fold == k
        p_root[mine], p_stmt[mine] = combine(z.root_logits[mine], z.quad_logits[mine], **_combine_args(cal))
        c_p_root[mc], c_p_stmt[mc] = combine(z.cameo_root_logits[mc], z.cameo_quad_logits[mc], **_combine_args(cal))
        if linear is not None:  # the coder's cascade: the linear decision where it is sure enough
            lcal = _combine_args(_calibrate(linear, other, oc, y_root, y_cq))
            for rows, pr, ps, rl, ql in (
                (mine, p_root, p_stmt, linear.root_logits, linear.quad_logits),
                (mc, c_p_root, c_p_stmt, linear.cameo_root_logits, linear.cameo_quad_logits),
            ):
                lp, ls = combine(rl[rows], ql[rows], **lcal)
                keep = lp.max(axis=1) >= cal["cascade"]
                pr[rows] = np.where(keep[:, None], lp, pr[rows])
                ps[rows] = np.where(keep, ls, ps[rows])
                if rows is mine:
                    to_expert[np.flatnonzero(mine)[~keep]] = True
    cal_all = _calibrate(oof, oof.fold >= 0, oof.cameo_fold >= 0, y_root, y_cq)

    gold_root: list[str | None] = [e.root for e in plv]
    gold_quad = [ROOT_TO_QUAD[e.root or ""] for e in plv]
    gold_quad_as_given = [e.quad for e in plv]
    best = p_root.argmax(axis=1)
    forced_root: list[str | None] = [ROOTS[i] for i in best]
    conf = [float(p_root[i, best[i]]) for i in range(n)]
    gated = p_stmt > cfg.statement_threshold
    gated_root = [None if gated[i] else forced_root[i] for i in range(n)]
    quad_pred = [ROOT_TO_QUAD[r] if r else 0 for r in gated_root]
    forced_quad = [ROOT_TO_QUAD[r or ""] for r in forced_root]

    report: dict[str, Any] = {
        "folds": folds,
        "root": classification_report(gold_root, gated_root, list(ROOTS), conf),
        "quad": classification_report(gold_quad_as_given, quad_pred, [1, 2, 3, 4]),
        "quad_vs_root_table": classification_report(gold_quad, quad_pred, [1, 2, 3, 4]),
        "predicted_statement_on_plv": int(gated.sum()),
        "coded_by_the_expert": round(float(to_expert.mean()), 4) if linear is not None else 0.0,
        "root_without_statement_gate": {
            "macro_f1": classification_report(gold_root, forced_root, list(ROOTS))["macro_f1"],
            "quad_macro_f1": classification_report(gold_quad_as_given, forced_quad, [1, 2, 3, 4])["macro_f1"],
        },
        "calibration_per_fold": per_fold_cal,
    }
    # ConfliBERT: quad 0..4 with the full decision (statement gate + root head), scored per fold.
    c_best = c_p_root.argmax(axis=1)
    c_quad_pred = [
        0 if c_p_stmt[i] > cfg.statement_threshold else ROOT_TO_QUAD[ROOTS[c_best[i]]] for i in range(len(cameo))
    ]
    c_rep = classification_report(list(y_cq.tolist()), c_quad_pred, [0, 1, 2, 3, 4])
    report["conflibert_quad"] = {k: c_rep[k] for k in ("n", "accuracy", "macro_f1", "per_class")}
    return report, cal_all


def cross_validate(
    plv: Sequence[Example],
    cameo: Sequence[Example],
    cfg: TrainConfig,
    folds: int = 5,
    seed: int = 0,
    counts: dict[int, dict[str, float]] | None = None,
    transformer: TransformerConfig | None = None,
    extra: Sequence[Example] = (),
    cache_dir: Path | None = None,
    coders: list[EventCoder] | None = None,
    jobs: int = 1,
    prefit: Sequence[tuple[Sequence[Example], str]] = (),
) -> dict[str, Any]:
    """Cross-validated figures (JSON-ready); key ``_calibration_all`` holds calibration fitted on all folds.

    ``extra`` examples (the pipeline's spans of gold pairs) train the fold coders whose test fold
    does not hold their sentence; they are never scored.

    With ``transformer`` the figures are those of the shipped mix (expert + weighted linear heads),
    and ``linear_only`` holds the linear coder's own (with its ``_calibration``).
    """
    oof = out_of_fold(
        plv,
        cameo,
        cfg,
        folds,
        seed,
        counts,
        transformer=transformer,
        extra=extra,
        cache_dir=cache_dir,
        coders=coders,
        jobs=jobs,
        prefit=prefit,
    )
    report, cal_all = _score(plv, cameo, oof, cfg, folds)
    report["_calibration_all"] = cal_all
    if oof.expert is not None:
        linear, linear_cal = _score(plv, cameo, replace(oof, expert=None), cfg, folds)
        report["linear_only"] = {
            "root_macro_f1": linear["root"]["macro_f1"],
            "quad_macro_f1": linear["quad"]["macro_f1"],
            "conflibert_quad_macro_f1": linear["conflibert_quad"]["macro_f1"],
            "_calibration": linear_cal,
        }
    return report


def learning_curve(
    plv: Sequence[Example],
    cameo: Sequence[Example],
    cfg: TrainConfig,
    folds: int = 5,
    seed: int = 0,
    counts: dict[int, dict[str, float]] | None = None,
    transformer: TransformerConfig | None = None,
    cache_dir: Path | None = None,
    jobs: int = 1,
) -> dict[str, Any]:
    """Root and quad macro-F1 (cross-validated) when training on 25 / 50 / 100 % of each training fold."""
    out: dict[str, Any] = {}
    for frac in LEARNING_CURVE_FRACTIONS:
        print(f"learning curve: {frac:.0%} of the training data", file=sys.stderr)
        oof = out_of_fold(
            plv,
            cameo,
            cfg,
            folds,
            seed,
            counts,
            fraction=frac,
            transformer=transformer,
            cache_dir=cache_dir,
            jobs=jobs,
        )
        variants = {"linear": replace(oof, expert=None)}
        if oof.expert is not None:
            variants["transformer"] = oof
        for name, o in variants.items():
            rep, _ = _score(plv, cameo, o, cfg, folds)
            out.setdefault(name, {})[f"{int(frac * 100)}%"] = {
                "root_macro_f1": rep["root"]["macro_f1"],
                "root_accuracy": rep["root"]["accuracy"],
                "quad_macro_f1": rep["quad"]["macro_f1"],
            }
    return out


def cross_validated_report(path: Path, folds: int = 5, seed: int | None = None) -> dict[str, Any]:
    """K-fold cross-validated figures of the coder's recipe on the training data in ``path``'s folder.

    Args:
        path: a training file (``plv_train.events.jsonl`` or ``cameo_class_train.events.jsonl``);
            both are read from its folder.
        folds: number of folds.
        seed: shuffling seed (default: the training seed).

    Returns:
        The JSON-ready cross-validation report (``root``, ``quad``, ... as in ``vigil train --cv``).
    """
    data_dir = Path(path).parent
    plv, cameo = load_plv(data_dir), load_cameo(data_dir)
    report = cross_validate(
        plv,
        cameo,
        TrainConfig(),
        folds=folds,
        seed=SEED if seed is None else seed,
        transformer=shipped_transformer_config(),
        cache_dir=fold_cache_dir(),
    )
    report.pop("_calibration_all", None)
    report["note"] = f"{folds}-fold cross-validation: {Path(path).name} is the coder's training data"
    return report


def cross_validated_end_to_end(
    path: Path, settings: Settings, folds: int = 5, seed: int | None = None, augment: bool = True, jobs: int = 2
) -> dict[str, Any]:
    """Honest end-to-end figures on a training file: fold k runs the pipeline with coder and gate fitted without k.

    The PLV sentences are split into the same folds as :func:`cross_validate` (grouped by sentence,
    stratified by root). For each fold, the coder is fitted on the other folds (with the calibration
    cross-fitted on their out-of-fold logits) and so is the event / no-event gate (on the candidate
    pairs the pipeline proposes in the other folds' sentences); then the whole pipeline runs on the
    fold's sentences. Triple counts are summed over the folds.

    Args:
        path: ``plv_train.events.jsonl`` (the other training file is read from its folder).
        settings: Vigil settings for the pipeline (with ``extract.transformer`` false, the fold
            coders are the linear heads alone).
        folds: number of folds.
        seed: shuffling seed (default: the training seed).
        augment: also train the fold coders on the pipeline's own spans of the training folds' gold
            pairs (as ``vigil train`` does).
        jobs: fold experts not in the cache yet fine-tuned at once, one process each (the weights
            do not depend on it).

    Returns:
        The end-to-end report of the pipeline as shipped (the gate marks, it does not drop), plus
        ``gate_dropping`` (events under the gate's threshold dropped, the analyst's filter),
        ``one_event_per_sentence`` (only the most confident event of each sentence, as with
        ``--set extract.events_per_sentence=1``) and ``candidates`` figures (candidate pairs,
        recall ceiling of the parse).
    """
    from vigil.evaluate.gold import load_gold
    from vigil.extract.pipeline import Pipeline
    from vigil.train.gate import gate_data

    seed = SEED if seed is None else seed
    data_dir = Path(path).parent
    plv, cameo = load_plv(data_dir), load_cameo(data_dir)
    records = [r for r in load_gold(Path(path)).records if r.get("text")]
    pipeline = Pipeline.load(settings)
    feats, labels, extra = gate_data(records, pipeline)
    if pipeline.coder.params.get("codebook_examples"):  # the shipped coder's recipe
        extra = [*extra, *load_codebook()]
    coders: list[EventCoder] = []
    oof = out_of_fold(
        plv,
        cameo,
        TrainConfig(),
        folds,
        seed,
        {},
        coders=coders,
        extra=extra if augment else (),
        transformer=shipped_transformer_config() if settings.get_bool("extract.transformer") else None,
        cache_dir=fold_cache_dir(),
        jobs=jobs,
    )
    _calibrate_fold_coders(coders, plv, cameo, oof, folds)
    fold_of = {plv[i].group: int(oof.fold[i]) for i in range(len(plv))}
    rec_fold = [fold_of.get(str(r["id"]), -1) for r in records]
    counts = _end_to_end_counts(records, rec_fold, pipeline, coders, feats, labels, seed)
    out = _end_to_end_summary(counts, records, feats, labels)
    out["note"] = (
        f"{folds}-fold cross-validation: {Path(path).name} is the coder's training data; each fold is "
        "extracted with a coder and an event gate fitted on the other folds"
    )
    return out


def _calibrate_fold_coders(
    coders: Sequence[EventCoder], plv: Sequence[Example], cameo: Sequence[Example], oof: OutOfFold, folds: int
) -> None:
    """Give each fold coder the calibration cross-fitted for its fold (and switch its expert on)."""
    cfg = TrainConfig()
    report, _ = _score(plv, cameo, oof, cfg, folds)
    linear_report = report if oof.expert is None else _score(plv, cameo, replace(oof, expert=None), cfg, folds)[0]
    for k, coder in enumerate(coders):
        coder.params.update(linear_report["calibration_per_fold"][k])
        if coder.expert is not None:
            coder.params["transformer"] = dict(report["calibration_per_fold"][k])
        coder.use_expert(coder.expert)


def _end_to_end_counts(
    records: list[dict[str, Any]],
    rec_fold: Sequence[int],
    pipeline: Pipeline,
    coders: Sequence[EventCoder],
    feats: Sequence[Sequence[dict[str, float]]],
    labels: Sequence[Sequence[int]],
    seed: int,
) -> dict[str, dict[str, int]]:
    """Triple counts summed over the folds, each fold extracted by its coder and a gate fitted without it.

    Four runs per fold: ``shipped`` (the gate marks), ``without_gate``, ``gate_dropping`` (events under
    the gate's threshold dropped) and ``one_event_per_sentence``.
    """
    from vigil.evaluate.coding import count_end_to_end, run_pipeline
    from vigil.train.gate import fit_gate

    configured = pipeline.events_per_sentence
    totals: dict[str, dict[str, int]] = {}
    for k, coder in enumerate(coders):
        train = [j for j in range(len(records)) if rec_fold[j] != k]
        gate = fit_gate([f for j in train for f in feats[j]], [y for j in train for y in labels[j]], seed=seed)
        mine = [records[j] for j in range(len(records)) if rec_fold[j] == k]
        pipeline.coder = coder
        runs = (
            ("without_gate", None, False, configured),
            ("shipped", gate, False, configured),
            ("gate_dropping", gate, True, configured),
            ("one_event_per_sentence", gate, False, 1),
        )
        for name, g, drops, per_sentence in runs:
            pipeline.gate, pipeline.gate_drops, pipeline.events_per_sentence = g, drops, per_sentence
            target = totals.setdefault(name, {})
            for key, v in count_end_to_end(mine, run_pipeline(mine, pipeline)).items():
                target[key] = target.get(key, 0) + v
    return totals


def _end_to_end_summary(
    counts: dict[str, dict[str, int]],
    records: list[dict[str, Any]],
    feats: Sequence[Sequence[dict[str, float]]],
    labels: Sequence[Sequence[int]],
) -> dict[str, Any]:
    """The report of :func:`cross_validated_end_to_end` from the summed counts of its four runs."""
    from vigil.evaluate.coding import end_to_end_report

    out = end_to_end_report(counts["shipped"], len(records))
    out["without_gate"] = end_to_end_report(counts["without_gate"], len(records))["triple"]
    gated = end_to_end_report(counts["gate_dropping"], len(records))
    out["gate_dropping"] = {"triple": gated["triple"], "predicted_events": gated["predicted_events"]}
    top = end_to_end_report(counts["one_event_per_sentence"], len(records))
    out["one_event_per_sentence"] = {"triple": top["triple"], "predicted_events": top["predicted_events"]}
    out["candidates"] = {
        "proposed_pairs": sum(len(f) for f in feats),
        "pairs_matching_a_gold_pair": sum(sum(lab) for lab in labels),
        "gold_events": sum(len(r.get("events", [])) for r in records),
    }
    return out


def training_file_report(path: Path, mode: str, settings: Settings) -> dict[str, Any]:
    """What ``vigil eval`` reports for a gold file the coder was trained on: cross-validated figures.

    Args:
        path: the training file.
        mode: ``given-actors`` (:func:`cross_validated_report`) or ``end-to-end``
            (:func:`cross_validated_end_to_end`).
        settings: Vigil settings for the pipeline.

    Returns:
        The JSON-ready report.
    """
    if mode == "given-actors":
        return cross_validated_report(path, folds=5)
    return cross_validated_end_to_end(path, settings, folds=5)
