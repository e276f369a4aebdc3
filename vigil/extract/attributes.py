"""The model's attribute rules (spaCy's ``attribute_ruler``: tag to POS and morphology, exceptions) as a table.

spaCy's component runs its token Matcher over every parsed sentence, then sets the attributes of
each match in rule order through one Python call per match. Almost every rule reads one token's
tag, lowercase form, dependency label or whitespace flag, so what the rules give a token depends
on those four values only: :class:`AttributeRules` works that out once per combination, checks
the few rules of two tokens where their first token allows it, and writes every token's
attributes with one ``Doc.from_array``. A later rule overrides an earlier one, as in spaCy.
Rules it cannot read (other attributes, operators) make it refuse the ruler, and the pipeline then
keeps spaCy's component.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler
    from spacy.tokens import Doc

__all__ = ["AttributeRules"]

_READS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}  # columns of the key a token is matched on
_KEY = [TAG, LOWER, DEP, IS_SPACE]
_WRITES = [POS, MORPH, LEMMA, TAG, DEP]


class _Test:
    """One token pattern of a rule: the value each read attribute must have (or be in, or match)."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.checks: list[tuple[int, str, Any]] = []
        for name, value in spec.items():
            if name not in _READS:
                raise ValueError(f"attribute rules read {sorted(_READS)}, not {name}")
            if isinstance(value, dict):
                ((op, arg),) = value.items()
                if op == "REGEX":
                    self.checks.append((_READS[name], op, re.compile(arg)))
                elif op in ("IN", "NOT_IN"):
                    self.checks.append((_READS[name], op, frozenset(arg)))
                else:
                    raise ValueError(f"attribute rules take IN, NOT_IN and REGEX, not {op}")
            elif isinstance(value, (str, bool)):
                self.checks.append((_READS[name], "==", value))
            else:
                raise ValueError(f"cannot read the attribute rule value {value!r}")

    def __call__(self, values: Sequence[Any]) -> bool:
        for column, op, arg in self.checks:
            value = values[column]
            if value is None:  # a word no rule names (see AttributeRules._word)
                ok = op == "NOT_IN"
            elif op == "==":
                ok = value == arg
            elif op == "IN":
                ok = value in arg
            elif op == "NOT_IN":
                ok = value not in arg
            else:
                ok = arg.search(value) is not None
            if not ok:
                return False
        return True


class _Entry(NamedTuple):
    """The rules for one combination of tag, lowercase form, dependency label and whitespace flag."""

    single: tuple[int, ...]  # the one-token rules that match, in order
    starts: tuple[int, ...]  # the longer rules whose first token matches
    row: tuple[int, ...]  # what the one-token rules leave in each column of _WRITES ...
    mask: tuple[bool, ...]  # ... where they set it


class AttributeRules:
    """spaCy's ``attribute_ruler`` over parsed docs, the same attributes from a table of its rules.

    Args:
        ruler: the loaded pipeline's ``attribute_ruler``.
    Raises:
        ValueError: a rule reads or sets what the table does not hold (use spaCy's component).
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        self.strings = ruler.vocab.strings
        written = {a: i for i, a in enumerate(_WRITES)}
        # Per rule, in order: its token patterns, the token it sets (index in the match) and what it sets.
        self.rules: list[tuple[list[list[_Test]], int, list[tuple[int, int]]]] = []
        for i, attrs in enumerate(ruler.attrs):
            if any(a not in written for a in attrs):
                raise ValueError(f"attribute rule {i} sets attributes other than POS, MORPH, LEMMA, TAG and DEP")
            patterns = [[_Test(tok) for tok in p] for p in ruler.matcher.get(str(i))[1]]
            sets = [(written[a], int(v)) for a, v in attrs.items()]
            self.rules.append((patterns, int(ruler.indices[i]), sets))
        # Rules name a few words; any other word is matched as one and the same (None), so the table
        # stays as small as the tags, labels and those words.
        tests = [test for patterns, _, _ in self.rules for p in patterns for test in p]
        checks = [(op, arg) for test in tests for column, op, arg in test.checks if column == _READS["LOWER"]]
        self._words = {arg for op, arg in checks if op == "=="} | {
            w for op, arg in checks if op in ("IN", "NOT_IN") for w in arg
        }
        self._patterns = [arg for op, arg in checks if op == "REGEX"]
        self._word_of: dict[int, int | None] = {}
        self._known: dict[tuple[int, int | None, int, int], _Entry] = {}

    def _word(self, lower: int) -> int | None:
        """``lower`` if a rule may name it, else None."""
        if lower not in self._word_of:
            text = self.strings[lower]
            named = text in self._words or any(p.search(text) for p in self._patterns)
            self._word_of[lower] = lower if named else None
        return self._word_of[lower]

    def _for(self, key: tuple[int, int | None, int, int]) -> _Entry:
        """What the rules give a token of ``key``: see :class:`_Entry`."""
        entry = self._known.get(key)
        if entry is None:
            tag, lower, dep, space = key
            values = (self.strings[tag], None if lower is None else self.strings[lower], self.strings[dep], bool(space))
            single = [
                r
                for r, (patterns, _, _) in enumerate(self.rules)
                if any(len(p) == 1 and p[0](values) for p in patterns)
            ]
            starts = [
                r for r, (patterns, _, _) in enumerate(self.rules) if any(len(p) > 1 and p[0](values) for p in patterns)
            ]
            row, mask = [0] * len(_WRITES), [False] * len(_WRITES)
            for r in single:
                for column, value in self.rules[r][2]:
                    row[column], mask[column] = value, True
            entry = _Entry(tuple(single), tuple(starts), tuple(row), tuple(mask))
            self._known[key] = entry
        return entry

    def __call__(self, doc: Doc) -> Doc:
        keys = [tuple(row) for row in doc.to_array(_KEY).tolist()]
        entries = [self._for((t, self._word(lo), d, sp)) for t, lo, d, sp in keys]
        current = doc.to_array(_WRITES)
        values = numpy.array([e.row for e in entries], dtype=numpy.uint64).reshape(current.shape)
        mask = numpy.array([e.mask for e in entries], dtype=bool).reshape(current.shape)
        out: Any = numpy.where(mask, values, current)  # uint64 (to_array's stub says float)
        longer: dict[int, list[int]] = {}  # token -> rules of two or more tokens that set it
        for start, entry in enumerate(entries):
            for r in entry.starts:
                self._longer(keys, start, r, longer)
        for i, extra in longer.items():  # rare ("gon na", "let 's"): every rule of the token, in order
            for r in sorted(set(entries[i].single) | set(extra)):
                for column, value in self.rules[r][2]:
                    out[i, column] = value
        doc.from_array(_WRITES, out)
        return doc

    def _longer(self, keys: Sequence[tuple[int, ...]], start: int, rule: int, longer: dict[int, list[int]]) -> None:
        patterns, index, _ = self.rules[rule]
        for pattern in patterns:
            end = start + len(pattern)
            if len(pattern) < 2 or end > len(keys):
                continue
            values = [(self.strings[t], self.strings[lo], self.strings[d], bool(s)) for t, lo, d, s in keys[start:end]]
            if all(test(v) for test, v in zip(pattern, values, strict=True)):
                longer.setdefault(start + index if index >= 0 else end + index, []).append(rule)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 0) -> Iterable[Doc]:
        """Apply the rules to each doc (``batch_size`` is ignored: each doc is done on its own)."""
        for doc in docs:
            yield self(doc)
