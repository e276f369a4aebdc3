"""``vigil eval``'s dispatch: the coder's own training files go to the training report, never scored as is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED
from vigil.coder.coder import EventCoder
from vigil.config import Settings
from vigil.errors import VigilError
from vigil.evaluate.run import evaluate, trained_on

DEV = SHARED / "eval" / "dev"


def test_run_trained_on_knows_the_training_files() -> None:
    coder = EventCoder.load(transformer=False)
    assert trained_on(DEV / "plv_train.events.jsonl", coder)
    assert trained_on(DEV / "cameo_class_train.events.jsonl", coder)
    assert not trained_on(DEV / "news_events.events.jsonl", coder)
    assert not trained_on(DEV / "missing.jsonl", coder)


def test_run_training_file_goes_to_the_training_report(settings: Settings) -> None:
    path = DEV / "plv_train.events.jsonl"
    with pytest.raises(VigilError, match="training data"):
        evaluate(path, "end-to-end", settings)
    calls: list[tuple[str, str]] = []

    def report(p: Path, mode: str, s: Settings) -> dict[str, Any]:
        calls.append((p.name, mode))
        return {"cross_validated": True}

    out = evaluate(path, "end-to-end", settings, training_report=report)
    assert calls == [("plv_train.events.jsonl", "end-to-end")] and out["cross_validated"] is True
