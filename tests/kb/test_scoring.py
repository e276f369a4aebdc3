"""The description scorer, on our golden list and on the shared dev set (read in place)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from vigil.kb.scoring import score_descriptions

GOLDEN = Path(__file__).parent / "golden_descriptions.yaml"
SHARED_DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev" / "actors_from_gold_events.actors.jsonl"


def test_evaluate_golden_descriptions(kb) -> None:
    records = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    assert len(records) >= 80
    report = score_descriptions(kb, records)
    assert report["country"]["accuracy"] >= 0.85, report["errors"]
    assert report["sector"]["accuracy"] >= 0.85, report["errors"]
    assert report["identity"]["accuracy"] >= 0.85, report["errors"]
    assert report["none"]["accuracy"] == 1.0, report["errors"]


@pytest.mark.skipif(not SHARED_DEV.is_file(), reason="shared dev set not available")
def test_evaluate_shared_dev_set(kb) -> None:
    records = [json.loads(line) for line in SHARED_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = score_descriptions(kb, records)
    assert report["records"] == 12
    assert report["country"]["accuracy"] >= 0.85, report["errors"]
    assert report["sector"]["accuracy"] >= 0.85, report["errors"]


def test_evaluate_scoring_rules(kb) -> None:
    records = [
        {"id": "a", "text": "Shona rebels", "context": None, "expect": {"country": "ZWE", "sector": "REBsna"}},
        {"id": "b", "text": "it", "expect": {"none": True}},
        {"id": "c", "text": "Kishida", "date": "2024-01-27", "expect": {"wiki": "Fumio_Kishida"}},
        {"id": "d", "text": "soldiers", "expect": {"country": "USA"}},
    ]
    report = score_descriptions(kb, records)
    assert report["sector"] == {"correct": 1, "total": 1, "accuracy": 1.0}
    assert report["none"]["accuracy"] == 1.0
    assert report["identity"]["accuracy"] == 1.0
    assert report["country"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert report["errors"] == [{"id": "d", "text": "soldiers", "field": "country", "expected": "USA", "got": ""}]
