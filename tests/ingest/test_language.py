from __future__ import annotations

import pytest

from vigil.ingest.language import detect_language, normalise_language


@pytest.mark.parametrize(
    ("value", "expected"),
    [("en", "en"), ("en-US", "en"), ("ja_JP", "ja"), ("English", "en"), ("None", None), ("", None), (None, None)],
)
def test_language_normalise(value: object, expected: str | None) -> None:
    assert normalise_language(value) == expected


def test_language_declared_field_wins() -> None:
    assert detect_language("This is plainly English text about elections.", "fr") == "fr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Japanese government is keeping a vigilant eye on the unfolding presidential primaries.", "en"),
        ("日本政府は米国の大統領選挙の行方を注視しており、岸田首相は記者会見で述べた。", "ja"),
        ("Le gouvernement français a annoncé mardi une nouvelle réforme des retraites.", "fr"),
        ("Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die Inflation beschlossen.", "de"),
    ],
)
def test_language_detects_when_undeclared(text: str, expected: str) -> None:
    assert detect_language(text, "None") == expected


def test_language_none_without_letters() -> None:
    assert detect_language("12345 67890 !!!") is None


def test_language_always_two_letters_or_none() -> None:
    hashes = "\n".join(f"2025-{m:02d} 8d4a05afe96f451bc469d8e27aa374731155c5e{m}" for m in range(1, 12))
    assert detect_language(hashes) is None  # the model says "zxx" (no linguistic content)
