"""What extraction stages read and write: an article's working state, and the loaded resources.

:class:`ArticleWork` holds one article while the pipeline runs: its first-pass doc, sentences,
mentions, the parsed sentences, the event drafts, and the records made so far. Stages do not
change it: each returns a new one (``dataclasses.replace``). :class:`Resources` holds what the
pipeline loaded once (models, knowledge base, lexicons) and the event settings, passed to every
stage. :meth:`ArticleWork.extraction` turns the final state into the stored
:class:`~vigil.models.Extraction`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vigil.extract.stages import StageError
from vigil.models import Actor, Article, DomainTag, Event, Extraction, Mention, Modality, Sentence, Tone

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from vigil.coder.coder import EventCoder
    from vigil.coder.gate import EventGate
    from vigil.coder.items import CoderOutput
    from vigil.coder.news import NewsEventModel
    from vigil.coder.precision import PrecisionModel
    from vigil.config import Settings
    from vigil.extract.actors import ActorMention, ArticleActors
    from vigil.extract.domains import DomainLexicon
    from vigil.extract.events import Candidate
    from vigil.extract.lexicon import Lexicon
    from vigil.extract.modality import ModalityCues
    from vigil.extract.nlp import NLP
    from vigil.extract.timex import EventDate
    from vigil.extract.tone import ToneLexicon
    from vigil.kb import KnowledgeBase

__all__ = ["ArticleWork", "EventDraft", "Resources"]


@dataclass(frozen=True, slots=True)
class Resources:
    """Everything stages use besides the article, loaded once by the pipeline.

    Attributes:
        settings: Vigil settings.
        version: the extractor version stored with every record.
        nlp: the spaCy passes; kb: the actor knowledge base; coder: the event coder.
        gate: the event / no-event gate (None: every candidate pair counts as an event).
        gate_drops: drop the pairs the gate rejects (else keep them with a low confidence).
        events_per_sentence: keep the N most confident events of a sentence (0: all).
        precision: the event-precision model giving each event its confidence (None: the coder's).
        domains: the policy-domain lexicon; tone: the tone and stance lexicon;
        modality: the modality cues; triggers: the trigger lexicon (gate features).
        news: the news event model (``events.news``), None when the stages do not use it.
    """

    settings: Settings
    version: str
    nlp: NLP
    kb: KnowledgeBase
    coder: EventCoder
    gate: EventGate | None
    gate_drops: bool
    events_per_sentence: int
    precision: PrecisionModel | None
    domains: DomainLexicon
    tone: ToneLexicon
    modality: ModalityCues
    triggers: Lexicon
    news: NewsEventModel | None = None


@dataclass(frozen=True, slots=True)
class EventDraft:
    """A candidate event while stages work on it: the pair, its parsed sentence, and what is known so far.

    Attributes:
        candidate: the source/target pair and its trigger (a token of ``doc``).
        sentence_index: the sentence it is in; offset: that sentence's first character in the article.
        doc: the sentence parsed by the second pass; text: its text.
        p_event: the gate's probability that an event links the pair (1.0 without a gate).
        code: the coder's decision (``events.code``).
        modality, modality_confidence: ``events.modality``'s reading.
        stance, reverse_stance: the source's stance toward the target and back (``events.stance``).
        when: when the event happened (``events.dates``).
    """

    candidate: Candidate
    sentence_index: int
    offset: int
    doc: Doc
    text: str
    p_event: float = 1.0
    code: CoderOutput | None = None
    modality: Modality = Modality.ASSERTED
    modality_confidence: float = 1.0
    stance: float | None = None
    reverse_stance: float | None = None
    when: EventDate | None = None

    def span(self, mention: ActorMention) -> tuple[int, int]:
        """A mention's character span in the sentence (mentions hold article offsets)."""
        return mention.start - self.offset, mention.end - self.offset


@dataclass(frozen=True, slots=True)
class ArticleWork:
    """One article's working state; each field is produced by the stage named in its comment."""

    article: Article
    doc: Doc | None = None  # parse.first_pass
    spans: tuple[Span, ...] = ()  # parse.sentences: the first-pass sentences
    sentences: tuple[Sentence, ...] = ()  # parse.sentences
    texts: tuple[str, ...] = ()  # parse.sentences: each sentence's text
    actor_state: ArticleActors | None = None  # actors.mentions: the article's resolutions
    mentions: tuple[ActorMention, ...] = ()  # actors.mentions, actors.nominals
    to_parse: tuple[int, ...] = ()  # events.select: the sentences the second pass parses
    parses: Mapping[int, Doc] = field(default_factory=dict)  # parse.second_pass: sentence index -> parsed doc
    drafts: tuple[EventDraft, ...] = ()  # events.candidates, events.gate, events.code, ...
    sentence_domains: tuple[Mapping[str, float], ...] = ()  # domains.sentences
    events: tuple[Event, ...] = ()  # events.build, events.precision, events.principal
    tones: tuple[Tone, ...] = ()  # tone.directed, tone.sentences
    domains: tuple[DomainTag, ...] = ()  # domains.tags
    mention_rows: tuple[Mention, ...] = ()  # actors.records
    actors: tuple[Actor, ...] = ()  # actors.records: the provisional and known actors named

    def first_pass(self) -> Doc:
        """The article's first-pass doc; raises :class:`StageError` before ``parse.first_pass`` has run."""
        if self.doc is None:
            raise StageError(f"Article {self.article.id} has no first-pass doc: run 'parse.first_pass' first.")
        return self.doc

    def extraction(self, version: str) -> Extraction:
        """The records to store for the article."""
        return Extraction(
            article_id=self.article.id,
            extractor=version,
            sentences=self.sentences,
            mentions=self.mention_rows,
            events=self.events,
            domains=self.domains,
            tones=self.tones,
            actors=self.actors,
        )
