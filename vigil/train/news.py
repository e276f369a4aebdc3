"""Training data of the news event model, from the project's news annotations.

Each annotated sentence is run through the pipeline's first stages (parse, actor mentions); every
ordered pair of actors named in a parsed sentence (and subject or object pronouns) becomes an
example: the root of the annotated event whose source and target overlap the pair (a joint root,
AGREE, CONSULT or COOPERATE, in either direction), else "no event". The model is then fine-tuned on
these pairs with PLV_train, the ConfliBERT quad sentences and the codebook examples
(:func:`training_examples`); ``scripts/train-news-model`` writes it into ``vigil/coder/weights``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.coder.items import CoderInput, span_of
from vigil.coder.labels import JOINT_ROOTS, ROOT_TO_QUAD
from vigil.extract.version import DEFAULT_STAGES

if TYPE_CHECKING:
    from vigil.extract.pipeline import Pipeline

__all__ = [
    "UP_TO_PAIRS",
    "LabelledPair",
    "NewsTraining",
    "annotation_pairs",
    "train_news_model",
    "training_examples",
]

_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i"})
_PRONOUN_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "dobj", "pobj"})
# The stages that find a sentence's actors (and parse it) before pairs are made.
UP_TO_PAIRS = DEFAULT_STAGES[: DEFAULT_STAGES.index("actors.nominals") + 1]


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """An ordered actor pair of an annotated sentence and its label (None: no event)."""

    record: str
    article: str
    text: str
    source: tuple[int, int]
    target: tuple[int, int]
    root: str | None
    linked: bool  # the parse links the two actors through one verb (rule-based candidate finder)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _label(
    golds: Sequence[tuple[tuple[int, int], tuple[int, int], str]], s: tuple[int, int], t: tuple[int, int]
) -> str | None:
    for gs, gt, root in golds:
        if _overlaps(gs, s) and _overlaps(gt, t):
            return root
    for gs, gt, root in golds:
        if root in JOINT_ROOTS and _overlaps(gs, t) and _overlaps(gt, s):
            return root
    return None


def annotation_pairs(records: Sequence[dict[str, Any]], pipeline: Pipeline, batch: int = 32) -> list[LabelledPair]:
    """Every ordered actor pair of each annotated record (one record: a one-sentence article), labelled.

    Args:
        records: gold records with ``text``, ``id``, ``article`` and ``events`` (named actors).
        pipeline: a loaded pipeline; its stages up to the actor mentions and the second parse run.
    """
    from vigil.evaluate.coding import _as_article
    from vigil.extract.events import candidates
    from vigil.extract.state import ArticleWork

    stages = pipeline.with_stages([*UP_TO_PAIRS]).stages
    resources = pipeline.resources()
    out: list[LabelledPair] = []
    for i in range(0, len(records), batch):
        chunk = records[i : i + batch]
        works = [ArticleWork(_as_article(r)) for r in chunk]
        for st in stages:
            works = st.run(works, resources)
        for record, work in zip(chunk, works, strict=True):
            golds = []
            for g in record.get("events", []):
                s, t = span_of(record["text"], g.get("source")), span_of(record["text"], g.get("target"))
                if s and t and g.get("event"):
                    golds.append((s, t, str(g["event"])))
            by_sent = defaultdict(list)
            for m in work.mentions:
                by_sent[m.sentence_index].append(m)
            for si, sent in enumerate(work.spans):
                doc = work.parses.get(si)
                if doc is None:
                    continue
                offset = sent.start_char
                linked = {
                    ((c.source.start, c.source.end), (c.target.start, c.target.end))
                    for c in candidates(doc, offset, by_sent[si], None)
                }
                actors: list[tuple[tuple[int, int], str]] = [
                    ((m.start, m.end), m.actor_id or m.text.lower()) for m in by_sent[si]
                ]
                covered = {k for (a, b), _ in actors for k in range(a - offset, b - offset)}
                for tok in doc:
                    if tok.lower_ in _PRONOUNS and tok.dep_ in _PRONOUN_DEPS and tok.idx not in covered:
                        span = (offset + tok.idx, offset + tok.idx + len(tok.text))
                        actors.append((span, f"pronoun:{tok.i}"))
                for a_span, a_key in actors:
                    for b_span, b_key in actors:
                        if a_key == b_key or _overlaps(a_span, b_span):
                            continue
                        out.append(
                            LabelledPair(
                                str(record["id"]),
                                str(record.get("article") or record["id"]),
                                record["text"],
                                a_span,
                                b_span,
                                _label(golds, a_span, b_span),
                                (a_span, b_span) in linked or (b_span, a_span) in linked,
                            )
                        )
    return out


def training_examples(
    pairs: Sequence[LabelledPair],
    data_dir: Path,
    negatives_per_event: float = 2.0,
    seed: int = 0,
    every_linked: bool = True,
    with_plv: bool = True,
) -> list[tuple[CoderInput, str | None, int]]:
    """The news pairs (every event, every no-event pair the parse links, which are the pairs the pipeline
    codes, and ``negatives_per_event / 2`` times as many no-event pairs it does not link) with PLV_train, the
    codebook and the ConfliBERT quad sentences.

    With ``every_linked=False``, ``negatives_per_event`` times as many no-event pairs as events, half of them
    pairs the parse links. ``with_plv=False`` leaves out
    PLV_train, the codebook and the ConfliBERT sentences (the news pairs alone).

    A no-event pair is labelled quad 0 without a root: the model's quad-0 probability is the chance
    that no event links the pair.
    """
    from vigil.train.data import load_cameo, load_codebook, load_plv

    rng = random.Random(seed)
    events = [p for p in pairs if p.root]
    negative = [p for p in pairs if not p.root]
    linked = [p for p in negative if p.linked]
    other = [p for p in negative if not p.linked]
    n = int(negatives_per_event * len(events))
    chosen = list(linked) if every_linked else rng.sample(linked, min(len(linked), n // 2))
    n = len(chosen) + n // 2 if every_linked else n
    chosen += rng.sample(other, min(len(other), n - len(chosen)))
    examples = (
        [(e.item, e.root, e.quad) for e in load_plv(data_dir) + load_codebook() + load_cameo(data_dir)]
        if with_plv
        else []
    )
    examples += [(CoderInput(p.text, p.source, p.target), p.root, ROOT_TO_QUAD[p.root]) for p in events if p.root]
    examples += [(CoderInput(p.text, p.source, p.target), None, 0) for p in chosen]
    return examples


def read_corrections(path: Path) -> list[dict[str, Any]]:
    """The rows of a ``vigil correct export`` file.

    Raises:
        VigilError: the file is unreadable or a line is no JSON; ConfigError: a line is no correction.
    """
    from vigil.errors import ConfigError
    from vigil.evaluate.gold import json_lines

    rows = []
    for n, row in json_lines(path, "corrections file"):
        if not isinstance(row, dict) or not {"article", "sentence", "event"} <= set(row):
            raise ConfigError(
                f"{path}:{n}: a correction needs article, sentence and event; see `vigil correct export`."
            )
        rows.append(row)
    return rows


def correction_examples(rows: Sequence[dict[str, Any]], store: Any) -> list[tuple[CoderInput, str | None, int]]:
    """Training examples from analysts' corrections (``vigil correct export``): a rejected event is a
    no-event pair, a relabelled one an event of its new root, each in its sentence as the store holds it.

    Rows whose article or sentence the store does not hold, whose words are no longer in the sentence,
    or that change only a date or a modality are left out.

    Args:
        rows: the exported corrections (article, sentence, source_text, target_text, event, root).
        store: the store the corrections were made on (the sentences are read from it).
    Returns:
        ``(input, root or None, quad)`` examples, as :func:`training_examples` gives them.
    """
    from vigil.store.analysis import load_articles, load_sentences

    ids = sorted({str(r["article"]) for r in rows})
    texts = {a.id: a.text for a in load_articles(store, ids=ids)}
    sentences = {(s.article_id, s.index): s for s in load_sentences(store, ids)}
    out: list[tuple[CoderInput, str | None, int]] = []
    for r in rows:
        sent = sentences.get((str(r["article"]), int(r["sentence"])))
        if sent is None or str(r["article"]) not in texts:
            continue
        text = texts[str(r["article"])][sent.start : sent.end]
        source, target = span_of(text, r.get("source_text")), span_of(text, r.get("target_text"))
        if source is None or target is None:
            continue
        if not r.get("event"):
            out.append((CoderInput(text, source, target), None, 0))
        elif r.get("root") in ROOT_TO_QUAD:
            out.append((CoderInput(text, source, target), str(r["root"]), ROOT_TO_QUAD[str(r["root"])]))
    return out


def holdout_split(
    records: Sequence[dict[str, Any]], fold: int, folds: int = 5
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(training, held-out) records: fold ``fold`` of ``folds``, grouped by article (sklearn's GroupKFold)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    groups = np.array([str(r.get("article") or r["id"]) for r in records])
    train, test = list(GroupKFold(folds).split(np.zeros(len(records)), groups=groups))[fold]
    return [records[i] for i in train], [records[i] for i in test]


@dataclass(frozen=True, slots=True)
class NewsTraining:
    """What :func:`train_news_model` trains on and where it writes."""

    annotations: Path
    shared: Path
    out: Path
    holdout_fold: int | None = None
    negatives: float = 2.0
    every_linked: bool = True
    corrections: Path | None = None
    store: Any = None  # the store the corrections were made on
    epochs: int | None = None  # None: TransformerConfig's
    with_plv: bool = True


def train_news_model(job: NewsTraining, progress: Any = None) -> dict[str, Any]:
    """Fine-tune the news event model on the annotations (and corrections) and write its weights to ``job.out``.

    Returns:
        What it trained on: sentences, pairs, events, corrections, examples, seconds, the written file.
    Raises:
        ConfigError: corrections without the store they were made on.
    """
    import time
    from dataclasses import replace as replace_config

    from vigil.coder.news import STEM
    from vigil.coder.transformer import TransformerConfig
    from vigil.config import load_settings
    from vigil.errors import ConfigError
    from vigil.evaluate.gold import load_gold
    from vigil.extract.pipeline import Pipeline
    from vigil.train.data import resolve_data_dir
    from vigil.train.transformer import fit_expert

    if job.corrections is not None and job.store is None:
        raise ConfigError("Corrections are read with the store they were made on: give --db STORE.")
    started = time.perf_counter()
    records = [r for r in load_gold(job.annotations, job.shared).records if r.get("text")]
    if job.holdout_fold is not None:
        records, _ = holdout_split(records, job.holdout_fold)
    pipeline = Pipeline.load(load_settings(env={}), stages=UP_TO_PAIRS)
    pairs = annotation_pairs(records, pipeline)
    data_dir = resolve_data_dir(None) if job.with_plv else Path()
    examples = training_examples(pairs, data_dir, job.negatives, every_linked=job.every_linked, with_plv=job.with_plv)
    corrected = correction_examples(read_corrections(job.corrections), job.store) if job.corrections else []
    examples += corrected
    cfg = TransformerConfig()
    if job.epochs is not None:
        cfg = replace_config(cfg, epochs=job.epochs)
    expert = fit_expert(examples, cfg, progress=progress)
    job.out.mkdir(parents=True, exist_ok=True)
    expert.save(job.out, stem=STEM)
    return {
        "sentences": len(records),
        "pairs": len(pairs),
        "events": sum(1 for p in pairs if p.root),
        "corrections": len(corrected),
        "examples": len(examples),
        "seconds": round(time.perf_counter() - started, 1),
        "weights": str(job.out / f"{STEM}.safetensors"),
    }
