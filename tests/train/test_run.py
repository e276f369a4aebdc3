"""The ``vigil train`` command hands its options to :func:`vigil.train.run.train_coder` as typed fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app
from vigil.train.fit import SEED
from vigil.train.run import TrainOptions


def test_train_command_passes_typed_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[TrainOptions] = []

    def fake(options: TrainOptions) -> dict[str, Any]:
        seen.append(options)
        return {"cv": {"root": {"macro_f1": 0.5}}}

    monkeypatch.setattr("vigil.train.run.train_coder", fake)
    out = tmp_path / "report.json"
    args = ["train", "--linear-only", "--no-save", "--cv", "3", "--seed", "7", "--no-pipeline", "--no-cache"]
    done = CliRunner().invoke(app, [*args, "--data-dir", str(tmp_path), "--json", str(out), "--class-balance", "0"])
    assert done.exit_code == 0, done.output
    expected = TrainOptions(
        data_dir=tmp_path,
        folds=3,
        seed=7,
        linear_only=True,
        save=False,
        pipeline=False,
        cache=False,
        class_balance=0.0,
    )
    assert seen == [expected]
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(done.stdout)
    assert CliRunner().invoke(app, ["train", "--data-dir", str(tmp_path)]).exit_code == 0
    assert seen[-1] == TrainOptions(data_dir=tmp_path, seed=SEED)
