"""From candidate pairs to stored events: coding, the event records, their confidence, principal events.

The coder codes every event draft (the transformer expert those the gate takes for events, the
linear heads the others); ``events.build`` turns each draft into an :class:`~vigil.models.Event`
with its modality, stance, date and the policy domains of its sentence as contexts; the
event-precision model then gives each event the chance that it is right as its confidence, and
with ``extract.events_per_sentence`` only a sentence's most confident events are kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from vigil.coder.items import CoderInput, CoderOutput
from vigil.coder.labels import JOINT_ROOTS
from vigil.coder.precision import event_features
from vigil.extract.stages import StageError, stage
from vigil.models import Event, Tone

if TYPE_CHECKING:
    from vigil.extract.state import ArticleWork, EventDraft, Resources

__all__ = ["principal"]


def _coder_input(draft: EventDraft) -> CoderInput:
    trigger = draft.doc[draft.candidate.trigger]
    return CoderInput(
        draft.text,
        draft.span(draft.candidate.source),
        draft.span(draft.candidate.target),
        (trigger.idx, trigger.idx + len(trigger.text)),
    )


@stage("events.code", requires={"drafts.p_event"}, produces={"drafts.code"}, model=True)
def code_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """The coder's decision for each draft; with ``gate_drops``, the drafts the gate rejects are then dropped.

    The transformer expert codes the pairs the gate takes for events; the others (kept, marked with
    a low confidence) get the linear heads' decision.
    """
    threshold = res.gate.threshold if res.gate is not None else 0.0
    coded = res.coder.predict(
        [_coder_input(d) for d in work.drafts], expert=[d.p_event >= threshold for d in work.drafts]
    )
    drafts = [replace(d, code=c) for d, c in zip(work.drafts, coded, strict=True)]
    if res.gate is not None and res.gate_drops:
        drafts = [d for d in drafts if d.p_event >= res.gate.threshold]  # no event links these two actors here
    return replace(work, drafts=tuple(drafts))


@stage("events.news", requires={"drafts"}, produces={"drafts.p_event", "drafts.code"}, model=True)
def news_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """The news event model's reading of each draft: the chance that an event links the pair, and its root.

    Drafts whose event is less likely than ``extract.event_floor`` (the chance of the event times
    its root's) are dropped; of the drafts of one sentence with the same actors and root (joint
    roots in either direction), the likeliest stays.
    """
    if res.news is None:
        raise StageError("'events.news' needs the news event model (vigil/coder/weights/news_tf.*).")
    floor = res.settings.get_float("extract.event_floor")
    read = res.news.predict([_coder_input(d) for d in work.drafts])
    best: dict[tuple[int, str | None, str | None, str | None], EventDraft] = {}
    for d, (p_event, code) in zip(work.drafts, read, strict=True):
        if p_event * code.confidence < floor:
            continue
        s, t = d.candidate.source.actor_id, d.candidate.target.actor_id
        if code.root in JOINT_ROOTS and (s or "") > (t or ""):
            s, t = t, s
        key = (d.sentence_index, s, t, code.root)
        kept = best.get(key)
        # Compared as stored (4 digits): the model's last digits vary with its threads and batch, and two
        # drafts of one event often score alike; then the first (in text order) stays.
        if kept is None or round(_likelihood(kept), 4) < round(p_event * code.confidence, 4):
            best[key] = replace(d, p_event=p_event, code=code)
    drafts = sorted(best.values(), key=lambda d: (d.sentence_index, d.candidate.trigger, d.candidate.source.start))
    return replace(work, drafts=tuple(drafts))


def _likelihood(draft: EventDraft) -> float:
    return draft.p_event * (draft.code.confidence if draft.code is not None else 0.0)


def _code(draft: EventDraft) -> CoderOutput:
    if draft.code is None:
        raise StageError("An event draft reached 'events.build' uncoded: run 'events.code' before it.")
    return draft.code


def _event(work: ArticleWork, draft: EventDraft, version: str) -> Event:
    out = _code(draft)
    cand, si, offset = draft.candidate, draft.sentence_index, draft.offset
    trigger = draft.doc[cand.trigger]
    domains = work.sentence_domains[si]
    when = draft.when
    return Event(
        article_id=work.article.id,
        sentence_index=si,
        date=work.article.published,
        source_actor=cand.source.actor_id,
        target_actor=cand.target.actor_id,
        root=out.root,
        quad=out.quad,
        cameo=out.cameo,
        modality=draft.modality,
        confidence=round(out.confidence * draft.modality_confidence * draft.p_event, 4),
        extractor=version,
        source_text=cand.source.text,
        target_text=cand.target.text,
        source_span=(cand.source.start, cand.source.end),
        target_span=(cand.target.start, cand.target.end),
        trigger_span=(offset + trigger.idx, offset + trigger.idx + len(trigger.text)),
        contexts=tuple(sorted(domains, key=lambda d: -domains[d])),
        stance=draft.stance,
        occurred=when.day if when else None,
        occurred_granularity=when.granularity if when else None,
    )


@stage(
    "events.build",
    requires={"drafts.code", "drafts.modality", "drafts.stance", "drafts.when", "sentence_domains"},
    produces={"events", "events.confidence"},
)
def build_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """An event record for each draft, its confidence the coder's times the modality's and the gate's."""
    return replace(work, events=work.events + tuple(_event(work, d, res.version) for d in work.drafts))


@stage("events.precision", requires={"events", "mentions.parsed", "sentences"}, produces={"events.confidence"})
def precision_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """Each event's confidence becomes the chance that it is right (pair and root), from the precision model."""
    if res.precision is None or not work.events:
        return work
    scores = res.precision.score(event_features(work.events, work.sentences, work.mentions, work.article.text))
    events = tuple(replace(e, confidence=round(p, 4)) for e, p in zip(work.events, scores, strict=True))
    return replace(work, events=events)


@stage("events.principal", requires={"events.confidence", "tones.directed"}, produces={"events.principal"})
def principal_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """With ``extract.events_per_sentence`` N > 0, only the N most confident events of each sentence."""
    if res.events_per_sentence <= 0:
        return work
    events, tones = principal(work.events, work.tones, res.events_per_sentence)
    return replace(work, events=tuple(events), tones=tuple(tones))


def principal(events: Sequence[Event], tones: Sequence[Tone], n: int) -> tuple[list[Event], list[Tone]]:
    """The ``n`` most confident events of each sentence (first in text order on ties), and the other tones.

    The directed stances of a dropped event go with it; sentence and article tones stay.
    """
    ranked: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        ranked[e.sentence_index].append(e)
    kept = {id(e) for group in ranked.values() for e in sorted(group, key=lambda e: -e.confidence)[:n]}
    dropped = {(e.sentence_index, e.source_actor, e.target_actor) for e in events if id(e) not in kept}
    dropped -= {(e.sentence_index, e.source_actor, e.target_actor) for e in events if id(e) in kept}
    return (
        [e for e in events if id(e) in kept],
        [
            t
            for t in tones
            if (t.sentence_index, t.source_actor, t.target_actor) not in dropped
            and (t.sentence_index, t.target_actor, t.source_actor) not in dropped
        ],
    )
