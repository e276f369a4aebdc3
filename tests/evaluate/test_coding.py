"""End-to-end triple counting and pair labels, on hand-built extractions."""

from __future__ import annotations

from vigil.evaluate.coding import count_end_to_end, end_to_end_report, gold_pair_of, pair_labels
from vigil.models import Event, Extraction, Modality

TEXT = "Japan accused China of lying and met Korea."
RECORD = {
    "id": "r1",
    "text": TEXT,
    "events": [{"source": "Japan", "target": "China", "event": "ACCUSE", "quad": 3}],
}


def _event(src: str, tgt: str, root: str) -> Event:
    s, t = TEXT.index(src), TEXT.index(tgt)
    return Event(
        article_id="r1",
        sentence_index=0,
        date=None,
        source_actor=src,
        target_actor=tgt,
        root=root,
        quad=3,
        cameo=None,
        modality=Modality.ASSERTED,
        confidence=0.9,
        extractor="t",
        source_span=(s, s + len(src)),
        target_span=(t, t + len(tgt)),
    )


def _extraction(*events: Event) -> Extraction:
    return Extraction(
        article_id="r1", extractor="t", sentences=(), mentions=(), events=events, domains=(), tones=(), actors=()
    )


def test_coding_pair_labels_and_gold_pair() -> None:
    x = _extraction(_event("Japan", "China", "REJECT"), _event("Japan", "Korea", "CONSULT"))
    assert pair_labels(RECORD, x) == [1, 0]
    assert gold_pair_of(RECORD, x.events[0]) == RECORD["events"][0]
    assert gold_pair_of(RECORD, x.events[1]) is None


def test_coding_counts_add_up() -> None:
    right = _extraction(_event("Japan", "China", "ACCUSE"), _event("Japan", "Korea", "CONSULT"))
    wrong = _extraction(_event("Japan", "China", "REJECT"))
    c1 = count_end_to_end([RECORD], [right])
    c2 = count_end_to_end([RECORD], [wrong])
    assert (c1["predicted"], c1["matched_pred"], c1["gold"], c1["matched_gold"]) == (2, 1, 1, 1)
    assert (c2["predicted"], c2["matched_pred"]) == (1, 0)
    total = {k: c1[k] + c2[k] for k in c1}
    rep = end_to_end_report(total, 2)
    assert rep["triple"] == {"precision": round(1 / 3, 4), "recall": 0.5, "f1": 0.4}


def test_end_to_end_scores_the_default_view_apart(pipeline) -> None:  # type: ignore[no-untyped-def]
    """`vigil eval --mode end-to-end` reports every event and, apart, the events the default view shows."""
    from tests.conftest import SHARED
    from vigil.evaluate.coding import run_pipeline, score_end_to_end
    from vigil.evaluate.gold import GoldFile, load_gold

    gold = load_gold(SHARED / "eval" / "dev" / "news_events.events.jsonl", SHARED)
    part = GoldFile(gold.path, gold.kind, gold.records[:30])
    report = score_end_to_end(part, pipeline, min_confidence=0.05)
    records = [r for r in part.records if r.get("text")]
    shown = sum(e.confidence >= 0.05 for x in run_pipeline(records, pipeline) for e in x.events)
    assert report["default_view"]["predicted_events"] == shown < report["predicted_events"]


def test_joint_roots_are_undirected_and_the_pair_figures_are_reported() -> None:
    record = {
        "id": "r1",
        "text": TEXT,
        "events": [
            {"source": "Japan", "target": "Korea", "event": "CONSULT", "quad": 1, "modality": "asserted"},
            {"source": "Japan", "target": "China", "event": "ACCUSE", "quad": 3, "modality": "reported"},
        ],
    }
    reverse_joint = _event("Korea", "Japan", "CONSULT")  # "met": either direction is the one event
    reverse_accuse = _event("China", "Japan", "ACCUSE")  # directed: the wrong way round is wrong
    c = count_end_to_end([record], [_extraction(reverse_joint, reverse_accuse)])
    assert (c["matched_gold"], c["pair_found"], c["root_right_on_pair"], c["modality_right"]) == (1, 2, 2, 1)
    rep = end_to_end_report(c, 1)
    assert rep["pairs_proposed"] == 1.0 and rep["root_right_on_found_pairs"] == 1.0
    assert rep["modality_accuracy"] == 1.0 and rep["triple"]["recall"] == 0.5
