"""The linear heads, and how a root head's and a quad head's logits combine into probabilities.

Two logistic regressions over the sparse features of :mod:`vigil.coder.features`, fast
(thousands of items per second):

* a **root head** (15 PLOVER roots) trained on PLV_train;
* a **quad head** (quad 0..4, 0 = neutral statement) trained on PLV_train quads plus the
  quad-labelled ConfliBERT CAMEO sentences (the only data with quad-0 statements).

The root and quad scores are combined as a product of experts (:func:`combine`): the root
log-score is the root logit plus ``beta`` times the quad log-probability of the root's quad (among
quads 1..4), then divided by a temperature fitted on out-of-fold predictions so that the coder's
confidence is calibrated. The transformer expert's logits combine the same way.

The heads ship as ``coder.npz`` (numpy arrays: idf, coefficients, biases; no pickles, so the file
is safe to load and does not break when scikit-learn changes version).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vigil.coder.features import FloatArray, Vectorizer, featurize
from vigil.coder.items import CoderInput
from vigil.coder.labels import QUADS, ROOT_TO_QUAD, ROOTS

__all__ = ["LinearHeads", "combine"]


class LinearHeads:
    """The root and quad heads over one :class:`~vigil.coder.features.Vectorizer`.

    Args:
        vectorizer: the feature vocabulary and its TF-IDF weights.
        root_coef: (15, n_features) root head coefficients, rows in :data:`~vigil.coder.labels.ROOTS` order.
        root_bias: (15,) root head intercepts.
        quad_coef: (5, n_features) quad head coefficients, rows in :data:`~vigil.coder.labels.QUADS` order.
        quad_bias: (5,) quad head intercepts.
    """

    def __init__(
        self,
        vectorizer: Vectorizer,
        root_coef: FloatArray,
        root_bias: FloatArray,
        quad_coef: FloatArray,
        quad_bias: FloatArray,
    ) -> None:
        self.vectorizer = vectorizer
        self.root_coef = np.ascontiguousarray(root_coef, dtype=np.float32)
        self.root_bias = np.asarray(root_bias, dtype=np.float32)
        self.quad_coef = np.ascontiguousarray(quad_coef, dtype=np.float32)
        self.quad_bias = np.asarray(quad_bias, dtype=np.float32)
        # Both heads in one matrix: a single sparse product per batch.
        self._coef_t = np.ascontiguousarray(np.vstack([self.root_coef, self.quad_coef]).T)
        self._bias = np.concatenate([self.root_bias, self.quad_bias])

    @classmethod
    def load(cls, npz_path: Path, features: Sequence[str], block_weights: dict[str, float]) -> LinearHeads:
        """The heads saved in ``npz_path`` (see :meth:`save`), over the vocabulary ``features``.

        Args:
            npz_path: the ``coder.npz`` file.
            features: the feature vocabulary, in column order.
            block_weights: weight of each feature block (by block letter).

        Returns:
            The heads.
        """
        with np.load(npz_path, allow_pickle=False) as arrays:
            vectorizer = Vectorizer(features, arrays["idf"], block_weights)
            return cls(
                vectorizer,
                arrays["root_coef"].astype(np.float32),
                arrays["root_bias"],
                arrays["quad_coef"].astype(np.float32),
                arrays["quad_bias"],
            )

    def save(self, npz_path: Path) -> None:
        """Write the idf and the heads into ``npz_path`` (coefficients as float16)."""
        np.savez_compressed(
            npz_path,
            idf=self.vectorizer.idf.astype(np.float32),
            root_coef=self.root_coef.astype(np.float16),
            root_bias=self.root_bias.astype(np.float32),
            quad_coef=self.quad_coef.astype(np.float16),
            quad_bias=self.quad_bias.astype(np.float32),
        )

    def logits(self, items: Sequence[CoderInput]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Raw logits of the heads: (n, 15) root and (n, 5) quad."""
        if not items:
            return np.zeros((0, len(ROOTS))), np.zeros((0, len(QUADS)))
        x = self.vectorizer.transform([featurize(it) for it in items])
        z = np.asarray(x @ self._coef_t, dtype=np.float64) + self._bias
        return z[:, : len(ROOTS)], z[:, len(ROOTS) :]


def _log_softmax(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    z = z - z.max(axis=-1, keepdims=True)
    out: npt.NDArray[np.float64] = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return out


def combine(
    root_logits: npt.NDArray[np.float64],
    quad_logits: npt.NDArray[np.float64],
    beta: float,
    root_temperature: float,
    quad_temperature: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Combine the heads' logits into root probabilities (given an event) and P(quad = 0).

    Args:
        root_logits: (n, 15) root head logits, columns in :data:`ROOTS` order.
        quad_logits: (n, 5) quad head logits, columns in :data:`QUADS` order.
        beta: weight of the quad head's opinion on the root's quad.
        root_temperature: temperature applied to the combined root scores.
        quad_temperature: temperature applied to the quad head for P(quad = 0).

    Returns:
        ``(p_root, p_statement)``: (n, 15) probabilities and (n,) probabilities.
    """
    quad_of_root = np.array([ROOT_TO_QUAD[r] for r in ROOTS])
    lq = _log_softmax(quad_logits[:, 1:])  # among quads 1..4
    scores = root_logits + beta * lq[:, quad_of_root - 1]
    p_root = np.exp(_log_softmax(scores / root_temperature))
    p_statement = np.exp(_log_softmax(quad_logits / quad_temperature))[:, 0]
    return p_root, p_statement
