"""PLOVER event coder: sentence + actor spans -> PLOVER root, quad class and CAMEO root.

Two experts, combined and calibrated on out-of-fold predictions:

* the **transformer expert** (:mod:`vigil.extract.transformer`): all-MiniLM-L6-v2 fine-tuned with
  source / target markers, the accurate one; it codes the candidate pairs the pipeline's event gate
  takes for events;
* the **linear heads**, a pair of linear models over sparse lexical features, fast (thousands of
  items per second) and added to the expert's logits with a fitted weight; alone, they code the
  pairs the gate rejects (kept, with a low confidence) and everything when the expert is switched
  off (``extract.transformer = false``):

  * a **root head** (15 PLOVER roots) trained on PLV_train;
  * a **quad head** (quad 0..4, 0 = neutral statement) trained on PLV_train quads plus the
    quad-labelled ConfliBERT CAMEO sentences (the only data with quad-0 statements).

The root and quad scores are combined as a product of experts: the root log-score is the root
logit plus ``beta`` times the quad log-probability of the root's quad (among quads 1..4), then
divided by a temperature fitted on out-of-fold predictions so that ``confidence`` is calibrated.
A sentence is a quad-0 statement (``root=None``) when the calibrated probability of quad 0
exceeds ``statement_threshold``.

Features (see :func:`featurize`) are computed from the sentence with the actor spans replaced by
placeholder tokens ``_s_`` / ``_t_``: word 1-2-grams and in-word character 3-5-grams of the whole
sentence, word 1-2-grams of the text *between* the actors, positional words around each actor,
the actors' own words, light stems and a negation cue. Each feature block is TF-IDF weighted
(sublinear tf), L2-normalised and scaled by a per-block weight.

Weights are shipped as ``weights/coder.npz`` (numpy arrays: idf, block ids, coefficients, biases)
plus ``weights/coder.json`` (feature vocabulary, labels, hyper-parameters and calibrations), and the
expert's ``weights/coder_tf.safetensors`` + ``coder_tf.json``. No pickles: the files are safe to
load and do not break when scikit-learn changes version. ``vigil train`` rebuilds them.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from vigil.extract.lexicon import Lexicon, default_lexicon

if TYPE_CHECKING:
    from vigil.extract.transformer import TransformerCoder

__all__ = [
    "BLOCKS",
    "QUADS",
    "ROOTS",
    "ROOT_TO_CAMEO",
    "ROOT_TO_QUAD",
    "STATEMENT_CAMEO",
    "CoderInput",
    "CoderOutput",
    "EventCoder",
    "Vectorizer",
    "featurize",
    "marked_text",
    "span_of",
]

ROOTS: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "COOPERATE",
    "AID",
    "YIELD",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
QUADS: tuple[int, ...] = (0, 1, 2, 3, 4)

ROOT_TO_QUAD: dict[str, int] = {
    "AGREE": 1,
    "CONSULT": 1,
    "SUPPORT": 1,
    "COOPERATE": 2,
    "AID": 2,
    "YIELD": 2,
    "REQUEST": 3,
    "ACCUSE": 3,
    "REJECT": 3,
    "THREATEN": 3,
    "PROTEST": 4,
    "SANCTION": 4,
    "MOBILIZE": 4,
    "COERCE": 4,
    "ASSAULT": 4,
}

# Closest CAMEO root (2 digits) for each PLOVER root, after the PLOVER documentation's CAMEO
# crosswalk. Where PLOVER merges several CAMEO roots we pick the one whose quad class agrees and
# that is most frequent in news:
# AGREE -> 03 "express intent to cooperate" (CAMEO's agreements are spread over 03/057/08; 03 is the
#   root whose verbs "agree to", "pledge", "offer" PLOVER AGREE absorbs);
# SUPPORT -> 05 "engage in diplomatic cooperation" (praise, endorse, defend verbally);
# REQUEST -> 10 "demand" (CAMEO 02 "appeal" is quad 0 in the Phoenix rule; PLV puts REQUEST in quad 3);
# MOBILIZE -> 15 "exhibit force posture"; SANCTION -> 16 "reduce relations";
# ASSAULT -> 19 "fight": PLV merges PLOVER FIGHT (CAMEO 19) into ASSAULT (CAMEO 18/20), and in news
#   the armed-clash sense dominates.
ROOT_TO_CAMEO: dict[str, str] = {
    "AGREE": "03",
    "CONSULT": "04",
    "SUPPORT": "05",
    "COOPERATE": "06",
    "AID": "07",
    "YIELD": "08",
    "REQUEST": "10",
    "ACCUSE": "11",
    "REJECT": "12",
    "THREATEN": "13",
    "PROTEST": "14",
    "MOBILIZE": "15",
    "SANCTION": "16",
    "COERCE": "17",
    "ASSAULT": "19",
}
STATEMENT_CAMEO = "01"  # quad 0: "make public statement"

BLOCKS: tuple[str, ...] = ("w", "c", "b", "x", "a", "n", "l", "v")
"""Feature blocks: w sentence words, c characters, b between actors, x around actors,
a actor words, n negation, l light stems, v trigger lexicon (``data/verbs.yaml``)."""

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
_NPZ = "coder.npz"
_JSON = "coder.json"

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class CoderInput:
    """One (sentence, source, target) item to code.

    Args:
        text: the sentence.
        source: character span ``(start, end)`` of the source actor in ``text``, or None if unknown.
        target: character span of the target actor, or None if unknown.
        trigger: character span of the event's trigger word (the verb the parse links the actors
            through), or None: the coder then looks for a trigger between the actors itself.
    """

    text: str
    source: tuple[int, int] | None
    target: tuple[int, int] | None
    trigger: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class CoderOutput:
    """The coder's decision for one item.

    Attributes:
        root: PLOVER root, or None for a quad-0 statement.
        quad: 0 neutral statement, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
            4 material conflict.
        cameo: CAMEO 2-digit root matching ``root`` (``"01"`` for a statement).
        confidence: calibrated probability that the root (and so the quad) is right; for a
            statement, the probability that it is a statement.
        root_scores: probability of each root given that the item is an event (sums to 1).
        quad_scores: probability of each quad class, 0 included (sums to 1).
    """

    root: str | None
    quad: int
    cameo: str | None
    confidence: float
    root_scores: dict[str, float]
    quad_scores: dict[int, float]


# --------------------------------------------------------------------------------------------
# Features

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
        lexicon: the trigger lexicon (default: the packaged ``data/verbs.yaml``).

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


# --------------------------------------------------------------------------------------------
# Combination of the two heads


def _log_softmax(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    z = z - z.max(axis=-1, keepdims=True)
    out: npt.NDArray[np.float64] = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return out


def combine(
    root_logits: npt.NDArray[np.float64],
    quad_logits: npt.NDArray[np.float64],
    beta: float,
    root_temperature: float,
    quad_temperature: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Combine the heads' logits into root probabilities (given an event) and P(quad = 0).

    Args:
        root_logits: (n, 15) root head logits, columns in :data:`ROOTS` order.
        quad_logits: (n, 5) quad head logits, columns in :data:`QUADS` order.
        beta: weight of the quad head's opinion on the root's quad.
        root_temperature: temperature applied to the combined root scores.
        quad_temperature: temperature applied to the quad head for P(quad = 0).

    Returns:
        ``(p_root, p_statement)``: (n, 15) probabilities and (n,) probabilities.
    """
    quad_of_root = np.array([ROOT_TO_QUAD[r] for r in ROOTS])
    lq = _log_softmax(quad_logits[:, 1:])  # among quads 1..4
    scores = root_logits + beta * lq[:, quad_of_root - 1]
    p_root = np.exp(_log_softmax(scores / root_temperature))
    p_statement = np.exp(_log_softmax(quad_logits / quad_temperature))[:, 0]
    return p_root, p_statement


# --------------------------------------------------------------------------------------------
# The transformer expert's view of an item


def marked_text(item: CoderInput) -> str:
    """The sentence with ``[S] ... [/S]`` and ``[T] ... [/T]`` around the actors (the transformer's view)."""
    spans = [(s[0], s[1], n) for s, n in ((item.source, "S"), (item.target, "T")) if s is not None]
    spans = [(a, b, n) for a, b, n in spans if 0 <= a < b <= len(item.text)]
    spans.sort()
    if len(spans) == 2 and spans[1][0] < spans[0][1]:  # overlapping: keep the first
        spans = spans[:1]
    text = item.text
    for a, b, n in reversed(spans):
        text = f"{text[:a]}[{n}] {text[a:b]} [/{n}]{text[b:]}"
    return text


# --------------------------------------------------------------------------------------------
# The coder


# Calibration parameters (see :func:`combine`) and their defaults.
_CALIBRATION = {"beta": 0.0, "root_temperature": 1.0, "quad_temperature": 1.0}


class EventCoder:
    """Trained PLOVER event coder (see the module docstring).

    Build with :meth:`load`; call :meth:`predict` on a batch of :class:`CoderInput`.
    """

    def __init__(
        self,
        vectorizer: Vectorizer,
        root_coef: FloatArray,
        root_bias: FloatArray,
        quad_coef: FloatArray,
        quad_bias: FloatArray,
        params: dict[str, Any],
        expert: TransformerCoder | None = None,
    ) -> None:
        self.vectorizer = vectorizer
        self.root_coef = np.ascontiguousarray(root_coef, dtype=np.float32)
        self.root_bias = np.asarray(root_bias, dtype=np.float32)
        self.quad_coef = np.ascontiguousarray(quad_coef, dtype=np.float32)
        self.quad_bias = np.asarray(quad_bias, dtype=np.float32)
        self.params = dict(params)
        self.linear_version: str = str(params.get("version", "0"))
        self.expert: TransformerCoder | None = None
        self.use_expert(expert)
        # Both heads in one matrix: a single sparse product per batch.
        self._coef_t = np.ascontiguousarray(np.vstack([self.root_coef, self.quad_coef]).T)
        self._bias = np.concatenate([self.root_bias, self.quad_bias])

    def use_expert(self, expert: TransformerCoder | None) -> None:
        """Switch the fine-tuned transformer expert on (``expert``) or off (None).

        With the expert, an item's logits are the expert's plus ``linear_weight`` times the linear
        heads'; its calibration (``beta``, temperatures, weight, ``cascade``) is
        ``params["transformer"]``. Items not routed to the expert (see :meth:`predict`), and those
        the linear heads code with a confidence of at least ``cascade``, keep the linear decision.
        """
        self.expert = expert
        self.statement_threshold = float(self.params.get("statement_threshold", 0.5))
        self.linear_calibration = {k: float(self.params.get(k, d)) for k, d in _CALIBRATION.items()}
        cal = dict(self.params.get("transformer", {})) if expert is not None else {}
        self.expert_calibration = {k: float(cal.get(k, d)) for k, d in _CALIBRATION.items()}
        self.linear_weight = float(cal.get("linear_weight", 1.0))
        self.cascade = float(cal.get("cascade", 2.0))  # 2.0: above any confidence, the expert codes all
        self.version = self.linear_version + (f"+{cal.get('version', 'minilm')}" if expert is not None else "")

    @staticmethod
    def shipped_version(transformer: bool = True) -> str:
        """Version string of the packaged coder (as :attr:`version` after :meth:`load`), read without loading it."""
        params = json.loads((WEIGHTS_DIR / _JSON).read_text(encoding="utf-8"))["params"]
        version = str(params.get("version", "0"))
        if transformer and "transformer" in params:
            version += f"+{params['transformer'].get('version', 'minilm')}"
        return version

    @classmethod
    def load(cls, path: Path | None = None, transformer: bool = True, threads: int | None = None) -> EventCoder:
        """Load a coder from a weights directory.

        Args:
            path: directory holding ``coder.npz`` and ``coder.json`` (and the transformer expert's
                ``coder_tf.*``); default: the weights shipped in the package (``vigil/extract/weights/``).
            transformer: also load the fine-tuned MiniLM expert (the accurate default); False gives
                the linear coder alone, about 10x faster and less accurate (see the README).
            threads: torch threads for the expert (default: torch's choice).

        Returns:
            The coder.

        Raises:
            FileNotFoundError: no weights there (train with ``vigil train``).
        """
        folder = WEIGHTS_DIR if path is None else Path(path)
        npz_path, json_path = folder / _NPZ, folder / _JSON
        if not npz_path.exists() or not json_path.exists():
            raise FileNotFoundError(
                f"No event-coder weights in {folder} (need {_NPZ} and {_JSON}). "
                "Train them with `vigil train` (python -m vigil.extract.train_coder)."
            )
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        expert: TransformerCoder | None = None
        if transformer and "transformer" in meta["params"]:  # weights trained with --linear-only have none
            from vigil.extract.transformer import TransformerCoder

            expert = TransformerCoder.load(folder, threads=threads)
        with np.load(npz_path, allow_pickle=False) as arrays:
            vec = Vectorizer(meta["features"], arrays["idf"], meta["params"]["block_weights"])
            return cls(
                vec,
                arrays["root_coef"].astype(np.float32),
                arrays["root_bias"],
                arrays["quad_coef"].astype(np.float32),
                arrays["quad_bias"],
                meta["params"],
                expert,
            )

    def save(self, path: Path | None = None) -> None:
        """Write ``coder.npz`` (float16 coefficients), ``coder.json`` and the expert into ``path``."""
        folder = WEIGHTS_DIR if path is None else Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / _NPZ,
            idf=self.vectorizer.idf.astype(np.float32),
            root_coef=self.root_coef.astype(np.float16),
            root_bias=self.root_bias.astype(np.float32),
            quad_coef=self.quad_coef.astype(np.float16),
            quad_bias=self.quad_bias.astype(np.float32),
        )
        if self.expert is not None:
            self.expert.save(folder)
        meta = {"params": self.params, "roots": list(ROOTS), "quads": list(QUADS), "features": self.vectorizer.features}
        (folder / _JSON).write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    def linear_logits(self, items: Sequence[CoderInput]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Raw logits of the linear heads: (n, 15) root and (n, 5) quad."""
        if not items:
            return np.zeros((0, len(ROOTS))), np.zeros((0, len(QUADS)))
        x = self.vectorizer.transform([featurize(it) for it in items])
        z = np.asarray(x @ self._coef_t, dtype=np.float64) + self._bias
        return z[:, : len(ROOTS)], z[:, len(ROOTS) :]

    def _routed(self, n: int, expert: Sequence[bool] | None) -> npt.NDArray[np.bool_]:
        if self.expert is None:
            return np.zeros(n, dtype=bool)
        if expert is None:
            return np.ones(n, dtype=bool)
        if len(expert) != n:
            raise ValueError(f"expert routing has {len(expert)} flags for {n} items")
        return np.asarray(expert, dtype=bool)

    def predict(self, items: Sequence[CoderInput], expert: Sequence[bool] | None = None) -> list[CoderOutput]:
        """Code a batch of items.

        Args:
            items: sentences with actor spans.
            expert: per item, whether the transformer expert codes it (default: every item, when the
                expert is loaded); the others get the linear heads' decision and calibration. The
                pipeline routes the candidate pairs its event gate accepts to the expert.

        Returns:
            One :class:`CoderOutput` per item, in order.
        """
        n = len(items)
        use = self._routed(n, expert)
        root_logits, quad_logits = self.linear_logits(items)
        p_root, p_statement = combine(root_logits, quad_logits, **self.linear_calibration)
        # Cascade: the expert runs where the linear heads are not already sure (calibrated confidence
        # under ``cascade``; on PLV_train's folds as accurate as running it everywhere, at half the cost).
        go = use & (p_root.max(axis=1) < self.cascade) if self.expert is not None else use
        if self.expert is not None and go.any():
            idx = np.flatnonzero(go)
            er, eq = self.expert.logits([items[int(i)] for i in idx])
            w = self.linear_weight
            p_root[idx], p_statement[idx] = combine(
                er + w * root_logits[idx], eq + w * quad_logits[idx], **self.expert_calibration
            )
        quad_of_root = np.array([ROOT_TO_QUAD[r] for r in ROOTS])
        outputs: list[CoderOutput] = []
        for i in range(n):
            p0 = float(p_statement[i])
            pr = p_root[i]
            root_scores = {r: float(pr[j]) for j, r in enumerate(ROOTS)}
            quad_scores = {0: p0}
            for q in QUADS[1:]:
                quad_scores[q] = (1.0 - p0) * float(pr[quad_of_root == q].sum())
            if p0 > self.statement_threshold:
                outputs.append(CoderOutput(None, 0, STATEMENT_CAMEO, p0, root_scores, quad_scores))
                continue
            best = int(np.argmax(pr))
            root = ROOTS[best]
            confidence = min(1.0, max(0.0, float(pr[best])))
            outputs.append(
                CoderOutput(root, ROOT_TO_QUAD[root], ROOT_TO_CAMEO[root], confidence, root_scores, quad_scores)
            )
        return outputs


def span_of(text: str, actor: str | None) -> tuple[int, int] | None:
    """Character span of the first occurrence of ``actor`` in ``text`` (None if absent or empty)."""
    if not actor:
        return None
    start = text.find(actor)
    if start < 0:
        return None
    return start, start + len(actor)
