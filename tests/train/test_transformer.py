"""Fine-tuning the MiniLM expert (tiny runs: one layer, one epoch)."""

from __future__ import annotations

import math

import pytest

from vigil.coder.items import CoderInput
from vigil.coder.labels import QUADS, ROOT_TO_QUAD, ROOTS


def make(text: str, source: str | None, target: str | None) -> CoderInput:
    def span(actor: str | None) -> tuple[int, int] | None:
        if actor is None:
            return None
        start = text.index(actor)
        return start, start + len(actor)

    return CoderInput(text, span(source), span(target))


@pytest.mark.slow
def test_transformer_fit_save_load(tmp_path: object) -> None:
    """A short fine-tuning run learns, and its weights round-trip through the package format."""
    from pathlib import Path

    import numpy as np

    from vigil.coder.transformer import META_FILE, WEIGHTS_FILE, TransformerCoder, TransformerConfig
    from vigil.train.transformer import fit_expert

    texts = [
        ("Rebels shelled army posts near {}.", "Rebels", "army posts", "ASSAULT"),
        ("Soldiers attacked villagers outside {}.", "Soldiers", "villagers", "ASSAULT"),
        ("The two ministers signed an accord in {}.", "The two ministers", "an accord", "AGREE"),
        ("The unions agreed to a deal with employers in {}.", "The unions", "employers", "AGREE"),
    ]
    towns = ["Lyon", "Osaka", "Quito", "Accra", "Hanoi", "Perth", "Basel", "Cusco"]
    data = [(make(t.format(town), s, o), root, ROOT_TO_QUAD[root]) for t, s, o, root in texts for town in towns]
    cfg = TransformerConfig(epochs=6, learning_rate=3e-4, batch_size=8, top_layers=1, quantize=False)
    expert = fit_expert(data, cfg)
    root, quad = expert.logits([item for item, _, _ in data])
    assert root.shape == (len(data), len(ROOTS)) and quad.shape == (len(data), len(QUADS))
    accuracy = np.mean([ROOTS[int(i)] == r for i, (_, r, _) in zip(root.argmax(axis=1), data, strict=True)])
    assert accuracy >= 0.9
    folder = Path(str(tmp_path))
    expert.save(folder)
    assert (folder / WEIGHTS_FILE).stat().st_size < 4_000_000  # one layer (1.8M weights) + markers + heads, float16
    again = TransformerCoder.load(folder)
    root2, _ = again.logits([item for item, _, _ in data])
    assert np.abs(root - root2).max() < 0.05  # float16 storage
    meta = (folder / META_FILE).read_text(encoding="utf-8")
    (folder / META_FILE).write_text(meta.replace('"base_version": "', '"base_version": "9'), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        TransformerCoder.load(folder)


def test_transformer_class_weights_favour_rare_roots() -> None:
    """The root loss weighs a rare root more; an average labelled example weighs 1; 0 switches it off."""
    import torch

    from vigil.train.transformer import _class_weights

    y = torch.tensor([ROOTS.index("ASSAULT")] * 16 + [ROOTS.index("COOPERATE")] * 4 + [-100] * 5)
    assert _class_weights(y, 0.0) is None
    w = _class_weights(y, 0.5)
    assert w is not None and w.shape == (len(ROOTS),)
    assault, cooperate = float(w[ROOTS.index("ASSAULT")]), float(w[ROOTS.index("COOPERATE")])
    assert math.isclose(cooperate / assault, 2.0, rel_tol=1e-6)  # (16 / 4) ** 0.5
    assert math.isclose(float(w[y[y != -100]].mean()), 1.0, rel_tol=1e-6)
    assert float(w[ROOTS.index("AGREE")]) > 0  # absent from y: a finite weight


@pytest.mark.slow
def test_transformer_marker_embeddings_learn_only_when_asked() -> None:
    """By default the four marker rows keep their seeded start (no gradient crosses the frozen layers)."""
    from dataclasses import replace

    import torch

    from vigil.coder.transformer import TransformerCoder, TransformerConfig
    from vigil.train.transformer import _build, fit_expert

    towns = ["Lyon", "Osaka", "Quito", "Accra"]
    data = [(make(f"Rebels shelled army posts near {t}.", "Rebels", "army posts"), "ASSAULT", 4) for t in towns]
    data += [
        (make(f"The unions agreed to a deal with employers in {t}.", "The unions", "employers"), "AGREE", 1)
        for t in towns
    ]

    def markers(coder: TransformerCoder) -> torch.Tensor:
        return coder.state["encoder.embeddings.word_embeddings.weight"][coder.base_vocab :]

    cfg = TransformerConfig(epochs=1, learning_rate=3e-4, batch_size=4, top_layers=1, quantize=False, threads=1)
    torch.manual_seed(cfg.seed)
    _, fresh, base_vocab = _build(cfg)
    start = fresh.encoder.embeddings.word_embeddings.weight[base_vocab:].detach().clone()
    fixed = fit_expert(data, cfg)
    assert torch.allclose(markers(fixed), start.half().float())
    learnt = fit_expert(data, replace(cfg, learn_markers=True))
    assert not torch.allclose(markers(learnt), start.half().float(), atol=1e-4)
