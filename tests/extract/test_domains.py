"""Tests for vigil.extract.domains."""

from __future__ import annotations

import re

import pytest

from vigil.extract.domains import (
    DOMAINS,
    article_domains,
    normalise_token,
    sentence_domains,
)


def _sentences(text: str) -> list[str]:
    return [s for line in text.splitlines() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.strip()) if s]


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("Tariffs", "tariff"),
        ("Japan's", "japan"),
        ("allies", "ally"),
        ("voted", "vot"),
        ("vote", "vot"),
        ("bus", "bus"),
    ],
)
def test_domains_normalise_token(word: str, key: str) -> None:
    assert normalise_token(word) == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ministry confirmed 40 new COVID-19 infections and urged vaccination.", {"health"}),
        ("Washington raised tariffs on Chinese steel imports.", {"trade"}),
        (
            "Parliament rejected the Brexit withdrawal agreement, putting the customs union in doubt.",
            {"trade", "diplomacy", "domestic_politics"},
        ),
        (
            "Iran expanded uranium enrichment at its nuclear plant as diplomats met in Vienna.",
            {"security", "energy", "diplomacy"},
        ),
        ("Voters cast their ballots in the presidential primaries.", {"elections"}),
        ("Refugees crossed the border seeking asylum.", {"migration"}),
    ],
)
def test_domains_sentence_expected(text: str, expected: set[str]) -> None:
    assert expected <= set(sentence_domains(text))


def test_domains_sentence_scores_in_range_and_sorted() -> None:
    scores = sentence_domains("Troops, missiles and warships: the military budget and defence policy grew.")
    assert scores and all(0.0 < s <= 1.0 for s in scores.values())
    assert list(scores.values()) == sorted(scores.values(), reverse=True)
    assert set(scores) <= set(DOMAINS)


def test_domains_neutral_sentence_is_empty() -> None:
    assert sentence_domains("The cat sat on the mat in the afternoon sun.") == {}
    assert sentence_domains("") == {}


def test_domains_longest_match_wins() -> None:
    # "trade war" is trade, not security
    assert "security" not in sentence_domains("The trade war dragged on.")
    assert "security" in sentence_domains("The war dragged on.")


def test_domains_acronyms_are_case_sensitive() -> None:
    assert "health" in sentence_domains("The WHO declared a pandemic emergency.")
    assert "health" not in sentence_domains("Officials who spoke declined to comment.")


def test_domains_reference_article(reference_text: str) -> None:
    sents = _sentences(reference_text)
    article = article_domains([sentence_domains(s) for s in sents], title="Japan watches U.S. presidential primaries")
    assert {"security", "trade", "diplomacy", "elections"} <= set(article)
    assert not {"health", "migration", "environment"} & set(article)


def test_domains_article_passing_mention_stays_low() -> None:
    sents = [{"elections": 0.8}] * 10 + [{"health": 0.63}] + [{}] * 20
    scores = article_domains(sents)
    assert "elections" in scores
    assert "health" not in scores


def test_domains_article_title_counts() -> None:
    sents: list[dict[str, float]] = [{}] * 6
    assert article_domains(sents) == {}
    assert "health" in article_domains(sents, title="Measles outbreak spreads")
