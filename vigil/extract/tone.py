"""Tone of sentences and articles, and directed stance of one actor toward another.

Tone is VADER's compound score with a news layer from ``data/tone.yaml``: words that
are topics or names in news are made neutral ("party", "united", "security"), the
vocabulary of conflict and cooperation is added ("sanctions", "apprehension",
"cooperation"), and multiword phrases adjust the raw sum ("strengthen ties",
"trade war"). VADER's raw sum is recovered from its compound, the phrase valences
are added and the result is squashed back with VADER's own normalisation, so the
scale stays VADER's.

Stance is narrower than tone: it is said only when the sentence states an attitude
(a cue from ``tone.yaml``: "criticised", "concerns", "apprehension", "strengthen ties
with") whose holder covers the source and whose object covers the target. News often
puts the holder in a prepositional phrase and the object in the subject ("Trump's
policy has raised concerns within Japan"), so both the string heuristic
(:func:`stance`) and the parse-based version (:func:`stance_doc`) know the
causative pattern. Anything else is ``None``: neutral or unknown, not zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from vigil.extract.domains import normalise_token
from vigil.models import Modality

if TYPE_CHECKING:
    from spacy.tokens import Span, Token
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

__all__ = ["EXTRACTOR", "article_tone", "sentence_tone", "stance", "stance_doc"]

EXTRACTOR = "tone.vader_news"

_ALPHA = 15.0  # VADER's normalisation constant
_NEGATORS = frozenset({"not", "n't", "no", "never", "without", "nt"})
_PASSIVE_AUX = frozenset({"was", "were", "been", "be", "is", "are", "being"})
_CLAUSE_END = frozenset({";", ":", "!", "?", "."})
# A cue's base strength; the sentence tone, when it agrees, adds up to 0.5.
_BASE = 0.5
# Nouns that wrap a feeling: "a sense of apprehension", "a wave of concern".
_WRAPPERS = frozenset({"sense", "feeling", "wave", "air", "atmosphere", "level", "degree", "note", "mood"})


@dataclass(frozen=True, slots=True)
class _StanceCues:
    attitude_verbs: Mapping[str, int]
    experiencer_nouns: Mapping[str, int]
    causative_verbs: Mapping[str, int]
    express_verbs: frozenset[str]
    experiencer_preps: frozenset[str]
    stimulus_preps: frozenset[str]
    relation_verbs: Mapping[str, int]
    relation_nouns: frozenset[str]


@dataclass(frozen=True, slots=True)
class _ToneData:
    version: int
    neutral: frozenset[str]
    words: Mapping[str, float]
    phrases: Mapping[str, float]
    phrase_re: re.Pattern[str] | None
    cues: _StanceCues  # keys are raw lemmas (for spaCy)
    stems: _StanceCues  # the same cues keyed by normalise_token (for the string path)


def _stemmed(cues: _StanceCues) -> _StanceCues:
    def m(d: Mapping[str, int]) -> dict[str, int]:
        return {normalise_token(k): v for k, v in d.items()}

    def s(xs: Iterable[str]) -> frozenset[str]:
        return frozenset(normalise_token(x) for x in xs)

    return _StanceCues(
        attitude_verbs=m(cues.attitude_verbs),
        experiencer_nouns=m(cues.experiencer_nouns),
        causative_verbs=m(cues.causative_verbs),
        express_verbs=s(cues.express_verbs),
        experiencer_preps=cues.experiencer_preps,
        stimulus_preps=cues.stimulus_preps,
        relation_verbs=m(cues.relation_verbs),
        relation_nouns=s(cues.relation_nouns),
    )


@cache
def _data() -> _ToneData:
    """Load ``data/tone.yaml`` once."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("vigil.extract").joinpath("data/tone.yaml").read_text(encoding="utf-8")
    )
    phrases = {str(k).lower(): float(v) for k, v in (raw.get("phrases") or {}).items()}
    phrase_re = (
        re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b")
        if phrases
        else None
    )
    st = raw["stance"]
    cues = _StanceCues(
        attitude_verbs={str(k): int(v) for k, v in st["attitude_verbs"].items()},
        experiencer_nouns={str(k): int(v) for k, v in st["experiencer_nouns"].items()},
        causative_verbs={str(k): int(v) for k, v in st["causative_verbs"].items()},
        express_verbs=frozenset(st["express_verbs"]),
        experiencer_preps=frozenset(st["experiencer_preps"]),
        stimulus_preps=frozenset(st["stimulus_preps"]),
        relation_verbs={str(k): int(v) for k, v in st["relation_verbs"].items()},
        relation_nouns=frozenset(st["relation_nouns"]),
    )
    return _ToneData(
        version=int(raw.get("version", 1)),
        neutral=frozenset(str(w) for w in raw.get("neutral") or ()),
        words={str(k).lower(): float(v) for k, v in (raw.get("words") or {}).items()},
        phrases=phrases,
        phrase_re=phrase_re,
        cues=cues,
        stems=_stemmed(cues),
    )


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """A VADER analyser (its lexicon ships in the package) with the news layer applied."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    data = _data()
    analyzer = SentimentIntensityAnalyzer()
    for word in data.neutral:
        analyzer.lexicon.pop(word, None)
    analyzer.lexicon.update(data.words)
    return analyzer


def extractor_id() -> str:
    """The extractor name stored with every Tone row, e.g. ``"tone.vader_news/1"``."""
    return f"{EXTRACTOR}/{_data().version}"


def _to_raw(compound: float) -> float:
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(_ALPHA / (1.0 - c * c))


def _squash(raw: float) -> float:
    return raw / math.sqrt(raw * raw + _ALPHA)


def sentence_tone(text: str) -> float:
    """Tone of one sentence.

    Args:
        text: the sentence.

    Returns:
        A score in [-1, 1]: negative for conflict, threat, worry; positive for
        cooperation, agreement, praise; 0.0 for neutral or empty text.
    """
    if not text.strip():
        return 0.0
    compound = float(_analyzer().polarity_scores(text)["compound"])
    data = _data()
    extra = 0.0
    if data.phrase_re is not None:
        for m in data.phrase_re.finditer(text.lower()):
            extra += data.phrases[m.group(1)]
    if extra == 0.0:
        return round(compound, 4)
    return round(_squash(_to_raw(compound) + extra), 4)


def article_tone(sentence_tones: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Tone of an article: the weighted mean of its sentence tones.

    Args:
        sentence_tones: one :func:`sentence_tone` per sentence.
        weights: optional weight per sentence (e.g. 2 for the title and lead); all 1 by default.

    Returns:
        The weighted mean in [-1, 1]; 0.0 for no sentences or zero total weight.

    Raises:
        ValueError: if ``weights`` is given with a different length or a negative weight.
    """
    if weights is None:
        weights = [1.0] * len(sentence_tones)
    if len(weights) != len(sentence_tones):
        raise ValueError(f"article_tone: {len(sentence_tones)} tones but {len(weights)} weights; pass one per sentence")
    if any(w < 0 for w in weights):
        raise ValueError("article_tone: weights must be >= 0")
    total = math.fsum(weights)
    if total == 0.0:
        return 0.0
    mean = math.fsum(t * w for t, w in zip(sentence_tones, weights, strict=True)) / total
    return round(max(-1.0, min(1.0, mean)), 4)


def _finish(polarities: list[float], tone: float, modality: Modality | None) -> float | None:
    if not polarities:
        return None
    pol = sum(polarities) / len(polarities)
    if pol == 0:
        return None
    strength = _BASE + (min(0.5, abs(tone)) if tone * pol > 0 else 0.0)
    value = math.copysign(strength, pol) * min(1.0, abs(pol))
    if modality is Modality.NEGATED:
        value *= -0.5
    elif modality is Modality.HYPOTHETICAL:
        value *= 0.5
    return round(max(-1.0, min(1.0, value)), 4)


# ----------------------------------------------------------------------------- string path

_TOK_RE = re.compile(r"\w+(?:[-'\u2019.]\w+)*|n't|[^\w\s]")


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    lower: str
    stem: str


@lru_cache(maxsize=256)  # a sentence holding several events is tokenised once
def _tokens(text: str) -> tuple[_Tok, ...]:
    out = []
    for m in _TOK_RE.finditer(text):
        low = m.group().lower()
        out.append(_Tok(m.start(), m.end(), low, normalise_token(low)))
    return tuple(out)


def _overlaps(toks: Sequence[_Tok], lo: int, hi: int, span: tuple[int, int]) -> bool:
    """True if tokens ``toks[lo:hi]`` overlap the character span."""
    if lo >= hi:
        return False
    a, b = toks[lo].start, toks[hi - 1].end
    return span[0] < b and a < span[1]


def _clauses(toks: Sequence[_Tok]) -> list[tuple[int, int]]:
    """For each token, the (start, end) token range of its clause (split at ; : ! ? .)."""
    out: list[tuple[int, int]] = []
    lo = 0
    for i, t in enumerate(toks):
        if t.lower in _CLAUSE_END or i == len(toks) - 1:
            out.extend([(lo, i + 1 if t.lower not in _CLAUSE_END else i)] * (i + 1 - lo))
            lo = i + 1
    return out


def _after_prep(
    toks: Sequence[_Tok], k: int, hi: int, preps: Collection[str], stop: Collection[str]
) -> tuple[int, int]:
    """The phrase after the first of ``preps`` within 4 tokens right of ``k``, up to a ``stop`` word."""
    for j in range(k + 1, min(hi, k + 5)):
        if toks[j].lower in preps:
            end = j + 1
            while end < hi and toks[end].lower not in stop and toks[end].lower != ",":
                end += 1
            return j + 1, end
    return 0, 0


def stance(
    text: str,
    source: tuple[int, int],
    target: tuple[int, int],
    modality: Modality | None = None,
) -> float | None:
    """Directed stance of ``source`` toward ``target`` in one sentence, from the string alone.

    A heuristic over word order for callers without a parse; prefer :func:`stance_doc`
    when a spaCy sentence is at hand. Patterns: "S criticised/welcomed T";
    "S's concerns about T"; "S expressed concern over T"; "T raised concerns within S";
    "T has stirred a sense of apprehension within S"; "S strengthened ties with T".

    Args:
        text: the sentence.
        source: character span (start, end) of the source actor in ``text``.
        target: character span of the target actor in ``text``.
        modality: the modality of the event this stance belongs to, if known:
            NEGATED flips and halves ("did not criticise"), HYPOTHETICAL halves.

    Returns:
        The stance in [-1, 1], or None when the sentence states no attitude of the
        source toward the target.
    """
    toks = _tokens(text)
    cues = _data().stems
    pols: list[float] = []
    stops = cues.experiencer_preps | cues.stimulus_preps
    bounds = _clauses(toks)
    for k, tok in enumerate(toks):
        lo, hi = bounds[k]
        negated = any(t.lower in _NEGATORS for t in toks[max(lo, k - 3) : k])
        pol = 0.0
        st = tok.stem
        if st in cues.relation_verbs:
            noun = next((j for j in range(k + 1, min(hi, k + 5)) if toks[j].stem in cues.relation_nouns), None)
            if noun is not None:
                wlo, whi = _after_prep(toks, noun, hi, {"with", "between"}, stops)
                if _overlaps(toks, lo, k, source) and _overlaps(toks, wlo, whi, target):
                    pol = cues.relation_verbs[st]
        elif st in cues.experiencer_nouns:
            elo, ehi = _after_prep(toks, k, hi, cues.experiencer_preps, cues.stimulus_preps)
            slo, shi = _after_prep(toks, k, hi, cues.stimulus_preps - {"of"}, cues.experiencer_preps)
            cause = next(
                (j for j in range(k - 1, max(lo, k - 6) - 1, -1) if toks[j].stem in cues.causative_verbs), None
            )
            express = next(
                (j for j in range(k - 1, max(lo, k - 5) - 1, -1) if toks[j].stem in cues.express_verbs), None
            )
            poss = any(t.lower in {"'s", "s"} or t.lower.endswith("'s") for t in toks[max(lo, k - 4) : k])
            holder = _overlaps(toks, elo, ehi, source)
            obj = _overlaps(toks, slo, shi, target)
            if cause is not None and (holder or not slo):
                # "T raised concerns within S": the subject is the stimulus
                obj = obj or _overlaps(toks, lo, cause, target)
                sign = cues.causative_verbs[toks[cause].stem]
                if holder and obj:
                    pol = cues.experiencer_nouns[st] * (1.0 if sign > 0 else -1.0)
            elif express is not None and _overlaps(toks, lo, express, source) and obj:
                pol = cues.experiencer_nouns[st]
            elif (holder or (poss and _overlaps(toks, max(lo, k - 4), k, source))) and obj:
                pol = cues.experiencer_nouns[st]
        elif st in cues.attitude_verbs and k > lo:
            passive = toks[k - 1].lower in _PASSIVE_AUX
            by = next((j for j in range(k + 1, hi) if toks[j].lower == "by"), None)
            if passive and by is not None:
                # "T was condemned by S"
                if _overlaps(toks, lo, k, target) and _overlaps(toks, by + 1, hi, source):
                    pol = cues.attitude_verbs[st]
            elif _overlaps(toks, lo, k, source) and _overlaps(toks, k + 1, hi, target):
                pol = cues.attitude_verbs[st]
        if pol:
            pols.append(-0.5 * pol if negated and modality is None else pol)
    return _finish(pols, sentence_tone(text), modality)


# ----------------------------------------------------------------------------- parse path


def _ids(tokens: Span | Iterable[int] | Iterable[Token]) -> set[int]:
    out: set[int] = set()
    for t in tokens:
        out.add(t if isinstance(t, int) else t.i)
    return out


def _subtree(tok: Token) -> set[int]:
    return {t.i for t in tok.subtree}


def _subjects(tok: Token, span: Span) -> tuple[set[int], set[int]]:
    """Active-subject and passive-subject token ids of a verb, inherited through xcomp/conj/acl."""
    cur = tok
    for _ in range(5):
        act = [c for c in cur.children if c.dep_ in ("nsubj", "csubj")]
        pas = [c for c in cur.children if c.dep_ == "nsubjpass"]
        if act or pas:
            return set().union(*(_subtree(c) for c in act)), set().union(*(_subtree(c) for c in pas))
        if (
            cur.dep_ not in ("xcomp", "conj", "acl", "advcl", "pcomp", "pobj", "prep", "dobj", "relcl")
            or cur.head is cur
        ):
            break
        cur = cur.head
    return set(), set()


def _pp_objects(tok: Token, preps: Collection[str], exclude: int | None = None) -> set[int]:
    out: set[int] = set()
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in preps:
            sub = _subtree(c)
            if exclude is None or exclude not in sub:
                out |= sub
    return out


def stance_doc(
    span: Span,
    source_tokens: Span | Iterable[int] | Iterable[Token],
    target_tokens: Span | Iterable[int] | Iterable[Token],
    modality: Modality | None = None,
) -> float | None:
    """Directed stance of the source toward the target, read from the dependency parse.

    Roles: for attitude verbs the subject holds the attitude and the object (or the
    "about/over X" phrase) receives it; for feeling nouns the holder is a possessor, a
    "within/among X" phrase or the subject of "express/voice", and the object is an
    "about/over X" phrase or the subject of a causative verb ("X raised concerns",
    "X has stirred a sense of apprehension within Japan"); "S strengthened ties with T"
    is positive. When the parser gives a causative verb no subject (a frequent small-
    model error on long subjects), everything left of the verb counts as its subject.

    Args:
        span: the sentence (a parsed spaCy Span, or a Doc).
        source_tokens: the source mention as a Span, token indices (doc-level) or tokens.
        target_tokens: the target mention, likewise.
        modality: the event's modality, if known (see :func:`stance`).

    Returns:
        The stance in [-1, 1], or None when no attitude of the source toward the target
        is stated.
    """
    src, tgt = _ids(source_tokens), _ids(target_tokens)
    if not src or not tgt:
        return None
    cues = _data().cues
    pols: list[float] = []
    for tok in span:
        lemma = tok.lemma_.lower()
        pol = 0.0
        negated = any(c.dep_ == "neg" for c in tok.children) or (
            tok.head is not tok and any(c.dep_ == "neg" for c in tok.head.children) and tok.dep_ in ("dobj", "xcomp")
        )
        if tok.pos_ in ("VERB", "AUX") and lemma in cues.relation_verbs:
            for obj in tok.children:
                if obj.dep_ == "dobj" and obj.lemma_.lower() in cues.relation_nouns:
                    actor, _ = _subjects(tok, span)
                    partner = _pp_objects(obj, {"with", "between"}) | _pp_objects(tok, {"with"})
                    if src & actor and tgt & partner:
                        pol = cues.relation_verbs[lemma]
        elif tok.pos_ in ("NOUN", "PROPN") and lemma in cues.experiencer_nouns:
            holder: set[int] = set()
            stimulus: set[int] = set()
            node = tok
            gov: Token | None = None
            for _ in range(4):
                holder |= _pp_objects(node, cues.experiencer_preps)
                stimulus |= _pp_objects(node, cues.stimulus_preps - {"of"} if node is not tok else cues.stimulus_preps)
                holder |= set().union(*(_subtree(c) for c in node.children if c.dep_ == "poss"))
                if node.pos_ in ("VERB", "AUX") or node.head is node:
                    gov = node
                    break
                if node is not tok and node.pos_ == "NOUN" and node.lemma_.lower() not in _WRAPPERS:
                    break
                node = node.head
            if gov is not None and gov.pos_ in ("VERB", "AUX"):
                glemma = gov.lemma_.lower()
                subj, _ = _subjects(gov, span)
                if glemma in cues.causative_verbs and (holder or not stimulus):
                    stimulus |= subj or {t.i for t in span if t.i < gov.i}
                    pol = cues.experiencer_nouns[lemma] * (1.0 if cues.causative_verbs[glemma] > 0 else -1.0)
                elif glemma in cues.express_verbs:
                    holder |= subj
                    pol = cues.experiencer_nouns[lemma]
                else:
                    pol = cues.experiencer_nouns[lemma]
            else:
                pol = cues.experiencer_nouns[lemma]
            if not (src & holder and tgt & stimulus):
                pol = 0.0
        elif tok.pos_ == "VERB" and lemma in cues.attitude_verbs:
            act, pas = _subjects(tok, span)
            objects: set[int] = set(pas)
            for c in tok.children:
                if c.dep_ in ("dobj", "dative", "ccomp", "attr"):
                    objects |= _subtree(c)
            objects |= _pp_objects(tok, cues.stimulus_preps | {"for", "against"})
            agents = act | _pp_objects(tok, {"by"})
            if src & agents and tgt & objects and not (src & objects):
                pol = cues.attitude_verbs[lemma]
        if pol:
            pols.append(-0.5 * pol if negated and modality is None else pol)
    return _finish(pols, sentence_tone(span.text), modality)
