"""The transformer experts of training: fine-tuned in worker processes as in this one."""

from __future__ import annotations

import pytest

from vigil.coder.items import CoderInput
from vigil.coder.labels import ROOT_TO_QUAD
from vigil.train.data import Example
from vigil.train.experts import cached_expert, expert_cache_key, fit_experts


def make(text: str, source: str, target: str) -> CoderInput:
    s, t = text.index(source), text.index(target)
    return CoderInput(text, (s, s + len(source)), (t, t + len(target)))


@pytest.mark.slow
def test_experts_fitted_side_by_side_equal_those_fitted_in_process(tmp_path: object) -> None:
    """``fit_experts`` trains in worker processes exactly what ``cached_expert`` trains here."""
    from pathlib import Path

    import numpy as np

    from vigil.coder.transformer import TransformerConfig

    def examples(towns: list[str]) -> list[Example]:
        out = []
        for town in towns:
            for text, s, t, root in (
                ("Rebels shelled army posts near {}.", "Rebels", "army posts", "ASSAULT"),
                ("The unions agreed to a deal with employers in {}.", "The unions", "employers", "AGREE"),
            ):
                sentence = text.format(town)
                out.append(Example(make(sentence, s, t), root, ROOT_TO_QUAD[root], sentence, sentence))
        return out

    sets = [(examples(["Lyon", "Osaka", "Quito"]), "a"), (examples(["Accra", "Hanoi", "Perth"]), "b")]
    cfg = TransformerConfig(epochs=1, batch_size=4, top_layers=1, threads=1, quantize=False, class_balance=0.5)
    cache = Path(str(tmp_path)) / "cache"
    fit_experts(sets, cfg, cache, jobs=2)
    assert sorted(p.name for p in cache.iterdir()) == sorted(expert_cache_key(ex, cfg) for ex, _ in sets)
    probe = [ex.item for ex in examples(["Basel"])]
    for ex, label in sets:
        from_worker = cached_expert(ex, cfg, cache, label)  # found in the cache
        here = cached_expert(ex, cfg, None, label)  # fine-tuned in this process
        assert np.allclose(from_worker.logits(probe)[0], here.logits(probe)[0], atol=1e-4)
