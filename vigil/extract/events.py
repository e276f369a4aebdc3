"""Event candidates: who acts on whom, read off the dependency parse of one sentence.

A pair is a candidate only when the parse links it through one verb: the source in
that verb's subject (or the agent of a passive), the target in its object side,
and no other verb with a subject of its own in between. Control verbs hand their
object down ("relying on Aso to serve as a bridge to Trump": Aso serves). A
pronoun subject ("it is relying on ...") takes the last actor that acted in the
previous sentences. The trained coder then codes each pair; modality comes from
the parse around the verb.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from vigil.extract.actors import ActorMention

__all__ = ["Candidate", "candidates"]

_SUBJ = frozenset({"nsubj", "csubj"})
_PASS_SUBJ = frozenset({"nsubjpass", "csubjpass"})
_CLAUSE = frozenset({"ccomp", "advcl", "relcl", "acl", "conj", "parataxis", "xcomp", "pcomp"})
_CONTROL_OBJ = frozenset({"dobj", "dative", "pobj"})
PRONOUNS_THING = frozenset({"it", "they", "its"})
PRONOUNS_PERSON = frozenset({"he", "she"})


@dataclass(frozen=True, slots=True)
class Candidate:
    source: ActorMention
    target: ActorMention
    trigger: int  # token index of the verb in the sentence doc


def _is_predicate(tok: Token) -> bool:
    return tok.pos_ in {"VERB", "AUX"} or tok.dep_ == "ROOT"


def _governor(tok: Token) -> Token:
    """The nearest predicate above (or at) ``tok``."""
    cur = tok
    while not _is_predicate(cur) and cur.head.i != cur.i:
        cur = cur.head
    return cur


def _subject_side(tok: Token, verb: Token) -> str | None:
    """'subj', 'pass' or 'agent' when ``tok`` hangs from ``verb`` on that side, else None."""
    cur = tok
    while cur.head.i != cur.i and cur.head.i != verb.i:
        cur = cur.head
    if cur.head.i != verb.i:
        return None
    if cur.dep_ in _SUBJ:
        return "subj"
    if cur.dep_ in _PASS_SUBJ:
        return "pass"
    if cur.dep_ == "agent":
        return "agent"
    return None


def _object_of(verb: Token, tok: Token) -> bool:
    """True when ``tok`` lies on ``verb``'s object side, without crossing a clause with its own subject."""
    cur = tok
    while cur.head.i != cur.i and cur.i != verb.i:
        parent = cur.head
        if cur.dep_ in _SUBJ | _PASS_SUBJ | {"agent"} and parent.i == verb.i:
            return False
        if _is_predicate(cur) and cur.i != tok.i and any(c.dep_ in _SUBJ for c in cur.children):
            return False
        if cur.dep_ in {"relcl", "advcl", "parataxis"} and parent.i == verb.i:
            return False
        cur = parent
    return cur.i == verb.i


def _controller(verb: Token, heads: dict[int, ActorMention]) -> ActorMention | None:
    """For an xcomp verb with no subject, the object (else subject) of the governing verb."""
    if verb.dep_ != "xcomp":
        return None
    gov = verb.head
    for c in gov.subtree:
        if c.i in heads and c.dep_ in _CONTROL_OBJ and _governor(c.head).i == gov.i:
            return heads[c.i]
    for c in gov.children:
        if c.dep_ in _SUBJ:
            for t in c.subtree:
                if t.i in heads:
                    return heads[t.i]
    return None


def candidates(
    sent: Doc,
    offset: int,
    mentions: Sequence[ActorMention],
    antecedent: ActorMention | None,
) -> list[Candidate]:
    """Source/target pairs in one parsed sentence.

    Args:
        sent: the sentence parsed by the second pass (a doc of its own).
        offset: the sentence's start character in the article.
        mentions: resolved actor mentions of this sentence (article coordinates).
        antecedent: the actor a subject pronoun ("it", "he") refers to, if any.
    Returns:
        Pairs with distinct actors, in text order of their verbs.
    """
    heads: dict[int, ActorMention] = {}
    for m in mentions:
        if m.actor_id is None:
            continue
        span = sent.char_span(m.start - offset, m.end - offset, alignment_mode="expand")
        if span is not None:
            heads[span.root.i] = m
    if antecedent is not None:
        for tok in sent:
            if tok.lower_ in PRONOUNS_THING | PRONOUNS_PERSON and tok.dep_ in _SUBJ and tok.i not in heads:
                heads[tok.i] = replace(
                    antecedent, start=offset + tok.idx, end=offset + tok.idx + len(tok.text), text=tok.text
                )
    if len({m.actor_id for m in heads.values()}) < 2:
        return []
    out: list[Candidate] = []
    seen: set[tuple[str | None, str | None, int]] = set()
    for verb in sent:
        if not _is_predicate(verb):
            continue
        sources: list[ActorMention] = []
        targets: list[ActorMention] = []
        for i, m in heads.items():
            tok = sent[i]
            side = _subject_side(tok, verb)
            if side in {"subj", "agent"}:
                sources.append(m)
            elif side == "pass" or (side is None and _object_of(verb, tok)):
                targets.append(m)
        if not sources:
            ctrl = _controller(verb, heads)
            if ctrl is not None:
                sources.append(ctrl)
                targets = [t for t in targets if t is not ctrl]
        for s in sources:
            for t in targets:
                key = (s.actor_id, t.actor_id, verb.i)
                if s.actor_id == t.actor_id or key in seen:
                    continue
                seen.add(key)
                out.append(Candidate(s, t, verb.i))
    return out
