"""Analysts' corrections on the reference article: applied in every view, kept as a trail, surviving re-extraction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vigil.analyze.timeline import timeline
from vigil.analyze.watches import Watch
from vigil.analyze.window import load_records
from vigil.errors import ConfigError
from vigil.extract.pipeline import extract_stored
from vigil.store import Store
from vigil.store.analysis import load_sentences
from vigil.store.corrections import CorrectionError, add_correction, list_corrections, training_examples
from vigil.train.news import correction_examples, read_corrections


def _events_of(store: Store, source: str, sentence: int) -> list[Any]:
    found = [e for e in store.events(actor=source, limit=None, min_confidence=0.0) if e.sentence_index == sentence]
    assert found, [(e.sentence_index, e.root, e.target_actor) for e in store.events(actor=source, limit=None)]
    return found


def test_rejected_and_relabelled_events_hold_in_every_view_and_after_reextraction(
    seed_store: Store, japan_watch: Watch, pipeline: Any, tmp_path: Path
) -> None:
    # "Trump's 'America First' policy has raised concerns within Japan" is no accusation (sentence 15)
    wrong = next(e for e in _events_of(seed_store, "person:donald-trump", 15) if e.target_actor == "country:JPN")
    add_correction(seed_store, "reject", wrong.id, {}, "raising concerns is no accusation", "tester")
    relabelled = next(e for e in seed_store.events(limit=None, min_confidence=0.0) if e.id != wrong.id)
    add_correction(
        seed_store, "relabel", relabelled.id, {"root": "CONSULT", "modality": "intended"}, "checked", "tester"
    )

    def check() -> None:
        ids = {e.id: e for e in seed_store.events(limit=None, min_confidence=0.0)}
        assert wrong.id not in ids
        fixed = ids[relabelled.id]
        assert (fixed.root, fixed.quad, fixed.modality.value, fixed.confidence) == ("CONSULT", 1, "intended", 1.0)
        records = load_records(seed_store, min_confidence=0.0)
        assert not any(e.id == wrong.id for e in records.events)
        assert all(
            "ACCUSE" not in (t.key_event or "") or "Japan" not in (t.key_event or "")
            for t in timeline(records, japan_watch)
        )

    check()
    extract_stored(seed_store, pipeline, force=True)  # the article extracted again: new rows, same places
    check()
    trail = list_corrections(seed_store)
    assert [(c.kind, c.author) for c in trail] == [("reject", "tester"), ("relabel", "tester")]
    examples = training_examples(seed_store)
    assert {(x["event"], x.get("root")) for x in examples} == {(False, None), (True, "CONSULT")}
    assert all(isinstance(x["article"], str) and isinstance(x["sentence"], int) for x in examples)
    json.dumps(examples)  # JSON-ready
    # ... which the news model's training reads (scripts/train-news-model --corrections), sentences from the store
    exported = tmp_path / "corrections.jsonl"
    exported.write_text("".join(json.dumps(x) + "\n" for x in examples), encoding="utf-8")
    trained = correction_examples(read_corrections(exported), seed_store)
    assert sorted((root or "", quad) for _, root, quad in trained) == [("", 0), ("CONSULT", 1)]
    # each example is its event's sentence, with the event's own words as the pair
    article = seed_store.get_article(wrong.article_id)
    assert article is not None
    sentences = {x.index: article.text[x.start : x.end] for x in load_sentences(seed_store, [wrong.article_id])}
    for event, (item, root, _) in zip(
        (wrong, relabelled), sorted(trained, key=lambda t: t[1] is not None), strict=True
    ):
        assert (root is None) == (event is wrong)
        assert item.text == sentences[event.sentence_index]
        assert (item.text[slice(*item.source)], item.text[slice(*item.target)]) == (
            event.source_text,
            event.target_text,
        )
    exported.write_text('{"article": "x"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="corrections.jsonl:1: a correction needs article, sentence and event"):
        read_corrections(exported)


def test_merged_and_split_actors_read_as_corrected_and_undo_restores(seed_store: Store) -> None:
    before = {e.id for e in seed_store.events(target="gov:JPN", limit=None, min_confidence=0.0)}
    of_country = {e.id for e in seed_store.events(target="country:JPN", limit=None, min_confidence=0.0)}
    assert of_country, "the reference article has events with country:JPN as target"
    merge = add_correction(seed_store, "merge", "country:JPN", {"into": "gov:JPN"}, "one state here", "tester")
    after = {e.id for e in seed_store.events(target="gov:JPN", limit=None, min_confidence=0.0)}
    assert after == before | of_country
    assert not seed_store.events(target="country:JPN", limit=None, min_confidence=0.0)
    records = load_records(seed_store, min_confidence=0.0)
    assert "country:JPN" not in {m.actor_id for m in records.mentions}
    add_correction(seed_store, "undo", str(merge.id), {}, "changed my mind", "tester")
    assert {e.id for e in seed_store.events(target="country:JPN", limit=None, min_confidence=0.0)} == of_country
    aso = seed_store.mentions(next(iter(records.articles)))
    assert any(m.actor_id == "person:taro-aso" for m in aso)
    add_correction(seed_store, "split", "person:taro-aso", {"text": "Aso", "as": "prov:aso-test"}, "test", "tester")
    assert not any(m.actor_id == "person:taro-aso" for m in seed_store.mentions(next(iter(records.articles))))


@pytest.mark.parametrize(
    ("kind", "target", "value", "message"),
    [
        ("reject", "0" * 20, {}, "No event with id"),
        ("relabel", "x", {"root": "TARIFF"}, "Unknown root"),
        ("redate", "x", {"date": "last Tuesday"}, "YYYY-MM-DD"),
        ("merge", "gov:JPN", {"into": "japan"}, "--into"),
        ("split", "gov:JPN", {"text": "ministry"}, "--as"),
        ("undo", "99", {}, "No correction"),
        ("erase", "x", {}, "Unknown correction"),
    ],
)
def test_bad_corrections_are_refused_with_what_to_give(
    seed_store: Store, kind: str, target: str, value: dict[str, Any], message: str
) -> None:
    with pytest.raises(CorrectionError, match=message):
        add_correction(seed_store, kind, target, value, "reason", "tester")
    assert list_corrections(seed_store) == []
