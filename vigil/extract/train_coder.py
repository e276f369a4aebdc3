"""Train the PLOVER event coder and write its weights into the package.

Usage::

    vigil train [--data-dir DIR] [--out DIR] [--cv 5] [--learning-curve] [--json FILE] [--linear-only]

Reads ``plv_train.events.jsonl`` (root + quad, actor marks) and ``cameo_class_train.events.jsonl``
(quad 0..4) from ``--data-dir`` (default ``../shared/eval/dev``, looked up from the current
directory, then from the repository root). Nothing is copied into the repository: only the
learned coefficients and the feature vocabulary are written (``coder.npz`` + ``coder.json``), and
the fine-tuned tensors of the transformer expert (``coder_tf.safetensors`` + ``coder_tf.json``, see
:mod:`vigil.extract.transformer`).

Steps (fixed seed, deterministic):

1. ``--cv K`` folds, stratified by root and grouped by sentence, over PLV_train. ConfliBERT
   sentences are split into K folds as well (scored only for quad 0). A ConfliBERT sentence that is
   a near-duplicate of a scored PLV sentence is dropped from that fold's training data. Every fold
   also trains on the pipeline's own spans of its gold pairs and on the codebook examples
   (``vigil/extract/data/codebook.yaml``, sentences written for Vigil from the PLOVER root
   definitions; ``--no-codebook`` leaves them out).
2. The out-of-fold logits choose ``beta`` (the quad head's weight in the root decision), the
   linear heads' weight in the mix with the transformer expert, and the temperatures that
   calibrate ``confidence``. The reported figures use *cross-fitted* values
   (for fold k, fitted on the other folds' out-of-fold predictions), so no figure is scored on data
   that chose it.
3. The final model is fitted on all the data with the calibration fitted on all out-of-fold
   predictions, and saved.

The fold experts are kept in ``$XDG_CACHE_HOME/vigil/coder-folds`` (keyed by their training data,
hyper-parameters and seed), so that ``vigil eval`` on the training files and a re-run reuse them.
On two cores the whole run (the spaCy pass, five fold experts and the final one) takes about
25 minutes; ``--linear-only`` about one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from vigil.extract.coder import (
    QUADS,
    ROOT_TO_QUAD,
    ROOTS,
    WEIGHTS_DIR,
    CoderInput,
    EventCoder,
    Vectorizer,
    combine,
    featurize,
    span_of,
)
from vigil.extract.events import EventGate

if TYPE_CHECKING:
    from vigil.extract.transformer import TransformerConfig

__all__ = [
    "Example",
    "TrainConfig",
    "file_digest",
    "fit_coder",
    "load_cameo",
    "load_codebook",
    "load_plv",
    "main",
    "resolve_data_dir",
]

PLV_FILE = "plv_train.events.jsonl"
CAMEO_FILE = "cameo_class_train.events.jsonl"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = Path("..") / "shared" / "eval" / "dev"
SEED = 20240601
VERSION_PREFIX = "linear-2h-lex"
GATE_VERSION = "gate2"  # gate2: the mentions' labels (named or not)


@dataclass(frozen=True, slots=True)
class Example:
    """One training event: the coder input, its gold labels and its sentence id (for grouping)."""

    item: CoderInput
    root: str | None
    quad: int
    group: str
    text: str


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Hyper-parameters (chosen by 5-fold CV on PLV_train)."""

    c_root: float = 60.0
    c_quad: float = 10.0
    min_df: int = 2
    cameo_weight: float = 1.0
    balanced: bool = True
    block_weights: dict[str, float] = field(
        default_factory=lambda: {"w": 1.0, "c": 1.0, "b": 1.0, "x": 0.7, "a": 0.5, "n": 0.5, "l": 0.5}
    )
    statement_threshold: float = 0.5


# Candidate weights of the linear heads' logits added to the transformer expert's (chosen on out-of-fold data).
LINEAR_WEIGHTS = (0.0, 0.125, 0.25, 0.5, 1.0)
# The expert codes an item only when the linear heads' calibrated confidence is under this.
CASCADE = 0.9


# --------------------------------------------------------------------------------------------
# Data


def resolve_data_dir(arg: str | None) -> Path:
    """The data directory: ``arg`` if given, else ``../shared/eval/dev`` from the cwd or the repo root."""
    candidates = [Path(arg)] if arg else [Path.cwd() / DEFAULT_DATA_DIR, REPO_ROOT / DEFAULT_DATA_DIR]
    for cand in candidates:
        if (cand / PLV_FILE).exists():
            return cand.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"{PLV_FILE} not found in {tried}. Pass --data-dir pointing at shared/eval/dev.")


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


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


def _strip_span(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """Trim surrounding spaces from a span (some marks include a trailing space)."""
    if span is None:
        return None
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def load_plv(data_dir: Path) -> list[Example]:
    """PLV_train events with actor spans from the ``<s>``/``<t>`` marks (falling back to string search)."""
    out: list[Example] = []
    for rec in _read_jsonl(data_dir / PLV_FILE):
        text = rec["text"]
        for ev in rec["events"]:
            src, tgt = spans_from_marked(ev.get("marked_text") or "")
            src = _strip_span(text, src) or span_of(text, ev.get("source"))
            tgt = _strip_span(text, tgt) or span_of(text, ev.get("target"))
            out.append(Example(CoderInput(text, src, tgt), ev["event"], int(ev["quad"]), rec["id"], text))
    return out


def load_cameo(data_dir: Path) -> list[Example]:
    """ConfliBERT quad-labelled sentences; actor spans by string search (first of several joined actors)."""
    out: list[Example] = []
    for rec in _read_jsonl(data_dir / CAMEO_FILE):
        text = rec["text"]
        for ev in rec["events"]:
            if ev.get("quad") is None:
                continue
            spans = []
            for actor in (ev.get("source"), ev.get("target")):
                span = span_of(text, actor)
                if span is None and actor and ", " in actor:
                    span = span_of(text, actor.split(", ")[0])
                spans.append(span)
            out.append(Example(CoderInput(text, spans[0], spans[1]), None, int(ev["quad"]), rec["id"], text))
    return out


CODEBOOK_FILE = Path(__file__).parent / "data" / "codebook.yaml"


def load_codebook(path: Path = CODEBOOK_FILE) -> list[Example]:
    """The codebook examples: sentences written for Vigil from the PLOVER root definitions.

    They train every fold (their groups are no PLV sentence's, so they are never scored).
    """
    import yaml

    out: list[Example] = []
    for root, sentences in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        if root not in ROOT_TO_QUAD:
            raise ValueError(f"{path}: {root!r} is not a PLOVER root")
        for k, marked in enumerate(sentences):
            src, tgt = spans_from_marked(marked)
            text = _MARK.sub("", marked)
            if src is None or tgt is None:
                raise ValueError(f"{path}: {root} example {k + 1} needs both <s>...</s> and <t>...</t>")
            out.append(Example(CoderInput(text, src, tgt), root, ROOT_TO_QUAD[root], f"codebook-{root}-{k}", text))
    return out


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch)[0] not in "PS")
    return " ".join(text.split())


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _norm(text).split()
    return frozenset(tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2)))


def near_duplicates(candidates: Sequence[str], against: Sequence[str], threshold: float = 0.5) -> set[int]:
    """Indices of ``candidates`` whose word-3-shingle Jaccard with any of ``against`` is >= threshold."""
    index: dict[tuple[str, ...], list[int]] = {}
    against_sh = [_shingles(t) for t in against]
    for j, sh in enumerate(against_sh):
        for s in sh:
            index.setdefault(s, []).append(j)
    dup: set[int] = set()
    for i, text in enumerate(candidates):
        sh = _shingles(text)
        seen: set[int] = set()
        for s in sh:
            seen.update(index.get(s, ()))
        for j in seen:
            other = against_sh[j]
            if len(sh & other) / max(1, len(sh | other)) >= threshold:
                dup.add(i)
                break
    return dup


# --------------------------------------------------------------------------------------------
# Fitting


def fit_vectorizer(counts: Sequence[dict[str, float]], min_df: int, block_weights: dict[str, float]) -> Vectorizer:
    """Vocabulary (features in >= ``min_df`` items) and smoothed idf, as scikit-learn's TfidfVectorizer."""
    df: dict[str, int] = {}
    for c in counts:
        for key in c:
            df[key] = df.get(key, 0) + 1
    features = sorted(k for k, n in df.items() if n >= min_df)
    n = len(counts)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in features], dtype=np.float32)
    return Vectorizer(features, idf, block_weights)


def _fit_lr(
    x: Any, y: npt.NDArray[np.int64], weight: npt.NDArray[np.float64], c: float, n_classes: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, tol=1e-5)
    model.fit(x, y, sample_weight=weight)
    coef = np.zeros((n_classes, x.shape[1]), dtype=np.float32)
    bias = np.full(n_classes, -30.0, dtype=np.float32)  # classes absent from the data never win
    for k, cls in enumerate(model.classes_):
        coef[int(cls)] = model.coef_[k]
        bias[int(cls)] = model.intercept_[k]
    return coef, bias


def _balanced_weights(y: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    classes, counts = np.unique(y, return_counts=True)
    per_class = {int(c): len(y) / (len(classes) * n) for c, n in zip(classes, counts, strict=True)}
    return np.array([per_class[int(v)] for v in y], dtype=np.float64)


def fit_coder(
    plv: Sequence[Example],
    cameo: Sequence[Example],
    cfg: TrainConfig,
    calibration: dict[str, float] | None = None,
    counts: dict[int, dict[str, float]] | None = None,
) -> EventCoder:
    """Fit both heads.

    Args:
        plv: root-labelled examples (root head and quad head).
        cameo: quad-only examples (quad head).
        cfg: hyper-parameters.
        calibration: ``beta``, ``root_temperature``, ``quad_temperature`` (default: 0, 1, 1).
        counts: optional cache ``id(example) -> featurize(example.item)``.
    """
    cache = counts if counts is not None else {}

    def feats(ex: Example) -> dict[str, float]:
        key = id(ex)
        if key not in cache:
            cache[key] = featurize(ex.item)
        return cache[key]

    all_counts = [feats(e) for e in plv] + [feats(e) for e in cameo]
    vec = fit_vectorizer(all_counts, cfg.min_df, cfg.block_weights)
    x_all = vec.transform(all_counts)
    n_plv = len(plv)

    y_root = np.array([ROOTS.index(e.root or "") for e in plv], dtype=np.int64)
    w_root = _balanced_weights(y_root) if cfg.balanced else np.ones(n_plv)
    root_coef, root_bias = _fit_lr(x_all[:n_plv], y_root, w_root, cfg.c_root, len(ROOTS))

    y_quad = np.array([e.quad for e in plv] + [e.quad for e in cameo], dtype=np.int64)
    w_src = np.array([1.0] * n_plv + [cfg.cameo_weight] * len(cameo))
    w_quad = (_balanced_weights(y_quad) if cfg.balanced else np.ones(len(y_quad))) * w_src
    quad_coef, quad_bias = _fit_lr(x_all, y_quad, w_quad, cfg.c_quad, len(QUADS))

    cal = {"beta": 0.0, "root_temperature": 1.0, "quad_temperature": 1.0, **(calibration or {})}
    params: dict[str, Any] = {
        "version": f"{VERSION_PREFIX}-{len(plv)}p{len(cameo)}c",
        "block_weights": cfg.block_weights,
        "statement_threshold": cfg.statement_threshold,
        "config": {"c_root": cfg.c_root, "c_quad": cfg.c_quad, "min_df": cfg.min_df, "cameo_weight": cfg.cameo_weight},
        **cal,
    }
    return EventCoder(vec, root_coef, root_bias, quad_coef, quad_bias, params)


# --------------------------------------------------------------------------------------------
# Event / no-event gate


class _RecordingGate(EventGate):
    """Keeps every candidate and records its gate features, in the pipeline's event order."""

    def __init__(self) -> None:
        super().__init__({}, 0.0, -1.0, "recording")
        self.seen: list[dict[str, float]] = []

    def predict(self, features: Sequence[dict[str, float]]) -> list[float]:
        self.seen.extend(features)
        return [1.0] * len(features)


def gate_data(
    records: list[dict[str, Any]], pipeline: Any
) -> tuple[list[list[dict[str, float]]], list[list[int]], list[Example]]:
    """Gate features and labels of every candidate the pipeline proposes, per gold record.

    A candidate is positive when its source and target overlap a gold event's (whatever the root);
    every other pair the parse proposes is a negative. The positives also come back as coder
    training examples (the pipeline's spans and trigger, the gold root): the coder then learns the
    spans it will see at run time, not only the annotators' ones.
    """
    from vigil.evaluate.coding import pair_labels, run_pipeline

    saved, saved_n = pipeline.gate, pipeline.events_per_sentence
    recorder = _RecordingGate()
    pipeline.gate, pipeline.events_per_sentence = recorder, 0  # every candidate, in the recorder's order
    try:
        extractions = run_pipeline(records, pipeline)
    finally:
        pipeline.gate, pipeline.events_per_sentence = saved, saved_n
    from vigil.evaluate.coding import gold_pair_of

    feats: list[list[dict[str, float]]] = []
    labels: list[list[int]] = []
    extra: list[Example] = []
    pos = 0
    for record, x in zip(records, extractions, strict=True):
        n = len(x.events)
        feats.append(recorder.seen[pos : pos + n])
        labels.append(pair_labels(record, x))
        pos += n
        text = record["text"]
        for e in x.events:
            g = gold_pair_of(record, e)
            if g is None or g.get("event") not in ROOTS or e.source_span is None or e.target_span is None:
                continue
            item = CoderInput(text, e.source_span, e.target_span, e.trigger_span)
            extra.append(Example(item, g["event"], int(g["quad"]), str(record["id"]), text))
    return feats, labels, extra


GATE_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def _fit_gate_lr(features: Sequence[dict[str, float]], labels: Sequence[int], c: float) -> EventGate:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform(features)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, np.asarray(labels))
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 5) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) > 1e-6}
    return EventGate(weights, float(model.intercept_[0]), 0.5, GATE_VERSION)


def fit_gate(
    features: Sequence[dict[str, float]], labels: Sequence[int], c: float = 1.0, seed: int = SEED
) -> EventGate:
    """Fit the gate; its threshold maximises pair F1 in a 3-fold CV inside the given data."""
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, 3, size=len(labels))
    y = np.asarray(labels)
    p = np.zeros(len(labels))
    for k in range(3):
        tr = [i for i in range(len(labels)) if fold[i] != k]
        te = [i for i in range(len(labels)) if fold[i] == k]
        g = _fit_gate_lr([features[i] for i in tr], [labels[i] for i in tr], c)
        p[te] = g.predict([features[i] for i in te])

    def f1(t: float) -> float:
        keep = p >= t
        tp = float(np.sum(keep & (y == 1)))
        return 2 * tp / max(1.0, float(keep.sum()) + float(y.sum()))

    gate = _fit_gate_lr(features, labels, c)
    gate.threshold = max(GATE_THRESHOLDS, key=f1)
    return gate


# --------------------------------------------------------------------------------------------
# Calibration


def _nll(p: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> float:
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))))


BETAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
TEMPERATURES = tuple(round(0.3 + 0.05 * i, 2) for i in range(55))


def fit_calibration(
    root_logits: npt.NDArray[np.float64],
    quad_logits: npt.NDArray[np.float64],
    y_root: npt.NDArray[np.int64],
    cameo_quad_logits: npt.NDArray[np.float64] | None = None,
    y_cameo_quad: npt.NDArray[np.int64] | None = None,
) -> dict[str, float]:
    """Choose ``beta`` (root accuracy, then NLL) and the temperatures (NLL) on out-of-fold logits."""
    best: tuple[float, float, float] | None = None
    beta_best = 0.0
    for beta in BETAS:
        p, _ = combine(root_logits, quad_logits, beta, 1.0, 1.0)
        pred = p.argmax(axis=1)
        f1 = _macro_f1_idx(y_root, pred, len(ROOTS))
        key = (f1, float(np.mean(pred == y_root)), -_nll(p, y_root))
        if best is None or key > best:
            best, beta_best = key, beta
    t_root = min(TEMPERATURES, key=lambda t: _nll(combine(root_logits, quad_logits, beta_best, t, 1.0)[0], y_root))
    t_quad = 1.0
    if cameo_quad_logits is not None and y_cameo_quad is not None:
        z = np.vstack([quad_logits, cameo_quad_logits])
        y = np.concatenate([np.array([ROOT_TO_QUAD[ROOTS[i]] for i in y_root]), y_cameo_quad])

        def nll_q(t: float) -> float:
            zt = z / t
            zt = zt - zt.max(axis=1, keepdims=True)
            p = np.exp(zt) / np.exp(zt).sum(axis=1, keepdims=True)
            p0 = p[:, 0]
            is0 = y == 0
            return float(-np.mean(np.log(np.clip(np.where(is0, p0, 1 - p0), 1e-12, 1))))

        t_quad = min(TEMPERATURES, key=nll_q)
    return {"beta": beta_best, "root_temperature": t_root, "quad_temperature": t_quad}


def _macro_f1_idx(y: npt.NDArray[np.int64], pred: npt.NDArray[np.int64], n: int) -> float:
    f1s = []
    for k in range(n):
        tp = float(np.sum((y == k) & (pred == k)))
        fp = float(np.sum((y != k) & (pred == k)))
        fn = float(np.sum((y == k) & (pred != k)))
        if tp + fp + fn == 0:
            continue
        f1s.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s)) if f1s else 0.0


# --------------------------------------------------------------------------------------------
# CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Train (with cross-validation figures) and save the event coder. Returns the exit code."""
    from vigil.evaluate.crossval import cached_expert, cross_validate, fold_cache_dir, learning_curve
    from vigil.extract.transformer import TransformerConfig

    parser = argparse.ArgumentParser(prog="vigil train", description="Train the PLOVER event coder.")
    parser.add_argument(
        "--data-dir", default=None, help="folder with plv_train/cameo_class_train (default ../shared/eval/dev)"
    )
    parser.add_argument("--out", default=None, help=f"weights folder (default {WEIGHTS_DIR})")
    parser.add_argument(
        "--cv", type=int, default=5, help="folds for calibration and the cross-validated figures (>= 2)"
    )
    parser.add_argument("--learning-curve", action="store_true", help="also run the 25/50/100%% learning curve")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument(
        "--linear-only",
        action="store_true",
        help="train the linear coder alone, without the fine-tuned MiniLM expert (about a minute)",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads per fine-tuning process (results depend on it slightly)"
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="experts fine-tuned at once, one process each (default: 2, one per core)"
    )
    parser.add_argument(
        "--class-balance",
        type=float,
        default=TransformerConfig().class_balance,
        help="root loss weight (n / mean n) ** -X of a class with n examples (0: unweighted)",
    )
    parser.add_argument(
        "--learn-markers",
        action="store_true",
        help="let the actor-marker embeddings learn (the gradient then crosses every layer: slower)",
    )
    parser.add_argument(
        "--no-codebook", action="store_true", help="leave out the codebook examples (vigil/extract/data/codebook.yaml)"
    )
    parser.add_argument(
        "--no-int8", action="store_true", help="the expert codes in float, without int8 layers (slower; same training)"
    )
    parser.add_argument("--no-save", action="store_true", help="figures only: no final expert, no weights written")
    parser.add_argument("--no-cache", action="store_true", help="fine-tune the fold experts even if cached")
    parser.add_argument(
        "--no-pipeline",
        action="store_true",
        help="skip the spaCy pass: no event gate, no training on the pipeline's own actor spans",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    data_dir = resolve_data_dir(args.data_dir)
    plv, cameo = load_plv(data_dir), load_cameo(data_dir)
    cfg = TrainConfig()
    transformer = (
        None
        if args.linear_only
        else TransformerConfig(
            seed=args.seed,
            threads=args.threads,
            class_balance=args.class_balance,
            learn_markers=args.learn_markers,
            quantize=not args.no_int8,
        )
    )
    cache_dir = None if args.no_cache else fold_cache_dir()
    counts: dict[int, dict[str, float]] = {}
    report: dict[str, Any] = {"data_dir": str(data_dir), "n_plv_events": len(plv), "n_cameo": len(cameo)}
    folds = max(2, args.cv)
    print(
        f"cross-validating ({folds} folds) on {len(plv)} PLV events + {len(cameo)} ConfliBERT sentences",
        file=sys.stderr,
    )
    extra: list[Example] = []
    gate: EventGate | None = None
    if not args.no_pipeline:
        print("running the pipeline on PLV_train (event gate, pipeline spans)", file=sys.stderr)
        gate, extra = _pipeline_data(data_dir / PLV_FILE, args.seed)
        report["gate"] = {"threshold": gate.threshold, "features": len(gate.weights), "extra_examples": len(extra)}
    codebook = [] if args.no_codebook else load_codebook()
    extra += codebook
    report["codebook_examples"] = len(codebook)
    cv = cross_validate(
        plv,
        cameo,
        cfg,
        folds=folds,
        seed=args.seed,
        counts=counts,
        transformer=transformer,
        extra=extra,
        cache_dir=cache_dir,
        jobs=args.jobs,
        # The final expert (all the data) trains alongside the fold experts.
        prefit=[] if args.no_save else [(list(plv) + extra + list(cameo), "all the data")],
    )
    calibration = cv.pop("_calibration_all")
    expert_calibration: dict[str, Any] | None = None
    if transformer is not None:
        expert_calibration, calibration = calibration, cv["linear_only"].pop("_calibration")
    report["cv"] = cv
    if args.learning_curve:
        report["learning_curve"] = learning_curve(
            plv,
            cameo,
            cfg,
            folds=folds,
            seed=args.seed,
            counts=counts,
            transformer=transformer,
            cache_dir=cache_dir,
            jobs=args.jobs,
        )
    coder = fit_coder(list(plv) + extra, cameo, cfg, calibration, counts)
    coder.params["training_files"] = {name: file_digest(data_dir / name) for name in (PLV_FILE, CAMEO_FILE)}
    coder.params["codebook_examples"] = len(codebook)
    if transformer is not None and expert_calibration is not None and args.no_save:
        coder.params["transformer"] = {**expert_calibration, "version": _expert_version(transformer)}
    elif transformer is not None and expert_calibration is not None:
        expert = cached_expert(list(plv) + extra + list(cameo), transformer, cache_dir, "all the data")
        coder.params["transformer"] = {**expert_calibration, "version": _expert_version(transformer)}
        coder.use_expert(expert)
    if not args.no_save:
        out = Path(args.out) if args.out else WEIGHTS_DIR
        for stale in ("coder_tf.safetensors", "coder_tf.json"):
            (out / stale).unlink(missing_ok=True)
        coder.save(out)
        if gate is not None:
            gate.save(out)
        report["weights"] = {p.name: p.stat().st_size for p in sorted(out.glob("*")) if p.is_file()}
    report["params"] = {k: v for k, v in coder.params.items() if k != "block_weights"}
    report["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


def _pipeline_data(plv_file: Path, seed: int) -> tuple[EventGate, list[Example]]:
    """The event gate fitted on every PLV candidate pair, and the pipeline-span training examples."""
    from vigil.config import load_settings
    from vigil.evaluate.gold import load_gold
    from vigil.extract.pipeline import Pipeline

    records = [r for r in load_gold(plv_file).records if r.get("text")]
    pipeline = Pipeline.load(load_settings(env={}, overrides={"extract.transformer": False}))
    pipeline.gate = None
    feats, labels, extra = gate_data(records, pipeline)
    gate = fit_gate([f for fs in feats for f in fs], [y for ys in labels for y in ys], seed=seed)
    return gate, extra


def _expert_version(cfg: TransformerConfig) -> str:
    """The expert's part of the coder version: ``minilm-top3``, ``-cb0.5`` for a class-balanced root loss,
    ``-fm`` for fixed marker embeddings, ``-int8`` (int8 layers, per-token scales) or ``-f32``."""
    return (
        f"minilm-top{cfg.top_layers}"
        + (f"-cb{cfg.class_balance:g}" if cfg.class_balance else "")
        + ("" if cfg.learn_markers else "-fm")
        + ("-int8" if cfg.quantize else "-f32")
    )


def _with(cfg: TrainConfig, **changes: Any) -> TrainConfig:
    """A copy of ``cfg`` with some fields changed (for experiments)."""
    return replace(cfg, **changes)


if __name__ == "__main__":
    raise SystemExit(main())
