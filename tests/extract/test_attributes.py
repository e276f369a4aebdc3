"""The attribute rules as a table give what spaCy's attribute_ruler gives."""

from __future__ import annotations

import csv
import itertools

import numpy
import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from tests.conftest import WIKINEWS
from vigil.extract.attributes import AttributeRules
from vigil.extract.nlp import sentence_docs
from vigil.extract.pipeline import Pipeline

_COLUMNS = [POS, MORPH, LEMMA, TAG, DEP, HEAD]

# Sentences written for this test, for the rules of two tokens and the ones that read the parse.
_RULE_CASES = [
    "We're gonna win, and they gotta know it.",
    "Let's go, y'all, c'mon.",
    "I ain't going there, but I think you ain't either.",
    "There is a problem, and there were two more.",
    "Did he do it? He did, and she has too.",
    "It told me that this was all I had.",
    "",
]


def _parsed(pipeline: Pipeline, texts: list[str]) -> list[Doc]:
    nlp = pipeline.nlp
    copies = [c for doc in nlp.first_pass(texts) for c in sentence_docs(doc, list(doc.sents))]
    for name in ("tok2vec", "tagger", "parser"):
        copies = list(nlp.nlp.get_pipe(name).pipe(copies))
    return copies


def _both(pipeline: Pipeline, docs: list[Doc]) -> list[tuple[Doc, Doc]]:
    ruler = pipeline.nlp.nlp.get_pipe("attribute_ruler")
    table = AttributeRules(ruler)
    copy = [Doc(d.vocab).from_bytes(d.to_bytes()) for d in docs]
    return list(zip((ruler(d) for d in docs), table.pipe(copy), strict=True))


def _assert_same(expected: Doc, got: Doc) -> None:
    assert numpy.array_equal(expected.to_array(_COLUMNS), got.to_array(_COLUMNS))
    assert [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in expected] == [
        (t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in got
    ]


def test_attribute_rules_equal_spacy_on_wikinews(pipeline: Pipeline) -> None:
    with WIKINEWS[1].open(encoding="utf-8", newline="") as f:
        texts = [row["text"] for row in itertools.islice(csv.DictReader(f), 30)]
    pairs = _both(pipeline, _parsed(pipeline, texts))
    assert len(pairs) > 300
    for expected, got in pairs:
        _assert_same(expected, got)


def test_attribute_rules_of_two_tokens_and_of_the_parse(pipeline: Pipeline) -> None:
    pairs = _both(pipeline, _parsed(pipeline, _RULE_CASES))
    lemmas = {t.text.lower(): t.lemma_ for _, got in pairs for t in got}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to" and lemmas["ai"] == "be"  # two-token rules
    for expected, got in pairs:
        _assert_same(expected, got)


def test_attribute_rules_refuse_what_they_cannot_read(pipeline: Pipeline) -> None:
    vocab = pipeline.nlp.nlp.vocab
    ruler = AttributeRuler(vocab)
    ruler.add([[{"ENT_TYPE": "GPE"}]], {"POS": "PROPN"})
    with pytest.raises(ValueError, match="ENT_TYPE"):
        AttributeRules(ruler)
    ruler = AttributeRuler(vocab)
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"POS": "DET"})
    with pytest.raises(ValueError, match="OP"):
        AttributeRules(ruler)
    ruler = AttributeRuler(vocab)
    ruler.add([[{"LOWER": "the"}]], {"NORM": "thee"})
    with pytest.raises(ValueError, match="sets attributes"):
        AttributeRules(ruler)


def test_the_second_pass_uses_the_table(pipeline: Pipeline) -> None:
    assert any(isinstance(proc, AttributeRules) for _, proc in pipeline.nlp._second)
