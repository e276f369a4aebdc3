"""Trigger lexicon: trigger words and phrases -> candidate PLOVER roots (``data/verbs.yaml``).

The lexicon is a prior for the event coder, not a coder of its own: it proposes the roots a
trigger usually signals, and the coder's features tell the trained model which roots were
proposed where (between the actors, right after them, at the parse's trigger). Lemmas are
inflected here by rule (``accuse`` -> ``accuses``, ``accused``, ``accusing``; ``ban`` ->
``banned``), irregular forms come from the file, and phrases ("call on", "pull out") match
token by token on the coder's lower-cased tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

__all__ = ["LEXICON_FILE", "Hit", "Lexicon", "default_lexicon", "inflections"]

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "verbs.yaml"
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
_VOWELS = frozenset("aeiou")


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon match: tokens ``[start, end)``, the entry's lemma and its roots."""

    start: int
    end: int
    lemma: str
    roots: tuple[str, ...]


def inflections(word: str) -> set[str]:
    """Regular inflections of an English verb or noun lemma (over-generation is harmless here)."""
    forms = {word}
    if len(word) < 2:
        return forms
    last, prev = word[-1], word[-2]
    # -s / -es
    if word.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms.add(word + "es")
    if last == "y" and prev not in _VOWELS:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    # -ed / -ing
    if last == "e":
        forms.add(word + "d")
        forms.add(word[:-2] + "ying" if word.endswith("ie") else word[:-1] + "ing")
        if word.endswith("ee"):
            forms.add(word + "ing")
    elif last == "y" and prev not in _VOWELS:
        forms.update({word[:-1] + "ied", word + "ing"})
    else:
        forms.update({word + "ed", word + "ing"})
        if len(word) >= 3 and last not in _VOWELS | {"w", "x", "y"} and prev in _VOWELS and word[-3] not in _VOWELS:
            forms.update({word + last + "ed", word + last + "ing"})
    if last == "c":
        forms.update({word + "ked", word + "king"})
    return forms


class Lexicon:
    """Trigger forms -> roots, with longest-match lookup on token sequences.

    Args:
        entries: ``{root: [lemma or phrase, ...]}``.
        irregular: ``{lemma: [irregular forms]}``.
    """

    def __init__(self, entries: dict[str, list[str]], irregular: dict[str, list[str]] | None = None) -> None:
        irregular = irregular or {}
        roots_of: dict[tuple[str, ...], dict[str, None]] = {}
        lemma_of: dict[tuple[str, ...], str] = {}
        for root, phrases in entries.items():
            for phrase in phrases:
                words = _WORD.findall(phrase.lower())
                if not words:
                    continue
                head, rest = words[0], tuple(words[1:])
                for form in inflections(head) | set(irregular.get(head, [])):
                    key = (form, *rest)
                    roots_of.setdefault(key, {})[root] = None
                    lemma_of.setdefault(key, " ".join(words))
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, tuple[str, ...]]]] = {}
        for key, roots in roots_of.items():
            self._by_first.setdefault(key[0], []).append((key[1:], lemma_of[key], tuple(roots)))
        for options in self._by_first.values():
            options.sort(key=lambda o: -len(o[0]))  # longest phrase first
        self.roots: tuple[str, ...] = tuple(entries)

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        """Read a lexicon file (default: the packaged ``data/verbs.yaml``)."""
        data = yaml.safe_load((path or LEXICON_FILE).read_text(encoding="utf-8"))
        return cls(dict(data["roots"]), dict(data.get("irregular") or {}))

    def match_at(self, tokens: Sequence[str], i: int) -> Hit | None:
        """The longest entry starting at token ``i`` (None when no entry starts there)."""
        for rest, lemma, roots in self._by_first.get(tokens[i], ()):
            n = len(rest)
            if tuple(tokens[i + 1 : i + 1 + n]) == rest:
                return Hit(i, i + 1 + n, lemma, roots)
        return None

    def hits(self, tokens: Sequence[str], start: int = 0, end: int | None = None) -> list[Hit]:
        """Non-overlapping longest matches in ``tokens[start:end]``, left to right."""
        out: list[Hit] = []
        stop = len(tokens) if end is None else min(end, len(tokens))
        i = max(0, start)
        while i < stop:
            hit = self.match_at(tokens, i)
            if hit is None:
                i += 1
                continue
            out.append(hit)
            i = hit.end
        return out


@cache
def default_lexicon() -> Lexicon:
    """The packaged lexicon (read once)."""
    return Lexicon.load()
