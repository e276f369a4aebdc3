"""The coder's training data: the codebook examples."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.coder.labels import ROOT_TO_QUAD, ROOTS
from vigil.train.data import load_codebook


def test_codebook_examples_cover_every_root_with_both_actors(tmp_path: Any) -> None:
    examples = load_codebook()
    assert {e.root for e in examples} == set(ROOTS)
    for e in examples:
        assert e.item.source is not None and e.item.target is not None
        assert "<" not in e.text and e.quad == ROOT_TO_QUAD[e.root or ""]
        src, tgt = e.text[e.item.source[0] : e.item.source[1]], e.text[e.item.target[0] : e.item.target[1]]
        assert src.strip() == src and tgt.strip() == tgt and src and tgt
    bad = tmp_path / "codebook.yaml"
    bad.write_text("AGREE:\n  - <s>Japan</s> signed the accord.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs both"):
        load_codebook(bad)
    bad.write_text("AGRE:\n  - <s>Japan</s> signed with <t>Chile</t>.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a PLOVER root"):
        load_codebook(bad)
