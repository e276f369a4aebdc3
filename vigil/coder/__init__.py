"""The PLOVER event coder at run time: sentence + actor spans -> root, quad class and confidence.

Modules, one concept each:

* :mod:`~vigil.coder.labels`: the PLOVER roots, quad classes and their CAMEO crosswalk;
* :mod:`~vigil.coder.items`: what the coder reads and returns, and the actor spans in a sentence;
* :mod:`~vigil.coder.features`: the sparse lexical features of the linear heads;
* :mod:`~vigil.coder.heads`: the linear heads and how root and quad logits combine;
* :mod:`~vigil.coder.transformer` (on :mod:`~vigil.coder.minilm`): the fine-tuned MiniLM expert;
* :mod:`~vigil.coder.coder`: :class:`~vigil.coder.coder.EventCoder`, the heads and the expert together;
* :mod:`~vigil.coder.gate`: the event / no-event gate over candidate pairs;
* :mod:`~vigil.coder.precision`: how likely a coded event is to be right.

Their weights ship in ``weights/`` (:data:`WEIGHTS_DIR`); :mod:`vigil.train` fits them.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["WEIGHTS_DIR"]

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
"""The packaged weights of the coder, its expert, the event gate and the event-precision model."""
