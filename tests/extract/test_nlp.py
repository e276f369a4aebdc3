"""The spaCy passes: sentence copies for the second pass."""

from __future__ import annotations

import csv
import itertools

import numpy
import pytest
from spacy.tokens import Doc, Span

from tests.conftest import WIKINEWS
from vigil.extract.nlp import load_nlp, sentence_docs
from vigil.extract.pipeline import Pipeline


def _same(copy: Doc, expected: Doc) -> None:
    head = list(expected._get_array_attrs())
    assert copy.text == expected.text
    assert numpy.array_equal(copy.to_array(head), expected.to_array(head))
    assert [(e.start, e.end, e.label_) for e in copy.ents] == [(e.start, e.end, e.label_) for e in expected.ents]
    assert [t.ent_iob_ for t in copy] == [t.ent_iob_ for t in expected]


def test_sentence_docs_equal_span_as_doc_on_wikinews(pipeline: Pipeline) -> None:
    nlp = pipeline.nlp
    with WIKINEWS[0].open(encoding="utf-8", newline="") as f:
        texts = [row["text"] for row in itertools.islice(csv.DictReader(f), 25)]
    copied = 0
    for doc in nlp.first_pass(texts):
        sents = list(doc.sents)
        for copy, sent in zip(sentence_docs(doc, sents), sents, strict=True):
            _same(copy, sent.as_doc())
            copied += 1
    assert copied > 200


@pytest.mark.parametrize("ent", [(1, 4), (3, 6), (1, 6)], ids=["cut-at-end", "cut-at-start", "cut-at-both"])
def test_sentence_docs_leave_out_an_entity_cut_by_the_sentence_edge(ent: tuple[int, int]) -> None:
    nlp = load_nlp()
    words = ["Then", "New", "York", "City", "Council", "voted", "."]
    doc = Doc(nlp.nlp.vocab, words=words, sent_starts=[True, False, False, True, False, False, False])
    doc.set_ents([Span(doc, *ent, label="ORG")], default="outside")
    sents = list(doc.sents)
    for copy, sent in zip(sentence_docs(doc, sents), sents, strict=True):
        _same(copy, sent.as_doc())


def test_sentence_docs_refuse_a_parsed_doc(pipeline: Pipeline) -> None:
    nlp = pipeline.nlp
    doc = nlp.second_pass([next(iter(nlp.first_pass(["Japan thanked the United States."])))])[0]
    with pytest.raises(ValueError, match="no parse"):
        sentence_docs(doc, list(doc.sents))
