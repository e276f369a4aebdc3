"""Tests for vigil.extract.tone."""

from __future__ import annotations

import pytest

from vigil.extract.tone import article_tone, sentence_tone, stance
from vigil.models import Modality

CONCERNS = "raised concerns within Japan"
APPREHENSION = "has stirred a sense of apprehension within Japan"


def _find(reference_text: str, needle: str) -> str:
    for line in reference_text.splitlines():
        for sent in line.split(". "):
            if needle in sent:
                return sent
    raise AssertionError(f"reference article has no sentence with {needle!r}")


def _span(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return i, i + len(sub)


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("The sanctions deepened tensions and raised concerns about a wider conflict.", -1),
        ("The two countries agreed to strengthen ties and expand cooperation.", 1),
        ("Rebels killed twelve soldiers in an ambush.", -1),
        ("The leaders welcomed the new partnership.", 1),
    ],
)
def test_tone_sentence_sign(text: str, sign: int) -> None:
    assert sentence_tone(text) * sign > 0.1


def test_tone_news_words_neutral() -> None:
    # VADER alone scores "party", "united" and "security" as praise
    assert sentence_tone("The party met in the United States to discuss security.") == pytest.approx(0.0, abs=0.05)
    assert sentence_tone("") == 0.0


def test_tone_news_lexicon_apprehension(reference_text: str) -> None:
    assert sentence_tone(_find(reference_text, APPREHENSION)) < -0.2
    assert sentence_tone(_find(reference_text, CONCERNS)) < -0.2


def test_tone_range() -> None:
    t = sentence_tone("War, war, war! Massacre, terror, sanctions and tensions!!!")
    assert -1.0 <= t < -0.5


def test_tone_article_weighted_mean() -> None:
    assert article_tone([0.5, -0.5]) == 0.0
    assert article_tone([0.6, 0.0], weights=[3, 1]) == pytest.approx(0.45)
    assert article_tone([]) == 0.0
    with pytest.raises(ValueError, match="weights"):
        article_tone([0.1, 0.2], weights=[1.0])


def test_tone_stance_reference_concerns(reference_text: str) -> None:
    s = _find(reference_text, CONCERNS)
    value = stance(s, _span(s, "Japan"), _span(s, "Trump"))
    assert value is not None and value < -0.3
    # reversed roles: the sentence says nothing of Trump's attitude toward Japan
    assert stance(s, _span(s, "Trump"), _span(s, "Japan")) is None


def test_tone_stance_reference_apprehension(reference_text: str) -> None:
    s = _find(reference_text, APPREHENSION)
    value = stance(s, _span(s, "Japan"), _span(s, "Donald Trump"))
    assert value is not None and value < -0.3


@pytest.mark.parametrize(
    ("text", "source", "target", "sign"),
    [
        ("China criticised the United States over its new tariffs.", "China", "United States", -1),
        ("The United States was condemned by Iran for the strike.", "Iran", "United States", -1),
        ("Germany welcomed the agreement with France.", "Germany", "France", 1),
        ("Japan expressed concern over North Korea's missile launches.", "Japan", "North Korea", -1),
        ("Seoul's worries about Pyongyang deepened.", "Seoul", "Pyongyang", -1),
        ("Tokyo moved to strengthen ties with Canberra.", "Tokyo", "Canberra", 1),
        ("Japan and Trump met in Tokyo.", "Japan", "Trump", 0),
        ("Trump criticised Japan.", "Japan", "Trump", 0),
    ],
)
def test_tone_stance_cases(text: str, source: str, target: str, sign: int) -> None:
    value = stance(text, _span(text, source), _span(text, target))
    if sign == 0:
        assert value is None
    else:
        assert value is not None and value * sign > 0.3


def test_tone_stance_modality() -> None:
    text = "China criticised the United States."
    src, tgt = _span(text, "China"), _span(text, "United States")
    plain = stance(text, src, tgt)
    hypo = stance(text, src, tgt, Modality.HYPOTHETICAL)
    neg = stance(text, src, tgt, Modality.NEGATED)
    assert plain is not None and hypo is not None and neg is not None
    assert abs(hypo) < abs(plain) and hypo < 0
    assert neg > 0
