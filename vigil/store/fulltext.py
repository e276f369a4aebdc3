"""PostgreSQL full-text search that matches what SQLite's FTS5 matches.

FTS5 (tokenizer ``unicode61 remove_diacritics 2``) splits words at every character that is not
a letter or a digit and drops Latin diacritics, so "U.S." is the words "u" and "s", and
"Erdogan" finds "Erdoğan". PostgreSQL's parser keeps "u.s", "e-mail", "3.5" and URLs whole and
keeps diacritics. The search document below first turns ASCII punctuation (and common Unicode
punctuation) into spaces and folds decomposable Latin letters to their base letter, with
``translate()``, which is immutable, so a GIN index can hold it (migration
``0006_postgres_fulltext``). ``store.Store.articles`` searches with this very expression.
"""

from __future__ import annotations

import unicodedata

__all__ = ["PG_DOCUMENT", "PG_FOLD_FROM", "PG_FOLD_TO", "fold_for_search"]

# '%' stays: the driver's parameter style reserves it, and PostgreSQL's parser splits at it anyway.
_PUNCTUATION = "!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~" + "\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a"
_PUNCTUATION += "\u2013\u2014\u2026\u00b7\u2022\u2032\u2033\u00a0"


def _diacritic_folds() -> dict[str, str]:
    folds = {}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for cp in range(start, end + 1):
            ch = chr(cp)
            nfd = unicodedata.normalize("NFD", ch)
            base, marks = nfd[0], nfd[1:]
            if marks and base.isascii() and base.isalpha() and all(unicodedata.combining(c) for c in marks):
                folds[ch] = base
    return folds


_FOLDS = _diacritic_folds()
PG_FOLD_FROM = _PUNCTUATION + "".join(_FOLDS)
PG_FOLD_TO = " " * len(_PUNCTUATION) + "".join(_FOLDS.values())


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, translate(coalesce(title, '') || ' ' || text, "
    f"{_sql_string(PG_FOLD_FROM)}, {_sql_string(PG_FOLD_TO)}))"
)
"""The indexed search document of an article (SQL over the ``articles`` columns ``title`` and ``text``)."""

_TABLE = str.maketrans(PG_FOLD_FROM, PG_FOLD_TO)


def fold_for_search(words: str) -> str:
    """Fold query words the way :data:`PG_DOCUMENT` folds the text."""
    return words.translate(_TABLE)
