"""Modality of an event in its sentence: asserted, intended, hypothetical, negated or reported.

The decision is read from the dependency parse, not from the surface string: the
trigger's own children (``aux`` "will"/"would", ``neg``, ``advmod`` "reportedly",
``mark`` "if", an ``advcl`` with "if", ``amod`` "potential", ``det`` "no"), then the
governors met while climbing from the trigger towards the root through
``conj``/``xcomp``/``ccomp``/``acl``/``pcomp``/``pobj`` ("plans to", "refused to",
"said that", "the prospect of", "according to"). Cue lists live in
``data/modality.yaml``; its header records the judgement calls (refusal and denial
are asserted events whose complement is negated; "making efforts to X" asserts the
effort and intends X).

Precedence when cues compete: a conditional ("if", "unless", "in case of") first,
then negation, other hypothetical cues, intention, hearsay, and assertion last. A
"would" in reported speech without a condition is a back-shifted "will" and counts
as INTENDED ("He said he would visit Tokyo").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from vigil.extract.stages import stage
from vigil.models import Modality

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from vigil.extract.events import Candidate
    from vigil.extract.state import ArticleWork, EventDraft, Resources

__all__ = ["ModalityCues", "is_hypothetical_np", "modality"]

# Ranks: higher wins. CONDITIONAL is HYPOTHETICAL from an if-clause or "in case of".
_CONDITIONAL, _NEGATED, _HYPOTHETICAL, _INTENDED, _REPORTED = 5, 4, 3, 2, 1
_RANK_TO_MODALITY = {
    _CONDITIONAL: Modality.HYPOTHETICAL,
    _NEGATED: Modality.NEGATED,
    _HYPOTHETICAL: Modality.HYPOTHETICAL,
    _INTENDED: Modality.INTENDED,
    _REPORTED: Modality.REPORTED,
}
_CATEGORY_RANK = {"hypothetical": _HYPOTHETICAL, "intended": _INTENDED, "reported": _REPORTED, "negated": _NEGATED}
# Dependencies climbed from a trigger towards its governor.
_CLIMB = frozenset({"conj", "xcomp", "ccomp", "acl", "pcomp", "pobj", "prep", "acomp", "oprd", "advcl", "relcl"})
_MAX_CLIMB = 8
_ACTOR_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})


@dataclass(frozen=True, slots=True)
class ModalityCues:
    """The cue words of ``data/modality.yaml``, by the rank of the modality they signal."""

    version: int
    aux: Mapping[str, int]
    negators: frozenset[str]
    adverbs: Mapping[str, int]
    conditional_marks: frozenset[str]
    conditional_preps: frozenset[str]
    adjectives: Mapping[str, int]
    governors: Mapping[str, int]  # lemma -> strongest rank it signals
    negated_particles: Mapping[str, str]
    semi_auxiliaries: frozenset[str]
    np_modifiers: frozenset[str]
    np_heads: frozenset[str]
    lemma_of: Mapping[str, str]  # surface form -> cue lemma, for parses without lemmas

    @classmethod
    def load(cls) -> ModalityCues:
        """Read the packaged ``data/modality.yaml``."""
        raw: dict[str, Any] = yaml.safe_load(
            resources.files("vigil.extract").joinpath("data/modality.yaml").read_text(encoding="utf-8")
        )
        np = raw["hypothetical_np"]
        return cls(
            version=int(raw.get("version", 1)),
            aux=_ranked(raw["aux"]),
            negators=frozenset(str(w) for w in raw["negators"]),
            adverbs=_ranked(raw["adverbs"]),
            conditional_marks=frozenset(raw["conditional_marks"]),
            conditional_preps=frozenset(raw["conditional_preps"]),
            adjectives=_ranked(raw["adjectives"]),
            governors=_ranked(raw["governors"]),
            negated_particles={str(k): str(v) for k, v in (raw.get("negated_particles") or {}).items()},
            semi_auxiliaries=frozenset(raw["semi_auxiliaries"]),
            np_modifiers=frozenset(np["modifiers"]),
            np_heads=frozenset(np["heads"]),
            lemma_of=_surface_forms(raw),
        )


def _surface_forms(raw: Mapping[str, Any]) -> dict[str, str]:
    """Every inflected form of the cue words (verbs, nouns, adjectives) with the word it is a form of."""
    from vigil.extract.lexicon import inflections

    words: set[str] = {"go"}
    for key in ("governors", "adverbs", "adjectives"):
        for listed in raw[key].values():
            words.update(str(w) for w in listed)
    words.update(str(w) for w in raw["semi_auxiliaries"])
    words.update(str(w) for w in raw["hypothetical_np"]["heads"])
    words.update(str(w) for w in raw.get("negated_particles") or {})
    irregular = raw.get("irregular") or {}
    out: dict[str, str] = {}
    for word in sorted(words):
        for form in sorted(inflections(word) | set(irregular.get(word, []))):
            out.setdefault(form, word)
    for word in words:
        out[word] = word  # a cue word is itself, whatever another one inflects to
    return out


def _lemma(tok: Token, cues: ModalityCues) -> str:
    """The token's lemma: the parser's when it gives one, else the cue word the surface form inflects."""
    return tok.lemma_.lower() or cues.lemma_of.get(tok.lower_, tok.lower_)


def _ranked(spec: Mapping[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for category, words in spec.items():
        rank = _CATEGORY_RANK[category]
        for w in words:
            out[str(w)] = max(rank, out.get(str(w), 0))
    return out


@cache
def _cues() -> ModalityCues:
    """The packaged cues, read once (for callers that pass none)."""
    return ModalityCues.load()


@dataclass(slots=True)
class _Found:
    rank: int = 0
    confidence: float = 0.0
    would_only: bool = False  # the only hypothetical cue is a bare "would"
    reported: bool = False

    def add(self, rank: int, confidence: float) -> None:
        if rank > self.rank:
            self.rank, self.confidence = rank, confidence
        elif rank == self.rank:
            self.confidence = max(self.confidence, confidence)


def _is_conditional_clause(tok: Token, cues: ModalityCues) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in cues.conditional_marks for c in tok.children)


def _local(tok: Token, cues: ModalityCues, found: _Found, own: bool) -> None:
    """Record the cues among ``tok``'s children; ``own`` is False for inherited (conj) cues."""
    if _is_conditional_clause(tok, cues):
        found.add(_CONDITIONAL, 0.9)
    if own and tok.tag_ == "VBG" and not any(c.dep_ == "aux" for c in tok.children):
        # "the prospect of Trump winning": small parsers often make the head noun the
        # gerund's subject
        if any(c.dep_ == "nsubj" and _lemma(c, cues) in cues.np_heads for c in tok.children):
            found.add(_HYPOTHETICAL, 0.7)
    for c in tok.children:
        dep, low, lemma = c.dep_, c.lower_, _lemma(c, cues)
        if dep == "neg" or (dep in ("advmod", "preconj", "cc") and low in ("never", "neither", "nor")):
            found.add(_NEGATED, 0.9)
        elif dep == "det" and low == "no" and tok.pos_ in ("NOUN", "PROPN"):
            found.add(_NEGATED, 0.85)
        elif dep in ("nsubj", "nsubjpass", "dobj") and any(g.dep_ == "det" and g.lower_ == "no" for g in c.children):
            # "No agreement was reached", "reached no deal"
            found.add(_NEGATED, 0.8)
        elif dep in ("aux", "auxpass") and (low in cues.aux or lemma in cues.aux):
            rank = cues.aux.get(low, cues.aux.get(lemma, 0))
            if rank == _HYPOTHETICAL and low in ("would", "'d") and found.rank < _HYPOTHETICAL:
                found.would_only = True
            found.add(rank, 0.85)
        elif dep == "aux" and lemma == "go" and c.tag_ == "VBG":
            found.add(_INTENDED, 0.8)  # "is going to"
        elif dep in ("advmod", "npadvmod") and lemma in cues.adverbs:
            found.add(cues.adverbs[lemma], 0.8)
            if cues.adverbs[lemma] == _HYPOTHETICAL:
                found.would_only = False
        elif dep == "advcl" and _is_conditional_clause(c, cues) and own:
            found.add(_CONDITIONAL, 0.85)  # the consequent of "if ..."
        elif dep == "amod" and lemma in cues.adjectives:
            found.add(cues.adjectives[lemma], 0.8)
            if cues.adjectives[lemma] == _HYPOTHETICAL:
                found.would_only = False
        elif dep == "prep":
            if lemma == "accord" or low == "according":
                found.add(_REPORTED, 0.85)
                found.reported = True
            elif low in ("in", "for"):
                if any(p.lower_ in cues.conditional_preps for p in c.children if p.dep_ == "pobj"):
                    found.add(_CONDITIONAL, 0.8)


def _governor(head: Token, child: Token, cues: ModalityCues, found: _Found) -> None:
    """Record what a governor says about its complement ``child``."""
    lemma = _lemma(head, cues)
    rank = cues.governors.get(lemma, 0)
    if not rank and head.lower_ in cues.governors:
        rank = cues.governors[head.lower_]
    if lemma in cues.negated_particles:
        particle = cues.negated_particles[lemma]
        rank = _NEGATED if any(c.dep_ == "prt" and c.lower_ == particle for c in head.children) else 0
    if not rank:
        return
    if rank == _REPORTED:
        found.reported = True
    if rank == _NEGATED and lemma in ("deny", "denial", "reject"):
        found.add(rank, 0.6)
    else:
        found.add(rank, 0.8)
    if rank == _HYPOTHETICAL:
        found.would_only = False


def _effective_trigger(sent: Span, cues: ModalityCues) -> Token:
    """The clause's main verb, skipping semi-auxiliaries ("is set to", "is said to")."""
    root = sent.root
    lemma = _lemma(root, cues)
    if lemma in cues.semi_auxiliaries or root.lower_ in cues.semi_auxiliaries:
        passive = any(c.dep_ == "auxpass" for c in root.children)
        reporting = cues.governors.get(lemma) == _REPORTED
        if passive or not reporting:
            for c in root.children:
                if c.dep_ == "xcomp":
                    return c
    return root


def modality(sent: Span, trigger: int | None = None, cues: ModalityCues | None = None) -> tuple[Modality, float]:
    """Modality of an event in its sentence.

    Args:
        sent: the parsed sentence (a spaCy Span; a Doc works too).
        trigger: doc-level token index (``token.i``) of the event's verb or noun trigger;
            None judges the clause's main verb (skipping "is set to", "is said to").
        cues: the cue words (default: the packaged ones).

    Returns:
        ``(modality, confidence)``; ASSERTED with confidence 0.7 when no cue is found.

    Raises:
        ValueError: if ``trigger`` is not a token of ``sent``.
    """
    cues = cues or _cues()
    if trigger is None:
        tok = _effective_trigger(sent, cues)
    else:
        if not sent.start <= trigger < sent.end:
            raise ValueError(f"modality: trigger {trigger} is outside the sentence tokens {sent.start}..{sent.end - 1}")
        tok = sent.doc[trigger]
    found = _Found()
    _local(tok, cues, found, own=True)
    cur = tok
    own = True
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("dobj", "obj") and sent.start <= tok.head.i < sent.end:
        # an event named by a verb's object ("worked to arrange a meeting between Zelensky and Trump", "did not
        # hold talks") is as the verb says: planned, refused, not done
        _governor(tok.head, tok, cues, found)
        _local(tok.head, cues, found, own=True)
        cur = tok.head
    for _ in range(_MAX_CLIMB):
        head = cur.head
        dep = cur.dep_
        if head is cur or dep not in _CLIMB or not (sent.start <= head.i < sent.end):
            break
        if dep in ("advcl", "relcl"):
            if dep == "advcl" and any(c.dep_ == "aux" and c.tag_ == "TO" for c in cur.children):
                found.add(_INTENDED, 0.7)  # purpose infinitive: "working to secure", "deployed to protect"
            break  # an adverbial or relative clause keeps its own modality
        if dep == "conj":
            # a conjunct shares the first conjunct's auxiliaries unless it has its own
            own = own and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass", "neg") for c in cur.children)
            if own:
                _local(head, cues, found, own=False)
            cur = head
            continue
        if dep in ("prep", "pobj"):
            if head.pos_ in ("VERB", "AUX"):
                if dep == "prep" and _lemma(head, cues) in cues.governors and cur.lower_ in ("from", "of"):
                    _governor(head, cur, cues, found)  # "refrained from", "prevented from"
                break  # an argument does not inherit its verb's modality
            if dep == "prep" and _lemma(head, cues) in cues.np_heads and cur.lower_ == "of":
                found.add(_HYPOTHETICAL, 0.8)  # "the prospect of X"
                found.would_only = False
            elif dep == "prep" and cur.lower_ == "of" and _lemma(head, cues) in cues.governors:
                _governor(head, cur, cues, found)  # "the threat of", "plans of"
            if dep == "prep" and head.pos_ in ("NOUN", "PROPN"):
                _local(head, cues, found, own=False)
            cur = head
            continue
        _governor(head, cur, cues, found)
        if dep in ("xcomp", "ccomp", "acl", "pcomp", "acomp", "oprd"):
            _local(head, cues, found, own=False)
        cur = head
    if found.rank == 0:
        return Modality.ASSERTED, 0.7
    if found.rank == _HYPOTHETICAL and found.would_only and found.reported:
        return Modality.INTENDED, 0.65  # back-shifted "will" in reported speech
    return _RANK_TO_MODALITY[found.rank], round(found.confidence, 2)


def is_hypothetical_np(span: Span, cues: ModalityCues | None = None) -> bool:
    """True if a noun phrase names an event or state that may not exist.

    "a potential second Trump administration", "a possible trade deal", "the would-be
    successor", and NPs governed by "the prospect / possibility / risk of ...".
    A bare "a second Trump administration" is not marked: nothing in the phrase says so.

    Args:
        span: the noun phrase (e.g. a ``noun_chunk`` or an entity span).
        cues: the cue words (default: the packaged ones).

    Returns:
        True when a hypothetical modifier is inside the phrase or a hypothetical head governs it.
    """
    cues = cues or _cues()
    if span.root.ent_type_ in _ACTOR_ENTS:
        return False  # "the prospect of Trump ...": the person is not the hypothetical event
    for tok in span:
        if _lemma(tok, cues) in cues.np_modifiers or tok.lower_ in cues.np_modifiers:
            if tok.dep_ in ("amod", "advmod", "compound", "nmod", "npadvmod") or tok.pos_ in ("ADJ", "ADV"):
                return True
    cur = span.root
    for _ in range(4):
        head = cur.head
        if head is cur:
            break
        if cur.dep_ == "pobj" and head.lower_ == "of" and _lemma(head.head, cues) in cues.np_heads:
            return True
        if cur.dep_ in ("pobj", "pcomp", "prep", "conj", "acl", "compound"):
            if cur.dep_ == "acl" and _lemma(head, cues) in cues.np_heads:
                return True
            cur = head
            continue
        break
    return False


def _in_hypothetical_np(doc: Doc, cand: Candidate, offset: int, cues: ModalityCues) -> bool:
    """True when the source or the target names an actor that may never exist ("a potential successor")."""
    for m in (cand.source, cand.target):
        span = doc.char_span(m.start - offset, m.end - offset, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        if is_hypothetical_np(doc[root.left_edge.i : root.right_edge.i + 1], cues):
            return True
    return False


def _draft_modality(draft: EventDraft, cues: ModalityCues) -> EventDraft:
    mod, confidence = modality(draft.doc[:], draft.candidate.trigger, cues)
    if mod is not Modality.NEGATED and _in_hypothetical_np(draft.doc, draft.candidate, draft.offset, cues):
        mod = Modality.HYPOTHETICAL  # an event with an actor that may never exist is not a fact
    return replace(draft, modality=mod, modality_confidence=confidence)


@stage("events.modality", requires={"drafts"}, produces={"drafts.modality"})
def modality_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """Each event draft's modality, from the parse around its trigger and its actors' noun phrases."""
    return replace(work, drafts=tuple(_draft_modality(d, res.modality) for d in work.drafts))
