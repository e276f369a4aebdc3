"""Event dates: time expressions resolved against the publication date, and the one that dates an event."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import REPO, SHARED
from vigil.evaluate.annotations import load
from vigil.extract.timex import event_date, resolve_expression
from vigil.models import DateGranularity as G


@pytest.mark.parametrize(
    ("text", "published", "future", "expected"),
    [
        ("on Tuesday", date(2018, 2, 13), False, (date(2018, 2, 13), G.DAY)),  # published on a Tuesday: that day
        ("on Saturday", date(2018, 1, 28), False, (date(2018, 1, 27), G.DAY)),
        ("Monday night", date(2018, 1, 23), False, (date(2018, 1, 22), G.DAY)),
        ("last Wednesday", date(2018, 2, 13), False, (date(2018, 2, 7), G.DAY)),
        ("Sunday", date(2025, 7, 25), True, (date(2025, 7, 27), G.DAY)),  # "are set to meet Sunday"
        ("yesterday", date(2020, 4, 16), False, (date(2020, 4, 15), G.DAY)),
        ("Jan. 10", date(2018, 2, 13), False, (date(2018, 1, 10), G.DAY)),
        ("on 14 December 2018", date(2019, 1, 7), False, (date(2018, 12, 14), G.DAY)),
        ("by July 21", date(2025, 6, 30), True, (date(2025, 7, 21), G.DAY)),
        ("last week", date(2017, 11, 28), False, (date(2017, 11, 20), G.WEEK)),  # the week's Monday
        ("over the weekend", date(2025, 5, 27), False, (date(2025, 5, 19), G.WEEK)),
        ("in late July", date(2019, 9, 25), False, (date(2019, 7, 1), G.MONTH)),
        ("mid-January", date(2018, 2, 9), False, (date(2018, 1, 1), G.MONTH)),
        ("In June", date(2017, 9, 1), False, (date(2017, 6, 1), G.MONTH)),
        ("June", date(2026, 1, 29), False, (date(2025, 6, 1), G.MONTH)),
        ("this month", date(2018, 1, 24), False, (date(2018, 1, 1), G.MONTH)),
        ("two months ago", date(2018, 3, 11), False, (date(2018, 1, 1), G.MONTH)),
        ("in 2019", date(2024, 11, 20), False, (date(2019, 1, 1), G.YEAR)),
        ("last year", date(2017, 11, 27), False, (date(2016, 1, 1), G.YEAR)),
        ("last summer", date(2019, 3, 15), False, (date(2018, 1, 1), G.YEAR)),
        ("last April", date(2018, 2, 10), False, (date(2017, 4, 1), G.MONTH)),
        ("in July", date(2025, 6, 30), True, (date(2025, 7, 1), G.MONTH)),  # "will sign in July"
        ("next June", date(2025, 6, 30), False, (date(2026, 6, 1), G.MONTH)),
        ("next week", date(2017, 12, 14), False, (date(2017, 12, 18), G.WEEK)),
        ("2019-20", date(2024, 11, 20), False, (date(2019, 1, 1), G.YEAR)),  # a span of years: its first
        ("the year 0", date(2024, 11, 20), False, None),
        ("22", date(2019, 7, 1), False, None),  # an age, not a date
        ("three years", date(2019, 7, 1), False, None),  # a duration
    ],
)
def test_timex_resolves_expressions_against_the_publication_date(
    text: str, published: date, future: bool, expected: tuple[date, G] | None
) -> None:
    assert resolve_expression(text, published, future) == expected


def _parsed(pipeline: Any, ids: list[str]) -> dict[str, Any]:
    """Annotated corpus sentences (read from ../shared by reference), parsed as extraction parses them."""
    sentences = {a.id: a for a in load([REPO / "annotations/news_events.jsonl"], SHARED) if a.id in ids}
    texts = [sentences[i].text for i in ids]
    docs = pipeline.nlp.second_pass(list(pipeline.nlp.first_pass(texts)))
    return dict(zip(ids, docs, strict=True))


def _verb(doc: Any, word: str) -> int:
    return next(t.i for t in doc if t.text == word)


def test_timex_dates_each_event_by_the_expression_of_its_own_clause(pipeline: Any) -> None:
    # "Israel, which captured a plateau from Syria in 1967, placed troops ... on Tuesday" (Guardian, 2018-05-09)
    doc = _parsed(pipeline, ["ann-2684"])["ann-2684"]
    published = date(2018, 5, 9)
    captured = event_date(doc, _verb(doc, "captured"), published)
    placed = event_date(doc, _verb(doc, "placed"), published)
    assert captured is not None and (captured.day, captured.granularity) == (date(1967, 1, 1), G.YEAR)
    assert placed is not None and (placed.day, placed.granularity) == (date(2018, 5, 8), G.DAY)
    assert placed.expression is not None and doc.text[slice(*placed.expression)] == "Tuesday"


def test_timex_without_an_expression_the_event_date_is_the_publication_date(pipeline: Any) -> None:
    doc = _parsed(pipeline, ["ann-0165"])["ann-0165"]  # "US Secretary of State Mike Pompeo said the crash was ..."
    found = event_date(doc, _verb(doc, "said"), date(2020, 1, 13))
    assert found is not None and (found.day, found.granularity, found.expression) == (
        date(2020, 1, 13), G.PUBLICATION, None,
    )  # fmt: skip
    assert event_date(doc, _verb(doc, "said"), None) is None  # an undated article: no event date


def test_timex_a_mislabelled_weekday_still_dates_the_event(pipeline: Any) -> None:
    # "On Friday, the United States Department of Transportation announced ..." (Wikinews, published Sunday)
    doc = _parsed(pipeline, ["ann-0734"])["ann-0734"]
    found = event_date(doc, _verb(doc, "announced"), date(2019, 10, 27))
    assert found is not None and (found.day, found.granularity) == (date(2019, 10, 25), G.DAY)
