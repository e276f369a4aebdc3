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
from typing import Any

from vigil.models import normalise_text

__all__ = [
    "acronym_key",
    "compile_phrase",
    "fold",
    "fold_same_length",
    "is_acronym",
    "name_key",
    "phrase_pattern",
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
    if text.isascii():  # no diacritics to strip; NFKD and NFKC leave ASCII as it is
        return text.translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return unicodedata.normalize("NFKC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold_same_length(text: str) -> str:
    """Fold diacritics character by character, keeping every offset valid.

    Args:
        text: text whose character offsets must be preserved.

    Returns:
        A string of the same length where each accented letter is replaced by its base letter.
    """
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return text
    out = []
    for ch in text:
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


def phrase_regex(forms: Iterable[str], *, ignore_case: bool) -> re.Pattern[str] | None:
    """Compile one pattern matching any of ``forms`` as whole words, longest first.

    The compiled form of :func:`phrase_pattern`, which see.

    Args:
        forms: surface strings.
        ignore_case: match case-insensitively.

    Returns:
        A compiled pattern, or None when ``forms`` is empty.
    """
    return compile_phrase(phrase_pattern(forms, ignore_case=ignore_case), ignore_case=ignore_case)


def compile_phrase(source: str | None, *, ignore_case: bool) -> re.Pattern[str] | None:
    """Compile a :func:`phrase_pattern` (None stays None)."""
    return None if source is None else re.compile(source, re.IGNORECASE if ignore_case else 0)


def phrase_pattern(forms: Iterable[str], *, ignore_case: bool) -> str | None:
    """The source of one pattern matching any of ``forms`` as whole words, longest first.

    The forms are merged into a character trie (``Japan|Japanese`` becomes ``Japan(?:ese)?``), so a
    match costs about the length of the text rather than its length times the number of forms;
    it finds what the plain alternation of the forms, longest first, would find. The pattern is
    meant to run on :func:`fold_same_length` text, so offsets map back to the original string.

    Args:
        forms: surface strings.
        ignore_case: match case-insensitively.

    Returns:
        The pattern's source (to compile with ``re.IGNORECASE`` when ``ignore_case``), or None when
        ``forms`` is empty.
    """
    unique = {fold(f).strip() for f in forms if f.strip()}
    if not unique:
        return None
    trie: dict[str, Any] = {}
    for form in unique:
        node = trie
        for atom in _atoms(form, ignore_case):
            node = node.setdefault(atom, {})
        node[_END] = {}
    return rf"(?<!\w)(?:{_trie_pattern(trie)})(?!\w)"


_END = ""  # trie key: a form ends here (no atom is empty)


def _atoms(form: str, ignore_case: bool) -> list[str]:
    """A form as trie keys: one per character, ``\\s+`` for a run of white space."""
    atoms: list[str] = []
    for word in form.split():
        if atoms:
            atoms.append(r"\s+")
        for ch in word:
            low = ch.lower()
            # One key per letter whatever its case, when the pattern ignores case: "US" and "Us" share a path.
            atoms.append(re.escape(low if ignore_case and len(low) == 1 else ch))
    return atoms


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [atom + _trie_pattern(child) for atom, child in sorted(node.items()) if atom != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:  # greedy: the longer form first, then the form that ends here
        return f"(?:{body})?"
    return body
