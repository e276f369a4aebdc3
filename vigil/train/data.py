"""The coder's training data: PLV_train, the ConfliBERT quad sentences and the codebook examples.

Reads ``plv_train.events.jsonl`` (root + quad, actor marks) and ``cameo_class_train.events.jsonl``
(quad 0..4) from a data directory (default ``../shared/eval/dev``, looked up from the current
directory, then from the repository root); nothing is copied into the repository. The codebook
examples (``vigil/train/codebook.yaml``) are sentences written for Vigil from the PLOVER root
definitions.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.coder.items import CoderInput, span_of, spans_from_marked, unmark
from vigil.coder.labels import ROOT_TO_QUAD

__all__ = [
    "CAMEO_FILE",
    "PLV_FILE",
    "Example",
    "file_digest",
    "load_cameo",
    "load_codebook",
    "load_plv",
    "near_duplicates",
    "resolve_data_dir",
]

PLV_FILE = "plv_train.events.jsonl"
CAMEO_FILE = "cameo_class_train.events.jsonl"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = Path("..") / "shared" / "eval" / "dev"
CODEBOOK_FILE = Path(__file__).parent / "codebook.yaml"


@dataclass(frozen=True, slots=True)
class Example:
    """One training event: the coder input, its gold labels and its sentence id (for grouping)."""

    item: CoderInput
    root: str | None
    quad: int
    group: str
    text: str


def resolve_data_dir(arg: str | Path | None) -> Path:
    """The data directory: ``arg`` if given, else ``../shared/eval/dev`` from the cwd or the repo root."""
    candidates = [Path(arg)] if arg else [Path.cwd() / DEFAULT_DATA_DIR, REPO_ROOT / DEFAULT_DATA_DIR]
    for cand in candidates:
        if (cand / PLV_FILE).exists():
            return cand.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"{PLV_FILE} not found in {tried}. Pass --data-dir pointing at shared/eval/dev.")


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _strip_span(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """Trim surrounding spaces from a span (some marks include a trailing space)."""
    if span is None:
        return None
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def load_plv(data_dir: Path) -> list[Example]:
    """PLV_train events with actor spans from the ``<s>``/``<t>`` marks (falling back to string search)."""
    out: list[Example] = []
    for rec in _read_jsonl(data_dir / PLV_FILE):
        text = rec["text"]
        for ev in rec["events"]:
            src, tgt = spans_from_marked(ev.get("marked_text") or "")
            src = _strip_span(text, src) or span_of(text, ev.get("source"))
            tgt = _strip_span(text, tgt) or span_of(text, ev.get("target"))
            out.append(Example(CoderInput(text, src, tgt), ev["event"], int(ev["quad"]), rec["id"], text))
    return out


def load_cameo(data_dir: Path) -> list[Example]:
    """ConfliBERT quad-labelled sentences; actor spans by string search (first of several joined actors)."""
    out: list[Example] = []
    for rec in _read_jsonl(data_dir / CAMEO_FILE):
        text = rec["text"]
        for ev in rec["events"]:
            if ev.get("quad") is None:
                continue
            spans = []
            for actor in (ev.get("source"), ev.get("target")):
                span = span_of(text, actor)
                if span is None and actor and ", " in actor:
                    span = span_of(text, actor.split(", ")[0])
                spans.append(span)
            out.append(Example(CoderInput(text, spans[0], spans[1]), None, int(ev["quad"]), rec["id"], text))
    return out


def load_codebook(path: Path = CODEBOOK_FILE) -> list[Example]:
    """The codebook examples: sentences written for Vigil from the PLOVER root definitions.

    They train every fold (their groups are no PLV sentence's, so they are never scored).
    """
    import yaml

    out: list[Example] = []
    for root, sentences in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        if root not in ROOT_TO_QUAD:
            raise ValueError(f"{path}: {root!r} is not a PLOVER root")
        for k, marked in enumerate(sentences):
            src, tgt = spans_from_marked(marked)
            text = unmark(marked)
            if src is None or tgt is None:
                raise ValueError(f"{path}: {root} example {k + 1} needs both <s>...</s> and <t>...</t>")
            out.append(Example(CoderInput(text, src, tgt), root, ROOT_TO_QUAD[root], f"codebook-{root}-{k}", text))
    return out


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch)[0] not in "PS")
    return " ".join(text.split())


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _norm(text).split()
    return frozenset(tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2)))


def near_duplicates(candidates: Sequence[str], against: Sequence[str], threshold: float = 0.5) -> set[int]:
    """Indices of ``candidates`` whose word-3-shingle Jaccard with any of ``against`` is >= threshold."""
    index: dict[tuple[str, ...], list[int]] = {}
    against_sh = [_shingles(t) for t in against]
    for j, sh in enumerate(against_sh):
        for s in sh:
            index.setdefault(s, []).append(j)
    dup: set[int] = set()
    for i, text in enumerate(candidates):
        sh = _shingles(text)
        seen: set[int] = set()
        for s in sh:
            seen.update(index.get(s, ()))
        for j in seen:
            other = against_sh[j]
            if len(sh & other) / max(1, len(sh | other)) >= threshold:
                dup.add(i)
                break
    return dup
