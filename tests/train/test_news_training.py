"""`vigil train-news`: the news event model fine-tuned on the annotations and the analysts' corrections."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import copy_store
from vigil.cli.main import app
from vigil.coder.news import STEM
from vigil.store import open_store
from vigil.store.corrections import add_correction

ANNOTATIONS = Path(__file__).resolve().parents[2] / "annotations" / "news_events.jsonl"


def test_train_news_reads_the_annotations_and_the_stores_corrections(reference_db: Path, tmp_path: Path) -> None:
    db = copy_store(reference_db, tmp_path / "seed.db")
    store = open_store(db)
    try:
        wrong = next(e for e in store.events(actor="person:donald-trump", limit=None, min_confidence=0.0))
        add_correction(store, "reject", wrong.id, {}, "raising concerns is no accusation", "tester")
    finally:
        store.close()
    runner = CliRunner()
    exported = tmp_path / "corrections.jsonl"
    assert runner.invoke(app, ["--db", str(db), "correct", "export", "-o", str(exported)]).exit_code == 0
    few = tmp_path / "few.jsonl"  # the first articles' annotated sentences, by reference as the project keeps them
    few.write_text("".join(ANNOTATIONS.read_text(encoding="utf-8").splitlines(keepends=True)[:25]), encoding="utf-8")
    out = tmp_path / "weights"
    args = ["--db", str(db), "train-news", "--corrections", str(exported), "--annotations", str(few)]
    result = runner.invoke(app, [*args, "--no-plv", "--epochs", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["sentences"] == 25 and report["corrections"] == 1, report
    # each event, every no-event pair the parse links and as many others as events, the rejection
    assert report["examples"] >= report["events"] * 2 + 1, report
    assert (out / f"{STEM}.safetensors").stat().st_size > 1_000_000
    meta = json.loads((out / f"{STEM}.json").read_text(encoding="utf-8"))
    assert meta["config"]["epochs"] == 1


def test_train_news_wants_the_store_its_corrections_were_made_on(tmp_path: Path) -> None:
    exported = tmp_path / "corrections.jsonl"
    exported.write_text('{"article": "a", "sentence": 0, "event": false}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "none.db"), "train-news", "--corrections", str(exported)])
    assert result.exit_code != 0
    assert "Give the store with --db PATH" in str(result.exception), result.exception
