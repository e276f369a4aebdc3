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
policy has raised concerns within Japan"), so :func:`stance` knows the causative
pattern. Anything else is ``None``: neutral or unknown, not zero.

The pipeline loads the lexicon once (:meth:`ToneLexicon.load`) and passes it in;
callers that pass none get the packaged one, read once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from vigil.extract.domains import normalise_token
from vigil.extract.stages import stage
from vigil.models import Modality, Tone

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from vigil.extract.state import ArticleWork, EventDraft, Resources

__all__ = ["EXTRACTOR", "ToneLexicon", "article_tone", "sentence_tone", "stance"]

EXTRACTOR = "tone.vader_news"

_ALPHA = 15.0  # VADER's normalisation constant
_NEGATORS = frozenset({"not", "n't", "no", "never", "without", "nt"})
_PASSIVE_AUX = frozenset({"was", "were", "been", "be", "is", "are", "being"})
_CLAUSE_END = frozenset({";", ":", "!", "?", "."})
# A cue's base strength; the sentence tone, when it agrees, adds up to 0.5.
_BASE = 0.5


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


@dataclass(frozen=True, slots=True)
class ToneLexicon:
    """The news layer of ``data/tone.yaml`` over VADER, and its stance cues.

    Attributes:
        version: the file's version.
        neutral: words made neutral; words: valences added or changed; phrases: multiword valences.
        cues: the stance cues, keyed by :func:`~vigil.extract.domains.normalise_token`.
        analyzer: a VADER analyser with the news layer applied.
    """

    version: int
    neutral: frozenset[str]
    words: Mapping[str, float]
    phrases: Mapping[str, float]
    phrase_re: re.Pattern[str] | None
    cues: _StanceCues
    analyzer: SentimentIntensityAnalyzer

    @classmethod
    def load(cls) -> ToneLexicon:
        """Read the packaged ``data/tone.yaml`` and build the analyser (VADER's lexicon ships in its package)."""
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

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
        neutral = frozenset(str(w) for w in raw.get("neutral") or ())
        words = {str(k).lower(): float(v) for k, v in (raw.get("words") or {}).items()}
        analyzer = SentimentIntensityAnalyzer()
        for word in neutral:
            analyzer.lexicon.pop(word, None)
        analyzer.lexicon.update(words)
        return cls(int(raw.get("version", 1)), neutral, words, phrases, phrase_re, _stemmed(cues), analyzer)


@cache
def _data() -> ToneLexicon:
    """The packaged lexicon, read once (for callers that pass none)."""
    return ToneLexicon.load()


def _to_raw(compound: float) -> float:
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(_ALPHA / (1.0 - c * c))


def _squash(raw: float) -> float:
    return raw / math.sqrt(raw * raw + _ALPHA)


def sentence_tone(text: str, lexicon: ToneLexicon | None = None) -> float:
    """Tone of one sentence.

    Args:
        text: the sentence.
        lexicon: the tone lexicon (default: the packaged one).

    Returns:
        A score in [-1, 1]: negative for conflict, threat, worry; positive for
        cooperation, agreement, praise; 0.0 for neutral or empty text.
    """
    if not text.strip():
        return 0.0
    data = lexicon or _data()
    compound = float(data.analyzer.polarity_scores(text)["compound"])
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
    lexicon: ToneLexicon | None = None,
) -> float | None:
    """Directed stance of ``source`` toward ``target`` in one sentence, from the string alone.

    A heuristic over word order. Patterns: "S criticised/welcomed T";
    "S's concerns about T"; "S expressed concern over T"; "T raised concerns within S";
    "T has stirred a sense of apprehension within S"; "S strengthened ties with T".

    Args:
        text: the sentence.
        source: character span (start, end) of the source actor in ``text``.
        target: character span of the target actor in ``text``.
        modality: the modality of the event this stance belongs to, if known:
            NEGATED flips and halves ("did not criticise"), HYPOTHETICAL halves.
        lexicon: the tone lexicon (default: the packaged one).

    Returns:
        The stance in [-1, 1], or None when the sentence states no attitude of the
        source toward the target.
    """
    toks = _tokens(text)
    data = lexicon or _data()
    cues = data.cues
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
    return _finish(pols, sentence_tone(text, data), modality)


# ----------------------------------------------------------------------------- stages


def _draft_stance(draft: EventDraft, lexicon: ToneLexicon) -> EventDraft:
    src, tgt = draft.span(draft.candidate.source), draft.span(draft.candidate.target)
    return replace(
        draft,
        stance=stance(draft.text, src, tgt, draft.modality, lexicon),
        reverse_stance=stance(draft.text, tgt, src, draft.modality, lexicon),
    )


@stage("events.stance", requires={"drafts.modality"}, produces={"drafts.stance"})
def stance_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """Each event draft's directed stances: the source's toward the target, and back."""
    return replace(work, drafts=tuple(_draft_stance(d, res.tone) for d in work.drafts))


@stage("tone.directed", requires={"drafts.stance", "drafts.code"}, produces={"tones.directed"})
def directed_tones_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """A directed tone row for each stance an event draft states, source to target then back."""
    tones: list[Tone] = []
    for d in work.drafts:
        if d.code is None:
            continue
        src, tgt = d.candidate.source, d.candidate.target
        for holder, toward, value in ((src, tgt, d.stance), (tgt, src, d.reverse_stance)):
            if value is not None:
                tones.append(
                    Tone(
                        work.article.id,
                        d.sentence_index,
                        round(value, 4),
                        res.version,
                        holder.actor_id,
                        toward.actor_id,
                        round(d.code.confidence, 4),  # as events' (the model's last digits vary with its batch)
                    )
                )
    return replace(work, tones=work.tones + tuple(tones))


@stage("tone.sentences", requires={"texts", "spans"}, produces={"tones.sentences", "tones.article"})
def sentence_tones_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """The tone of each sentence, and the article's: their mean weighted by sentence length in tokens."""
    aid = work.article.id
    values = [sentence_tone(t, res.tone) for t in work.texts]
    weights = [max(1, len(s)) for s in work.spans]
    tones = [Tone(aid, si, round(v, 4), EXTRACTOR) for si, v in enumerate(values)]
    tones.append(Tone(aid, None, round(article_tone(values, weights), 4), EXTRACTOR))
    return replace(work, tones=work.tones + tuple(tones))
