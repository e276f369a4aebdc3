"""Calibration of the coder on out-of-fold logits: the quad head's weight in the root decision and the temperatures."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vigil.coder.heads import combine
from vigil.coder.labels import ROOT_TO_QUAD, ROOTS
from vigil.evaluate.metrics import macro_f1

__all__ = ["BETAS", "CASCADE", "LINEAR_WEIGHTS", "TEMPERATURES", "fit_calibration"]

# Candidate weights of the linear heads' logits added to the transformer expert's (chosen on out-of-fold data).
LINEAR_WEIGHTS = (0.0, 0.125, 0.25, 0.5, 1.0)
# The expert codes an item only when the linear heads' calibrated confidence is under this.
CASCADE = 0.9


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
        f1 = macro_f1(y_root.tolist(), pred.tolist())
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
