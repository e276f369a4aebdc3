"""The extraction pipeline: one loop over registered stages, on a batch of articles.

Each stage declares what it reads and what it writes (:mod:`vigil.extract.stages`); the pipeline
runs them in order over each article's working state (:class:`~vigil.extract.state.ArticleWork`)
and stores what the last one holds. The default stages, with what each reads and writes, are
:data:`~vigil.extract.version.DEFAULT_STAGES`.

Every record carries its article, sentence, the extractor version and a confidence. To add a
stage, see docs/extraction.md.
"""

from __future__ import annotations

import copy
import importlib
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from vigil.coder.coder import EventCoder
from vigil.coder.gate import EventGate
from vigil.coder.news import NewsEventModel
from vigil.coder.precision import PrecisionModel
from vigil.config import Settings
from vigil.extract.actors import kb_patterns
from vigil.extract.domains import DomainLexicon
from vigil.extract.lexicon import Lexicon, default_lexicon
from vigil.extract.modality import ModalityCues
from vigil.extract.nlp import NLP, keep_freed_memory, limit_blas_threads, load_nlp
from vigil.extract.stages import Stage, build, configured_stages
from vigil.extract.state import ArticleWork, Resources
from vigil.extract.timing import StageTimes
from vigil.extract.tone import ToneLexicon
from vigil.extract.version import DEFAULT_STAGES, STAGE_MODULES, compose_version, stages_tag, version_tags
from vigil.kb import KnowledgeBase
from vigil.models import Article, Extraction
from vigil.store.changes import Touches

if TYPE_CHECKING:
    from vigil.extract.parallel import ParallelPipeline
    from vigil.store import Store

__all__ = ["DEFAULT_STAGES", "Pipeline", "extract_stored"]

for _module in STAGE_MODULES:
    importlib.import_module(_module)  # registers the default stages


class Pipeline:
    """Everything extraction needs, loaded once and passed explicitly, and the stages that use it.

    Args:
        nlp: the spaCy passes; kb: the actor knowledge base; coder: the trained event coder.
        settings: Vigil settings.
        gate: the event / no-event gate over candidate pairs: its probability scales each event's
            confidence (low = marked for the analyst).
        gate_drops: drop the events below the gate's threshold.
        events_per_sentence: with N > 0, keep only the N most confident events of a sentence.
        precision: the event-precision model, which turns each event's features into the chance
            that it is right.
        stages: the names of the stages to run, in order (default :data:`DEFAULT_STAGES`).
        domains, tone, modality, triggers: the lexicons (default: the packaged ones).
    Raises:
        StageError: when a stage is unknown or requires what no stage before it produces.
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
        *,
        stages: Sequence[str] | None = None,
        domains: DomainLexicon | None = None,
        tone: ToneLexicon | None = None,
        modality: ModalityCues | None = None,
        triggers: Lexicon | None = None,
        news: NewsEventModel | None = None,
    ) -> None:
        names = configured_stages(settings) if stages is None else tuple(stages)
        self.stages: list[Stage] = build(names)
        self.nlp = nlp
        self.kb = kb
        self.coder = coder
        self.settings = settings
        self.gate = gate
        self.gate_drops = gate_drops
        self.events_per_sentence = events_per_sentence
        self.precision = precision
        self.domains = domains or DomainLexicon.load()
        self.tone = tone or ToneLexicon.load()
        self.modality = modality or ModalityCues.load()
        self.triggers = triggers or default_lexicon()
        self.news = news
        self._base_version = compose_version(
            nlp.version,
            coder.version,
            version_tags(gate, gate_drops, events_per_sentence, precision, news.version if news else None),
        )
        self.version = self._base_version + stages_tag(names)
        self.times = StageTimes()
        self.nlp.add_patterns(kb_patterns(kb))

    def close(self) -> None:
        """Nothing to release in-process (the parallel pipeline stops its workers)."""

    @classmethod
    def load(cls, settings: Settings, threads: int | None = None, stages: Sequence[str] | None = None) -> Pipeline:
        """Load the packaged models, knowledge base and lexicons.

        Args:
            settings: Vigil settings.
            threads: BLAS and torch threads (default: theirs).
            stages: the stages to run, in order (default: :func:`configured_stages` of the settings).
        """
        if threads:
            limit_blas_threads(threads)
        names = configured_stages(settings) if stages is None else tuple(stages)
        return cls(
            load_nlp(),
            KnowledgeBase.load(),
            # The coder's transformer expert codes only in 'events.code' (not a default stage).
            EventCoder.load(
                transformer=settings.get_bool("extract.transformer") and "events.code" in names, threads=threads
            ),
            settings,
            EventGate.load(),
            gate_drops=settings.get_bool("extract.drop_non_events"),
            events_per_sentence=settings.get_int("extract.events_per_sentence"),
            precision=PrecisionModel.load(),
            stages=stages,
            domains=DomainLexicon.load(),
            tone=ToneLexicon.load(),
            modality=ModalityCues.load(),
            triggers=Lexicon.load(),
            news=NewsEventModel.load(threads=threads) if "events.news" in names else None,
        )

    @classmethod
    def load_worker(cls, settings: Settings, stages: Sequence[str] | None = None) -> Pipeline:
        """Load the pipeline for a process that does nothing but extract, one such process per core.

        Each thread pool gets one thread (no oversubscription), the C allocator keeps freed blocks
        (:func:`keep_freed_memory`), and the loaded models are left out of Python's garbage
        collections (``gc.freeze``): they live as long as the process, and every full collection
        would walk their objects again.
        """
        import gc

        keep_freed_memory()
        pipeline = cls.load(settings, threads=1, stages=stages)
        gc.collect()
        gc.freeze()
        return pipeline

    def with_stages(self, stages: Sequence[str]) -> Pipeline:
        """The same loaded models and settings, running the stages ``stages`` (in order).

        Raises:
            StageError: when a stage is unknown or requires what no stage before it produces.
        """
        other = copy.copy(self)
        other.stages = build(stages)
        other.version = self._base_version + stages_tag(stages)
        other.times = StageTimes()
        return other

    def resources(self) -> Resources:
        """What the stages use, as the pipeline holds it now (a caller may swap the gate or the coder)."""
        return Resources(
            settings=self.settings,
            version=self.version,
            nlp=self.nlp,
            kb=self.kb,
            coder=self.coder,
            gate=self.gate,
            gate_drops=self.gate_drops,
            events_per_sentence=self.events_per_sentence,
            precision=self.precision,
            domains=self.domains,
            tone=self.tone,
            modality=self.modality,
            triggers=self.triggers,
            news=self.news,
        )

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
        resources = self.resources()
        works = [ArticleWork(a) for a in articles]
        for st in self.stages:
            t0 = time.perf_counter()
            works = st.run(works, resources)
            self.times.add(st.clock, time.perf_counter() - t0)
        return [w.extraction(self.version) for w in works]


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
        with store.transaction(Touches.published(a.published for a in articles)) as conn:
            store.save_extractions(conn, results)
        done += len(results)
        if progress is not None:
            progress(done)
    return done
