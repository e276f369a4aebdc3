"""Fine-tuning the MiniLM expert of :mod:`vigil.coder.transformer` with ``transformers``.

The model is ``transformers``' ``BertModel`` with mean / ``[S]`` / ``[T]`` pooling and a root and a
quad head (:class:`_MarkerModel`); the tensors it trains are those
:func:`~vigil.coder.transformer.trained_names` lists. Fine-tuning is deterministic for a given
seed and thread count and takes about 5 minutes per 2,300 examples on one core of the Intel Xeon
machine (docs/performance.md). The expert it returns codes with :mod:`vigil.coder.minilm`, the
same forward pass in plain torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch

from vigil.coder.items import CoderInput, marked_text
from vigil.coder.labels import QUADS, ROOTS
from vigil.coder.transformer import (
    EMBEDDINGS,
    MARKERS,
    TransformerCoder,
    TransformerConfig,
    base_model_dir,
    trained_names,
)

__all__ = ["fit_expert"]


class _MarkerModel(torch.nn.Module):
    """MiniLM encoder + mean / [S] / [T] pooling + root and quad heads."""

    def __init__(self, encoder: Any, source_id: int, target_id: int, dropout: float) -> None:
        super().__init__()
        self.encoder = encoder
        self.source_id, self.target_id = source_id, target_id
        hidden = int(encoder.config.hidden_size)
        self.dropout = torch.nn.Dropout(dropout)
        self.root = torch.nn.Linear(3 * hidden, len(ROOTS))
        self.quad = torch.nn.Linear(3 * hidden, len(QUADS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(states.dtype)
        mean = (states * m).sum(1) / m.sum(1).clamp(min=1.0)

        def at(token: int) -> torch.Tensor:
            pos = (ids == token).to(states.dtype)
            count = pos.sum(1, keepdim=True)
            vec = torch.einsum("bl,blh->bh", pos, states) / count.clamp(min=1.0)
            return torch.where(count > 0, vec, mean)  # actor unknown: fall back to the sentence

        z = self.dropout(torch.cat([mean, at(self.source_id), at(self.target_id)], dim=-1))
        return self.root(z), self.quad(z)


def _build(cfg: TransformerConfig) -> tuple[Any, _MarkerModel, int]:
    """Tokenizer, model (base weights, fresh marker rows and heads) and the base vocabulary size."""
    import transformers
    from transformers import AutoModel, AutoTokenizer

    transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    folder = base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    base_vocab = len(tokenizer)
    tokenizer.add_special_tokens({"additional_special_tokens": list(MARKERS)})
    encoder = AutoModel.from_pretrained(str(folder))
    encoder.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    vocab: dict[str, int] = tokenizer.get_vocab()
    source_id, target_id = vocab[MARKERS[0]], vocab[MARKERS[2]]
    model = _MarkerModel(encoder, source_id, target_id, cfg.dropout)
    return tokenizer, model, base_vocab


def fit_expert(
    examples: Sequence[tuple[CoderInput, str | None, int]],
    cfg: TransformerConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> TransformerCoder:
    """Fine-tune on ``(item, root or None, quad)`` examples.

    Args:
        examples: root-labelled examples (root head and quad head) and quad-only ones (root
            ``None``: quad head only).
        cfg: hyper-parameters.
        progress: called with a line per epoch.

    Returns:
        The trained coder (in evaluation mode).
    """
    cfg = cfg or TransformerConfig()
    torch.manual_seed(cfg.seed)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    try:
        tokenizer, model, base_vocab = _build(cfg)
        _train(model, tokenizer, base_vocab, cfg, examples, progress)
    finally:
        torch.set_num_threads(previous_threads)
    state = {name: param.detach() for name, param in model.named_parameters()}
    return TransformerCoder(state, cfg, base_vocab, model.encoder.config.to_dict())


def _train(
    model: _MarkerModel,
    tokenizer: Any,
    base_vocab: int,
    cfg: TransformerConfig,
    examples: Sequence[tuple[CoderInput, str | None, int]],
    progress: Callable[[str], None] | None,
) -> None:
    """Fine-tune ``model`` in place (top layers, heads and, with ``learn_markers``, the marker rows)."""
    names = [name for name, _ in model.named_parameters()]
    trained = set(trained_names(names, len(model.encoder.encoder.layer), cfg))
    for name, param in model.named_parameters():
        param.requires_grad = name in trained or (cfg.learn_markers and name == EMBEDDINGS)
    params = [p for n, p in model.named_parameters() if n in trained]
    groups: list[dict[str, Any]] = [{"params": params, "weight_decay": cfg.weight_decay}]
    if cfg.learn_markers:
        emb = model.encoder.embeddings.word_embeddings.weight
        # Only the marker rows of the embedding matrix learn.
        emb.register_hook(lambda g: torch.cat([torch.zeros_like(g[:base_vocab]), g[base_vocab:]]))
        groups.append({"params": [emb], "weight_decay": 0.0})
    opt = torch.optim.AdamW(groups, lr=cfg.learning_rate)
    steps_per_epoch = (len(examples) + cfg.batch_size - 1) // cfg.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt,
        max_lr=cfg.learning_rate,
        total_steps=max(1, cfg.epochs * steps_per_epoch),
        pct_start=cfg.warmup,
        anneal_strategy="linear",
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    texts = [marked_text(it) for it, _, _ in examples]
    y_root = torch.tensor([ROOTS.index(r) if r else -100 for _, r, _ in examples])
    root_loss = torch.nn.CrossEntropyLoss(weight=_class_weights(y_root, cfg.class_balance), ignore_index=-100)
    y_quad = torch.tensor([q for _, _, q in examples])
    rng = np.random.default_rng(cfg.seed)
    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for idx in _batches([len(t) for t in texts], cfg.batch_size, rng):
            enc = tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=cfg.max_length, return_tensors="pt"
            )
            ids, mask = enc["input_ids"], enc["attention_mask"]
            root, quad = model(ids, mask)
            yr, yq = y_root[idx], y_quad[idx]
            loss = cfg.quad_weight * loss_fn(quad, yq)
            if bool((yr != -100).any()):
                loss = loss + root_loss(root, yr)
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            sched.step()
            total += float(loss.detach())
        if progress is not None:
            progress(f"epoch {epoch + 1}/{cfg.epochs}: loss {total / max(1, steps_per_epoch):.3f}")
    for param in model.parameters():
        param.requires_grad = False
    with torch.no_grad():  # the weights as shipped (float16): a fitted expert equals its reloaded copy
        for name, param in model.named_parameters():
            if name in trained:
                param.copy_(param.half().float())
        markers = model.encoder.embeddings.word_embeddings.weight[base_vocab:]
        markers.copy_(markers.half().float())
    model.eval()


def _class_weights(y: torch.Tensor, power: float) -> torch.Tensor | None:
    """Per-root loss weights ``(n_c / mean n) ** -power`` over the labelled examples (None when ``power`` is 0).

    Roots absent from ``y`` get weight 1; the weights are scaled so that an average example weighs 1.
    """
    if power <= 0:
        return None
    labelled = y[y != -100]
    counts = torch.bincount(labelled, minlength=len(ROOTS)).double()
    present = counts > 0
    weights = torch.ones(len(ROOTS), dtype=torch.float64)
    weights[present] = (counts[present] / counts[present].mean()) ** -power
    weights = weights / (weights[labelled].mean() if len(labelled) else 1.0)
    return weights.float()


def _batches(lengths: Sequence[int], size: int, rng: np.random.Generator) -> Iterator[list[int]]:
    """Shuffled batches of similar lengths (less padding): sort within pools of 20 batches, shuffle the batches."""
    order = rng.permutation(len(lengths))
    pool = size * 20
    batches: list[list[int]] = []
    for k in range(0, len(order), pool):
        chunk = sorted((int(i) for i in order[k : k + pool]), key=lambda i: lengths[i])
        batches.extend(chunk[j : j + size] for j in range(0, len(chunk), size))
    for b in rng.permutation(len(batches)):
        yield batches[int(b)]
