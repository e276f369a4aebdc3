"""The event / no-event gate: its file round trip and the packaged gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.coder.gate import EventGate


def test_gate_roundtrip(tmp_path: Path) -> None:
    gate = EventGate({"lex=ACCUSE": 2.0, "lex=none": -2.0}, 0.0, 0.4, "gate-test")
    gate.save(tmp_path)
    again = EventGate.load(tmp_path)
    assert again is not None and again.threshold == 0.4 and again.version == "gate-test"
    p = again.predict([{"lex=ACCUSE": 1.0}, {"lex=none": 1.0}, {}])
    assert p[0] == pytest.approx(1 / (1 + 2.718281828**-2), rel=1e-6)
    assert p[1] < 0.4 < p[0] and p[2] == pytest.approx(0.5)
    assert EventGate.load(tmp_path / "missing") is None


def test_gate_packaged_loads() -> None:
    gate = EventGate.load()
    if gate is None:
        pytest.skip("no packaged gate")
    assert 0.0 < gate.threshold < 1.0 and gate.weights
