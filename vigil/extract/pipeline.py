"""The extraction pipeline: sentences, mentions, actors, events, domains and tone.

Stages run in this order on a batch of articles, each reading what the one before
produced:

============  ===========================================  =======================
stage         needs                                        produces
============  ===========================================  =======================
sentences     article.text                                 Sentence
mentions      sentences, entities (first spaCy pass)       Mention
actors        mentions, knowledge base, article date       Actor ids (+ provisional)
events        actors, dependency parse (second pass)       Event (root, quad, modality)
event dates   events, DATE entities, publication date      Event.occurred (+ granularity)
domains       sentences                                    DomainTag
tone          sentences, events                            Tone (+ directed stance)
============  ===========================================  =======================

Every record carries its article, sentence, the extractor version and a confidence.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING

from vigil.config import Settings
from vigil.extract import domains as domains_mod
from vigil.extract import tone as tone_mod
from vigil.extract.actors import ActorMention, ArticleActors, find_mentions, kb_patterns, keep_nominal
from vigil.extract.coder import CoderInput, EventCoder
from vigil.extract.events import PRONOUNS_PERSON, Candidate, EventGate, candidates, gate_features
from vigil.extract.modality import is_hypothetical_np, modality
from vigil.extract.nlp import NLP, keep_freed_memory, limit_blas_threads, load_nlp, sentence_docs
from vigil.extract.parallel import StageTimes
from vigil.extract.precision import PrecisionModel, event_features
from vigil.extract.timex import event_date
from vigil.extract.version import compose_version, version_tags
from vigil.kb import KnowledgeBase
from vigil.models import Actor, Article, DomainTag, Event, Extraction, Mention, Modality, Sentence, Tone

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from vigil.extract.parallel import ParallelPipeline
    from vigil.store import Store

__all__ = ["Pipeline", "extract_stored"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# A subject pronoun may stand for an actor of an earlier sentence: such a sentence is parsed too. The
# regex finds every token "it", "they", "he" or "she" (and a few more: a parse too many changes nothing).
_PRONOUN = re.compile(r"\b(?:it|they|he|she)\b", re.IGNORECASE)
MIN_EVENT_CONFIDENCE = 0.0  # low-confidence events are kept and marked by their confidence


class Pipeline:
    """Everything extraction needs, loaded once and passed explicitly.

    Args:
        nlp: the spaCy passes; kb: the actor knowledge base; coder: the trained event coder.
        settings: Vigil settings.
    """

    def __init__(
        self,
        nlp: NLP,
        kb: KnowledgeBase,
        coder: EventCoder,
        settings: Settings,
        gate: EventGate | None = None,
        gate_drops: bool = False,
        events_per_sentence: int = 0,
        precision: PrecisionModel | None = None,
    ) -> None:
        self.nlp = nlp
        self.kb = kb
        self.coder = coder
        self.settings = settings
        # Event / no-event gate over candidate pairs: its probability scales each event's confidence
        # (low = marked for the analyst); with ``gate_drops`` events below its threshold are dropped.
        self.gate = gate
        self.gate_drops = gate_drops
        # With N > 0, only the N most confident events of a sentence are kept (its principal events).
        self.events_per_sentence = events_per_sentence
        # The event-precision model turns each event's features into the chance that it is right.
        self.precision = precision
        self.version = compose_version(
            nlp.version, coder.version, version_tags(gate, gate_drops, events_per_sentence, precision)
        )
        self.times = StageTimes()
        self.nlp.add_patterns(kb_patterns(kb))

    def close(self) -> None:
        """Nothing to release in-process (the parallel pipeline stops its workers)."""

    @classmethod
    def load(cls, settings: Settings, threads: int | None = None) -> Pipeline:
        """Load the packaged model, knowledge base and coder (``threads``: BLAS and torch threads)."""
        if threads:
            limit_blas_threads(threads)
        return cls(
            load_nlp(),
            KnowledgeBase.load(),
            EventCoder.load(transformer=settings.get_bool("extract.transformer"), threads=threads),
            settings,
            EventGate.load(),
            gate_drops=settings.get_bool("extract.drop_non_events"),
            events_per_sentence=settings.get_int("extract.events_per_sentence"),
            precision=PrecisionModel.load(),
        )

    @classmethod
    def load_worker(cls, settings: Settings) -> Pipeline:
        """Load the pipeline for a process that does nothing but extract, one such process per core.

        Each thread pool gets one thread (no oversubscription), the C allocator keeps freed blocks
        (:func:`keep_freed_memory`), and the loaded models are left out of Python's garbage
        collections (``gc.freeze``): they live as long as the process, and every full collection
        would walk their objects again.
        """
        import gc

        keep_freed_memory()
        pipeline = cls.load(settings, threads=1)
        gc.collect()
        gc.freeze()
        return pipeline

    def extract(self, articles: Sequence[Article]) -> list[Extraction]:
        """Extract every layer for each article.

        Args:
            articles: stored or about-to-be-stored articles.
        Returns:
            One :class:`Extraction` per article, in order.
        """
        if not articles:
            return []
        # Parsed documents are the memory: hold at most a small group of articles' docs at once.
        group = max(1, self.settings.get_int("extract.batch_size") // 4)
        if len(articles) > group:
            return [x for i in range(0, len(articles), group) for x in self.extract(articles[i : i + group])]
        t0 = time.perf_counter()
        docs = list(
            self.nlp.first_pass((a.text for a in articles), batch_size=self.settings.get_int("extract.batch_size"))
        )
        self.times.add("model.first_pass", time.perf_counter() - t0)
        prepared = [self._mentions(a, d) for a, d in zip(articles, docs, strict=True)]
        # Second pass on the sentences that may hold an event, for the whole batch at once.
        t0 = time.perf_counter()
        wanted: list[tuple[int, int]] = []  # (article, sentence), in article order
        for ai, (_, sents, mentions, _) in enumerate(prepared):
            by_sent = _by_sentence(mentions)
            for si, sent in enumerate(sents):
                actors = {m.actor_id for m in by_sent.get(si, []) if m.actor_id}
                text = articles[ai].text[sent.start_char : sent.end_char]  # Span.text builds every token
                if len(actors) >= 2 or (actors and _PRONOUN.search(text) is not None):
                    wanted.append((ai, si))
        self.times.add("ours.select", time.perf_counter() - t0)
        t0 = time.perf_counter()
        copies = [
            copy
            for ai, group in itertools.groupby(wanted, key=itemgetter(0))
            for copy in sentence_docs(prepared[ai][0], [prepared[ai][1][si] for _, si in group])
        ]
        parsed = self.nlp.second_pass(copies, batch_size=64)
        self.times.add("model.second_pass", time.perf_counter() - t0)
        parsed_by: dict[tuple[int, int], Doc] = dict(zip(wanted, parsed, strict=True))
        prepared = [
            (doc, sents, _parsed_nominals(mentions, sents, parsed_by, ai), state)
            for ai, (doc, sents, mentions, state) in enumerate(prepared)
        ]
        return [
            self._extract_one(a, sents, mentions, state, parsed_by, ai)
            for ai, (a, (_, sents, mentions, state)) in enumerate(zip(articles, prepared, strict=True))
        ]

    # --- stages ---------------------------------------------------------------

    def _actors(self, state: ArticleActors, mentions: Sequence[ActorMention], events: Sequence[Event]) -> list[Actor]:
        """The actors the article names: its provisional ones, then the knowledge base's (shown by the store)."""
        ids = {m.actor_id for m in mentions} | {e.source_actor for e in events} | {e.target_actor for e in events}
        provisional = [a for a in state.provisional.values() if a.id in ids]  # a dropped mention's actor is not kept
        found = (self.kb.get(i) for i in sorted(i for i in ids if i and not i.startswith("prov:")))
        return provisional + [a for a in found if a is not None]

    def _mentions(self, article: Article, doc: Doc) -> tuple[Doc, list[Span], list[ActorMention], ArticleActors]:
        t0 = time.perf_counter()
        sents = list(doc.sents)
        state = ArticleActors(self.kb, article.published, article.source)
        mentions = find_mentions(doc, sents, state)
        self.times.add("ours.actors", time.perf_counter() - t0)
        return doc, sents, mentions, state

    def _extract_one(
        self,
        article: Article,
        sents: list[Span],
        mentions: list[ActorMention],
        state: ArticleActors,
        parsed_by: dict[tuple[int, int], Doc],
        ai: int,
    ) -> Extraction:
        t0 = time.perf_counter()
        version = self.version
        aid = article.id
        sentences = tuple(Sentence(aid, i, s.start_char, s.end_char) for i, s in enumerate(sents))
        by_sent = _by_sentence(mentions)
        # Events.
        pending: list[tuple[Candidate, int, Doc]] = []
        doc_texts: dict[int, str] = {}
        antecedent_thing: ActorMention | None = None
        antecedent_person: ActorMention | None = None
        for si, sent in enumerate(sents):
            doc = parsed_by.get((ai, si))
            sent_mentions = by_sent.get(si, [])
            found: list[Candidate] = []
            if doc is not None:
                ante = antecedent_person if any(t.lower_ in PRONOUNS_PERSON for t in doc) else antecedent_thing
                found = candidates(doc, sent.start_char, sent_mentions, ante)
                pending.extend((c, si, doc) for c in found)
                if found:
                    doc_texts[si] = doc.text  # Doc.text builds every token: once per sentence
            # The next pronoun refers to who acted here: an event's source, else the first actor named.
            actors_here = [c.source for c in found] + [m for m in sent_mentions if m.actor_id is not None]
            for m in actors_here:
                if m.kind == "person":
                    antecedent_person = m
                    break
            for m in actors_here:
                if m.kind in {"government", "country", "igo", "organisation"}:
                    antecedent_thing = m
                    break
        self.times.add("ours.events", time.perf_counter() - t0)
        t0 = time.perf_counter()
        p_event = [1.0] * len(pending)
        if self.gate is not None:
            p_event = self.gate.predict(
                [
                    gate_features(doc, c, sents[si].start_char, [o for o, osi, _ in pending if osi == si])
                    for c, si, doc in pending
                ]
            )
        # The transformer expert codes the pairs the gate takes for events; the others (kept, marked
        # with a low confidence) get the linear heads' decision.
        threshold = self.gate.threshold if self.gate is not None else 0.0
        coded = self.coder.predict(
            [
                CoderInput(
                    doc_texts[si],
                    (c.source.start - sents[si].start_char, c.source.end - sents[si].start_char),
                    (c.target.start - sents[si].start_char, c.target.end - sents[si].start_char),
                    (doc[c.trigger].idx, doc[c.trigger].idx + len(doc[c.trigger].text)),
                )
                for c, si, doc in pending
            ],
            expert=[p >= threshold for p in p_event],
        )
        self.times.add("model.coder", time.perf_counter() - t0)
        t0 = time.perf_counter()
        # A sentence's text is the article's between its offsets (Span.text would build every token).
        texts = [article.text[s.start_char : s.end_char] for s in sents]
        sentence_domains = [domains_mod.sentence_domains(t) for t in texts]
        events: list[Event] = []
        tones: list[Tone] = []
        for (cand, si, doc), out, p_ev in zip(pending, coded, p_event, strict=True):
            if self.gate is not None and self.gate_drops and p_ev < self.gate.threshold:
                continue  # the gate says no event links these two actors here
            offset = sents[si].start_char
            mod, mod_conf = modality(doc[:], cand.trigger)
            if mod is not Modality.NEGATED and _in_hypothetical_np(doc, cand, offset):
                mod = Modality.HYPOTHETICAL  # an event with an actor that may never exist is not a fact
            src = (cand.source.start - offset, cand.source.end - offset)
            tgt = (cand.target.start - offset, cand.target.end - offset)
            stance = tone_mod.stance(doc_texts[si], src, tgt, mod)
            trig = doc[cand.trigger]
            when = event_date(doc, cand.trigger, article.published)
            events.append(
                Event(
                    article_id=aid,
                    sentence_index=si,
                    date=article.published,
                    source_actor=cand.source.actor_id,
                    target_actor=cand.target.actor_id,
                    root=out.root,
                    quad=out.quad,
                    cameo=out.cameo,
                    modality=mod,
                    confidence=round(out.confidence * mod_conf * p_ev, 4),
                    extractor=version,
                    source_text=cand.source.text,
                    target_text=cand.target.text,
                    source_span=(cand.source.start, cand.source.end),
                    target_span=(cand.target.start, cand.target.end),
                    trigger_span=(offset + trig.idx, offset + trig.idx + len(trig.text)),
                    contexts=tuple(sorted(sentence_domains[si], key=lambda d: -sentence_domains[si][d])),
                    stance=stance,
                    occurred=when.day if when else None,
                    occurred_granularity=when.granularity if when else None,
                )
            )
            for s_m, t_m, s_span, t_span in (
                (cand.source, cand.target, src, tgt),
                (cand.target, cand.source, tgt, src),
            ):
                value = stance if s_m is cand.source else tone_mod.stance(doc_texts[si], s_span, t_span, mod)
                if value is not None:
                    tones.append(Tone(aid, si, round(value, 4), version, s_m.actor_id, t_m.actor_id, out.confidence))
        if self.precision is not None and events:
            # The stored confidence is the chance that the event is right (pair, root), not the coder's.
            scores = self.precision.score(event_features(events, sentences, mentions, article.text))
            events = [replace(e, confidence=round(p, 4)) for e, p in zip(events, scores, strict=True)]
        if self.events_per_sentence > 0:
            events, tones = _principal(events, tones, self.events_per_sentence)
        self.times.add("ours.events", time.perf_counter() - t0)
        # Domains and tone.
        t0 = time.perf_counter()
        domain_tags = [
            DomainTag(aid, si, d, round(score, 4), domains_mod.EXTRACTOR)
            for si, scores in enumerate(sentence_domains)
            for d, score in scores.items()
        ]
        article_scores = domains_mod.article_domains(sentence_domains, article.title)
        domain_tags.extend(
            DomainTag(aid, None, d, round(s, 4), domains_mod.EXTRACTOR) for d, s in article_scores.items()
        )
        self.times.add("ours.domains", time.perf_counter() - t0)
        t0 = time.perf_counter()
        sentence_tones = [tone_mod.sentence_tone(t) for t in texts]
        tones.extend(Tone(aid, si, round(v, 4), tone_mod.EXTRACTOR) for si, v in enumerate(sentence_tones))
        weights = [max(1, len(s)) for s in sents]
        tones.append(Tone(aid, None, round(tone_mod.article_tone(sentence_tones, weights), 4), tone_mod.EXTRACTOR))
        self.times.add("ours.tone", time.perf_counter() - t0)
        mention_rows = tuple(
            Mention(
                aid,
                m.sentence_index,
                m.start,
                m.end,
                m.text,
                m.label,
                m.actor_id,
                round(m.confidence, 4),
                version,
                m.country,
                m.sector,
            )
            for m in mentions
        )
        return Extraction(
            article_id=aid,
            extractor=version,
            sentences=sentences,
            mentions=mention_rows,
            events=tuple(events),
            domains=tuple(domain_tags),
            tones=tuple(tones),
            actors=tuple(self._actors(state, mentions, events)),
        )


def _principal(events: list[Event], tones: list[Tone], n: int) -> tuple[list[Event], list[Tone]]:
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


def _parsed_nominals(
    mentions: list[ActorMention], sents: list[Span], parsed_by: dict[tuple[int, int], Doc], ai: int
) -> list[ActorMention]:
    """The mentions, with the ``NOMINAL`` ones kept only where the parse shows them heading a noun phrase."""
    return [
        m
        for m in mentions
        if m.label != "NOMINAL"
        or (
            (ai, m.sentence_index) in parsed_by
            and keep_nominal(parsed_by[(ai, m.sentence_index)], m, sents[m.sentence_index].start_char)
        )
    ]


def _by_sentence(mentions: Sequence[ActorMention]) -> dict[int, list[ActorMention]]:
    out: dict[int, list[ActorMention]] = defaultdict(list)
    for m in mentions:
        out[m.sentence_index].append(m)
    return out


def _in_hypothetical_np(doc: Doc, cand: Candidate, offset: int) -> bool:
    for m in (cand.source, cand.target):
        span = doc.char_span(m.start - offset, m.end - offset, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        np = doc[root.left_edge.i : root.right_edge.i + 1]
        if is_hypothetical_np(np):
            return True
    return False


def extract_stored(
    store: Store,
    pipeline: Pipeline | ParallelPipeline,
    *,
    since: date | None = None,
    force: bool = False,
    batch: int = 50,
    progress: Callable[[int], None] | None = None,
) -> int:
    """(Re)extract stored articles not yet processed by this pipeline version (all with ``force``).

    Each batch is written in one transaction, so an interrupted run resumes where it stopped.

    Returns:
        The number of articles extracted.
    """
    done = 0
    seen: set[str] = set()
    for articles in store.articles_to_extract(pipeline.version, since=since, force=force, batch=batch):
        articles = [a for a in articles if a.id not in seen]
        if not articles:
            continue
        seen.update(a.id for a in articles)
        results = pipeline.extract(articles)
        with store.transaction() as conn:
            store.save_extractions(conn, results)
        done += len(results)
        if progress is not None:
            progress(done)
    return done
