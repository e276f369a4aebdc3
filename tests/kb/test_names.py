"""Phrase regexes: the trie-merged pattern finds what the plain alternation of the forms finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.kb.names import fold, phrase_regex


def _alternation(forms: list[str], ignore_case: bool) -> re.Pattern[str]:
    """The reference: every form as its own alternative, longest first."""
    unique = sorted({fold(f).strip() for f in forms if f.strip()}, key=lambda f: (-len(f), f))
    body = "|".join(r"\s+".join(re.escape(p) for p in f.split()) for f in unique)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE if ignore_case else 0)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


FORMS = ["Japan", "Japanese", "Japan Self-Defense Forces", "US", "Us Army", "U.S.", "New York", "New Zealand", "G7"]


def test_phrase_regex_prefers_the_longest_form() -> None:
    pattern = phrase_regex(FORMS, ignore_case=True)
    assert pattern is not None
    text = "The Japanese and the Japan  Self-Defense Forces met in New York; the US army and the U.S. (G7)."
    found = [text[a:b] for a, b in _spans(pattern, text)]
    assert found == ["Japanese", "Japan  Self-Defense Forces", "New York", "US army", "U.S.", "G7"]
    assert _spans(pattern, text) == _spans(_alternation(FORMS, True), text)
    assert phrase_regex([" ", ""], ignore_case=True) is None


WORDS = st.sampled_from(["Japan", "japan", "ese", "New", "York", "US", "us", "U.S.", "Army", "G7", "of", "-", "é"])


@settings(max_examples=300, deadline=None)
@given(
    forms=st.lists(st.lists(WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=8),
    text=st.lists(
        st.sampled_from(["Japan", "japanese", "New  York", "US", "us", "U.S.", "army", "G7", " ", ",", "x"])
    ).map(" ".join),
    ignore_case=st.booleans(),
)
def test_phrase_regex_equals_the_plain_alternation(forms: list[str], text: str, ignore_case: bool) -> None:
    pattern = phrase_regex(forms, ignore_case=ignore_case)
    assert pattern is not None
    assert _spans(pattern, text) == _spans(_alternation(forms, ignore_case), text)
