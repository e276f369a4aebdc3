"""Roles at the date: a provisional actor's role is dated as its sentence dates it (real corpus articles)."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from tests.conftest import shared_pipeline, wikinews_article
from vigil.extract.actors import past_year
from vigil.models import Article, Extraction

ROOSEVELT = "In 1905, President Theodore Roosevelt mediated a peace agreement"


@cache
def _extract(phrase: str) -> tuple[Article, Extraction]:
    art = wikinews_article(phrase)
    return art, shared_pipeline().extract([art])[0]


@pytest.mark.parametrize(
    ("sentence", "day", "expected"),
    [
        (ROOSEVELT + " between Japan and Russia.", date(2020, 10, 29), 1905),
        ("During 1998 and in 2001 the ministry said so.", date(2020, 1, 1), 2001),
        ("In 2023, Kishida met Biden.", date(2024, 1, 27), None),  # recent: still the present
        ("Since 2015, Ruto has led the party.", date(2024, 1, 27), None),  # "since" still holds
        ("President Theodore Roosevelt (center) stands with representatives.", date(2020, 10, 29), None),
        (ROOSEVELT, None, None),
    ],
)
def test_past_year(sentence: str, day: date | None, expected: int | None) -> None:
    assert past_year(sentence, day) == expected


def test_issue22_provisional_role_from_a_sentence_about_1905_is_closed() -> None:
    art, x = _extract(ROOSEVELT)
    assert art.published == date(2020, 10, 29)
    actor = next(a for a in x.actors if a.id == "prov:theodore-roosevelt")
    assert actor.provisional
    # the countries he mediated between are no evidence of his own: the article's (a U.S. election article)
    assert actor.country == "USA"
    assert [(r.title, r.start, r.end) for r in actor.roles] == [("president", date(1905, 1, 1), date(1905, 12, 31))]
    standing = actor.standing_on(art.published)
    assert standing.former and standing.sector == "ELI"  # a former president on the article's day, never GOV
    assert actor.standing_on(date(1905, 6, 1)).sector == "GOV"
