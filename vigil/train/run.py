"""``vigil train``: cross-validate the event coder, then fit it on all the data and write its weights.

Steps (fixed seed, deterministic):

1. With the pipeline (``pipeline``, the default), the spaCy pass over PLV_train fits the event
   gate (:mod:`vigil.train.gate`) and yields the pipeline's own spans of the gold pairs, extra
   training examples; the codebook examples (``vigil/train/codebook.yaml``) are added unless
   ``codebook`` is off.
2. ``folds`` folds over PLV_train (:mod:`vigil.train.crossval`): the out-of-fold logits choose the
   calibration (:mod:`vigil.train.calibration`) and give the cross-validated figures, every one
   scored with parameters cross-fitted on the other folds.
3. The final coder is fitted on all the data with the calibration fitted on all out-of-fold
   predictions, and saved with its expert and the gate (``coder.npz`` + ``coder.json``,
   ``coder_tf.safetensors`` + ``coder_tf.json``, ``gate.json``).

The fold experts are kept in ``$XDG_CACHE_HOME/vigil/coder-folds`` (keyed by their training data,
hyper-parameters and seed), so that ``vigil eval`` on the training files and a re-run reuse them.
On two cores the whole run (the spaCy pass, five fold experts and the final one) takes about
25 minutes; ``linear_only`` about one.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.coder import WEIGHTS_DIR
from vigil.coder.coder import EventCoder
from vigil.train.crossval import cross_validate, learning_curve
from vigil.train.data import (
    CAMEO_FILE,
    PLV_FILE,
    Example,
    file_digest,
    load_cameo,
    load_codebook,
    load_plv,
    resolve_data_dir,
)
from vigil.train.experts import cached_expert, expert_version, fold_cache_dir
from vigil.train.fit import SEED, TrainConfig, fit_coder

if TYPE_CHECKING:
    from vigil.coder.gate import EventGate
    from vigil.coder.transformer import TransformerConfig

__all__ = ["TrainOptions", "train_coder"]


@dataclass(frozen=True, slots=True)
class TrainOptions:
    """What ``vigil train`` does (its options, one field each).

    Attributes:
        data_dir: folder with ``plv_train`` and ``cameo_class_train`` (default ``../shared/eval/dev``).
        out: weights folder (default: the package's, ``vigil/coder/weights``).
        folds: folds for calibration and the cross-validated figures (at least 2).
        learning_curve: also run the 25 / 50 / 100 % learning curve.
        seed: the seed of folds, fitting and fine-tuning.
        linear_only: train the linear heads alone, without the fine-tuned MiniLM expert.
        threads: torch threads per fine-tuning process (the weights depend on it slightly).
        jobs: experts fine-tuned at once, one process each.
        class_balance: the expert's root loss weight ``(n / mean n) ** -class_balance`` of a class
            with n examples (None: :class:`~vigil.coder.transformer.TransformerConfig`'s default).
        learn_markers: let the actor-marker embeddings learn (slower).
        codebook: train on the codebook examples too.
        int8: the expert codes with int8 layers (False: in float, slower; same training).
        save: fine-tune the final expert and write the weights (False: figures only).
        cache: reuse the fold experts cached by earlier runs.
        pipeline: run the spaCy pass (event gate, pipeline spans); False skips both.
    """

    data_dir: Path | None = None
    out: Path | None = None
    folds: int = 5
    learning_curve: bool = False
    seed: int = SEED
    linear_only: bool = False
    threads: int = 1
    jobs: int = 2
    class_balance: float | None = None
    learn_markers: bool = False
    codebook: bool = True
    int8: bool = True
    save: bool = True
    cache: bool = True
    pipeline: bool = True


def train_coder(options: TrainOptions) -> dict[str, Any]:
    """Cross-validate the coder, fit it on all the data and (unless ``options.save`` is off) save it.

    Args:
        options: what to train and how.

    Returns:
        The JSON-ready report: data sizes, the gate, the cross-validated figures (``cv``), the
        learning curve when asked for, the coder's parameters, the weights written and the seconds taken.

    Raises:
        FileNotFoundError: the training files are not in the data directory.
    """
    started = time.perf_counter()
    data_dir = resolve_data_dir(options.data_dir)
    plv, cameo = load_plv(data_dir), load_cameo(data_dir)
    transformer = _expert_config(options)
    cache_dir = fold_cache_dir() if options.cache else None
    cfg = TrainConfig()
    counts: dict[int, dict[str, float]] = {}
    report: dict[str, Any] = {"data_dir": str(data_dir), "n_plv_events": len(plv), "n_cameo": len(cameo)}
    folds = max(2, options.folds)
    print(
        f"cross-validating ({folds} folds) on {len(plv)} PLV events + {len(cameo)} ConfliBERT sentences",
        file=sys.stderr,
    )
    gate, extra = _extra_examples(options, data_dir, report)
    cv = cross_validate(
        plv,
        cameo,
        cfg,
        folds=folds,
        seed=options.seed,
        counts=counts,
        transformer=transformer,
        extra=extra,
        cache_dir=cache_dir,
        jobs=options.jobs,
        # The final expert (all the data) trains alongside the fold experts.
        prefit=[(list(plv) + extra + list(cameo), "all the data")] if options.save else [],
    )
    calibration = cv.pop("_calibration_all")
    expert_calibration: dict[str, Any] | None = None
    if transformer is not None:
        expert_calibration, calibration = calibration, cv["linear_only"].pop("_calibration")
    report["cv"] = cv
    if options.learning_curve:
        report["learning_curve"] = learning_curve(
            plv,
            cameo,
            cfg,
            folds=folds,
            seed=options.seed,
            counts=counts,
            transformer=transformer,
            cache_dir=cache_dir,
            jobs=options.jobs,
        )
    coder = fit_coder(list(plv) + extra, cameo, cfg, calibration, counts)
    coder.params["training_files"] = {name: file_digest(data_dir / name) for name in (PLV_FILE, CAMEO_FILE)}
    coder.params["codebook_examples"] = report["codebook_examples"]
    if transformer is not None and expert_calibration is not None:
        coder.params["transformer"] = {**expert_calibration, "version": expert_version(transformer)}
        if options.save:
            coder.use_expert(cached_expert(list(plv) + extra + list(cameo), transformer, cache_dir, "all the data"))
    if options.save:
        report["weights"] = _save(coder, gate, options.out or WEIGHTS_DIR)
    report["params"] = {k: v for k, v in coder.params.items() if k != "block_weights"}
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def _expert_config(options: TrainOptions) -> TransformerConfig | None:
    """The expert's hyper-parameters (None with ``linear_only``)."""
    if options.linear_only:
        return None
    from vigil.coder.transformer import TransformerConfig  # torch loads only when the expert trains

    balance = TransformerConfig().class_balance if options.class_balance is None else options.class_balance
    return TransformerConfig(
        seed=options.seed,
        threads=options.threads,
        class_balance=balance,
        learn_markers=options.learn_markers,
        quantize=options.int8,
    )


def _extra_examples(
    options: TrainOptions, data_dir: Path, report: dict[str, Any]
) -> tuple[EventGate | None, list[Example]]:
    """The event gate and the extra root-labelled examples (pipeline spans, codebook), noted in ``report``."""
    from vigil.train.gate import pipeline_data

    extra: list[Example] = []
    gate: EventGate | None = None
    if options.pipeline:
        print("running the pipeline on PLV_train (event gate, pipeline spans)", file=sys.stderr)
        gate, extra = pipeline_data(data_dir / PLV_FILE, options.seed)
        report["gate"] = {"threshold": gate.threshold, "features": len(gate.weights), "extra_examples": len(extra)}
    codebook = load_codebook() if options.codebook else []
    report["codebook_examples"] = len(codebook)
    return gate, extra + codebook


def _save(coder: EventCoder, gate: EventGate | None, out: Path) -> dict[str, int]:
    """Write the coder (and its expert) and the gate into ``out``; the size of each file there."""
    for stale in ("coder_tf.safetensors", "coder_tf.json"):
        (out / stale).unlink(missing_ok=True)
    coder.save(out)
    if gate is not None:
        gate.save(out)
    return {p.name: p.stat().st_size for p in sorted(out.glob("*")) if p.is_file()}
