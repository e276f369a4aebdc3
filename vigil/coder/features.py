"""The linear heads' features: sparse lexical counts of a sentence around its two actors.

Features (see :func:`featurize`) are computed from the sentence with the actor spans replaced by
placeholder tokens ``_s_`` / ``_t_``: word 1-2-grams and in-word character 3-5-grams of the whole
sentence, word 1-2-grams of the text *between* the actors, positional words around each actor,
the actors' own words, light stems, a negation cue and the roots the trigger lexicon proposes.
:class:`Vectorizer` weights each feature block by TF-IDF (sublinear tf), L2-normalises it and
scales it by a per-block weight.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from vigil.coder.items import CoderInput
from vigil.extract.lexicon import Lexicon, default_lexicon

__all__ = ["BLOCKS", "FloatArray", "Vectorizer", "featurize"]

BLOCKS: tuple[str, ...] = ("w", "c", "b", "x", "a", "n", "l", "v")
"""Feature blocks: w sentence words, c characters, b between actors, x around actors,
a actor words, n negation, l light stems, v trigger lexicon (``vigil/extract/data/verbs.yaml``)."""

FloatArray = npt.NDArray[np.float32]


_TOKEN = re.compile(r"_[st]_|[a-z0-9]+(?:['\u2019][a-z]+)?|[$%]")
_NEGATION = frozenset({"not", "no", "never", "without", "nor", "neither", "cannot", "refuse", "refused", "refuses"})
_WINDOW = 3


def _stem(word: str) -> str:
    """A light suffix stripper (agreed/agrees/agreeing -> agre): merges inflections, not a lemmatiser."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _marked_tokens(item: CoderInput) -> tuple[list[str], int | None, int | None, list[int]]:
    """Lower-cased tokens of the sentence with each actor span replaced by one placeholder token.

    Returns the tokens, the token index of the source and target placeholders (None if absent)
    and each token's start character in ``item.text`` (-1 for the placeholders).
    Overlapping spans: the source wins, the target is dropped.
    """
    text = item.text
    spans: list[tuple[int, int, str]] = []
    if item.source is not None and 0 <= item.source[0] < item.source[1] <= len(text):
        spans.append((item.source[0], item.source[1], "_s_"))
    if item.target is not None and 0 <= item.target[0] < item.target[1] <= len(text):
        start, end = item.target
        if not spans or end <= spans[0][0] or start >= spans[0][1]:
            spans.append((start, end, "_t_"))
    spans.sort()
    tokens: list[str] = []
    starts: list[int] = []
    s_idx: int | None = None
    t_idx: int | None = None
    pos = 0
    for start, end, mark in [*spans, (len(text), len(text), "")]:
        for m in _TOKEN.finditer(text[pos:start].lower()):
            tokens.append(m.group(0))
            starts.append(pos + m.start())
        if mark:
            if mark == "_s_":
                s_idx = len(tokens)
            else:
                t_idx = len(tokens)
            tokens.append(mark)
            starts.append(-1)
        pos = end
    return tokens, s_idx, t_idx, starts


def _ngrams(prefix: str, tokens: Sequence[str], out: dict[str, float]) -> None:
    for i, tok in enumerate(tokens):
        key = prefix + tok
        out[key] = out.get(key, 0.0) + 1.0
        if i + 1 < len(tokens):
            key = prefix + tok + " " + tokens[i + 1]
            out[key] = out.get(key, 0.0) + 1.0


def _add(out: dict[str, float], keys: Iterable[str]) -> None:
    for key in keys:
        out[key] = out.get(key, 0.0) + 1.0


def featurize(item: CoderInput, lexicon: Lexicon | None = None) -> dict[str, float]:
    """Raw feature counts of one item, keyed ``"<block>:<feature>"`` (block letters in :data:`BLOCKS`).

    Args:
        item: the sentence and actor spans (and optionally the trigger span).
        lexicon: the trigger lexicon (default: the packaged ``vigil/extract/data/verbs.yaml``).

    Returns:
        A mapping from feature name to count (before TF-IDF weighting).
    """
    tokens, s_idx, t_idx, starts = _marked_tokens(item)
    out: dict[str, float] = {}
    _ngrams("w:", tokens, out)
    for tok in tokens:
        if tok[0] == "_":
            continue
        padded = f" {tok} "
        for n in (3, 4, 5):
            _add(out, ("c:" + padded[i : i + n] for i in range(len(padded) - n + 1)))

    # The text between the actors (or next to the one actor we have).
    if s_idx is not None and t_idx is not None:
        lo, hi = sorted((s_idx, t_idx))
        between = tokens[lo + 1 : hi]
        order = "st" if s_idx < t_idx else "ts"
        _add(out, ("b:order=" + order, f"b:gap={min(len(between), 12) // 3}"))
    elif s_idx is not None:
        between = tokens[s_idx + 1 : s_idx + 1 + 8]
        _add(out, ("b:order=s",))
    elif t_idx is not None:
        between = tokens[max(0, t_idx - 8) : t_idx]
        _add(out, ("b:order=t",))
    else:
        between = []
        _add(out, ("b:order=none",))
    _ngrams("b:", between, out)

    # Words around each actor, with position.
    for name, idx in (("s", s_idx), ("t", t_idx)):
        if idx is None:
            continue
        for k in range(1, _WINDOW + 1):
            if idx + k < len(tokens):
                _add(out, (f"x:{name}+{k}={tokens[idx + k]}",))
            if idx - k >= 0:
                _add(out, (f"x:{name}-{k}={tokens[idx - k]}",))
    if s_idx is not None and s_idx + 2 < len(tokens):
        _add(out, (f"x:s+12={tokens[s_idx + 1]} {tokens[s_idx + 2]}",))

    # Actor words.
    for name, span in (("s", item.source), ("t", item.target)):
        if span is not None:
            _add(out, (f"a:{name}={tok}" for tok in _TOKEN.findall(item.text[span[0] : span[1]].lower())))

    # Negation near the event verb and light stems of the between/window words.
    near = between[:10] if between else tokens[:10]
    if any(tok in _NEGATION or tok.endswith("n't") or tok.endswith("n\u2019t") for tok in near):
        _add(out, ("n:neg",))
        _add(out, ("n:" + _stem(tok) for tok in near if tok[0] != "_"))
    _add(out, ("l:" + _stem(tok) for tok in near if tok[0] != "_"))
    _lexicon_features(item, tokens, s_idx, t_idx, starts, out, lexicon or default_lexicon())
    return out


def _negated_before(tokens: Sequence[str], i: int) -> bool:
    return any(tok in _NEGATION or tok.endswith("n't") or tok.endswith("n\u2019t") for tok in tokens[max(0, i - 3) : i])


def _lexicon_features(
    item: CoderInput,
    tokens: list[str],
    s_idx: int | None,
    t_idx: int | None,
    starts: list[int],
    out: dict[str, float],
    lexicon: Lexicon,
) -> None:
    """Block ``v``: the roots the trigger lexicon proposes, by where the trigger words sit.

    ``v:b=`` between the actors, ``v:a=`` just after the later actor (or after the only one),
    ``v:1=`` the trigger (the parse's trigger when the input has one and the lexicon knows it,
    else the first lexicon word between the actors, else just after them), ``v:1l=`` its lemma and
    ``v:1n=`` the root when a negation precedes it ("refused to meet", "did not sign").
    """
    present = [i for i in (s_idx, t_idx) if i is not None]
    if len(present) == 2:
        lo, hi = min(present), max(present)
        between = lexicon.hits(tokens, lo + 1, hi)
        after = lexicon.hits(tokens, hi + 1, hi + 5)
    elif present:
        between, after = [], lexicon.hits(tokens, present[0] + 1, present[0] + 9)
    else:
        between, after = [], lexicon.hits(tokens, 0, 12)
    for tag, hits in (("b", between), ("a", after)):
        for hit in hits:
            _add(out, (f"v:{tag}={r}" for r in hit.roots))
    first = between[0] if between else (after[0] if after else None)
    if item.trigger is not None:
        at = [i for i, st in enumerate(starts) if st >= 0 and item.trigger[0] <= st < item.trigger[1]]
        at_trigger = lexicon.match_at(tokens, at[0]) if at else None
        if at_trigger is not None:
            first = at_trigger
    if first is None:
        _add(out, ("v:none",))
        return
    _add(out, (f"v:1={r}" for r in first.roots))
    _add(out, (f"v:1l={first.lemma}",))
    if _negated_before(tokens, first.start):
        _add(out, (f"v:1n={r}" for r in first.roots))


class Vectorizer:
    """TF-IDF over :func:`featurize` counts, L2-normalised and weighted per feature block.

    Args:
        features: the vocabulary, in column order.
        idf: inverse document frequency of each feature.
        block_weights: weight of each block (by block letter).
    """

    def __init__(self, features: Sequence[str], idf: FloatArray, block_weights: dict[str, float]) -> None:
        self.features: list[str] = list(features)
        self.index: dict[str, int] = {f: i for i, f in enumerate(self.features)}
        self.idf: FloatArray = np.asarray(idf, dtype=np.float32)
        self.block_weights = dict(block_weights)
        self.block_of: npt.NDArray[np.int8] = np.array(
            [BLOCKS.index(f.split(":", 1)[0]) for f in self.features], dtype=np.int8
        )
        # A sorted vocabulary holds each block's columns in one run: a row's block is then a slice.
        starts = np.flatnonzero(np.r_[True, np.diff(self.block_of) != 0]) if len(self.features) else np.zeros(0, int)
        if len(set(self.block_of[starts].tolist())) != len(starts):
            raise ValueError("the feature vocabulary must hold each block's features together (sort it)")
        self._edges: npt.NDArray[np.int64] = np.r_[starts, len(self.features)].astype(np.int64)
        self._edge_weights = [float(self.block_weights.get(BLOCKS[b], 1.0)) for b in self.block_of[starts]]

    def row(self, counts: dict[str, float]) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Column indices and values of one item's feature vector (sorted by column)."""
        found = np.array(list(map(self.index.get, counts, itertools.repeat(-1))), dtype=np.int64)
        keep = found >= 0
        if not keep.any():
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        tf = np.array(list(counts.values()), dtype=np.float32)[keep]
        order = np.argsort(found[keep])
        idx, tf = found[keep][order], tf[order]
        vals = (1.0 + np.log(tf)) * self.idf[idx]
        cuts: list[int] = np.searchsorted(idx, self._edges).tolist()
        for lo, hi, weight in zip(cuts, cuts[1:], self._edge_weights, strict=False):
            if lo == hi:
                continue
            norm = float(np.sqrt(np.sum(vals[lo:hi] ** 2)))
            if norm > 0:
                vals[lo:hi] *= weight / norm
        return idx, vals.astype(np.float32)

    def transform(self, items: Sequence[dict[str, float]]) -> Any:
        """A ``scipy.sparse.csr_matrix`` (n_items x n_features) of float32."""
        from scipy.sparse import csr_matrix

        indptr = [0]
        all_idx: list[npt.NDArray[np.int64]] = []
        all_val: list[FloatArray] = []
        for counts in items:
            idx, vals = self.row(counts)
            all_idx.append(idx)
            all_val.append(vals)
            indptr.append(indptr[-1] + len(idx))
        indices = np.concatenate(all_idx) if all_idx else np.zeros(0, dtype=np.int64)
        data = np.concatenate(all_val) if all_val else np.zeros(0, dtype=np.float32)
        return csr_matrix((data, indices, np.array(indptr)), shape=(len(items), len(self.features)))
