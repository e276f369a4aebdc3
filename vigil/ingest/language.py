"""Article language as an ISO 639-1 code: the input's own field first, else py3langid."""

from __future__ import annotations

import logging
import re

__all__ = ["DETECT_CHARS", "detect_language", "normalise_language"]

logger = logging.getLogger(__name__)

DETECT_CHARS = 2000
_CODE = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]+)*$")
_MACRO = {"yue": "zh", "wuu": "zh", "arz": "ar", "ary": "ar", "uzs": "uz", "gug": "gn", "fuv": "ff", "sdh": "ku"}
_NAMES = {
    "english": "en",
    "japanese": "ja",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "chinese": "zh",
    "russian": "ru",
    "arabic": "ar",
    "korean": "ko",
    "italian": "it",
    "portuguese": "pt",
}


def normalise_language(value: object) -> str | None:
    """Turn a declared language (``"en-US"``, ``"ja_JP"``, ``"English"``) into ``"en"``, ``"ja"``...

    Args:
        value: the language field or attribute of an input.
    Returns:
        A lower-case ISO 639-1 code, or None when the value is missing or not recognisable.
    """
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if match := _CODE.match(text):
        return match[1]
    return _NAMES.get(text)


def detect_language(text: str, declared: object = None) -> str | None:
    """The language of an article.

    Args:
        text: the article text; only the first ``DETECT_CHARS`` characters are classified.
        declared: the input's own language field, used when it is a recognisable code.
    Returns:
        An ISO 639-1 code, or None for text without letters.
    """
    code = normalise_language(declared)
    if code is not None:
        return code
    sample = text[:DETECT_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    import py3langid  # the model loads on first use, not at import

    lang, _score = py3langid.classify(sample)
    code = str(lang)
    if len(code) == 2:
        return code
    return _MACRO.get(code)  # ISO 639-3 only codes of the model: the macro-language, or None ("zxx": no language)
