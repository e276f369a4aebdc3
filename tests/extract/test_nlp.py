"""The spaCy passes: entity groups of the first pass, sentence copies for the second."""

from __future__ import annotations

import csv
import itertools

import numpy
import pytest
from spacy.tokens import Doc, Span

from tests.conftest import WIKINEWS
from vigil.extract.nlp import load_nlp, sentence_docs, token_groups
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


def _wikinews_texts(n: int) -> list[str]:
    with WIKINEWS[0].open(encoding="utf-8", newline="") as f:
        return [row["text"] for row in itertools.islice(csv.DictReader(f), n)]


def _entities(docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]


def test_first_pass_gives_each_article_its_entities_whatever_the_token_groups(pipeline: Pipeline) -> None:
    nlp = pipeline.nlp
    texts = _wikinews_texts(30)
    alone = [ents for text in texts for ents in _entities(list(nlp.first_pass([text])))]
    assert sum(map(len, alone)) > 300
    for max_tokens in (1, 700, 8192, 10**9):  # one document per group ... the whole batch in one
        docs = list(nlp.first_pass(texts, batch_size=16, max_tokens=max_tokens))
        assert [d.text for d in docs] == texts  # in input order
        assert _entities(docs) == alone


def test_token_groups_hold_at_most_the_budget_shortest_first(pipeline: Pipeline) -> None:
    docs = [pipeline.nlp.nlp.make_doc(t) for t in _wikinews_texts(40)]
    groups = list(token_groups(docs, 2000))
    assert [d for g in groups for d in g] == sorted(docs, key=len)
    assert len(groups) > 5
    for group in groups:
        assert len(group) == 1 or sum(map(len, group)) <= 2000
    assert any(len(g) == 1 and len(g[0]) > 2000 for g in groups)  # a longer article is a group of its own
