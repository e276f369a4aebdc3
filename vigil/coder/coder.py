"""The PLOVER event coder: sentence + actor spans -> PLOVER root, quad class and CAMEO root.

Two experts, combined and calibrated on out-of-fold predictions:

* the **transformer expert** (:mod:`vigil.coder.transformer`): all-MiniLM-L6-v2 fine-tuned with
  source / target markers, the accurate one; it codes the candidate pairs the pipeline's event gate
  takes for events;
* the **linear heads** (:mod:`vigil.coder.heads`), fast and added to the expert's logits with a
  fitted weight; alone, they code the pairs the gate rejects (kept, with a low confidence) and
  everything when the expert is switched off (``extract.transformer = false``).

Both experts' logits become probabilities through :func:`~vigil.coder.heads.combine`, with a
temperature fitted so that ``confidence`` is calibrated. A sentence is a quad-0 statement
(``root=None``) when the calibrated probability of quad 0 exceeds ``statement_threshold``.

Weights are shipped as ``weights/coder.npz`` (the linear heads) plus ``weights/coder.json``
(feature vocabulary, labels, hyper-parameters and calibrations), and the expert's
``weights/coder_tf.safetensors`` + ``coder_tf.json``. No pickles. ``vigil train`` rebuilds them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from vigil.coder import WEIGHTS_DIR
from vigil.coder.heads import LinearHeads, combine
from vigil.coder.items import CoderInput, CoderOutput
from vigil.coder.labels import QUADS, ROOT_TO_CAMEO, ROOT_TO_QUAD, ROOTS, STATEMENT_CAMEO

if TYPE_CHECKING:
    from vigil.coder.transformer import TransformerCoder

__all__ = ["EventCoder"]

_NPZ = "coder.npz"
_JSON = "coder.json"


# Calibration parameters (see :func:`combine`) and their defaults.
_CALIBRATION = {"beta": 0.0, "root_temperature": 1.0, "quad_temperature": 1.0}


class EventCoder:
    """Trained PLOVER event coder (see the module docstring).

    Build with :meth:`load`; call :meth:`predict` on a batch of :class:`~vigil.coder.items.CoderInput`.

    Args:
        heads: the linear heads.
        params: version, feature block weights, statement threshold and calibrations (``coder.json``).
        expert: the fine-tuned transformer expert, or None for the linear heads alone.
    """

    def __init__(self, heads: LinearHeads, params: dict[str, Any], expert: TransformerCoder | None = None) -> None:
        self.heads = heads
        self.params = dict(params)
        self.linear_version: str = str(params.get("version", "0"))
        self.expert: TransformerCoder | None = None
        self.use_expert(expert)

    def use_expert(self, expert: TransformerCoder | None) -> None:
        """Switch the fine-tuned transformer expert on (``expert``) or off (None).

        With the expert, an item's logits are the expert's plus ``linear_weight`` times the linear
        heads'; its calibration (``beta``, temperatures, weight, ``cascade``) is
        ``params["transformer"]``. Items not routed to the expert (see :meth:`predict`), and those
        the linear heads code with a confidence of at least ``cascade``, keep the linear decision.
        """
        self.expert = expert
        self.statement_threshold = float(self.params.get("statement_threshold", 0.5))
        self.linear_calibration = {k: float(self.params.get(k, d)) for k, d in _CALIBRATION.items()}
        cal = dict(self.params.get("transformer", {})) if expert is not None else {}
        self.expert_calibration = {k: float(cal.get(k, d)) for k, d in _CALIBRATION.items()}
        self.linear_weight = float(cal.get("linear_weight", 1.0))
        self.cascade = float(cal.get("cascade", 2.0))  # 2.0: above any confidence, the expert codes all
        self.version = self.linear_version + (f"+{cal.get('version', 'minilm')}" if expert is not None else "")

    @staticmethod
    def shipped_version(transformer: bool = True) -> str:
        """Version string of the packaged coder (as :attr:`version` after :meth:`load`), read without loading it."""
        params = json.loads((WEIGHTS_DIR / _JSON).read_text(encoding="utf-8"))["params"]
        version = str(params.get("version", "0"))
        if transformer and "transformer" in params:
            version += f"+{params['transformer'].get('version', 'minilm')}"
        return version

    @classmethod
    def load(cls, path: Path | None = None, transformer: bool = True, threads: int | None = None) -> EventCoder:
        """Load a coder from a weights directory.

        Args:
            path: directory holding ``coder.npz`` and ``coder.json`` (and the transformer expert's
                ``coder_tf.*``); default: the weights shipped in the package (``vigil/coder/weights/``).
            transformer: also load the fine-tuned MiniLM expert (the accurate default); False gives
                the linear coder alone, about 10x faster and less accurate (see the README).
            threads: torch threads for the expert (default: torch's choice).

        Returns:
            The coder.

        Raises:
            FileNotFoundError: no weights there (train with ``vigil train``).
        """
        folder = WEIGHTS_DIR if path is None else Path(path)
        npz_path, json_path = folder / _NPZ, folder / _JSON
        if not npz_path.exists() or not json_path.exists():
            raise FileNotFoundError(
                f"No event-coder weights in {folder} (need {_NPZ} and {_JSON}). Train them with `vigil train`."
            )
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        expert: TransformerCoder | None = None
        if transformer and "transformer" in meta["params"]:  # weights trained with --linear-only have none
            from vigil.coder.transformer import TransformerCoder  # torch loads only with the expert

            expert = TransformerCoder.load(folder, threads=threads)
        heads = LinearHeads.load(npz_path, meta["features"], meta["params"]["block_weights"])
        return cls(heads, meta["params"], expert)

    def save(self, path: Path | None = None) -> None:
        """Write ``coder.npz`` (float16 coefficients), ``coder.json`` and the expert into ``path``."""
        folder = WEIGHTS_DIR if path is None else Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self.heads.save(folder / _NPZ)
        if self.expert is not None:
            self.expert.save(folder)
        meta = {
            "params": self.params,
            "roots": list(ROOTS),
            "quads": list(QUADS),
            "features": self.heads.vectorizer.features,
        }
        (folder / _JSON).write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    def linear_logits(self, items: Sequence[CoderInput]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Raw logits of the linear heads: (n, 15) root and (n, 5) quad."""
        return self.heads.logits(items)

    def _routed(self, n: int, expert: Sequence[bool] | None) -> npt.NDArray[np.bool_]:
        if self.expert is None:
            return np.zeros(n, dtype=bool)
        if expert is None:
            return np.ones(n, dtype=bool)
        if len(expert) != n:
            raise ValueError(f"expert routing has {len(expert)} flags for {n} items")
        return np.asarray(expert, dtype=bool)

    def predict(self, items: Sequence[CoderInput], expert: Sequence[bool] | None = None) -> list[CoderOutput]:
        """Code a batch of items.

        Args:
            items: sentences with actor spans.
            expert: per item, whether the transformer expert codes it (default: every item, when the
                expert is loaded); the others get the linear heads' decision and calibration. The
                pipeline routes the candidate pairs its event gate accepts to the expert.

        Returns:
            One :class:`CoderOutput` per item, in order.
        """
        n = len(items)
        use = self._routed(n, expert)
        root_logits, quad_logits = self.linear_logits(items)
        p_root, p_statement = combine(root_logits, quad_logits, **self.linear_calibration)
        # Cascade: the expert runs where the linear heads are not already sure (calibrated confidence
        # under ``cascade``; on PLV_train's folds as accurate as running it everywhere, at half the cost).
        go = use & (p_root.max(axis=1) < self.cascade) if self.expert is not None else use
        if self.expert is not None and go.any():
            idx = np.flatnonzero(go)
            er, eq = self.expert.logits([items[int(i)] for i in idx])
            w = self.linear_weight
            p_root[idx], p_statement[idx] = combine(
                er + w * root_logits[idx], eq + w * quad_logits[idx], **self.expert_calibration
            )
        quad_of_root = np.array([ROOT_TO_QUAD[r] for r in ROOTS])
        outputs: list[CoderOutput] = []
        for i in range(n):
            p0 = float(p_statement[i])
            pr = p_root[i]
            root_scores = {r: float(pr[j]) for j, r in enumerate(ROOTS)}
            quad_scores = {0: p0}
            for q in QUADS[1:]:
                quad_scores[q] = (1.0 - p0) * float(pr[quad_of_root == q].sum())
            if p0 > self.statement_threshold:
                outputs.append(CoderOutput(None, 0, STATEMENT_CAMEO, p0, root_scores, quad_scores))
                continue
            best = int(np.argmax(pr))
            root = ROOTS[best]
            confidence = min(1.0, max(0.0, float(pr[best])))
            outputs.append(
                CoderOutput(root, ROOT_TO_QUAD[root], ROOT_TO_CAMEO[root], confidence, root_scores, quad_scores)
            )
        return outputs
