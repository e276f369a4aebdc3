"""Text keys for the knowledge base: folding, normalised lookup keys and phrase regexes.

Two kinds of key are used. Ordinary names match case-insensitively and without
diacritics or punctuation (``"Tarō Asō"`` == ``"taro aso"``). Short acronyms
(``"US"``, ``"UK"``, ``"WHO"``) match case-sensitively on their letters only, so
that the pronoun "us" or the word "who" never resolve to an actor, while
``"U.S."`` and ``"US"`` share one key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from vigil.models import normalise_text

__all__ = [
    "acronym_key",
    "fold",
    "fold_same_length",
    "is_acronym",
    "name_key",
    "phrase_regex",
    "slugify",
]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2013": "-", "\u2014": "-"})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Strip diacritics and unify apostrophes/dashes.

    Args:
        text: any text.

    Returns:
        The text in NFKC form with combining marks removed.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return unicodedata.normalize("NFKC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold_same_length(text: str) -> str:
    """Fold diacritics character by character, keeping every offset valid.

    Args:
        text: text whose character offsets must be preserved.

    Returns:
        A string of the same length where each accented letter is replaced by its base letter.
    """
    out = []
    for ch in text.translate(_APOSTROPHES):
        base = unicodedata.normalize("NFD", ch)[0] if ord(ch) > 127 else ch
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def name_key(text: str) -> str:
    """Case-, diacritic- and punctuation-insensitive key of a name.

    Args:
        text: a name, alias or description.

    Returns:
        The normalised key (``"U.S."`` -> ``"u s"``, ``"Tarō Asō"`` -> ``"taro aso"``).
    """
    return normalise_text(fold(text))


def acronym_key(text: str) -> str:
    """Case-sensitive key of an acronym: its letters and digits only (``"U.S."`` -> ``"US"``).

    Args:
        text: an acronym as written.

    Returns:
        The letters and digits of ``text``.
    """
    return _NON_WORD.sub("", fold(text))


def is_acronym(text: str) -> bool:
    """True when ``text`` is written as an upper-case acronym ("US", "U.S.", "G7", "NATO").

    Args:
        text: a surface form.

    Returns:
        Whether the form has no lower-case letter and at most six letters/digits.
    """
    key = acronym_key(text)
    return bool(key) and len(key) <= 6 and not any(ch.islower() for ch in key) and any(ch.isalpha() for ch in key)


def slugify(text: str) -> str:
    """Lower-case ASCII slug with hyphens ("Fumio Kishida" -> "fumio-kishida").

    Args:
        text: a name.

    Returns:
        The slug (may be empty when ``text`` has no letters or digits).
    """
    return _NON_WORD.sub("-", fold(text).lower()).strip("-")


def _pattern(form: str) -> str:
    parts = [re.escape(p) for p in fold(form).split()]
    return r"\s+".join(parts)


def phrase_regex(forms: Iterable[str], *, ignore_case: bool) -> re.Pattern[str] | None:
    """Compile one alternation matching any of ``forms`` as whole words, longest first.

    The pattern is meant to run on :func:`fold_same_length` text, so offsets map back
    to the original string.

    Args:
        forms: surface strings.
        ignore_case: match case-insensitively.

    Returns:
        A compiled pattern, or None when ``forms`` is empty.
    """
    unique = sorted({fold(f).strip() for f in forms if f.strip()}, key=lambda f: (-len(f), f))
    if not unique:
        return None
    body = "|".join(_pattern(f) for f in unique)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE if ignore_case else 0)
