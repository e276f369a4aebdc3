"""The API's answers are made from the records' fields: a field added to a record is in them and in /openapi.json."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import wikinews_article
from vigil.api import schemas
from vigil.models import Article, DomainTag, Mention, Sentence, Tone


@pytest.mark.parametrize(
    ("model", "record", "left_out", "added"),
    [
        (schemas.ArticleOut, Article, {"text", "origin", "date_note", "imported"}, set()),
        (schemas.MentionOut, Mention, {"article_id"}, set()),
        (schemas.DomainOut, DomainTag, {"article_id"}, set()),
        (schemas.ToneOut, Tone, {"article_id"}, set()),
        (schemas.SentenceOut, Sentence, {"article_id"}, {"text"}),
    ],
    ids=["article", "mention", "domain", "tone", "sentence"],
)
def test_schemas_follow_the_record_fields(model: type, record: type, left_out: set[str], added: set[str]) -> None:
    fields = [f.name for f in dataclasses.fields(record) if f.name not in left_out]
    assert list(model.model_fields) == fields + sorted(added)  # type: ignore[attr-defined]


def test_schemas_article_answer_of_a_real_article() -> None:
    article = wikinews_article("Ebola")
    out = schemas.article_out(article).model_dump(mode="json")
    assert out["id"] == article.id and out["title"] == article.title
    assert out["date_source"] == article.date_source.value and "text" not in out
