"""Training: fitting the models of :mod:`vigil.coder` on the dev sets and annotated events.

* :mod:`~vigil.train.data`: the coder's training data (PLV_train, ConfliBERT quads, codebook examples);
* :mod:`~vigil.train.fit`: the linear heads; :mod:`~vigil.train.calibration`: how their logits
  and the expert's become calibrated probabilities;
* :mod:`~vigil.train.experts`: the transformer experts, fine-tuned side by side and cached;
* :mod:`~vigil.train.gate`: the event / no-event gate;
* :mod:`~vigil.train.crossval`: cross-validation, the learning curve and the figures of the training files;
* :mod:`~vigil.train.run`: ``vigil train``, all of the above in order;
* :mod:`~vigil.train.precision`: the event-precision model (``scripts/train-event-precision``).
"""
