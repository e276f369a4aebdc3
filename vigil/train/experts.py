"""The transformer experts of training and cross-validation: fine-tuned side by side, kept in a cache."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

from vigil.coder import WEIGHTS_DIR
from vigil.train.data import Example

if TYPE_CHECKING:
    from vigil.coder.transformer import TransformerCoder, TransformerConfig

__all__ = [
    "cached_expert",
    "expert_cache_key",
    "expert_version",
    "fit_experts",
    "fold_cache_dir",
    "shipped_transformer_config",
]


def expert_cache_key(examples: Sequence[Example], cfg: TransformerConfig) -> str:
    """Cache key of a transformer expert: its training data and hyper-parameters (seed included).

    ``quantize`` only says how the expert codes, not what it learns: the key is the same either way.
    """
    data = [(e.item, e.root, e.quad) for e in examples]
    fields = sorted(asdict(replace(cfg, quantize=True)).items())
    return hashlib.sha256(repr((data, fields)).encode("utf-8")).hexdigest()[:16]


def _fit_into(examples: Sequence[Example], cfg: TransformerConfig, cache_dir: Path, label: str) -> str:
    """Worker: fine-tune an expert into the cache (:func:`cached_expert`)."""
    cached_expert(examples, cfg, cache_dir, label)
    return label


def fit_experts(
    sets: Sequence[tuple[Sequence[Example], str]], cfg: TransformerConfig, cache_dir: Path | None, jobs: int
) -> None:
    """Fine-tune the experts of ``sets`` that are not in ``cache_dir`` yet, ``jobs`` processes at once.

    Each process trains with ``cfg.threads`` threads, exactly as :func:`cached_expert` would in this
    process (same seed, same threads: the same weights), and leaves its expert in the cache, where
    :func:`cached_expert` then finds it. With one job or no cache this does nothing: the experts are
    fine-tuned one after the other when they are asked for.
    """
    if jobs <= 1 or cache_dir is None:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    todo: dict[str, tuple[Sequence[Example], str]] = {}
    for examples, label in sets:
        folder = cache_dir / expert_cache_key(examples, cfg)
        if not (folder / "coder_tf.json").exists():
            todo.setdefault(str(folder), (examples, label))
    if len(todo) <= 1:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    print(f"  fine-tuning {len(todo)} transformer experts, {jobs} at a time", file=sys.stderr)
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_fit_into, ex, cfg, cache_dir, label) for ex, label in todo.values()]
        for future in futures:
            print(f"  {future.result()}: fine-tuned", file=sys.stderr)


def cached_expert(
    examples: Sequence[Example], cfg: TransformerConfig, cache_dir: Path | None, label: str
) -> TransformerCoder:
    """Fine-tune the transformer expert on ``examples`` (or reload the same one from ``cache_dir``)."""
    from vigil.coder.transformer import TransformerCoder  # torch loads only when an expert is needed
    from vigil.train.transformer import fit_expert

    folder = cache_dir / expert_cache_key(examples, cfg) if cache_dir is not None else None
    if folder is not None and (folder / "coder_tf.json").exists():
        print(f"  {label}: transformer expert from {folder}", file=sys.stderr)
        return TransformerCoder.load(folder).with_quantize(cfg.quantize)
    print(f"  {label}: fine-tuning the transformer expert on {len(examples)} examples", file=sys.stderr)
    data = [(e.item, e.root, e.quad) for e in examples]
    expert = fit_expert(data, cfg, progress=lambda line: print(f"    {line}", file=sys.stderr))
    if folder is not None:
        import shutil

        partial = folder.with_name(folder.name + ".partial")
        expert.save(partial)
        shutil.rmtree(folder, ignore_errors=True)  # what an interrupted run may have left
        partial.replace(folder)  # a cache entry appears whole or not at all
    return expert


def shipped_transformer_config() -> TransformerConfig | None:
    """Hyper-parameters of the shipped transformer expert (None when the package ships none)."""
    from vigil.coder.transformer import META_FILE, TransformerConfig

    meta = WEIGHTS_DIR / META_FILE
    if not meta.exists():
        return None
    return TransformerConfig(**json.loads(meta.read_text(encoding="utf-8"))["config"])


def fold_cache_dir() -> Path:
    """Where cross-validation keeps its fold experts (``$XDG_CACHE_HOME/vigil/coder-folds``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vigil" / "coder-folds"


def expert_version(cfg: TransformerConfig) -> str:
    """The expert's part of the coder version: ``minilm-top3``, ``-cb0.5`` for a class-balanced root loss,
    ``-fm`` for fixed marker embeddings, ``-int8`` (int8 layers, per-token scales) or ``-f32``."""
    return (
        f"minilm-top{cfg.top_layers}"
        + (f"-cb{cfg.class_balance:g}" if cfg.class_balance else "")
        + ("" if cfg.learn_markers else "-fm")
        + ("-int8" if cfg.quantize else "-f32")
    )
