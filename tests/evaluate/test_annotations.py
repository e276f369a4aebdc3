"""The project's news annotations: stored by reference, resolved from ../shared, checked on load."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SHARED
from vigil.coder.labels import ROOT_TO_QUAD
from vigil.errors import ConfigError
from vigil.evaluate.agreement import agreement, match_events
from vigil.evaluate.annotations import (
    MODALITIES,
    AnnotatedSentence,
    corpus_articles,
    load,
    split_sentences,
)

ANNOTATIONS = Path(__file__).resolve().parents[2] / "annotations"
MAIN = ANNOTATIONS / "news_events.jsonl"
DOUBLE = ANNOTATIONS / "news_events.double.jsonl"


@pytest.fixture(scope="module")
def annotated() -> list[AnnotatedSentence]:
    return load([MAIN], SHARED)


def test_every_annotation_resolves_to_its_sentence(annotated: list[AnnotatedSentence]) -> None:
    assert len(annotated) >= 3000
    assert len({a.id for a in annotated}) == len(annotated)
    families = Counter(a.corpus.split("/")[0] for a in annotated)
    assert set(families) == {"wikinews", "guardian_sample", "feeds"}
    for a in annotated:
        assert 50 <= len(a.text) <= 420
        for e in a.events:
            assert e["source"] and e["target"] and e["event"] in ROOT_TO_QUAD and e["modality"] in MODALITIES
            assert a.text[slice(*e["source_span"])] == e["source"]


def test_most_sentences_hold_no_event_as_in_real_news(annotated: list[AnnotatedSentence]) -> None:
    empty = sum(not a.events for a in annotated) / len(annotated)
    assert 0.55 <= empty <= 0.8
    roots = Counter(e["event"] for a in annotated for e in a.events)
    assert len(roots) == 15 and roots.most_common(1)[0][0] == "ASSAULT"


def test_no_third_party_text_is_stored() -> None:
    for path in (MAIN, DOUBLE):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert "text" not in record
            for event in record["events"]:
                assert all(isinstance(v, int) for v in (*event["source"], *event["target"]))


def test_a_changed_corpus_is_an_error(tmp_path: Path) -> None:
    record = json.loads(MAIN.read_text(encoding="utf-8").splitlines()[0])
    moved = tmp_path / "moved.jsonl"
    moved.write_text(json.dumps({**record, "start": record["start"] + 1}) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="has changed in the corpus"):
        load([moved], SHARED)
    missing = tmp_path / "missing.jsonl"
    missing.write_text(json.dumps({**record, "article": "nope"}) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not found"):
        load([missing], SHARED)


def test_sentences_split_real_articles_at_their_boundaries() -> None:
    article = next(a for a in corpus_articles(SHARED) if "Magnitogorsk" in a.key)
    spans = split_sentences(article.text)
    texts = [article.text[s:e] for s, e in spans]
    assert all(t == t.strip() and t for t in texts)
    assert all(s1 >= e0 for (_, e0), (s1, _) in zip(spans, spans[1:], strict=False))
    assert not any(t.endswith(("Mr.", "U.S.", "Jan.")) for t in texts)
    text = "The U.S. envoy met Mr. Kim on Jan. 3. He left."
    assert [text[s:e] for s, e in split_sentences(text)] == ["The U.S. envoy met Mr. Kim on Jan. 3.", "He left."]


def _sentence(events: list[tuple[tuple[int, int], tuple[int, int], str]]) -> AnnotatedSentence:
    return AnnotatedSentence(
        "s1",
        "c",
        "a",
        None,
        "x" * 60,
        [{"source_span": s, "target_span": t, "event": r, "modality": "asserted"} for s, t, r in events],
        None,
    )


def test_agreement_treats_joint_roots_as_undirected() -> None:
    a = _sentence([((0, 5), (10, 15), "CONSULT"), ((10, 15), (0, 5), "CONSULT"), ((20, 25), (30, 35), "ACCUSE")])
    b = _sentence([((11, 14), (0, 3), "CONSULT"), ((30, 35), (20, 25), "ACCUSE")])
    assert len(match_events(a.events, b.events)) == 1
    scores = agreement([a], [b])
    assert (scores["events_first"], scores["events_second"], scores["matched"]) == (2, 2, 1)


def test_the_double_annotation_agrees_with_the_first() -> None:
    scores = agreement(load([MAIN], SHARED), load([DOUBLE], SHARED))
    assert scores["sentences"] == 200 and scores["triple_f1"] >= 0.6 and scores["has_event_kappa"] >= 0.6


def test_event_dates_refer_to_annotated_events(annotated: list[AnnotatedSentence]) -> None:
    from datetime import date

    by_id = {a.id: a for a in annotated}
    records = [json.loads(line) for line in (ANNOTATIONS / "event_dates.jsonl").read_text().splitlines()]
    assert len(records) >= 200
    precisions = Counter(r["precision"] for r in records)
    assert set(precisions) == {"day", "week", "month", "year", "publication"}
    for r in records:
        sentence = by_id[r["id"]]
        assert sentence.events and r["event"] < len(sentence.events)
        assert (r["expression"] is None) == (r["precision"] == "publication")
        if r["expression"]:
            assert sentence.text[slice(*r["expression"])].strip()
        assert date.fromisoformat(r["date"]) <= date.fromisoformat(r["published"]) or r.get("note")


def _report_keys() -> set[tuple[str, str]]:
    """Every article and every feed item (an item repeated across snapshots: its first file)."""
    import xml.etree.ElementTree as ET

    keys = {(a.corpus, a.key) for a in corpus_articles(SHARED) if not a.corpus.startswith("feeds/")}
    seen: set[str] = set()
    for path in sorted((SHARED / "fixtures/feeds").glob("*.xml")):
        for item in ET.parse(path).iter("item"):
            key = (item.findtext("guid") or item.findtext("link") or "").strip()
            if key and key not in seen:
                seen.add(key)
                keys.add((f"feeds/{path.name}", key))
    return keys


def test_story_groups_refer_to_corpus_reports() -> None:
    keys = _report_keys()
    groups = [json.loads(line) for line in (ANNOTATIONS / "story_groups.jsonl").read_text().splitlines()]
    assert len(groups) >= 40
    for group in groups:
        assert len(group["reports"]) >= 2
        assert all((r["corpus"], r["key"]) in keys for r in group["reports"]), group["group"]
    misses = [json.loads(line) for line in (ANNOTATIONS / "story_near_misses.jsonl").read_text().splitlines()]
    assert misses and all((m[s]["corpus"], m[s]["key"]) in keys for m in misses for s in ("a", "b"))
