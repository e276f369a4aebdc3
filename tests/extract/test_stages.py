"""Tests for vigil.extract.stages: registering a stage, building a pipeline's list of stages."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from tests.conftest import wikinews_article
from vigil.errors import ExtractError, VigilError
from vigil.extract.pipeline import DEFAULT_STAGES
from vigil.extract.stages import StageError, build, registered, stage
from vigil.extract.state import ArticleWork, Resources
from vigil.extract.tone import sentence_tone
from vigil.models import Tone

ACTOR_TONE = "tone.actor_sentences"


@stage("test.actor_sentence_tone", requires={"texts", "mentions.parsed"}, produces={"tones.actor_sentences"})
def actor_sentence_tone(work: ArticleWork, res: Resources) -> ArticleWork:
    """The mean tone of the sentences that name an actor, as an article tone of its own."""
    named = sorted({m.sentence_index for m in work.mentions})
    if not named:
        return work
    value = math.fsum(sentence_tone(work.texts[si], res.tone) for si in named) / len(named)
    return replace(work, tones=(*work.tones, Tone(work.article.id, None, round(value, 4), ACTOR_TONE)))


def test_stages_user_stage_runs_in_an_extraction(pipeline: Any) -> None:
    article = wikinews_article("Ebola")
    plain = pipeline.extract([article])[0]
    x = pipeline.with_stages([*DEFAULT_STAGES, "test.actor_sentence_tone"]).extract([article])[0]
    added = [t for t in x.tones if t.extractor == ACTOR_TONE]
    assert len(added) == 1
    # The stage read the built-in stages' sentences and mentions: recompute it from the stored records.
    named = {m.sentence_index for m in x.mentions}
    tones = {t.sentence_index: t.score for t in x.tones if t.extractor == "tone.vader_news"}
    assert named and added[0].score == pytest.approx(math.fsum(tones[si] for si in named) / len(named), abs=1e-3)
    # Everything else is what the default stages extract, under another extractor version.
    assert x.extractor != plain.extractor
    assert [replace(e, extractor=plain.extractor) for e in x.events] == list(plain.events)
    assert [replace(m, extractor=plain.extractor) for m in x.mentions] == list(plain.mentions)
    assert [t for t in x.tones if t.extractor != ACTOR_TONE] == list(plain.tones)


def test_stages_builtin_stages_are_registered_like_user_ones() -> None:
    stages = build(DEFAULT_STAGES)
    assert [s.name for s in stages] == list(DEFAULT_STAGES)
    assert {s.func.__module__ for s in stages} >= {"vigil.extract.tone", "vigil.extract.actors", "vigil.extract.nlp"}
    assert registered()["test.actor_sentence_tone"].func is actor_sentence_tone


def test_stages_missing_producer_names_the_stages_that_produce_it() -> None:
    with pytest.raises(StageError) as caught:
        build(["parse.first_pass", "parse.sentences", "actors.mentions", "test.actor_sentence_tone"])
    message = str(caught.value)
    assert "Stage 'test.actor_sentence_tone' requires 'mentions.parsed'" in message
    assert "actors.nominals" in message
    assert isinstance(caught.value, ExtractError) and isinstance(caught.value, VigilError)


def test_stages_order_matters() -> None:
    with pytest.raises(StageError, match="Stage 'events.build' requires 'drafts.code'.*events.code, events.news"):
        build([*(n for n in DEFAULT_STAGES if n != "events.news"), "events.news"])


def test_stages_unknown_name_lists_the_registered_stages(pipeline: Any) -> None:
    with pytest.raises(StageError, match="Unknown extraction stage 'tone.nope'.*tone.sentences"):
        pipeline.with_stages([*DEFAULT_STAGES, "tone.nope"])


def test_stages_a_name_is_registered_once() -> None:
    with pytest.raises(StageError, match="already registered"):

        @stage("tone.sentences")
        def other(work: ArticleWork, res: Resources) -> ArticleWork:
            return work


def test_stages_user_stage_runs_in_worker_processes(pipeline: Any) -> None:
    """Each worker imports the module that registered the stage, and gives the in-process results."""
    from vigil.config import load_settings
    from vigil.extract.parallel import ParallelPipeline

    names = [*DEFAULT_STAGES, "test.actor_sentence_tone"]
    articles = [wikinews_article("Ebola"), wikinews_article("Brexit")]
    with ParallelPipeline(load_settings(env={}), workers=2, stages=names) as parallel:
        found = parallel.extract(articles)
    assert found == pipeline.with_stages(names).extract(articles)
    assert all(any(t.extractor == ACTOR_TONE for t in x.tones) for x in found)


def test_stages_come_from_the_settings_and_mark_the_version(pipeline: Any) -> None:
    """`extract.stages` and `extract.stage_modules` choose the stages; another list is another extractor version."""
    from vigil.config import load_settings
    from vigil.extract.stages import configured_stages

    assert configured_stages(load_settings(env={})) == DEFAULT_STAGES
    names = ",".join([*DEFAULT_STAGES, "test.actor_sentence_tone"])
    settings = load_settings(env={}, overrides={"extract.stages": names, "extract.stage_modules": __name__})
    assert configured_stages(settings) == (*DEFAULT_STAGES, "test.actor_sentence_tone")
    extended = pipeline.with_stages(configured_stages(settings))
    assert extended.version != pipeline.version and extended.version.startswith(pipeline.version)
    bad = load_settings(env={}, overrides={"extract.stage_modules": "no_such_module_for_vigil"})
    with pytest.raises(StageError, match="no_such_module_for_vigil"):
        configured_stages(bad)
    unknown = load_settings(env={}, overrides={"extract.stages": "parse.first_pass,no.such.stage"})
    with pytest.raises(StageError, match="no.such.stage"):
        build(configured_stages(unknown))
