"""Tests of the shipped PLOVER event coder (sentences below are our own, written for these tests)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vigil.coder.coder import EventCoder
from vigil.coder.features import BLOCKS, Vectorizer, featurize
from vigil.coder.items import CoderInput, CoderOutput, spans_from_marked, unmark
from vigil.coder.labels import QUADS, ROOT_TO_CAMEO, ROOT_TO_QUAD, ROOTS, STATEMENT_CAMEO


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
    with pytest.raises(FileNotFoundError, match="vigil train"):
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


def test_vectorizer_rows_are_tf_idf_normalised_per_block(coder: EventCoder) -> None:
    vec = coder.heads.vectorizer
    counts = featurize(make("Ukraine did not accept Russia's offer of talks in Geneva.", "Ukraine", "Russia"))
    counts["w:no-such-feature-anywhere"] = 1.0
    idx, vals = vec.row(counts)
    known = sorted(vec.index[k] for k in counts if k in vec.index)
    assert idx.tolist() == known and "w:no-such-feature-anywhere" not in vec.index and len(known) > 20
    for b, name in enumerate(BLOCKS):
        mask = vec.block_of[idx] == b
        if mask.any():
            raw = (1 + np.log([counts[vec.features[i]] for i in idx[mask]])) * vec.idf[idx[mask]]
            expected = raw * vec.block_weights.get(name, 1.0) / np.linalg.norm(raw)
            assert np.allclose(vals[mask], expected, rtol=1e-5)
    x = vec.transform([counts, {}, counts])
    assert x.shape == (3, len(vec.features)) and x[1].nnz == 0
    assert np.array_equal(x[0].toarray(), x[2].toarray())


def test_vectorizer_needs_each_block_in_one_run() -> None:
    with pytest.raises(ValueError, match="sort it"):
        Vectorizer(["w:a", "c:abc", "w:b"], np.ones(3, dtype=np.float32), {})


def test_spans_from_marked() -> None:
    marked = "On Friday <s>A</s> told <t>the B</t> and <s>A</s> left."
    src, tgt = spans_from_marked(marked)
    text = "On Friday A told the B and A left."
    assert src is not None and tgt is not None
    assert text[src[0] : src[1]] == "A" and text[tgt[0] : tgt[1]] == "the B"
    assert spans_from_marked("no marks") == (None, None)
    assert unmark(marked) == text


def test_coder_expert_routing(coder: EventCoder) -> None:
    """Items routed away from the transformer expert get exactly the linear coder's decision."""
    assert coder.expert is not None and "+minilm" in coder.version
    linear = EventCoder.load(transformer=False)
    assert linear.expert is None and "+minilm" not in linear.version
    assert EventCoder.shipped_version(True) == coder.version and EventCoder.shipped_version(False) == linear.version
    items = [item for item, _ in CASES]
    routed = coder.predict(items, expert=[i % 2 == 0 for i in range(len(items))])
    alone = linear.predict(items)
    full = coder.predict(items)
    for i, (r, lin, f) in enumerate(zip(routed, alone, full, strict=True)):
        same = f if i % 2 == 0 else lin
        assert r.root == same.root and math.isclose(r.confidence, same.confidence, rel_tol=1e-6)
    with pytest.raises(ValueError, match="flags"):
        coder.predict(items, expert=[True])


PLAIN = [
    ("Police fired tear gas at students demanding the minister's resignation.", "Police", "students", "ASSAULT"),
    ("The two leaders pledged to deepen defence cooperation.", "The two leaders", "defence cooperation", "AGREE"),
    ("Tokyo sent rice and medicine to flood victims in Pakistan.", "Tokyo", "flood victims", "AID"),
    ("Japan and the United States agreed to expand joint military exercises.", "Japan", "the United States", "AGREE"),
    ("China imposed tariffs on Australian wine.", "China", "Australian wine", "SANCTION"),
    ("The rebels kidnapped two aid workers.", "The rebels", "two aid workers", "ASSAULT"),
    (
        "Iran threatened to close the Strait of Hormuz if the United States attacked.",
        "Iran",
        "the United States",
        "THREATEN",
    ),
    ("The European Union urged Russia to release the activist.", "The European Union", "Russia", "REQUEST"),
    ("Kishida met Biden at the White House.", "Kishida", "Biden", "CONSULT"),
    ("The government denied the opposition's accusations.", "The government", "the opposition", "REJECT"),
    (
        "Thousands of workers marched against the government in Seoul.",
        "Thousands of workers",
        "the government",
        "PROTEST",
    ),
    ("Germany sent troops to the Lithuanian border.", "Germany", "the Lithuanian border", "MOBILIZE"),
    (
        "The two countries will share intelligence on terrorist networks.",
        "The two countries",
        "terrorist networks",
        "COOPERATE",
    ),
    ("The army released 200 prisoners held by the rebels.", "The army", "200 prisoners", "YIELD"),
    ("The minister praised Japan for its support.", "The minister", "Japan", "SUPPORT"),
    ("Police arrested the opposition leader in Minsk.", "Police", "the opposition leader", "COERCE"),
    ("The president accused the media of spreading lies.", "The president", "the media", "ACCUSE"),
]


def test_coder_expert_codes_plain_sentences(coder: EventCoder) -> None:
    """Most plain sentences of our own get their root, in one batch and one by one.

    That the expert beats the linear heads is measured on real data (``vigil train``'s 5-fold
    cross-validation: root macro-F1 0.83 against 0.78), not on a handful of simple sentences.
    """
    items = [make(text, s, t) for text, s, t, _ in PLAIN]
    gold = [root for *_, root in PLAIN]
    batch = coder.predict(items)
    alone = [coder.predict([item])[0] for item in items]
    assert sum(out.root == g for out, g in zip(batch, gold, strict=True)) >= 10
    assert sum(out.root == g for out, g in zip(alone, gold, strict=True)) >= 10


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


@pytest.mark.slow
def test_minilm_forward_pass_equals_transformers_bert() -> None:
    """The inference encoder (plain torch, ``tokenizers``) codes as the ``transformers`` model it is trained as.

    On the first 40 PLV_train sentences with their gold actors: the same token ids, the same float
    logits; and the int8 layers mostly agree with float (one token scale each).
    """

    import numpy as np
    import torch
    from safetensors.torch import load_file

    from tests.conftest import SHARED
    from vigil.coder import WEIGHTS_DIR
    from vigil.coder.items import marked_text
    from vigil.coder.transformer import WEIGHTS_FILE, TransformerCoder
    from vigil.train.data import load_plv
    from vigil.train.transformer import _build

    folder = WEIGHTS_DIR
    items = [ex.item for ex in load_plv(SHARED / "eval" / "dev")[:40]]
    int8 = TransformerCoder.load(folder)
    assert int8.cfg.quantize
    exact = int8.with_quantize(False)
    tokenizer, model, base_vocab = _build(int8.cfg)
    assert base_vocab == int8.base_vocab
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in load_file(str(folder / WEIGHTS_FILE)).items():
            if name == "marker_embeddings":
                params["encoder.embeddings.word_embeddings.weight"][base_vocab:] = value.float()
            else:
                params[name].copy_(value.float())
    model.eval()
    reference = []
    with torch.inference_mode():
        for item in items:
            text = marked_text(item)
            enc = tokenizer([text], truncation=True, max_length=int8.cfg.max_length, return_tensors="pt")
            assert enc["input_ids"][0].tolist() == int8.tokenizer.encode(text).ids, text
            reference.append(model(enc["input_ids"], enc["attention_mask"])[0][0].double().numpy())
    ref = np.array(reference)
    root, _ = exact.logits(items)
    assert np.abs(root - ref).max() < 1e-3
    root8, _ = int8.logits(items)
    assert (root8.argmax(axis=1) == ref.argmax(axis=1)).mean() >= 0.9
    assert np.abs(root8 - ref).mean() < 0.2
    # Packed passes: an item's logits do not depend on the items of other lengths it is coded with.
    alone = np.vstack([int8.logits([item])[0] for item in items[:8]])
    assert np.abs(alone - root8[:8]).max() < 1e-4
    assert np.abs(int8.logits(items, tokens_per_pass=100)[0] - root8).max() < 1e-4


def test_int8_products_are_the_same_bits_either_way(coder: EventCoder, reference_text: str) -> None:
    """The float32 way of the int8 products (for CPUs without int8 instructions) equals ``torch._int_mm``."""
    import torch

    from vigil.coder import minilm

    assert coder.expert is not None
    sentences = [s.strip() for s in reference_text.split(".") if len(s.split()) > 6][:12]
    items = [CoderInput(s + ".", (0, s.index(" ")), None) for s in sentences]
    saved = minilm._native_int8
    try:
        outputs = {}
        for native in (True, False):
            minilm._native_int8 = native
            outputs[native] = [(o.root, o.confidence) for o in coder.predict(items, expert=[True] * len(items))]
    finally:
        minilm._native_int8 = saved
    assert len(items) == 12 and outputs[True] == outputs[False]
    gen = torch.Generator().manual_seed(1)
    for k in (384, 1536, 2500):
        a = torch.randint(-127, 128, (9, k), dtype=torch.int8, generator=gen)
        b = torch.randint(-127, 128, (k, 5), dtype=torch.int8, generator=gen)
        a[0], b[:, 0] = 127, 127  # the largest sums: k x 127 x 127, beyond float32's exact integers
        assert torch.equal(minilm.float_int_mm(a.float(), b.float()), torch._int_mm(a, b).float())
