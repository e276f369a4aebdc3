"""The news event model: does this sentence state an event from one actor to another, and which?

A MiniLM encoder fine-tuned (:mod:`vigil.train.news`) on the project's news annotations (every
ordered actor pair of 3,184 real news sentences, most of them without an event) together with
PLV_train, the codebook and the ConfliBERT quad sentences. It reads the sentence with the two
actors marked, as the coder's expert does (:class:`~vigil.coder.transformer.TransformerCoder`),
and gives:

* ``p_event``: one minus the quad-0 probability (no-event pairs were trained as quad 0);
* the root: the most probable PLOVER root, with its probability as the coder's confidence.

An event's confidence is ``p_event`` times the root's probability (times the modality's), which the
view's threshold (``view.min_confidence``, 0.35) reads. It ranks
events; it is not calibrated on news (the model saw 2 no-event pairs per event, real sentences hold
about 24), so it overstates the chance that an event is right (docs/coder.md has the precision at
each threshold). Weights: ``weights/news_tf.safetensors`` + ``news_tf.json``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vigil.coder import WEIGHTS_DIR
from vigil.coder.items import CoderInput, CoderOutput
from vigil.coder.labels import QUADS, ROOT_TO_CAMEO, ROOT_TO_QUAD, ROOTS

if TYPE_CHECKING:
    from vigil.coder.transformer import TransformerCoder

__all__ = ["STEM", "NewsEventModel"]

STEM = "news_tf"


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


class NewsEventModel:
    """Event / no-event and root of ordered actor pairs (see the module docstring).

    Args:
        expert: the fine-tuned encoder with its root and quad heads.
        version: a digest of the weights, part of the extractor version.
    """

    def __init__(self, expert: TransformerCoder, version: str) -> None:
        self.expert = expert
        self.version = version

    @classmethod
    def load(cls, folder: Path | None = None, threads: int | None = None) -> NewsEventModel:
        """The model shipped in ``vigil/coder/weights`` (or in ``folder``).

        Raises:
            FileNotFoundError: no weights there (``scripts/train-news-model`` writes them).
        """
        from vigil.coder.transformer import TransformerCoder  # torch loads only with the model

        folder = WEIGHTS_DIR if folder is None else Path(folder)
        # Float layers: the same numbers in every process (the int8 path is chosen per process by timing).
        expert = TransformerCoder.load(folder, threads=threads, stem=STEM).with_quantize(False)
        return cls(expert, cls.weights_version(folder))

    @staticmethod
    def weights_version(folder: Path | None = None) -> str:
        """The digest of the shipped weights, read without loading them ("none" when there are none)."""
        path = (WEIGHTS_DIR if folder is None else Path(folder)) / f"{STEM}.safetensors"
        if not path.exists():
            return "none"
        return hashlib.sha256(path.read_bytes()).hexdigest()[:8]

    def predict(self, items: Sequence[CoderInput]) -> list[tuple[float, CoderOutput]]:
        """For each item, the probability that an event links its actors and the coded root.

        Returns:
            (p_event, output) per item, in order; ``output.confidence`` is the root's probability.
        """
        if not items:
            return []
        root_logits, quad_logits = self.expert.logits(items)
        p_root, p_quad = _softmax(root_logits), _softmax(quad_logits)
        out: list[tuple[float, CoderOutput]] = []
        for i in range(len(items)):
            best = int(p_root[i].argmax())
            root = ROOTS[best]
            out.append(
                (
                    float(1.0 - p_quad[i, 0]),
                    CoderOutput(
                        root=root,
                        quad=ROOT_TO_QUAD[root],
                        cameo=ROOT_TO_CAMEO[root],
                        confidence=float(p_root[i, best]),
                        root_scores={r: float(p) for r, p in zip(ROOTS, p_root[i], strict=True)},
                        quad_scores={q: float(p) for q, p in zip(QUADS, p_quad[i], strict=True)},
                    ),
                )
            )
        return out
